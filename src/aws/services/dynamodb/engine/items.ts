// Single-item writes and reads, shared by PutItem, UpdateItem, DeleteItem, the batch and transaction
// operations and PartiQL: prepare (validate against the table), evaluate (read the current item,
// check the condition, compute the new item), commit (write it).
import type { Condition, PathNode, UpdateAst } from '../expressions/ast.ts';
import type { DynamoStore } from '../store.ts';
import { evalCondition } from '../expressions/evaluate.ts';
import { applyUpdate } from '../expressions/update.ts';
import { project } from '../expressions/projection.ts';
import { applyAttributeUpdates, type AttributeUpdate } from './legacy.ts';
import { checkIndexKeys, indexKey, indexesOf, type EncodedKey, type TableSpec } from './schema.ts';
import { writeItem, type OldItem } from './write.ts';
import { readUnits, writeUnits, type Consumption } from './capacity.ts';
import { conditionalCheckFailed, tableNotFound, validation } from '../errors.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { checkItemNesting, decodeItem, itemSize, MAX_ITEM_SIZE, type Item } from '../values/attribute.ts';

export interface WriteRequest {
  spec: TableSpec;
  key: EncodedKey;
  /** The key attributes (an UpdateItem on a missing item starts from them). */
  keyItem: Item;
  kind: 'put' | 'update' | 'delete' | 'check';
  item?: Item;
  itemSize?: number;
  update?: UpdateAst;
  attributeUpdates?: Record<string, AttributeUpdate>;
  condition?: Condition;
  returnOnFailure?: string;
  /** PartiQL INSERT: a failed condition means the key is taken. */
  duplicateOnFailure?: boolean;
}

export interface WriteOutcome {
  old?: OldItem;
  next?: Item;
  nextSize: number;
}

export async function readItem(store: DynamoStore, spec: TableSpec, key: EncodedKey): Promise<OldItem | undefined> {
  const row = await store.getRow(spec.id, key.seg, key.hk, key.rk);
  return row ? { item: decodeItem(row.item), size: row.size } : undefined;
}

/** Checks that an update touches no key attribute, and only whole values of index keys. */
export function checkUpdateTargets(spec: TableSpec, targets: PathNode[] | string[]): void {
  const keyNames = new Set([spec.key.hash, ...(spec.key.range ? [spec.key.range] : [])]);
  const indexKeys = new Set(indexesOf(spec).flatMap((i) => i.keySchema.map((k) => k.AttributeName)));
  for (const t of targets) {
    const first = typeof t === 'string' ? t : (t.parts[0] as { name: string }).name;
    if (keyNames.has(first)) throw validation(`One or more parameter values were invalid: Cannot update attribute ${first}. This attribute is part of the key`);
    if (typeof t !== 'string' && t.parts.length > 1 && indexKeys.has(first)) {
      throw validation(`Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: ${first}`);
    }
  }
}

/**
 * Reads the current item, checks the condition and computes the new one (nothing is written). Call
 * it in the unit that commits the outcome: the item read is the one the write replaces. The table is
 * looked up again there, as it is now (a DeleteTable or a new index may have come in between).
 */
export async function evaluateWrite(store: DynamoStore, w: WriteRequest): Promise<WriteOutcome> {
  w.spec = await liveTable(store, w.spec);
  const old = await readItem(store, w.spec, w.key);
  if (w.condition && !evalCondition(w.condition, old?.item ?? {})) {
    if (w.duplicateOnFailure) throw new ServiceError('DuplicateItemException', 'Duplicate primary key exists in table', 400);
    throw conditionalCheckFailed(w.returnOnFailure === 'ALL_OLD' ? old?.item : undefined);
  }
  switch (w.kind) {
    case 'check':
      return { old, next: old?.item, nextSize: old?.size ?? 0 };
    case 'delete':
      return { old, next: undefined, nextSize: 0 };
    case 'put':
      return { old, next: w.item, nextSize: w.itemSize ?? itemSize(w.item!) };
    case 'update': {
      const base = old?.item ?? w.keyItem;
      const next = w.update ? applyUpdate(w.update, base) : w.attributeUpdates ? applyAttributeUpdates(w.attributeUpdates, base) : { ...base };
      const nextSize = itemSize(next);
      if (nextSize > MAX_ITEM_SIZE) throw validation('Item size to update has exceeded the maximum allowed size');
      // SET a.b.c = :deep can push a value that was within the limit past it once placed in the item.
      checkItemNesting(next);
      checkIndexKeys(w.spec, next);
      return { old, next, nextSize };
    }
  }
}

/** The table a write was prepared against, as it is now; gone (or going) is ResourceNotFound. */
async function liveTable(store: DynamoStore, spec: TableSpec): Promise<TableSpec> {
  const now = store.cachedTableById(spec.id) ?? (await store.tableById(spec.id));
  if (!now || now.status === 'DELETING' || now.status === 'CREATING') throw tableNotFound();
  return now;
}

export async function commitWrite(store: DynamoStore, w: WriteRequest, o: WriteOutcome, now: number): Promise<void> {
  if (w.kind === 'check') return;
  if (w.kind === 'delete' && !o.old) return;
  await writeItem(store, w.spec, w.key, o.old, o.next, o.nextSize, { now });
}

/**
 * A single-item write as one unit of work: the item read, the condition checked on it, the new item
 * computed from it (UpdateItem's read-modify-write), and the row, index entries, stream record and
 * count change written.
 */
export async function writeOne(store: DynamoStore, w: WriteRequest, now: number): Promise<WriteOutcome> {
  return await store.atomically(async () => {
    const out = await evaluateWrite(store, w);
    await commitWrite(store, w, out, now);
    return out;
  });
}

/** Write capacity of one item write, table and indexes. */
export function writeConsumption(spec: TableSpec, o: WriteOutcome): Consumption {
  const c: Consumption = { kind: 'write', table: writeUnits(Math.max(o.old?.size ?? 0, o.nextSize)) };
  for (const index of indexesOf(spec)) {
    const before = o.old ? safeIndexKey(index, o.old.item) : undefined;
    const after = o.next ? safeIndexKey(index, o.next) : undefined;
    if (!before && !after) continue;
    let units = 0;
    if (before) units += 1;
    if (after) units = before && Buffer.compare(before.hk, after.hk) === 0 && Buffer.compare(before.rk, after.rk) === 0 ? writeUnits(itemSize(o.next!)) : units + writeUnits(itemSize(o.next!));
    const bucket = index.kind === 'GSI' ? (c.gsis ??= {}) : (c.lsis ??= {});
    bucket[index.name] = (bucket[index.name] ?? 0) + units;
  }
  return c;
}

function safeIndexKey(index: Parameters<typeof indexKey>[0], item: Item) {
  try {
    return indexKey(index, item);
  } catch {
    return undefined;
  }
}

export function readConsumption(bytes: number, consistent: boolean): Consumption {
  return { kind: 'read', table: readUnits(bytes, consistent) };
}

/** Attributes for ReturnValues on UpdateItem. */
export function updateReturnValues(mode: string | undefined, w: WriteRequest, o: WriteOutcome): Item | undefined {
  switch (mode) {
    case 'ALL_OLD': return o.old?.item;
    case 'ALL_NEW': return o.next;
    case 'UPDATED_OLD':
    case 'UPDATED_NEW': {
      const source = mode === 'UPDATED_OLD' ? o.old?.item : o.next;
      if (!source) return undefined;
      const paths = w.update ? w.update.targets.map((t) => t.parts) : Object.keys(w.attributeUpdates ?? {}).map((n) => [{ kind: 'attr' as const, name: n, raw: n }]);
      const out = project(source, paths);
      return Object.keys(out).length ? out : undefined;
    }
    default: return undefined;
  }
}

/** ItemCollectionMetrics for tables with local secondary indexes. */
export function itemCollectionMetrics(spec: TableSpec, mode: string | undefined, item: Item | undefined): Record<string, unknown> | undefined {
  if (mode !== 'SIZE' || !spec.lsis.length || !item) return undefined;
  return { ItemCollectionKey: { [spec.key.hash]: item[spec.key.hash] }, SizeEstimateRangeGB: [0, 1] };
}
