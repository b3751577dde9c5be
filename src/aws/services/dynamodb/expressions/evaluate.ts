// Evaluating resolved conditions against an item, with DynamoDB's semantics: comparisons between
// different types are false rather than errors, `<>` holds when the attribute is absent.
import type { Condition, Operand, PathNode, PathPart } from './ast.ts';
import { compareScalars, containsValue, equalValues, typeOf, type AttributeValue, type Item } from '../values/attribute.ts';

export function getPath(item: Item, parts: readonly PathPart[]): AttributeValue | undefined {
  const first = parts[0];
  if (first.kind !== 'attr') return undefined;
  let cur: AttributeValue | undefined = Object.hasOwn(item, first.name) ? item[first.name] : undefined;
  for (let i = 1; i < parts.length && cur; i++) {
    const p = parts[i];
    if (p.kind === 'attr') cur = cur.M && Object.hasOwn(cur.M, p.name) ? cur.M[p.name] : undefined;
    else cur = cur.L ? cur.L[p.index] : undefined;
  }
  return cur;
}

function sizeOf(v: AttributeValue): number | undefined {
  if (v.S !== undefined) return v.S.length;
  if (v.B !== undefined) return v.B.length;
  if (v.SS !== undefined) return v.SS.length;
  if (v.NS !== undefined) return v.NS.length;
  if (v.BS !== undefined) return v.BS.length;
  if (v.L !== undefined) return v.L.length;
  if (v.M !== undefined) return Object.keys(v.M).length;
  return undefined;
}

export function evalOperand(o: Operand, item: Item): AttributeValue | undefined {
  switch (o.type) {
    case 'path': return getPath(item, o.parts);
    case 'value': return o.value;
    case 'call': {
      if (o.name === 'size') {
        const v = evalOperand(o.args[0], item);
        const n = v && sizeOf(v);
        return n === undefined ? undefined : { N: String(n) };
      }
      return undefined;
    }
    default: return undefined;
  }
}

function beginsWith(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  if (a.S !== undefined && b.S !== undefined) return a.S.startsWith(b.S);
  if (a.B !== undefined && b.B !== undefined) return a.B.length >= b.B.length && a.B.subarray(0, b.B.length).equals(b.B);
  return false;
}

export function evalCondition(c: Condition, item: Item): boolean {
  switch (c.type) {
    case 'and': return evalCondition(c.left, item) && evalCondition(c.right, item);
    case 'or': return evalCondition(c.left, item) || evalCondition(c.right, item);
    case 'not': return !evalCondition(c.cond, item);
    case 'compare': {
      const a = evalOperand(c.left, item);
      const b = evalOperand(c.right, item);
      if (c.op === '=') return !!a && !!b && equalValues(a, b);
      if (c.op === '<>') return !a || !b || !equalValues(a, b);
      if (!a || !b) return false;
      const r = compareScalars(a, b);
      if (r === undefined) return false;
      return c.op === '<' ? r < 0 : c.op === '<=' ? r <= 0 : c.op === '>' ? r > 0 : r >= 0;
    }
    case 'between': {
      const v = evalOperand(c.operand, item);
      const lo = evalOperand(c.low, item);
      const hi = evalOperand(c.high, item);
      if (!v || !lo || !hi) return false;
      const a = compareScalars(lo, v);
      const b = compareScalars(v, hi);
      return a !== undefined && b !== undefined && a <= 0 && b <= 0;
    }
    case 'in': {
      const v = evalOperand(c.operand, item);
      if (!v) return false;
      return c.list.some((x) => {
        const w = evalOperand(x, item);
        return !!w && equalValues(v, w);
      });
    }
    case 'func': {
      const call = c.call;
      const [a, b] = call.args;
      switch (call.name) {
        case 'attribute_exists': return getPath(item, (a as PathNode).parts) !== undefined;
        case 'attribute_not_exists': return getPath(item, (a as PathNode).parts) === undefined;
        case 'attribute_type': {
          const v = evalOperand(a, item);
          const t = evalOperand(b, item);
          return !!v && t?.S !== undefined && typeOf(v) === t.S;
        }
        case 'begins_with': return beginsWith(evalOperand(a, item), evalOperand(b, item));
        case 'contains': {
          const container = evalOperand(a, item);
          const v = evalOperand(b, item);
          return !!container && !!v && containsValue(container, v);
        }
      }
      return false;
    }
  }
}
