// The Condition element: every operator of IAM User Guide, "IAM JSON policy elements: Condition
// operators", compiled once per policy and evaluated against the request context.
// - Several operators, or several keys under one operator: AND. Several values for one key: OR; for a
//   negated operator (StringNotEquals, NotIpAddress, ArnNotLike…): NOR ("Conditions with multiple
//   context keys or values").
// - A key missing from the request: false, or true for a negated operator; `…IfExists` makes it true
//   either way; `Null` tests presence itself.
// - `ForAllValues:` holds when every request value matches some policy value (and when the key is
//   missing or empty); `ForAnyValue:` when one does (false when missing). Negated operators under a set
//   operator negate per request value. Without a set operator, a multivalued key behaves as ForAnyValue
//   for a positive operator and as "no value matches" for a negated one.
// - Key names are case-insensitive; values compare per operator (String* case-sensitive except
//   …IgnoreCase, Arn* segment-wise, Date* as instants, Numeric* as numbers).
import { isIP } from 'node:net';
import { parseCidrBlock, cidrContains, type CidrBlock } from '../cidr.ts';
import type { ContextValue } from './types.ts';
import { compileTemplate, contextString, resolve, type ContextLookup, type Template } from './variables.ts';
import { compileArnPattern, compilePattern, type Matcher } from './match.ts';

type Kind = 'string' | 'stringIgnoreCase' | 'stringLike' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

interface OperatorSpec {
  kind: Kind;
  negated: boolean;
  cmp: Comparison;
}

const op = (kind: Kind, negated = false, cmp: Comparison = 'eq'): OperatorSpec => ({ kind, negated, cmp });

/** Every base operator IAM documents, by its exact name. */
export const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: op('string'),
  StringNotEquals: op('string', true),
  StringEqualsIgnoreCase: op('stringIgnoreCase'),
  StringNotEqualsIgnoreCase: op('stringIgnoreCase', true),
  StringLike: op('stringLike'),
  StringNotLike: op('stringLike', true),
  NumericEquals: op('numeric'),
  NumericNotEquals: op('numeric', true),
  NumericLessThan: op('numeric', false, 'lt'),
  NumericLessThanEquals: op('numeric', false, 'le'),
  NumericGreaterThan: op('numeric', false, 'gt'),
  NumericGreaterThanEquals: op('numeric', false, 'ge'),
  DateEquals: op('date'),
  DateNotEquals: op('date', true),
  DateLessThan: op('date', false, 'lt'),
  DateLessThanEquals: op('date', false, 'le'),
  DateGreaterThan: op('date', false, 'gt'),
  DateGreaterThanEquals: op('date', false, 'ge'),
  Bool: op('bool'),
  BinaryEquals: op('binary'),
  IpAddress: op('ip'),
  NotIpAddress: op('ip', true),
  ArnEquals: op('arn'),
  ArnLike: op('arn'),
  ArnNotEquals: op('arn', true),
  ArnNotLike: op('arn', true),
  Null: op('null'),
};

/** Why a condition block cannot be compiled; policy.ts turns it into IAM's message. */
export class ConditionError extends Error {
  readonly kind: 'syntax' | 'legacy';
  constructor(kind: 'syntax' | 'legacy', message: string) {
    super(message);
    this.kind = kind;
  }
}

/** One operator applied to one key. */
export interface CompiledCondition {
  readonly operator: string;
  /** The key, lower-cased for lookups. */
  readonly key: string;
  /** The key as the policy writes it (what GetContextKeysFor*Policy report). */
  readonly keyName: string;
  test(lookup: ContextLookup): boolean;
}

/** Parses `ForAnyValue:StringLikeIfExists` into its parts; undefined for a name IAM does not know. */
export function parseOperatorName(name: string): { spec: OperatorSpec; set?: 'any' | 'all'; ifExists: boolean } | undefined {
  let rest = name;
  let set: 'any' | 'all' | undefined;
  if (rest.startsWith('ForAnyValue:')) (set = 'any'), (rest = rest.slice(12));
  else if (rest.startsWith('ForAllValues:')) (set = 'all'), (rest = rest.slice(13));
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'Null') (ifExists = true), (rest = rest.slice(0, -8));
  const spec = Object.hasOwn(OPERATORS, rest) ? OPERATORS[rest] : undefined;
  if (!spec || (ifExists && spec.kind === 'null')) return undefined;
  return { spec, set, ifExists };
}

/** Compiles a statement's Condition element (already checked to be an object of objects). */
export function compileConditions(block: Record<string, unknown>, variables: boolean): CompiledCondition[] {
  const out: CompiledCondition[] = [];
  for (const [name, keys] of Object.entries(block)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw new ConditionError('syntax', `condition ${name} is not an object`);
    const parsed = parseOperatorName(name);
    if (!parsed) {
      // An unknown operator with an empty block passes IAM's parser and is ignored (observed by moto's
      // reverse-engineered validator); with keys it is a syntax error.
      if (Object.keys(keys).length === 0) continue;
      throw new ConditionError('syntax', `unknown condition operator ${name}`);
    }
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) throw new ConditionError('syntax', `condition ${name} ${key} has a value that is not a string`);
      out.push(compileOne(name, key, parsed.spec, parsed.set, parsed.ifExists, values.map(String), variables));
    }
  }
  return out;
}

/** Whether every condition holds (an empty block always does). */
export function conditionsHold(conditions: readonly CompiledCondition[], lookup: ContextLookup): boolean {
  for (const c of conditions) if (!c.test(lookup)) return false;
  return true;
}

/** A policy value ready to compare against one request value. */
type ValueTest = (requestValue: string | number | boolean | Date | Uint8Array, lookup: ContextLookup) => boolean;

function compileOne(operator: string, keyName: string, spec: OperatorSpec, set: 'any' | 'all' | undefined, ifExists: boolean, values: string[], variables: boolean): CompiledCondition {
  const key = keyName.toLowerCase();
  if (spec.kind === 'null') {
    const wants = values.map((v) => v.toLowerCase() === 'true');
    return { operator, key, keyName, test: (lookup) => wants.some((wantMissing) => wantMissing === !isPresent(lookup(key))) };
  }
  const tests = values.map((v) => compileValue(spec, v, variables));
  const negated = spec.negated;
  const matchesAny = (rv: string | number | boolean | Date | Uint8Array, lookup: ContextLookup) => {
    for (const t of tests) if (t(rv, lookup)) return true;
    return false;
  };
  return {
    operator,
    key,
    keyName,
    test(lookup) {
      const raw = lookup(key);
      if (!isPresent(raw)) {
        if (ifExists || set === 'all') return true;
        if (set === 'any') return false;
        return negated;
      }
      if (!Array.isArray(raw)) {
        const hit = matchesAny(raw as string, lookup);
        return negated ? !hit : hit;
      }
      const list = raw as readonly (string | number | boolean)[];
      if (set === 'all') return list.every((rv) => matchesAny(rv, lookup) !== negated);
      if (set === 'any') return list.some((rv) => matchesAny(rv, lookup) !== negated);
      const hit = list.some((rv) => matchesAny(rv, lookup));
      return negated ? !hit : hit;
    },
  };
}

function isPresent(v: ContextValue | undefined): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

function compileValue(spec: OperatorSpec, text: string, variables: boolean): ValueTest {
  switch (spec.kind) {
    case 'string':
    case 'stringIgnoreCase': {
      const fold = spec.kind === 'stringIgnoreCase';
      const t = compileTemplate(text, variables);
      if (!t.parts) {
        const want = fold ? text.toLowerCase() : text;
        return (rv) => (fold ? requestString(rv).toLowerCase() : requestString(rv)) === want;
      }
      return (rv, lookup) => {
        const want = resolve(t, lookup, false);
        return want !== undefined && (fold ? requestString(rv).toLowerCase() === want.toLowerCase() : requestString(rv) === want);
      };
    }
    case 'stringLike':
      return patternTest(compileTemplate(text, variables), compilePattern);
    case 'arn':
      return patternTest(compileTemplate(text, variables), compileArnPattern);
    case 'bool': {
      const t = compileTemplate(text, variables);
      return (rv, lookup) => {
        const want = resolve(t, lookup, false);
        return want !== undefined && requestString(rv).toLowerCase() === want.toLowerCase();
      };
    }
    case 'numeric': {
      // A value that is not a number matches nothing (no variables with Numeric operators).
      const want = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
      return (rv) => compare(typeof rv === 'number' ? rv : typeof rv === 'string' && rv.trim() !== '' ? Number(rv) : NaN, want, spec.cmp);
    }
    case 'date': {
      const want = parseDate(text);
      if (Number.isNaN(want)) throw new ConditionError('legacy', `invalid date ${text}`);
      return (rv) => compare(requestDate(rv), want, spec.cmp);
    }
    case 'binary': {
      const want = Buffer.from(text, 'base64');
      return (rv) => (rv instanceof Uint8Array ? Buffer.from(rv) : Buffer.from(requestString(rv), 'base64')).equals(want);
    }
    case 'ip': {
      const block = parseIpRange(text);
      return (rv) => block !== undefined && typeof rv === 'string' && cidrContains(block, rv.trim());
    }
    default:
      return () => false;
  }
}

/** A wildcard policy value; with variables it is resolved per request, the last compilation kept. */
function patternTest(t: Template, compile: (p: string) => Matcher): ValueTest {
  if (!t.parts) {
    const m = compile(t.text);
    return (rv) => m.test(requestString(rv));
  }
  let lastText: string | undefined;
  let last: Matcher | undefined;
  return (rv, lookup) => {
    const pattern = resolve(t, lookup, true);
    if (pattern === undefined) return false;
    if (pattern !== lastText) (last = compile(pattern)), (lastText = pattern);
    return last!.test(requestString(rv));
  };
}

function requestString(v: string | number | boolean | Date | Uint8Array): string {
  return typeof v === 'string' ? v : (contextString(v) ?? '');
}

function compare(a: number, b: number, cmp: Comparison): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (cmp) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    default:
      return a >= b;
  }
}

const W3C_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:t(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * A policy or request date in milliseconds: a W3C profile of ISO 8601 (`2020`, `2020-01-01`,
 * `2020-01-01T00:00:01Z`, `…T12:00+02:00`, no zone meaning UTC) or epoch seconds. NaN otherwise.
 */
export function parseDate(text: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const m = W3C_DATE.exec(s);
  if (!m) return NaN;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', sec = '00', frac = '', zone = 'z'] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +sec > 59) return NaN;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

function requestDate(v: string | number | boolean | Date | Uint8Array): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'string') return parseDate(v);
  return NaN;
}

/** A CIDR block, or a bare address meaning /32 (/128 for IPv6) as IAM documents. */
function parseIpRange(text: string): CidrBlock | undefined {
  const t = text.trim();
  if (t.includes('/')) return parseCidrBlock(t);
  const kind = isIP(t);
  return kind ? parseCidrBlock(`${t}/${kind === 6 ? 128 : 32}`) : undefined;
}
