// SNS subscription filter policies: parsed and checked once (when the policy is set), then matched
// against each message's attributes (FilterPolicyScope MessageAttributes) or its JSON body
// (MessageBody). Keys are ANDed, the values listed for a key are ORed, `$or` offers alternatives.
import { cidrContains, numericHolds, parseCidrBlock } from '../../../core/content-filter.ts';
import type { MessageAttributeValue } from '../../../core/delivery.ts';

export type FilterScope = 'MessageAttributes' | 'MessageBody';

type Condition =
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'null' }
  | { t: 'prefix'; v: string; ci: boolean }
  | { t: 'suffix'; v: string; ci: boolean }
  | { t: 'ci'; v: string }
  | { t: 'anything-but'; strings: Set<string>; numbers: Set<number>; prefix?: string; suffix?: string; ci?: Set<string> }
  | { t: 'numeric'; checks: Array<{ op: string; v: number }> }
  | { t: 'exists'; v: boolean }
  | { t: 'cidr'; net: bigint; mask: bigint; v6: boolean };

interface Clause {
  keys: Array<{ key: string; conditions?: Condition[]; nested?: Clause }>;
  /** `$or`: at least one of these clauses must match as well. */
  alternatives: Clause[][];
}

export interface FilterPolicy {
  scope: FilterScope;
  root: Clause;
}

export class FilterPolicyError extends Error {}

const MAX_NUMBER = 1e9;
/** SNS's cap on a policy's combinations; a chain of n nested `$or`s has at least n + 1 of them. */
const MAX_COMBINATIONS = 150;

function fail(message: string): never {
  throw new FilterPolicyError(message);
}

/** Parses and checks a policy; throws FilterPolicyError with SNS's wording on anything invalid. */
export function parseFilterPolicy(text: string, scope: FilterScope): FilterPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail('failed to parse JSON.');
  }
  if (!isObject(doc)) fail('Filter policy must be a JSON object');
  const counter = { combinations: 1 };
  const root = parseClause(doc, scope, 1, counter, 0);
  if (scope === 'MessageAttributes' && countKeys(root) > 5) fail('Filter policy can not have more than 5 keys');
  if (counter.combinations > MAX_COMBINATIONS) fail('Filter policy is too complex');
  return { scope, root };
}

function countKeys(c: Clause): number {
  return c.keys.length + Math.max(0, ...c.alternatives.map((alt) => Math.max(0, ...alt.map(countKeys))));
}

function parseClause(doc: Record<string, unknown>, scope: FilterScope, depth: number, counter: { combinations: number }, orDepth: number): Clause {
  if (Object.keys(doc).length === 0 && depth === 1) return { keys: [], alternatives: [] };
  if (depth > 5 + 1) fail('Filter policy has more than 5 levels of nesting');
  // `$or` does not add a level of nesting, so it alone could recurse as deep as the 256 KB policy
  // allows (a stack overflow); past this many nested `$or`s the policy is over 150 combinations anyway.
  if (orDepth >= MAX_COMBINATIONS) fail('Filter policy is too complex');
  const clause: Clause = { keys: [], alternatives: [] };
  for (const [key, value] of Object.entries(doc)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) fail('$or must be an array of at least two JSON objects');
      clause.alternatives.push((value as Record<string, unknown>[]).map((v) => parseClause(v, scope, depth, counter, orDepth + 1)));
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) fail(`Empty arrays are not allowed`);
      counter.combinations *= value.length;
      clause.keys.push({ key, conditions: value.map((v) => parseCondition(v, scope)) });
    } else if (isObject(value)) {
      if (scope === 'MessageAttributes') fail(`"${key}" must be an object or an array`);
      clause.keys.push({ key, nested: parseClause(value, scope, depth + 1, counter, orDepth) });
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return clause;
}

function parseCondition(v: unknown, scope: FilterScope): Condition {
  if (typeof v === 'string') return { t: 'string', v };
  if (typeof v === 'number') return { t: 'number', v: checkNumber(v) };
  if (v === null) {
    if (scope === 'MessageAttributes') fail('Match value must be String, number, true, false, or null');
    return { t: 'null' };
  }
  if (typeof v === 'boolean') return { t: 'string', v: String(v) };
  if (!isObject(v)) fail('Match value must be String, number, true, false, or null');
  const entries = Object.entries(v);
  if (entries.length !== 1) fail('Only one key allowed in match expression');
  const [op, arg] = entries[0];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof arg === 'string') return { t: op, v: arg, ci: false };
      if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string' && Object.keys(arg).length === 1) {
        return { t: op, v: (arg['equals-ignore-case'] as string).toLowerCase(), ci: true };
      }
      return fail(`${op} match pattern must be a string`);
    }
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail('equals-ignore-case match pattern must be a string');
      return { t: 'ci', v: (arg as string).toLowerCase() };
    case 'exists':
      if (typeof arg !== 'boolean') fail('exists match pattern must be either true or false.');
      return { t: 'exists', v: arg as boolean };
    case 'numeric':
      return parseNumeric(arg);
    case 'cidr':
      return parseCidr(arg);
    case 'anything-but':
      return parseAnythingBut(arg);
    default:
      return fail(`Unrecognized match type ${op}`);
  }
}

function checkNumber(n: number): number {
  if (!Number.isFinite(n) || n <= -MAX_NUMBER || n >= MAX_NUMBER) fail('Numeric values must be within the range -1.0E9 and 1.0E9');
  return n;
}

function parseNumeric(arg: unknown): Condition {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length > 4 || arg.length % 2 !== 0) fail('Value of numeric must be an array.');
  const checks: Array<{ op: string; v: number }> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const v = arg[i + 1];
    if (!['=', '<', '<=', '>', '>='].includes(op)) fail(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof v !== 'number') fail(`Value of ${op} must be numeric`);
    checks.push({ op, v: checkNumber(v) });
  }
  if (checks.length === 2) {
    const [a, b] = checks;
    const lower = (o: string) => o === '>' || o === '>=';
    const upper = (o: string) => o === '<' || o === '<=';
    if (!(lower(a.op) && upper(b.op))) fail('Bad numeric range operator');
    if (a.v >= b.v) fail('Bottom must be less than top');
  } else if (checks[0].op === '=' && arg.length !== 2) fail('Bad numeric range operator');
  return { t: 'numeric', checks };
}

function parseAnythingBut(arg: unknown): Condition {
  const c: Extract<Condition, { t: 'anything-but' }> = { t: 'anything-but', strings: new Set(), numbers: new Set() };
  const add = (x: unknown) => {
    if (typeof x === 'string') c.strings.add(x);
    else if (typeof x === 'number') c.numbers.add(checkNumber(x));
    else fail('Inside anything but list, start|null|boolean is not supported.');
  };
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('Empty arrays are not allowed');
    arg.forEach(add);
  } else if (isObject(arg)) {
    const [[op, v], ...more] = Object.entries(arg);
    if (more.length) fail('Only one key allowed in match expression');
    if (op === 'prefix' && typeof v === 'string') c.prefix = v;
    else if (op === 'suffix' && typeof v === 'string') c.suffix = v;
    else if (op === 'equals-ignore-case' && (typeof v === 'string' || (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')))) {
      c.ci = new Set((Array.isArray(v) ? v : [v]).map((x: string) => x.toLowerCase()));
    } else fail(`Unsupported anything-but pattern: ${op}`);
  } else add(arg);
  return c;
}

function parseCidr(arg: unknown): Condition {
  // SNS names the wrong operator in this message; it is what SNS answers.
  if (typeof arg !== 'string') fail('prefix match pattern must be a string');
  const block = parseCidrBlock(arg as string);
  if (!block) fail(`Nonstandard IP address: ${arg}`);
  return { t: 'cidr', ...block };
}

// ── Matching ─────────────────────────────────────────────────────────────────────────────────────

/** A value a condition looks at: a string or a number (and, in bodies, null). */
type Leaf = string | number | null;

export function matchesAttributes(policy: FilterPolicy, attributes: Record<string, MessageAttributeValue> | undefined): boolean {
  return matchClause(policy.root, (key) => attributeValues(attributes?.[key]));
}

export function matchesBody(policy: FilterPolicy, body: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return false;
  }
  if (!isObject(doc)) return false;
  return matchNested(policy.root, doc);
}

function matchNested(clause: Clause, obj: Record<string, unknown>): boolean {
  return matchClause(clause, (key) => bodyValues(obj[key]), (key, nested) => {
    const v = obj[key];
    const objects = Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : [];
    return objects.some((o) => matchNested(nested, o));
  });
}

function matchClause(
  clause: Clause,
  values: (key: string) => Leaf[] | undefined,
  nested?: (key: string, clause: Clause) => boolean,
): boolean {
  for (const k of clause.keys) {
    if (k.nested) {
      if (!nested || !nested(k.key, k.nested)) return false;
      continue;
    }
    const vs = values(k.key);
    if (!k.conditions!.some((c) => matchCondition(c, vs))) return false;
  }
  for (const alternatives of clause.alternatives) {
    if (!alternatives.some((alt) => matchClause(alt, values, nested))) return false;
  }
  return true;
}

function attributeValues(a: MessageAttributeValue | undefined): Leaf[] | undefined {
  if (!a) return undefined;
  const type = a.DataType.split('.')[0];
  if (type === 'String') {
    if (a.DataType.startsWith('String.Array')) {
      try {
        const arr = JSON.parse(a.StringValue ?? '');
        if (Array.isArray(arr)) return arr.filter((x) => typeof x === 'string' || typeof x === 'number' || x === null || typeof x === 'boolean').map((x) => (typeof x === 'boolean' ? String(x) : x));
      } catch {
        return [];
      }
      return [];
    }
    return [a.StringValue ?? ''];
  }
  if (type === 'Number') {
    const n = Number(a.StringValue);
    return Number.isFinite(n) ? [n] : [];
  }
  // Binary attributes take part in no match (but they do exist).
  return [];
}

function bodyValues(v: unknown): Leaf[] | undefined {
  if (v === undefined) return undefined;
  const leaf = (x: unknown): Leaf[] => (typeof x === 'string' || typeof x === 'number' || x === null ? [x] : typeof x === 'boolean' ? [String(x)] : []);
  if (Array.isArray(v)) return v.flatMap(leaf);
  if (isObject(v)) return undefined;
  return leaf(v);
}

function matchCondition(c: Condition, values: Leaf[] | undefined): boolean {
  if (c.t === 'exists') return c.v ? values !== undefined : values === undefined;
  if (!values) return false;
  return values.some((v) => matchLeaf(c, v));
}

function matchLeaf(c: Condition, v: Leaf): boolean {
  switch (c.t) {
    case 'string':
      return v === c.v;
    case 'number':
      return typeof v === 'number' && v === c.v;
    case 'null':
      return v === null;
    case 'prefix':
      return typeof v === 'string' && (c.ci ? v.toLowerCase() : v).startsWith(c.v);
    case 'suffix':
      return typeof v === 'string' && (c.ci ? v.toLowerCase() : v).endsWith(c.v);
    case 'ci':
      return typeof v === 'string' && v.toLowerCase() === c.v;
    case 'anything-but':
      if (v === null) return false;
      if (typeof v === 'number') return c.prefix === undefined && c.suffix === undefined && c.ci === undefined && !c.numbers.has(v);
      if (c.prefix !== undefined) return !v.startsWith(c.prefix);
      if (c.suffix !== undefined) return !v.endsWith(c.suffix);
      if (c.ci) return !c.ci.has(v.toLowerCase());
      return !c.strings.has(v);
    case 'numeric':
      return numericHolds(c.checks, v);
    case 'cidr':
      return cidrContains(c, v);
    default:
      return false;
  }
}


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
