// Query and Scan execution: walk an index range of the table or of a secondary index, stop at Limit
// or after 1 MB read, filter, project, and report where to continue (LastEvaluatedKey).
import type { Condition, Operand, PathPart } from '../expressions/ast.ts';
import type { DynamoStore, IndexCursor, ItemRow, ScanCursor, ScanIndexCursor } from '../store.ts';
import { evalCondition } from '../expressions/evaluate.ts';
import { pickAttributes, project } from '../expressions/projection.ts';
import { EMPTY, projectedNames, segmentOf, type IndexSpec, type TableSpec } from './schema.ts';
import { readUnits, type Consumption } from './capacity.ts';
import { decodeItem, encodeKeyValue, type Item } from '../values/attribute.ts';
import { validation } from '../errors.ts';
import { setOwn } from '../../../../core/records.ts';

export const PAGE_BYTES = 1024 * 1024;

export interface ReadPlan {
  spec: TableSpec;
  index?: IndexSpec;
  filter?: Condition;
  /** ProjectionExpression paths, or AttributesToGet names. */
  paths?: PathPart[][];
  names?: string[];
  select: string;
  limit?: number;
  consistent: boolean;
}

export interface ReadResult {
  items: Item[];
  count: number;
  scanned: number;
  lastKey?: Item;
  bytes: number;
  tableBytes: number;
}

/** The key attributes LastEvaluatedKey carries: the table's, and the index's when reading one. */
export function pageKey(spec: TableSpec, index: IndexSpec | undefined, item: Item): Item {
  const out: Item = {};
  const add = (n: string | undefined) => {
    if (n && Object.hasOwn(item, n)) setOwn(out, n, item[n]);
  };
  add(spec.key.hash);
  add(spec.key.range);
  if (index) {
    add(index.key.hash);
    add(index.key.range);
  }
  return out;
}

/** Whether reading an LSI needs the table's item (attributes outside the index projection). */
function needsTableItem(plan: ReadPlan): boolean {
  const ix = plan.index;
  if (!ix || ix.kind !== 'LSI') return false;
  const projected = projectedNames(plan.spec, ix);
  if (!projected) return false;
  if (plan.select === 'ALL_ATTRIBUTES') return true;
  const wanted = plan.paths ? plan.paths.map((p) => (p[0] as { name: string }).name) : plan.names;
  return !!wanted?.some((n) => !projected.has(n));
}

// Where to continue after an item, in each ordering the store reads in. Keys are recomputed from the
// item (its key attributes are always stored or projected) rather than read back as BLOB columns.

const enc = (item: Item, name: string | undefined): Buffer => (name && item[name] ? encodeKeyValue(item[name]) : EMPTY);

export function sortCursor(key: { range?: string }): (item: Item) => Buffer {
  return (item) => enc(item, key.range);
}

export function indexCursor(spec: TableSpec, index: IndexSpec): (item: Item) => IndexCursor {
  return (item) => ({ rk: enc(item, index.key.range), thk: enc(item, spec.key.hash), trk: enc(item, spec.key.range) });
}

export function scanCursor(spec: TableSpec): (item: Item) => ScanCursor {
  return (item) => {
    const hk = enc(item, spec.key.hash);
    return { seg: segmentOf(hk), hk, rk: enc(item, spec.key.range) };
  };
}

export function scanIndexCursor(spec: TableSpec, index: IndexSpec): (item: Item) => ScanIndexCursor {
  return (item) => {
    const hk = enc(item, index.key.hash);
    const thk = enc(item, spec.key.hash);
    return { seg: index.kind === 'LSI' ? segmentOf(thk) : segmentOf(hk), hk, rk: enc(item, index.key.range), thk, trk: enc(item, spec.key.range) };
  };
}

/** Adapts an item cursor to the stored rows the store pages over. */
export function rowCursor<T>(fn: (item: Item) => T): (row: ItemRow) => T {
  return (row) => fn(decodeItem(row.item));
}

/** Walks pages of rows (as the store reads them) until Limit or 1 MB, filtering and projecting. */
export async function collect(store: DynamoStore, plan: ReadPlan, pages: AsyncIterable<ItemRow[]> | Iterable<ItemRow[]>): Promise<ReadResult> {
  const out: ReadResult = { items: [], count: 0, scanned: 0, bytes: 0, tableBytes: 0 };
  const fetch = needsTableItem(plan);
  const countOnly = plan.select === 'COUNT';
  pages: for await (const rows of pages) {
    for (const row of rows) {
      out.scanned++;
      out.bytes += row.size;
      let item = countOnly && !plan.filter ? undefined : decodeItem(row.item);
      if (fetch && item) {
        const thk = enc(item, plan.spec.key.hash);
        const t = await store.getRow(plan.spec.id, segmentOf(thk), thk, enc(item, plan.spec.key.range));
        if (t) {
          item = decodeItem(t.item);
          out.tableBytes += t.size;
        }
      }
      if (!plan.filter || evalCondition(plan.filter, item!)) {
        out.count++;
        if (!countOnly) {
          const shown = plan.paths ? project(item!, plan.paths) : plan.names ? pickAttributes(item!, plan.names) : item!;
          out.items.push(shown);
        }
      }
      if ((plan.limit !== undefined && out.scanned >= plan.limit) || out.bytes >= PAGE_BYTES) {
        out.lastKey = pageKey(plan.spec, plan.index, item ?? decodeItem(row.item));
        break pages;
      }
    }
  }
  return out;
}

export function readConsumption(plan: ReadPlan, r: ReadResult): Consumption {
  const units = readUnits(r.bytes, plan.consistent);
  if (!plan.index) return { kind: 'read', table: units };
  const c: Consumption = { kind: 'read', table: r.tableBytes ? readUnits(r.tableBytes, plan.consistent) : 0 };
  if (plan.index.kind === 'GSI') c.gsis = { [plan.index.name]: units };
  else c.lsis = { [plan.index.name]: units };
  return c;
}

function* pathsIn(c: Condition): Generator<PathPart[]> {
  const operand = function* (o: Operand): Generator<PathPart[]> {
    if (o.type === 'path') yield o.parts;
    else if (o.type === 'call') for (const a of o.args) yield* operand(a);
    else if (o.type === 'arith') {
      yield* operand(o.left);
      yield* operand(o.right);
    }
  };
  switch (c.type) {
    case 'compare': yield* operand(c.left); yield* operand(c.right); return;
    case 'between': yield* operand(c.operand); yield* operand(c.low); yield* operand(c.high); return;
    case 'in': yield* operand(c.operand); for (const x of c.list) yield* operand(x); return;
    case 'func': yield* operand(c.call); return;
    case 'and': case 'or': yield* pathsIn(c.left); yield* pathsIn(c.right); return;
    case 'not': yield* pathsIn(c.cond); return;
  }
}

/** Query filters may not test the key being queried. */
export function checkQueryFilter(filter: Condition, keyNames: string[]): void {
  for (const p of pathsIn(filter)) {
    const name = (p[0] as { name: string }).name;
    if (keyNames.includes(name)) throw validation(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${name}`);
  }
}

/** Scan filters may test keys, but only whole. */
export function checkScanFilter(filter: Condition, keyNames: string[]): void {
  for (const p of pathsIn(filter)) {
    const name = (p[0] as { name: string }).name;
    if (p.length > 1 && keyNames.includes(name)) {
      throw validation(`Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: ${name}`);
    }
  }
}
