// The one way an item changes: the row, every index entry, the table's counters, the TTL schedule and
// the stream record, in the caller's unit of work (DynamoStore.atomically).
import { randomBytes } from 'node:crypto';
import type { DynamoStore } from '../store.ts';
import { EMPTY, indexKey, indexesOf, keyAttributes, projectedNames, segmentOf as segOf, type EncodedKey, type TableSpec } from './schema.ts';
import { decodeItem, encodeItem, itemSize, itemToWire, type Item } from '../values/attribute.ts';
import { pickAttributes } from '../expressions/projection.ts';
import { sameItem } from '../expressions/update.ts';
import { parseNumber } from '../values/number.ts';

export interface OldItem {
  item: Item;
  size: number;
}

export interface WriteOptions {
  now: number;
  /** TTL deletions are made by DynamoDB itself, and say so in their stream records. */
  byService?: boolean;
}

/** The TTL of an item in epoch seconds, when TTL is on and the attribute holds a number. */
export function expiryOf(spec: TableSpec, item: Item): number | null {
  if (spec.ttl.status !== 'ENABLED' || !spec.ttl.attribute) return null;
  const v = item[spec.ttl.attribute];
  if (v?.N === undefined) return null;
  const d = parseNumber(v.N);
  if (d.neg || d.digits === '') return null;
  // Whole seconds; a fraction still expires within that second.
  const whole = d.exp >= 0 ? Number(d.digits) * 10 ** d.exp : Math.floor(Number(d.digits) / 10 ** -d.exp);
  return Number.isFinite(whole) ? whole : null;
}

/** Writes an item's change; call it inside a unit that read `old` (it decides counts and indexes). */
export async function writeItem(store: DynamoStore, spec: TableSpec, key: EncodedKey, old: OldItem | undefined, next: Item | undefined, nextSize: number, opts: WriteOptions): Promise<void> {
  if (!old && !next) return;
  if (next) {
    const expires = expiryOf(spec, next);
    await store.putRow(spec.id, key.seg, key.hk, key.rk, encodeItem(next), nextSize, expires);
    store.adjustCounts(spec.id, old ? 0 : 1, nextSize - (old?.size ?? 0));
    // The TTL timer moves once the unit has committed (no timers inside a unit).
    if (expires !== null) store.noteExpiry(expires);
  } else {
    await store.deleteRow(spec.id, key.seg, key.hk, key.rk);
    store.adjustCounts(spec.id, -1, -old!.size);
  }
  for (const index of indexesOf(spec)) {
    if (index.status === 'DELETING') continue;
    const before = old ? indexKey(index, old.item) : undefined;
    const after = next ? indexKey(index, next) : undefined;
    if (before) {
      const seg = index.kind === 'LSI' ? key.seg : segOf(before.hk);
      await store.deleteIndexRow(index.id, seg, before.hk, before.rk, key.hk, key.rk);
      store.adjustIndexCounts(index.id, -1, -projectedSize(spec, index.id, old!.item));
    }
    if (after) {
      const seg = index.kind === 'LSI' ? key.seg : segOf(after.hk);
      const projected = projectEntry(spec, index.id, next!);
      const size = itemSize(projected);
      await store.putIndexRow(index.id, seg, after.hk, after.rk, key.hk, key.rk, encodeItem(projected), size);
      store.adjustIndexCounts(index.id, 1, size);
    }
  }
  if (spec.stream.enabled && spec.stream.arn) await recordChange(store, spec, old?.item, next, opts);
}

function projectEntry(spec: TableSpec, indexId: number, item: Item): Item {
  const index = indexesOf(spec).find((i) => i.id === indexId)!;
  const names = projectedNames(spec, index);
  return names ? pickAttributes(item, names) : item;
}

function projectedSize(spec: TableSpec, indexId: number, item: Item): number {
  return itemSize(projectEntry(spec, indexId, item));
}

/** Adds every existing item to a new index (GSI creation), in the caller's unit or one of its own. */
export async function backfillIndex(store: DynamoStore, spec: TableSpec, index: { id: number }): Promise<void> {
  await store.atomically(async () => {
    for await (const rows of store.allItems(spec.id)) {
      for (const row of rows) {
        await indexExisting(store, spec, index.id, { seg: row.seg, hk: Buffer.from(row.hk), rk: Buffer.from(row.rk) }, decodeItem(row.item));
      }
    }
  });
}

/** Writes an index entry for an existing item (GSI backfill). */
async function indexExisting(store: DynamoStore, spec: TableSpec, indexId: number, key: { seg: number; hk: Buffer; rk: Buffer }, item: Item): Promise<void> {
  const index = indexesOf(spec).find((i) => i.id === indexId)!;
  let k: ReturnType<typeof indexKey>;
  try {
    k = indexKey(index, item);
  } catch {
    // An item whose attribute has the wrong type for the new index is left out, as DynamoDB does.
    return;
  }
  if (!k) return;
  const projected = projectEntry(spec, indexId, item);
  const size = itemSize(projected);
  await store.putIndexRow(index.id, index.kind === 'LSI' ? key.seg : segOf(k.hk), k.hk, k.rk, key.hk, key.rk.length ? key.rk : EMPTY, encodeItem(projected), size);
  store.adjustIndexCounts(index.id, 1, size);
}

// ---------------------------------------------------------------------------------------------
// Stream records

const streamOf = new WeakMap<TableSpec, number>();

async function streamId(store: DynamoStore, spec: TableSpec): Promise<number | undefined> {
  const cached = streamOf.get(spec);
  if (cached !== undefined) return cached;
  const row = await store.stream(spec.stream.arn!);
  if (!row) return undefined;
  streamOf.set(spec, row.id);
  return row.id;
}

async function recordChange(store: DynamoStore, spec: TableSpec, old: Item | undefined, next: Item | undefined, opts: WriteOptions): Promise<void> {
  if (old && next && sameItem(old, next)) return;
  const id = await streamId(store, spec);
  if (id === undefined) return;
  const view = spec.stream.viewType ?? 'NEW_AND_OLD_IMAGES';
  const keys = keyAttributes(spec.key, (next ?? old)!);
  const dynamodb: Record<string, unknown> = {
    ApproximateCreationDateTime: Math.floor(opts.now / 1000),
    Keys: itemToWire(keys),
  };
  let size = itemSize(keys);
  if (next && (view === 'NEW_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
    dynamodb.NewImage = itemToWire(next);
    size += itemSize(next);
  }
  if (old && (view === 'OLD_IMAGE' || view === 'NEW_AND_OLD_IMAGES')) {
    dynamodb.OldImage = itemToWire(old);
    size += itemSize(old);
  }
  dynamodb.SizeBytes = size;
  dynamodb.StreamViewType = view;
  const record: Record<string, unknown> = {
    eventID: randomBytes(16).toString('hex'),
    eventName: !old ? 'INSERT' : !next ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: spec.region,
    dynamodb,
  };
  if (opts.byService) record.userIdentity = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };
  await store.appendRecord(id, opts.now, JSON.stringify(record));
}

/** Forgets cached stream ids (when a table's stream changes). */
export function forgetStream(spec: TableSpec): void {
  streamOf.delete(spec);
}
