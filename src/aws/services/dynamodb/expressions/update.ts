// Applying an update expression. Every SET value is computed from the item as it was before the
// update (so SET a = b, b = a swaps), then SET, REMOVE, ADD and DELETE are applied to a copy.
import type { Operand, PathPart, UpdateAst } from './ast.ts';
import { getPath } from './evaluate.ts';
import { validation } from '../errors.ts';
import { cloneItem, cloneValue, equalValues, type AttributeValue, type Item } from '../values/attribute.ts';
import { addNumbers, compareNumbers } from '../values/number.ts';
import { setOwn } from '../../../../core/records.ts';

export const MISSING_ATTRIBUTE = 'The provided expression refers to an attribute that does not exist in the item';
export const WRONG_OPERAND_TYPE = 'An operand in the update expression has an incorrect data type';
export const INVALID_DOCUMENT_PATH = 'The document path provided in the update expression is invalid for update';

function setValue(o: Operand, item: Item): AttributeValue {
  switch (o.type) {
    case 'path': {
      const v = getPath(item, o.parts);
      if (!v) throw validation(MISSING_ATTRIBUTE);
      return v;
    }
    case 'value':
      return o.value!;
    case 'call': {
      if (o.name === 'if_not_exists') {
        const p = o.args[0];
        const v = p.type === 'path' ? getPath(item, p.parts) : undefined;
        return v ?? setValue(o.args[1], item);
      }
      // list_append
      const a = setValue(o.args[0], item);
      const b = setValue(o.args[1], item);
      if (!a.L || !b.L) throw validation(WRONG_OPERAND_TYPE);
      return { L: [...a.L, ...b.L] };
    }
    case 'arith': {
      const a = setValue(o.left, item);
      const b = setValue(o.right, item);
      if (a.N === undefined || b.N === undefined) throw validation(WRONG_OPERAND_TYPE);
      return { N: addNumbers(a.N, b.N, o.op === '-') };
    }
  }
}

/** The container a path's last part lives in, or an invalid-path error. */
function parentOf(item: Item, parts: readonly PathPart[]): { map?: Record<string, AttributeValue>; list?: AttributeValue[]; last: PathPart } {
  const last = parts[parts.length - 1];
  if (parts.length === 1) return { map: item, last };
  const parent = getPath(item, parts.slice(0, -1));
  if (last.kind === 'attr' && parent?.M) return { map: parent.M, last };
  if (last.kind === 'index' && parent?.L) return { list: parent.L, last };
  throw validation(INVALID_DOCUMENT_PATH);
}

export function setAt(item: Item, parts: readonly PathPart[], value: AttributeValue): void {
  const { map, list, last } = parentOf(item, parts);
  if (map) setOwn(map, (last as { name: string }).name, value);
  else {
    const i = (last as { index: number }).index;
    if (i >= list!.length) list!.push(value);
    else list![i] = value;
  }
}

function removeAt(item: Item, parts: readonly PathPart[]): void {
  const { map, list, last } = parentOf(item, parts);
  if (map) delete map[(last as { name: string }).name];
  else {
    const i = (last as { index: number }).index;
    if (i < list!.length) list!.splice(i, 1);
  }
}

function unionSet(cur: AttributeValue, add: AttributeValue): AttributeValue {
  if (cur.SS && add.SS) return { SS: [...cur.SS, ...add.SS.filter((x) => !cur.SS!.includes(x))] };
  if (cur.NS && add.NS) return { NS: [...cur.NS, ...add.NS.filter((x) => !cur.NS!.some((y) => compareNumbers(x, y) === 0))] };
  if (cur.BS && add.BS) return { BS: [...cur.BS, ...add.BS.filter((x) => !cur.BS!.some((y) => y.equals(x)))] };
  throw validation(WRONG_OPERAND_TYPE);
}

function subtractSet(cur: AttributeValue, del: AttributeValue): AttributeValue | undefined {
  let rest: AttributeValue;
  if (cur.SS && del.SS) rest = { SS: cur.SS.filter((x) => !del.SS!.includes(x)) };
  else if (cur.NS && del.NS) rest = { NS: cur.NS.filter((x) => !del.NS!.some((y) => compareNumbers(x, y) === 0)) };
  else if (cur.BS && del.BS) rest = { BS: cur.BS.filter((x) => !del.BS!.some((y) => y.equals(x))) };
  else throw validation(WRONG_OPERAND_TYPE);
  return (rest.SS ?? rest.NS ?? rest.BS)!.length ? rest : undefined;
}

export function applyUpdate(ast: UpdateAst, old: Item): Item {
  const values = ast.set.map((a) => setValue(a.value, old));
  const item = cloneItem(old);
  ast.set.forEach((a, i) => setAt(item, a.path.parts, cloneValue(values[i])));
  // List elements are removed highest index first, so every index means what it meant before.
  const removals = [...ast.remove].sort((a, b) => {
    const x = a.parts[a.parts.length - 1];
    const y = b.parts[b.parts.length - 1];
    return x.kind === 'index' && y.kind === 'index' ? y.index - x.index : 0;
  });
  for (const p of removals) removeAt(item, p.parts);
  for (const a of ast.add) {
    const add = a.value.value!;
    const cur = getPath(item, a.path.parts);
    if (!cur) setAt(item, a.path.parts, cloneValue(add));
    else if (cur.N !== undefined) {
      if (add.N === undefined) throw validation(WRONG_OPERAND_TYPE);
      setAt(item, a.path.parts, { N: addNumbers(cur.N, add.N) });
    } else setAt(item, a.path.parts, unionSet(cur, add));
  }
  for (const d of ast.delete) {
    const cur = getPath(item, d.path.parts);
    if (!cur) {
      parentOf(item, d.path.parts);
      continue;
    }
    const rest = subtractSet(cur, d.value.value!);
    if (rest) setAt(item, d.path.parts, rest);
    else removeAt(item, d.path.parts);
  }
  return item;
}

/** Whether two items are the same (a write that changes nothing emits no stream record). */
export function sameItem(a: Item, b: Item): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equalValues(a[k], b[k]));
}
