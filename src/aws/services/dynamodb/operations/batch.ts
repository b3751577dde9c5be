// BatchGetItem and BatchWriteItem.
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import { itemTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { checkIndexKeys, itemKey, requestKey, type TableSpec } from '../engine/schema.ts';
import { commitWrite, evaluateWrite, itemCollectionMetrics, readItem, writeConsumption, type WriteRequest } from '../engine/items.ts';
import { addConsumption, consumed, readUnits, type Consumption } from '../engine/capacity.ts';
import { checkAttributesToGet } from '../engine/legacy.ts';
import { checkNotMixed, compileExpressions, precheckExpressionMaps } from '../expressions/request.ts';
import { pickAttributes, project } from '../expressions/projection.ts';
import { checkItem, itemSize, MAX_ITEM_SIZE, type Item } from '../values/attribute.ts';
import { validation } from '../errors.ts';
import { checks, ENUMS } from './validate.ts';

type H = DynamodbHandlers;
const RESPONSE_LIMIT = 16 * 1024 * 1024;

function keyId(k: { hk: Buffer; rk: Buffer }): string {
  return `${k.hk.toString('base64')}|${k.rk.toString('base64')}`;
}

export const batchGetItem: H['BatchGetItem'] = async (input, ctx) => {
  const c = checks();
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  const tables = Object.entries(input.RequestItems);
  if (tables.length === 0) c.problems.push("Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  for (const [name, r] of tables) {
    c.tableName(`requestItems.${name}.member.tableName`, name);
    c.length(`requestItems.${name}.member.keys`, r.Keys, 1, 100);
    c.length(`requestItems.${name}.member.attributesToGet`, r.AttributesToGet, 1);
  }
  c.done();
  let total = 0;
  for (const [, r] of tables) {
    checkNotMixed(r as never, ['AttributesToGet'], ['ProjectionExpression']);
    precheckExpressionMaps(r, [], ['ProjectionExpression']);
    for (const k of r.Keys) checkItem(k as Item);
    total += r.Keys.length;
    checkAttributesToGet(r.AttributesToGet);
  }
  if (total > 100) throw validation('Too many items requested for the BatchGetItem call');
  const store: DynamoStore = ctx.state;
  const plans = [];
  for (const [name, r] of tables) {
    const expr = compileExpressions(r, ['ProjectionExpression']);
    const spec = await itemTable(ctx, tableNameOf(name));
    const seen = new Set<string>();
    const keys = r.Keys.map((k) => {
      const key = requestKey(spec.key, k as Item);
      const id = keyId(key);
      if (seen.has(id)) throw validation('Provided list of item keys contains duplicates');
      seen.add(id);
      return { key, item: k };
    });
    plans.push({ name, spec, r, keys, paths: expr.projection?.map((p) => p.parts) });
  }
  const Responses: Record<string, Item[]> = {};
  const UnprocessedKeys: Record<string, Record<string, unknown>> = {};
  const capacity = new Map<TableSpec, Consumption>();
  let bytes = 0;
  for (const p of plans) {
    const out: Item[] = (Responses[p.name] = []);
    for (let i = 0; i < p.keys.length; i++) {
      if (bytes > RESPONSE_LIMIT) {
        const rest = p.keys.slice(i).map((k) => k.item);
        UnprocessedKeys[p.name] = { ...p.r, Keys: rest };
        break;
      }
      const found = await readItem(store, p.spec, p.keys[i].key);
      capacity.set(p.spec, addConsumption(capacity.get(p.spec), { kind: 'read', table: readUnits(found?.size ?? 0, !!p.r.ConsistentRead) }));
      if (!found) continue;
      bytes += found.size;
      out.push(p.paths ? project(found.item, p.paths) : p.r.AttributesToGet ? pickAttributes(found.item, p.r.AttributesToGet) : found.item);
    }
  }
  const ConsumedCapacity = [...capacity].map(([spec, c]) => consumed(spec, input.ReturnConsumedCapacity, c)).filter((x) => x);
  return { Responses, UnprocessedKeys, ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined } as never;
};

export const batchWriteItem: H['BatchWriteItem'] = async (input, ctx) => {
  const c = checks();
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.enumValue('returnItemCollectionMetrics', input.ReturnItemCollectionMetrics, ENUMS.ReturnItemCollectionMetrics);
  const tables = Object.entries(input.RequestItems);
  if (tables.length === 0) c.problems.push("Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
  for (const [name, list] of tables) {
    c.tableName(`requestItems.${name}.member.tableName`, name);
    c.length(`requestItems.${name}.member`, list, 1, 25);
  }
  c.done();
  let total = 0;
  for (const [, list] of tables) {
    for (const w of list) {
      if (!!w.PutRequest === !!w.DeleteRequest) throw validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
      checkItem((w.PutRequest?.Item ?? w.DeleteRequest?.Key) as Item);
    }
    total += list.length;
  }
  if (total > 25) throw validation('Too many items requested for the BatchWriteItem call');
  const writes: WriteRequest[] = [];
  for (const [name, list] of tables) {
    const spec = await itemTable(ctx, tableNameOf(name));
    const seen = new Set<string>();
    for (const w of list) {
      let req: WriteRequest;
      if (w.PutRequest) {
        const item = w.PutRequest.Item as Item;
        const key = itemKey(spec.key, item);
        checkIndexKeys(spec, item);
        const size = itemSize(item);
        if (size > MAX_ITEM_SIZE) throw validation('Item size has exceeded the maximum allowed size');
        req = { spec, key, keyItem: {}, kind: 'put', item, itemSize: size };
      } else {
        const k = w.DeleteRequest!.Key as Item;
        req = { spec, key: requestKey(spec.key, k), keyItem: k, kind: 'delete' };
      }
      const id = keyId(req.key);
      if (seen.has(id)) throw validation('Provided list of item keys contains duplicates');
      seen.add(id);
      writes.push(req);
    }
  }
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const capacity = new Map<TableSpec, Consumption>();
  const metrics: Record<string, unknown[]> = {};
  // One unit for the batch: each item's read-decides-write is whole, and the batch costs one commit.
  await store.atomically(async () => {
    for (const w of writes) {
      const o = await evaluateWrite(store, w);
      await commitWrite(store, w, o, now);
      capacity.set(w.spec, addConsumption(capacity.get(w.spec), writeConsumption(w.spec, o)));
      const m = itemCollectionMetrics(w.spec, input.ReturnItemCollectionMetrics, o.next ?? o.old?.item);
      if (m) (metrics[w.spec.name] ??= []).push(m);
    }
  });
  const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
  return {
    UnprocessedItems: {},
    ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined,
    ItemCollectionMetrics: Object.keys(metrics).length ? metrics : undefined,
  } as never;
};

export type { Ctx };
