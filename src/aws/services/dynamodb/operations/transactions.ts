// TransactWriteItems and TransactGetItems: all-or-nothing, conditions checked before anything is
// written, CancellationReasons in request order, ClientRequestToken idempotency for 10 minutes.
import { createHash } from 'node:crypto';
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import { itemTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { checkIndexKeys, itemKey, requestKey, type EncodedKey, type TableSpec } from '../engine/schema.ts';
import type { PathPart } from '../expressions/ast.ts';
import { checkUpdateTargets, commitWrite, evaluateWrite, itemCollectionMetrics, readItem, writeConsumption, type WriteOutcome, type WriteRequest } from '../engine/items.ts';
import { addConsumption, consumed, readUnits, scaleConsumption, type Consumption } from '../engine/capacity.ts';
import { compileExpressions, precheckExpressionMaps } from '../expressions/request.ts';
import { project } from '../expressions/projection.ts';
import { checkItem, itemSize, MAX_ITEM_SIZE, type Item } from '../values/attribute.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { validation } from '../errors.ts';
import { checks, ENUMS } from './validate.ts';
import { clientTokens } from '../engine/client-tokens.ts';

type H = DynamodbHandlers;

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

export function transactionCanceled(reasons: CancellationReason[]): ServiceError {
  return new ServiceError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, {
    status: 400,
    fields: { CancellationReasons: reasons },
  });
}

/**
 * Checks every condition, then applies every write, in one unit of work; any failed condition
 * cancels the whole transaction with the reasons of every item in order, and nothing is written.
 */
export async function runTransaction(store: DynamoStore, writes: WriteRequest[], now: number): Promise<WriteOutcome[]> {
  const seen = new Set<string>();
  for (const w of writes) {
    const id = `${w.spec.id}|${w.key.hk.toString('base64')}|${w.key.rk.toString('base64')}`;
    if (seen.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
  return await store.atomically(async () => {
    const outcomes: Array<WriteOutcome | undefined> = [];
    const reasons: CancellationReason[] = [];
    let failed = false;
    for (const w of writes) {
      try {
        outcomes.push(await evaluateWrite(store, w));
        reasons.push({ Code: 'None' });
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        failed = true;
        outcomes.push(undefined);
        if (e.code === 'ConditionalCheckFailedException') {
          const r: CancellationReason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
          const item = e.fields?.Item as Item | undefined;
          if (item) r.Item = item;
          reasons.push(r);
        } else if (e.code === 'DuplicateItemException') reasons.push({ Code: 'DuplicateItem', Message: e.message });
        else reasons.push({ Code: 'ValidationError', Message: e.message });
      }
    }
    if (failed) throw transactionCanceled(reasons);
    for (let i = 0; i < writes.length; i++) await commitWrite(store, writes[i], outcomes[i]!, now);
    return outcomes as WriteOutcome[];
  });
}

interface TransactItem {
  ConditionCheck?: Record<string, unknown>;
  Put?: Record<string, unknown>;
  Delete?: Record<string, unknown>;
  Update?: Record<string, unknown>;
}

/** Validates one TransactItems entry and turns it into a write request. */
async function prepare(ctx: Ctx, t: TransactItem): Promise<WriteRequest> {
  const parts = [t.ConditionCheck, t.Put, t.Delete, t.Update].filter((x) => x !== undefined);
  if (parts.length !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
  const op = parts[0] as {
    TableName: string;
    Key?: Item;
    Item?: Item;
    ConditionExpression?: string;
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, Item[string]>;
    ReturnValuesOnConditionCheckFailure?: string;
  };
  const c = checks();
  c.tableName('tableName', op.TableName);
  c.enumValue('returnValuesOnConditionCheckFailure', op.ReturnValuesOnConditionCheckFailure, ENUMS.ReturnValuesOnConditionCheckFailure);
  c.done();
  const exprs = t.Update ? (['UpdateExpression', 'ConditionExpression'] as const) : (['ConditionExpression'] as const);
  precheckExpressionMaps(op, [...exprs], [...exprs]);
  checkItem((op.Item ?? op.Key) as Item);
  const expr = compileExpressions(op, [...exprs]);
  if (t.ConditionCheck && !expr.condition) throw validation('The ConditionExpression parameter is required for a ConditionCheck');
  const spec = await itemTable(ctx, tableNameOf(op.TableName));
  const base = { spec, condition: expr.condition, returnOnFailure: op.ReturnValuesOnConditionCheckFailure };
  if (t.Put) {
    const item = op.Item!;
    const key = itemKey(spec.key, item);
    checkIndexKeys(spec, item);
    const size = itemSize(item);
    if (size > MAX_ITEM_SIZE) throw validation('Item size has exceeded the maximum allowed size');
    return { ...base, key, keyItem: {}, kind: 'put', item, itemSize: size };
  }
  const keyItem = op.Key!;
  const key = requestKey(spec.key, keyItem);
  if (t.Update) {
    checkUpdateTargets(spec, expr.update!.targets);
    return { ...base, key, keyItem, kind: 'update', update: expr.update };
  }
  return { ...base, key, keyItem, kind: t.Delete ? 'delete' : 'check' };
}

export const transactWriteItems: H['TransactWriteItems'] = async (input, ctx) => {
  const c = checks();
  c.length('transactItems', input.TransactItems, 1, 100);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.enumValue('returnItemCollectionMetrics', input.ReturnItemCollectionMetrics, ENUMS.ReturnItemCollectionMetrics);
  if (input.ClientRequestToken !== undefined) c.length('clientRequestToken', input.ClientRequestToken, 1, 36);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const tokens = clientTokens(store, 'TransactWriteItems');
  let tokenKey: string | undefined;
  let hash = '';
  if (input.ClientRequestToken !== undefined) {
    const { ClientRequestToken: _t, ...rest } = input;
    hash = createHash('sha256').update(JSON.stringify(rest, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('base64') : v))).digest('hex');
    tokenKey = `${ctx.account}\0${ctx.region}\0${input.ClientRequestToken}`;
    // A repeat is answered before its items are looked at again (its tables may have changed since).
    const prior = tokens.answer(tokenKey, hash, now);
    if (prior !== undefined) return prior as never;
  }
  const writes: WriteRequest[] = [];
  for (const t of input.TransactItems) writes.push(await prepare(ctx, t as TransactItem));
  const output = await tokens.once(store, tokenKey, hash, now, async () => {
    const outcomes = await runTransaction(store, writes, now);
    const capacity = new Map<TableSpec, Consumption>();
    const metrics: Record<string, unknown[]> = {};
    writes.forEach((w, i) => {
      capacity.set(w.spec, addConsumption(capacity.get(w.spec), scaleConsumption(writeConsumption(w.spec, outcomes[i]), 2)));
      if (w.kind !== 'check') {
        const m = itemCollectionMetrics(w.spec, input.ReturnItemCollectionMetrics, outcomes[i].next ?? outcomes[i].old?.item);
        if (m) (metrics[w.spec.name] ??= []).push(m);
      }
    });
    const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
    return {
      ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined,
      ItemCollectionMetrics: Object.keys(metrics).length ? metrics : undefined,
    };
  });
  return output as never;
};

export const transactGetItems: H['TransactGetItems'] = async (input, ctx) => {
  const c = checks();
  c.length('transactItems', input.TransactItems, 1, 100);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.done();
  const gets: Array<{ spec: TableSpec; key: EncodedKey; paths?: PathPart[][] }> = [];
  for (const t of input.TransactItems) {
    const g = t.Get;
    checks().tableName('tableName', g.TableName).done();
    precheckExpressionMaps(g, [], ['ProjectionExpression']);
    checkItem(g.Key as Item);
    const expr = compileExpressions(g, ['ProjectionExpression']);
    const spec = await itemTable(ctx, tableNameOf(g.TableName));
    gets.push({ spec, key: requestKey(spec.key, g.Key as Item), paths: expr.projection?.map((p) => p.parts) });
  }
  const seen = new Set<string>();
  for (const g of gets) {
    const id = `${g.spec.id}|${g.key.hk.toString('base64')}|${g.key.rk.toString('base64')}`;
    if (seen.has(id)) throw validation('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
  const store: DynamoStore = ctx.state;
  const capacity = new Map<TableSpec, Consumption>();
  // The items are read in one unit: a transaction's reads see no write half done, nor one between them.
  const found = await store.atomically(async () => {
    const out: Array<Awaited<ReturnType<typeof readItem>>> = [];
    for (const g of gets) out.push(await readItem(store, g.spec, g.key));
    return out;
  });
  const Responses = gets.map((g, i) => {
    const f = found[i];
    capacity.set(g.spec, addConsumption(capacity.get(g.spec), { kind: 'read', table: readUnits(f?.size ?? 0, true) * 2 }));
    if (!f) return {};
    return { Item: g.paths ? project(f.item, g.paths) : f.item };
  });
  const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
  return { Responses, ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined } as never;
};

export type { Ctx };
