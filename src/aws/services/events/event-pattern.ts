// EventBridge event patterns: compiled once (PutRule, TestEventPattern), then matched against
// events. Fields are ANDed, the values listed for a field are ORed, an array in the event matches
// when any element does, `$or` offers alternative sub-patterns.
import { cidrContains, numericHolds, parseCidrBlock } from '../../../core/content-filter.ts';
import { compileWildcard, type Wildcard } from '../../../core/wildcard.ts';
import { MAX_WILDCARD_COMPLEXITY, wildcardComplexity } from './wildcard-complexity.ts';

type Leaf = string | number | boolean | null;

type Condition =
  | { t: 'exact'; v: Leaf }
  | { t: 'prefix'; v: string; ci: boolean }
  | { t: 'suffix'; v: string; ci: boolean }
  | { t: 'ci'; v: string }
  | { t: 'wildcard'; w: Wildcard; source: string }
  | { t: 'anything-but'; values: Leaf[]; prefix?: string; suffix?: string; ci?: Set<string>; wildcards?: Wildcard[]; sources?: string[] }
  | { t: 'numeric'; checks: Array<{ op: string; v: number }> }
  | { t: 'exists'; v: boolean }
  | { t: 'cidr'; net: bigint; mask: bigint; v6: boolean };

interface Pattern {
  fields: Array<{ key: string; conditions?: Condition[]; nested?: Pattern }>;
  alternatives: Pattern[][];
}

export type EventPattern = Pattern;

export class EventPatternError extends Error {}

function fail(reason: string): never {
  throw new EventPatternError(`Event pattern is not valid. Reason: ${reason}`);
}

export function parseEventPattern(text: string): EventPattern {
  if (text.length > 4096 * 4) fail('Event pattern is too long');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(`Filter is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) fail('Filter is not an object');
  return parsePattern(doc, 1);
}

function parsePattern(doc: Record<string, unknown>, depth: number): Pattern {
  if (depth > 100) fail('Filter nesting is too deep');
  const p: Pattern = { fields: [], alternatives: [] };
  for (const [key, value] of Object.entries(doc)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) fail('"$or" must be an array of at least two objects');
      p.alternatives.push(value.map((v) => parsePattern(v as Record<string, unknown>, depth + 1)));
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail(`Empty arrays are not allowed`);
      const conditions = value.map(parseCondition);
      checkComplexity(conditions);
      p.fields.push({ key, conditions });
    } else if (isObject(value)) {
      p.fields.push({ key, nested: parsePattern(value, depth + 1) });
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return p;
}

function parseCondition(v: unknown): Condition {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { t: 'exact', v };
  if (typeof v === 'number') return { t: 'exact', v };
  if (!isObject(v)) fail('Match value must be String, number, true, false, or null');
  const entries = Object.entries(v);
  if (entries.length !== 1) fail('Only one key allowed in match expression');
  const [op, arg] = entries[0];
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof arg === 'string') return { t: op, v: arg, ci: false };
      if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
        return { t: op, v: (arg['equals-ignore-case'] as string).toLowerCase(), ci: true };
      }
      return fail(`${op} match pattern must be a string`);
    case 'equals-ignore-case':
      if (typeof arg !== 'string') fail('equals-ignore-case match pattern must be a string');
      return { t: 'ci', v: (arg as string).toLowerCase() };
    case 'wildcard':
      if (typeof arg !== 'string') fail('wildcard match pattern must be a string');
      return { t: 'wildcard', w: wildcard(arg as string), source: arg as string };
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

// event-ruler's wildcard grammar: `*` is any run, `\*` and `\\` are literal; positions are UTF-8 bytes.
function wildcard(s: string): Wildcard {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '*' && s[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${bytePos(s, i)}`);
    if (s[i] === '\\') {
      if (s[i + 1] !== '*' && s[i + 1] !== '\\') fail(`Invalid escape character at pos ${bytePos(s, i)}`);
      i++;
    }
  }
  return compileWildcard(s, { escapes: true });
}

function bytePos(s: string, i: number): number {
  return Buffer.byteLength(s.slice(0, i));
}

function checkComplexity(conditions: Condition[]): void {
  const patterns = conditions.flatMap((c) => (c.t === 'wildcard' ? [c.source] : c.t === 'anything-but' ? (c.sources ?? []) : []));
  if (patterns.length && wildcardComplexity(patterns) > MAX_WILDCARD_COMPLEXITY) {
    fail('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character');
  }
}

function parseNumeric(arg: unknown): Condition {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length > 4 || arg.length % 2 !== 0) fail('Value of numeric must be an array.');
  const checks: Array<{ op: string; v: number }> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const v = arg[i + 1];
    if (!['=', '<', '<=', '>', '>='].includes(op)) fail(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`Value of ${op} must be numeric`);
    if (v < -5e9 || v > 5e9) fail('Numeric values must be within the range -5.0E9 and 5.0E9');
    checks.push({ op, v });
  }
  if (checks.length === 2) {
    const lower = (o: string) => o === '>' || o === '>=';
    const upper = (o: string) => o === '<' || o === '<=';
    if (!(lower(checks[0].op) && upper(checks[1].op))) fail('Bad numeric range operator');
    if (checks[0].v >= checks[1].v) fail('Bottom must be less than top');
  }
  return { t: 'numeric', checks };
}

function parseAnythingBut(arg: unknown): Condition {
  const c: Extract<Condition, { t: 'anything-but' }> = { t: 'anything-but', values: [] };
  const leaf = (x: unknown) => {
    if (typeof x === 'string' || typeof x === 'number') c.values.push(x);
    else fail('Inside anything but list, start|null|boolean is not supported.');
  };
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('Empty arrays are not allowed');
    arg.forEach(leaf);
  } else if (isObject(arg)) {
    const entries = Object.entries(arg);
    if (entries.length !== 1) fail('Only one key allowed in match expression');
    const [op, v] = entries[0];
    const strings = (x: unknown): string[] => {
      const list = Array.isArray(x) ? x : [x];
      if (!list.length || !list.every((s) => typeof s === 'string')) fail(`Inside anything-but/${op} list, number|start|null|boolean is not supported.`);
      return list as string[];
    };
    if (op === 'prefix' && typeof v === 'string') c.prefix = v;
    else if (op === 'suffix' && typeof v === 'string') c.suffix = v;
    else if (op === 'equals-ignore-case') c.ci = new Set(strings(v).map((s) => s.toLowerCase()));
    else if (op === 'wildcard') {
      c.sources = strings(v);
      c.wildcards = c.sources.map(wildcard);
    }
    else fail(`Unsupported anything-but pattern: ${op}`);
  } else leaf(arg);
  return c;
}

function parseCidr(arg: unknown): Condition {
  if (typeof arg !== 'string') fail('cidr match pattern must be a string');
  const block = parseCidrBlock(arg as string);
  if (!block) fail(`Nonstandard IP address: ${arg}`);
  return { t: 'cidr', ...block };
}

// ── Matching ─────────────────────────────────────────────────────────────────────────────────────

export function matchesPattern(pattern: EventPattern, event: Record<string, unknown>): boolean {
  for (const f of pattern.fields) {
    const v = event[f.key];
    if (f.nested) {
      const objects = Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : [];
      if (!objects.some((o) => matchesPattern(f.nested!, o))) return false;
      continue;
    }
    const leaves = leavesOf(v);
    if (!f.conditions!.some((c) => matchCondition(c, leaves))) return false;
  }
  for (const alternatives of pattern.alternatives) {
    if (!alternatives.some((p) => matchesPattern(p, event))) return false;
  }
  return true;
}

/** The leaf values at a field: undefined when absent or not a leaf (exists matches leaves only). */
function leavesOf(v: unknown): Leaf[] | undefined {
  if (v === undefined || isObject(v)) return undefined;
  if (Array.isArray(v)) {
    const out = v.filter((x): x is Leaf => !isObject(x) && !Array.isArray(x));
    return out.length || v.length === 0 ? out : undefined;
  }
  return [v as Leaf];
}

function matchCondition(c: Condition, leaves: Leaf[] | undefined): boolean {
  if (c.t === 'exists') return c.v ? leaves !== undefined && leaves.length > 0 : leaves === undefined || leaves.length === 0;
  if (!leaves) return false;
  return leaves.some((v) => matchLeaf(c, v));
}

function matchLeaf(c: Condition, v: Leaf): boolean {
  switch (c.t) {
    case 'exact':
      return v === c.v;
    case 'prefix':
      return typeof v === 'string' && (c.ci ? v.toLowerCase() : v).startsWith(c.v);
    case 'suffix':
      return typeof v === 'string' && (c.ci ? v.toLowerCase() : v).endsWith(c.v);
    case 'ci':
      return typeof v === 'string' && v.toLowerCase() === c.v;
    case 'wildcard':
      return typeof v === 'string' && c.w.test(v);
    case 'anything-but':
      if (typeof v === 'string') {
        if (c.prefix !== undefined) return !v.startsWith(c.prefix);
        if (c.suffix !== undefined) return !v.endsWith(c.suffix);
        if (c.ci) return !c.ci.has(v.toLowerCase());
        if (c.wildcards) return !c.wildcards.some((w) => w.test(v));
        return !c.values.includes(v);
      }
      if (typeof v === 'number') return c.prefix === undefined && c.suffix === undefined && !c.ci && !c.wildcards && !c.values.includes(v);
      return false;
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
