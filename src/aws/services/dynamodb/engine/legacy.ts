// The pre-expression parameters (Expected, KeyConditions, QueryFilter, ScanFilter, AttributeUpdates,
// AttributesToGet), turned into the same trees the expression parser builds, with their own checks.
import type { Condition, Operand, PathNode, ValueNode } from '../expressions/ast.ts';
import { validation } from '../errors.ts';
import { checkValue, cloneItem, cloneValue, typeOf, ValueProblem, type AttributeValue, type Item } from '../values/attribute.ts';
import { addNumbers, compareNumbers } from '../values/number.ts';
import { setOwn } from '../../../../core/records.ts';

export interface LegacyCondition {
  AttributeValueList?: AttributeValue[];
  ComparisonOperator?: string;
  Value?: AttributeValue;
  Exists?: boolean;
}

const invalid = (m: string) => validation(`One or more parameter values were invalid: ${m}`);
const span = { tokStart: 0, tokEnd: 0, parens: 0 };

function path(name: string): PathNode {
  return { type: 'path', parts: [{ kind: 'attr', name, raw: name }], ...span };
}

function value(v: AttributeValue): ValueNode {
  return { type: 'value', ref: '', value: v, ...span };
}

function call(name: string, args: Operand[]): Condition {
  return { type: 'func', call: { type: 'call', name, args, ...span }, ...span };
}

const ARGUMENTS: Record<string, [number, number]> = {
  EQ: [1, 1], NE: [1, 1], LE: [1, 1], LT: [1, 1], GE: [1, 1], GT: [1, 1],
  NULL: [0, 0], NOT_NULL: [0, 0], CONTAINS: [1, 1], NOT_CONTAINS: [1, 1], BEGINS_WITH: [1, 1],
  IN: [1, Infinity], BETWEEN: [2, 2],
};

function checkValues(list: AttributeValue[]): void {
  for (const v of list) {
    try {
      checkValue(v);
    } catch (e) {
      if (e instanceof ValueProblem) throw validation(e.full);
      throw e;
    }
  }
}

/** One ComparisonOperator condition on attribute `name`. */
export function comparison(name: string, op: string, args: AttributeValue[], countMessage: string): Condition {
  const [min, max] = ARGUMENTS[op];
  if (args.length < min || args.length > max) throw validation(countMessage);
  checkValues(args);
  for (const a of args) {
    const t = typeOf(a);
    const scalarOnly = op === 'LT' || op === 'LE' || op === 'GT' || op === 'GE' || op === 'BETWEEN' || op === 'IN' || op === 'CONTAINS' || op === 'NOT_CONTAINS';
    if (scalarOnly && t !== 'S' && t !== 'N' && t !== 'B') throw invalid(`ComparisonOperator ${op} is not valid for ${t} AttributeValue type`);
    if (op === 'BEGINS_WITH' && t !== 'S' && t !== 'B') throw invalid(`ComparisonOperator ${op} is not valid for ${t} AttributeValue type`);
  }
  if (op === 'BETWEEN' && typeOf(args[0]) !== typeOf(args[1])) throw invalid(`AttributeValues inside AttributeValueList must be of same type`);
  const p = path(name);
  const cmp = (o: '=' | '<>' | '<' | '<=' | '>' | '>='): Condition => ({ type: 'compare', op: o, left: p, right: value(args[0]), ...span });
  switch (op) {
    case 'EQ': return cmp('=');
    case 'NE': return cmp('<>');
    case 'LT': return cmp('<');
    case 'LE': return cmp('<=');
    case 'GT': return cmp('>');
    case 'GE': return cmp('>=');
    case 'NULL': return call('attribute_not_exists', [p]);
    case 'NOT_NULL': return call('attribute_exists', [p]);
    case 'CONTAINS': return call('contains', [p, value(args[0])]);
    case 'NOT_CONTAINS': return { type: 'and', left: call('attribute_exists', [p]), right: { type: 'not', cond: call('contains', [p, value(args[0])]), ...span }, ...span };
    case 'BEGINS_WITH': return call('begins_with', [p, value(args[0])]);
    case 'IN': return { type: 'in', operand: p, list: args.map(value), ...span };
    default: return { type: 'between', operand: p, low: value(args[0]), high: value(args[1]), ...span };
  }
}

function combine(conds: Condition[], operator: string | undefined): Condition | undefined {
  if (!conds.length) return undefined;
  return conds.reduce((a, b) => ({ type: operator === 'OR' ? 'or' : 'and', left: a, right: b, ...span }));
}

/** Expected (PutItem, UpdateItem, DeleteItem) as a condition. */
export function expectedCondition(expected: Record<string, LegacyCondition> | undefined, operator: string | undefined): Condition | undefined {
  if (!expected) return undefined;
  const conds: Condition[] = [];
  for (const [name, e] of Object.entries(expected)) {
    if (e.ComparisonOperator !== undefined) {
      if (e.Value !== undefined || e.Exists !== undefined) {
        throw invalid(`Value or Exists cannot be used with ComparisonOperator for Attribute: ${name}`);
      }
      conds.push(comparison(name, e.ComparisonOperator, e.AttributeValueList ?? [], `One or more parameter values were invalid: Invalid number of argument(s) for the ${e.ComparisonOperator} ComparisonOperator`));
      continue;
    }
    if (e.AttributeValueList !== undefined) throw invalid(`AttributeValueList can only be used with a ComparisonOperator for Attribute: ${name}`);
    if (e.Exists === false) {
      if (e.Value !== undefined) throw invalid(`Value cannot be used when Exists is false for Attribute: ${name}`);
      conds.push(call('attribute_not_exists', [path(name)]));
    } else {
      if (e.Value === undefined) throw invalid(`Value must be provided when Exists is ${e.Exists === true ? 'true' : 'null'} for Attribute: ${name}`);
      checkValues([e.Value]);
      conds.push({ type: 'compare', op: '=', left: path(name), right: value(e.Value), ...span });
    }
  }
  return combine(conds, operator);
}

/** QueryFilter / ScanFilter as a condition. */
export function filterCondition(filter: Record<string, LegacyCondition> | undefined, operator: string | undefined): Condition | undefined {
  if (!filter) return undefined;
  const conds = Object.entries(filter).map(([name, f]) =>
    comparison(name, f.ComparisonOperator!, f.AttributeValueList ?? [], `One or more parameter values were invalid: Invalid number of argument(s) for the ${f.ComparisonOperator} ComparisonOperator`),
  );
  return combine(conds, operator);
}

export function checkAttributesToGet(names: string[] | undefined): void {
  if (!names) return;
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw invalid(`Duplicate value in attribute name: ${n}`);
    seen.add(n);
  }
}

export interface AttributeUpdate {
  Value?: AttributeValue;
  Action?: string;
}

/** Checks AttributeUpdates before the table is known. */
export function checkAttributeUpdates(updates: Record<string, AttributeUpdate> | undefined): void {
  if (!updates) return;
  for (const u of Object.values(updates)) {
    const action = u.Action ?? 'PUT';
    if (u.Value === undefined) {
      if (action !== 'DELETE') throw invalid('Only DELETE action is allowed when no attribute value is specified');
      continue;
    }
    checkValues([u.Value]);
    const t = typeOf(u.Value);
    if (action === 'DELETE' && t !== 'SS' && t !== 'NS' && t !== 'BS') throw invalid(`DELETE action with value is not supported for the type ${t}`);
    if (action === 'ADD' && t !== 'N' && t !== 'SS' && t !== 'NS' && t !== 'BS' && t !== 'L') throw invalid(`ADD action is not supported for the type ${t}`);
  }
}

const MISMATCH = 'Type mismatch for attribute to update';

export function applyAttributeUpdates(updates: Record<string, AttributeUpdate>, old: Item): Item {
  const item = cloneItem(old);
  for (const [name, u] of Object.entries(updates)) {
    const action = u.Action ?? 'PUT';
    const cur = Object.hasOwn(item, name) ? item[name] : undefined;
    const v = u.Value;
    if (action === 'PUT') setOwn(item, name, cloneValue(v!));
    else if (action === 'DELETE') {
      if (!v) delete item[name];
      else if (cur) {
        const t = typeOf(v);
        if (typeOf(cur) !== t) throw validation(MISMATCH);
        let rest: string[] | Buffer[];
        if (t === 'SS') rest = cur.SS!.filter((x) => !v.SS!.includes(x));
        else if (t === 'NS') rest = cur.NS!.filter((x) => !v.NS!.some((y) => compareNumbers(x, y) === 0));
        else rest = cur.BS!.filter((x) => !v.BS!.some((y) => y.equals(x)));
        if (rest.length) setOwn(item, name, { [t]: rest } as AttributeValue);
        else delete item[name];
      }
    } else {
      // ADD
      const t = typeOf(v!);
      if (!cur) setOwn(item, name, cloneValue(v!));
      else if (typeOf(cur) !== t) throw validation(MISMATCH);
      else if (t === 'N') setOwn(item, name, { N: addNumbers(cur.N!, v!.N!) });
      else if (t === 'L') setOwn(item, name, { L: [...cur.L!, ...v!.L!.map(cloneValue)] });
      else if (t === 'SS') setOwn(item, name, { SS: [...cur.SS!, ...v!.SS!.filter((x) => !cur.SS!.includes(x))] });
      else if (t === 'NS') setOwn(item, name, { NS: [...cur.NS!, ...v!.NS!.filter((x) => !cur.NS!.some((y) => compareNumbers(x, y) === 0))] });
      else setOwn(item, name, { BS: [...cur.BS!, ...v!.BS!.filter((x) => !cur.BS!.some((y) => y.equals(x)))] });
    }
  }
  return item;
}
