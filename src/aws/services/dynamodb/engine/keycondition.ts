// Key conditions: what a KeyConditionExpression (or legacy KeyConditions) says about the partition
// key and the sort key of the table or index being queried, as a partition and an encoded range.
import type { Condition, Operand } from '../expressions/ast.ts';
import type { KeyDef } from './schema.ts';
import type { RangeBounds } from '../store.ts';
import { validation } from '../errors.ts';
import { compareScalars, encodeKeyValue, typeOf, type AttributeValue } from '../values/attribute.ts';
import type { LegacyCondition } from './legacy.ts';
import { checkValue, ValueProblem } from '../values/attribute.ts';

export interface KeyQuery {
  hash: AttributeValue;
  range?: { op: string; values: AttributeValue[] };
}

export type KeyParts = Map<string, { op: string; values: AttributeValue[] }>;

function operatorName(c: Condition): string {
  switch (c.type) {
    case 'and': return 'AND';
    case 'or': return 'OR';
    case 'not': return 'NOT';
    case 'in': return 'IN';
    case 'between': return 'BETWEEN';
    case 'compare': return c.op;
    case 'func': return c.call.name;
  }
}

const isNested = (o: Operand) => o.type === 'path' && o.parts.length > 1;
const nameOf = (o: Operand) => ((o as { parts: Array<{ name: string }> }).parts[0]).name;
const FLIP: Record<string, string> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The shape checks DynamoDB makes on a KeyConditionExpression before it looks at the table: only
 * AND-ed comparisons, BETWEEN and begins_with, each between one top-level attribute and values.
 */
export function keyConditionParts(cond: Condition): KeyParts {
  const parts: Condition[] = [];
  const collect = (c: Condition): void => {
    if (c.type === 'and') {
      collect(c.left);
      collect(c.right);
    } else parts.push(c);
  };
  collect(cond);
  const byAttr: KeyParts = new Map();
  for (const c of parts) {
    let attr: string;
    let op: string;
    let values: AttributeValue[];
    if (c.type === 'compare' && c.op !== '<>') {
      const { left, right } = c;
      if (isNested(left)) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
      if (left.type === 'path' && right.type === 'path') throw validation('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (left.type === 'call' || right.type === 'call') throw validation('KeyConditionExpressions cannot contain nested operations');
      if (left.type === 'value' && right.type === 'value') throw validation('Invalid condition in KeyConditionExpression: No key attribute specified');
      if (isNested(right)) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
      if (left.type === 'path') {
        attr = nameOf(left);
        op = c.op;
        values = [(right as { value: AttributeValue }).value];
      } else {
        attr = nameOf(right);
        op = FLIP[c.op];
        values = [(left as { value: AttributeValue }).value];
      }
    } else if (c.type === 'between') {
      if (c.operand.type !== 'path') throw validation('Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand');
      if (isNested(c.operand)) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
      if (c.low.type === 'path' || c.high.type === 'path') throw validation('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (c.low.type !== 'value' || c.high.type !== 'value') throw validation('KeyConditionExpressions cannot contain nested operations');
      attr = nameOf(c.operand);
      op = 'BETWEEN';
      values = [c.low.value!, c.high.value!];
    } else if (c.type === 'func' && c.call.name === 'begins_with') {
      const [a, b] = c.call.args;
      if (a.type !== 'path') throw validation('Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand');
      if (isNested(a)) throw validation('KeyConditionExpressions cannot have conditions on nested attributes');
      if (b.type === 'path') throw validation('Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition');
      if (b.type !== 'value') throw validation('KeyConditionExpressions cannot contain nested operations');
      attr = nameOf(a);
      op = 'BEGINS_WITH';
      values = [b.value!];
    } else {
      throw validation(`Invalid operator used in KeyConditionExpression: ${operatorName(c)}`);
    }
    if (byAttr.has(attr)) throw validation('KeyConditionExpressions must only contain one condition per key');
    byAttr.set(attr, { op, values });
  }
  return byAttr;
}

/** Matches the key condition against the table's (or index's) key schema. */
export function analyzeKeyCondition(parts: KeyParts, key: KeyDef): KeyQuery {
  return keyQueryOf(parts, key, true);
}

function keyQueryOf(byAttr: KeyParts, key: KeyDef, expression: boolean): KeyQuery {
  const h = byAttr.get(key.hash);
  if (!h) throw validation(expression ? `Query condition missed key schema element: ${key.hash}` : `Query condition missed key schema element ${key.hash}`);
  for (const a of byAttr.keys()) {
    if (a !== key.hash && a !== key.range) {
      if (key.range && !byAttr.has(key.range)) throw validation(expression ? `Query condition missed key schema element: ${key.range}` : `Query condition missed key schema element ${key.range}`);
      throw validation('Query key condition not supported');
    }
  }
  if (h.op !== '=' && h.op !== 'EQ') throw validation('Query key condition not supported');
  if (typeOf(h.values[0]) !== key.hashType) throw validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
  const out: KeyQuery = { hash: h.values[0] };
  const r = key.range ? byAttr.get(key.range) : undefined;
  if (r) {
    for (const v of r.values) if (typeOf(v) !== key.rangeType) throw validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
    out.range = r;
  }
  return out;
}

const LEGACY_OPS: Record<string, string> = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=', BETWEEN: 'BETWEEN', BEGINS_WITH: 'BEGINS_WITH' };
const ARG_COUNTS: Record<string, [number, number]> = {
  EQ: [1, 1], NE: [1, 1], LE: [1, 1], LT: [1, 1], GE: [1, 1], GT: [1, 1], NULL: [0, 0], NOT_NULL: [0, 0],
  CONTAINS: [1, 1], NOT_CONTAINS: [1, 1], BEGINS_WITH: [1, 1], IN: [1, Infinity], BETWEEN: [2, 2],
};

/** Checks legacy KeyConditions that do not need the table. */
export function checkKeyConditions(conds: Record<string, LegacyCondition>): void {
  const entries = Object.entries(conds);
  for (const [, c] of entries) {
    const n = c.AttributeValueList?.length ?? 0;
    const [min, max] = ARG_COUNTS[c.ComparisonOperator!] ?? [0, 0];
    if (n < min || n > max) throw validation('The attempted filter operation is not supported for the provided filter argument count');
    for (const v of c.AttributeValueList ?? []) {
      try {
        checkValue(v);
      } catch (e) {
        if (e instanceof ValueProblem) throw validation(e.full);
        throw e;
      }
    }
  }
  if (entries.length < 1 || entries.length > 2) throw validation('Conditions can be of length 1 or 2 only');
}

export function legacyKeyQuery(conds: Record<string, LegacyCondition>, key: KeyDef): KeyQuery {
  const byAttr = new Map<string, { op: string; values: AttributeValue[] }>();
  for (const [name, c] of Object.entries(conds)) {
    const op = LEGACY_OPS[c.ComparisonOperator!];
    if (!op) throw validation('Attempted conditional constraint is not an indexable operation');
    const values = c.AttributeValueList ?? [];
    if (op === 'BETWEEN' && (compareScalars(values[0], values[1]) ?? 0) > 0) {
      throw validation('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
    }
    byAttr.set(name, { op, values });
  }
  return keyQueryOf(byAttr, key, false);
}

/** The smallest byte string greater than every string starting with `prefix` (none for all-0xff). */
function successor(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]++;
  return out;
}

export function rangeBounds(q: KeyQuery): RangeBounds {
  const r = q.range;
  if (!r) return {};
  const [a, b] = r.values.map(encodeKeyValue);
  switch (r.op) {
    case '=': return { lo: a, hi: a };
    case '<': return { hi: a, hiInclusive: false };
    case '<=': return { hi: a };
    case '>': return { lo: a, loInclusive: false };
    case '>=': return { lo: a };
    case 'BETWEEN': return { lo: a, hi: b };
    default: {
      const hi = successor(a);
      return hi ? { lo: a, hi, hiInclusive: false } : { lo: a };
    }
  }
}

/** Whether an encoded sort key lies in the bounds (for ExclusiveStartKey checks). */
export function inBounds(rk: Buffer, b: RangeBounds): boolean {
  if (b.lo) {
    const c = Buffer.compare(rk, b.lo);
    if (c < 0 || (c === 0 && b.loInclusive === false)) return false;
  }
  if (b.hi) {
    const c = Buffer.compare(rk, b.hi);
    if (c > 0 || (c === 0 && b.hiInclusive === false)) return false;
  }
  return true;
}
