// Running PartiQL statements on the same engine as the item operations: SELECT becomes a Query when
// the WHERE clause fixes the partition key (else a Scan), INSERT a conditional put, UPDATE and DELETE
// writes on the key the WHERE clause names.
import type { Condition, PathNode, UpdateAst } from '../expressions/ast.ts';
import type { DynamoStore, ItemRow } from '../store.ts';
import type { Ctx } from '../engine/tables.ts';
import { itemTable } from '../engine/tables.ts';
import { EMPTY, findIndex, itemKey, requestKey, segmentOf, checkIndexKeys, type IndexSpec, type KeyDef, type TableSpec } from '../engine/schema.ts';
import { collect, indexCursor, readConsumption, rowCursor, scanCursor, scanIndexCursor, sortCursor, type ReadPlan } from '../engine/read.ts';
import { checkUpdateTargets, type WriteRequest } from '../engine/items.ts';
import { checkPathsDisjoint } from '../expressions/check.ts';
import { ExpressionError } from '../expressions/parser.ts';
import { validation } from '../errors.ts';
import { checkItem, encodeKeyValue, itemFromWire, itemSize, itemToWire, MAX_ITEM_SIZE, typeOf, type AttributeValue, type Item } from '../values/attribute.ts';
import type { SelectStatement, Statement, UpdateStatement } from './parser.ts';
import type { Consumption } from '../engine/capacity.ts';
import { keyTokens } from '../page-tokens.ts';

const span = { tokStart: 0, tokEnd: 0, parens: 0 };

function conjuncts(c: Condition | undefined): Condition[] {
  if (!c) return [];
  return c.type === 'and' ? [...conjuncts(c.left), ...conjuncts(c.right)] : [c];
}

function and(list: Condition[]): Condition | undefined {
  return list.length ? list.reduce((a, b) => ({ type: 'and', left: a, right: b, ...span })) : undefined;
}

/** `attr = value` in the WHERE clause's top-level conjunction. */
function equalityOn(where: Condition | undefined, attr: string): { value: AttributeValue; cond: Condition } | undefined {
  for (const c of conjuncts(where)) {
    if (c.type !== 'compare' || c.op !== '=') continue;
    const [p, v] = c.left.type === 'path' ? [c.left, c.right] : [c.right, c.left];
    if (p.type === 'path' && p.parts.length === 1 && (p.parts[0] as { name: string }).name === attr && v.type === 'value') return { value: v.value!, cond: c };
  }
  return undefined;
}

/** The primary key the WHERE clause names with equalities, and the rest of the clause. */
export function keyFromWhere(spec: TableSpec, where: Condition): { key: Item; rest?: Condition } {
  const h = equalityOn(where, spec.key.hash);
  const r = spec.key.range ? equalityOn(where, spec.key.range) : undefined;
  if (!h || (spec.key.range && !r)) throw validation('Where clause does not contain a mandatory equality on all key attributes');
  const key: Item = { [spec.key.hash]: h.value };
  if (r) key[spec.key.range!] = r.value;
  const used = new Set([h.cond, r?.cond]);
  return { key, rest: and(conjuncts(where).filter((c) => !used.has(c))) };
}

function path(name: string): PathNode {
  return { type: 'path', parts: [{ kind: 'attr', name, raw: name }], ...span };
}

function exists(name: string): Condition {
  return { type: 'func', call: { type: 'call', name: 'attribute_exists', args: [path(name)], ...span }, ...span };
}

function notExists(name: string): Condition {
  return { type: 'func', call: { type: 'call', name: 'attribute_not_exists', args: [path(name)], ...span }, ...span };
}

function updateAst(st: UpdateStatement): UpdateAst {
  const ast: UpdateAst = { set: [], remove: [...st.remove], add: [], delete: [], targets: [], sections: [] };
  for (const s of st.set) {
    const v = s.value;
    if (v.kind === 'value') ast.set.push({ path: s.path, value: v.operand });
    else if (v.kind === 'arith') ast.set.push({ path: s.path, value: { type: 'arith', op: v.op, left: v.left, right: v.right, ...span } });
    else if (v.name === 'list_append') ast.set.push({ path: s.path, value: { type: 'call', name: 'list_append', args: v.args, ...span } });
    else {
      const [target, operand] = v.args;
      if (operand.type !== 'value' || target.type !== 'path' || JSON.stringify(target.parts) !== JSON.stringify(s.path.parts)) {
        throw validation(`${v.name} must add to or delete from the attribute it sets, with a set value`);
      }
      (v.name === 'set_add' ? ast.add : ast.delete).push({ path: s.path, value: operand });
    }
  }
  ast.targets = [...ast.set.map((a) => a.path), ...ast.remove, ...ast.add.map((a) => a.path), ...ast.delete.map((a) => a.path)];
  try {
    checkPathsDisjoint(ast.targets);
  } catch (e) {
    if (e instanceof ExpressionError) throw validation(e.message);
    throw e;
  }
  ast.sections = ['SET', 'REMOVE', 'ADD', 'DELETE'];
  return ast;
}

/** A write statement (INSERT, UPDATE, DELETE, EXISTS) as a write request on one item. */
export async function writeRequestOf(ctx: Ctx, st: Statement, returnOnFailure?: string): Promise<WriteRequest> {
  if (st.kind === 'select') throw validation('Unsupported operation: SELECT is not a write');
  if (st.kind === 'insert') {
    checkItem(st.item);
    const spec = await itemTable(ctx, st.table);
    const key = itemKey(spec.key, st.item);
    checkIndexKeys(spec, st.item);
    const size = itemSize(st.item);
    if (size > MAX_ITEM_SIZE) throw validation('Item size has exceeded the maximum allowed size');
    return { spec, key, keyItem: {}, kind: 'put', item: st.item, itemSize: size, condition: notExists(spec.key.hash), duplicateOnFailure: true };
  }
  if (st.kind === 'exists') {
    const spec = await itemTable(ctx, st.select.table);
    if (!st.select.where) throw validation('Where clause does not contain a mandatory equality on all key attributes');
    const { key, rest } = keyFromWhere(spec, st.select.where);
    const base = st.not ? notExists(spec.key.hash) : exists(spec.key.hash);
    const condition = st.not ? (rest ? { type: 'or' as const, left: base, right: { type: 'not' as const, cond: rest, ...span }, ...span } : base) : (and([base, ...conjuncts(rest)]) as Condition);
    return { spec, key: requestKey(spec.key, key), keyItem: key, kind: 'check', condition, returnOnFailure };
  }
  const spec = await itemTable(ctx, st.table);
  const { key, rest } = keyFromWhere(spec, st.where);
  const encoded = requestKey(spec.key, key);
  if (st.kind === 'delete') return { spec, key: encoded, keyItem: key, kind: 'delete', condition: rest, returnOnFailure };
  const update = updateAst(st);
  checkUpdateTargets(spec, update.targets);
  return { spec, key: encoded, keyItem: key, kind: 'update', update, condition: and([exists(spec.key.hash), ...conjuncts(rest)]), returnOnFailure };
}

/** A SELECT that names one item by its full primary key (batch and transaction reads). */
export async function pointRead(ctx: Ctx, st: SelectStatement): Promise<{ spec: TableSpec; key: Item; rest?: Condition }> {
  const spec = await itemTable(ctx, st.table);
  if (st.index || !st.where) throw validation('Where clause does not contain a mandatory equality on all key attributes');
  return { spec, ...keyFromWhere(spec, st.where) };
}

export interface SelectOutcome {
  items: Item[];
  lastKey?: Item;
  consumption: Consumption;
  spec: TableSpec;
}

async function decodeToken(ctx: Ctx, token: string | undefined): Promise<Item | undefined> {
  const key = await keyTokens.read(ctx, token);
  if (key === undefined) return undefined;
  try {
    return itemFromWire(key);
  } catch {
    throw validation('Invalid NextToken');
  }
}

export async function encodeToken(ctx: Ctx, key: Item): Promise<string> {
  return await keyTokens.issue(ctx, itemToWire(key) as Record<string, unknown>);
}

export async function runSelect(ctx: Ctx, st: SelectStatement, opts: { limit?: number; nextToken?: string; consistent?: boolean }): Promise<SelectOutcome> {
  const store: DynamoStore = ctx.state;
  const spec = await itemTable(ctx, st.table);
  let index: IndexSpec | undefined;
  if (st.index !== undefined) {
    index = findIndex(spec, st.index);
    if (!index) throw validation(`The table does not have the specified index: ${st.index}`);
    if (index.kind === 'GSI' && opts.consistent) throw validation('Consistent reads are not supported on global secondary indexes');
  }
  const key: KeyDef = index ? index.key : spec.key;
  const start = await decodeToken(ctx, opts.nextToken);
  const hash = equalityOn(st.where, key.hash);
  if (st.orderBy && (!hash || st.orderBy.path !== key.range)) {
    throw validation('Must have WHERE clause in the statement with an equality on the partition key when using ORDER BY clause, and ORDER BY the sort key');
  }
  const plan: ReadPlan = {
    spec, index, filter: st.where, consistent: !!opts.consistent, limit: opts.limit,
    select: st.paths ? 'SPECIFIC_ATTRIBUTES' : index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES',
    paths: st.paths,
  };
  const forward = !st.orderBy?.desc;
  let rows: AsyncIterable<ItemRow[]> | Iterable<ItemRow[]>;
  const page = opts.limit ? Math.min(opts.limit, 1000) : 100;
  const enc = (v: AttributeValue | undefined) => (v ? encodeKeyValue(v) : EMPTY);
  if (hash) {
    if (typeOf(hash.value) !== key.hashType) return { items: [], consumption: { kind: 'read', table: 0.5 }, spec };
    const hk = encodeKeyValue(hash.value);
    const seg = segmentOf(hk);
    rows = index
      ? store.indexPartition(index.id, seg, hk, {}, forward, start && indexCursor(spec, index)(start), rowCursor(indexCursor(spec, index)), page)
      : store.partition(spec.id, seg, hk, {}, forward, start && key.range ? enc(start[key.range]) : undefined, rowCursor(sortCursor(spec.key)), page);
    if (start && !index && !key.range) rows = [];
  } else if (index) {
    rows = store.scanIndex(index.id, 0, 2 ** 32, start && scanIndexCursor(spec, index)(start), rowCursor(scanIndexCursor(spec, index)), page);
  } else {
    rows = store.scan(spec.id, 0, 2 ** 32, start && scanCursor(spec)(start), rowCursor(scanCursor(spec)), page);
  }
  const r = await collect(store, plan, rows);
  return { items: r.items, lastKey: r.lastKey, consumption: readConsumption(plan, r), spec };
}
