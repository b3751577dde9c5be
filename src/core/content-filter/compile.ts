// Filter text → compiled ContentFilter, checked against the dialect's grammar and limits. Every
// refusal goes through the dialect (its error type, its wording); nothing here throws anything else,
// and nothing recurses deeper than the dialect's nesting limit (or 150 `$or`s), so hostile input
// (deep nesting, huge arrays, long wildcards) is refused or compiled in time linear in its size.
import { parseCidrBlock } from '../cidr.ts';
import { refuse, type AnythingButForm, type Dialect, type Operator, type Reason } from './dialect.ts';
import type { Clause, Condition, ContentFilter, Field, FieldIndex, Leaf } from './model.ts';
import { inRange, NUMERIC_OPERATORS, quantize, type NumericCheck, type NumericOperator } from './numeric.ts';
import { wildcardComplexity } from './wildcard-complexity.ts';
import { compileWildcard, type Wildcard } from '../wildcard.ts';

/** `$or` chains deeper than this are refused even where `$or` is not nesting (each adds a combination). */
const MAX_OR_DEPTH = 150;

export function compileFilter(text: string, dialect: Dialect): ContentFilter {
  const max = dialect.maxLength;
  if (max && (max.unit === 'bytes' ? Buffer.byteLength(text) : text.length) > max.limit) refuse(dialect, 'too-long', String(max.limit));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    refuse(dialect, 'json', (err as Error).message);
  }
  if (!isObject(doc)) refuse(dialect, 'not-object');
  const root = new Compiler(dialect).clause(doc, 1, 0);
  if (dialect.maxKeys !== undefined && countKeys(root) > dialect.maxKeys) refuse(dialect, 'too-many-keys');
  if (dialect.maxCombinations !== undefined && combinations(root) > dialect.maxCombinations) refuse(dialect, 'too-complex');
  return { root, dialect };
}

/** How many alternatives the filter expands to: listed values multiply, `$or` branches add. */
function combinations(c: Clause): number {
  let n = 1;
  for (const f of c.fields) n *= f.conditions ? f.conditions.length : combinations(f.nested!);
  for (const alts of c.alternatives) n *= alts.reduce((sum, alt) => sum + combinations(alt), 0);
  return n;
}

/** Top-level keys (a nested object counts once, by its own key), plus the largest `$or` alternative's. */
function countKeys(c: Clause): number {
  let most = 0;
  for (const alts of c.alternatives) for (const alt of alts) most = Math.max(most, countKeys(alt));
  return c.fields.length + most;
}

class Compiler {
  readonly #d: Dialect;

  constructor(dialect: Dialect) {
    this.#d = dialect;
  }

  #fail(reason: Reason, detail?: string): never {
    refuse(this.#d, reason, detail);
  }

  clause(doc: Record<string, unknown>, depth: number, orDepth: number): Clause {
    const d = this.#d;
    if ((d.orIsNesting ? depth + orDepth : depth) > d.maxDepth) this.#fail('too-deep');
    if (orDepth >= MAX_OR_DEPTH) this.#fail(d.maxCombinations !== undefined ? 'too-complex' : 'too-deep');
    const fields: Field[] = [];
    const alternatives: Clause[][] = [];
    for (const [key, value] of Object.entries(doc)) {
      if (key === '$or' && isOr(value)) {
        alternatives.push(value.map((v) => this.clause(v, depth, orDepth + 1)));
      } else if (Array.isArray(value)) {
        if (value.length === 0) this.#fail('empty-array');
        const conditions = value.map((v) => this.condition(v));
        this.#checkWildcards(conditions);
        fields.push({ key, conditions, index: indexOf(conditions, d) });
      } else if (isObject(value)) {
        if (!d.nesting) this.#fail('nesting', key);
        fields.push({ key, nested: this.clause(value, depth + 1, orDepth) });
      } else {
        this.#fail('field-shape', key);
      }
    }
    return { fields, alternatives };
  }

  condition(v: unknown): Condition {
    const d = this.#d;
    if (typeof v === 'string') return { kind: 'equals', value: v };
    if (typeof v === 'number') return { kind: 'equals', value: this.#literal(v) };
    if (typeof v === 'boolean') return { kind: 'equals', value: d.booleansAsStrings ? String(v) : v };
    if (v === null) {
      if (!d.nullValues) this.#fail('match-value');
      return { kind: 'equals', value: null };
    }
    if (!isObject(v)) this.#fail('match-value');
    const entries = Object.entries(v);
    if (entries.length !== 1) this.#fail('one-key');
    const [op, arg] = entries[0];
    if (!d.operators.has(op as Operator)) this.#fail('unknown-operator', op);
    switch (op as Operator) {
      case 'prefix':
      case 'suffix': {
        if (typeof arg === 'string') return { kind: op as 'prefix', value: arg, ignoreCase: false };
        if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
          return { kind: op as 'prefix', value: (arg['equals-ignore-case'] as string).toLowerCase(), ignoreCase: true };
        }
        return this.#fail('string-operand', op);
      }
      case 'equals-ignore-case':
        if (typeof arg !== 'string') this.#fail('ignore-case-operand');
        return { kind: 'equals-ignore-case', value: (arg as string).toLowerCase() };
      case 'wildcard':
        if (typeof arg !== 'string') this.#fail('string-operand', op);
        return { kind: 'wildcard', wildcard: this.#wildcard(arg as string), source: arg as string };
      case 'exists':
        if (typeof arg !== 'boolean') this.#fail('exists-operand');
        return { kind: 'exists', value: arg as boolean };
      case 'numeric':
        return this.#numeric(arg);
      case 'cidr': {
        if (typeof arg !== 'string') this.#fail('cidr-operand');
        const block = parseCidrBlock(arg as string);
        if (!block) this.#fail('cidr-block', arg as string);
        return { kind: 'cidr', block };
      }
      case 'anything-but':
        return this.#anythingBut(arg);
    }
  }

  /** A number written in the filter as a value to equal (or not). */
  #literal(n: number): number {
    if (this.#d.literalsInRange && !inRange(this.#d.numbers, n)) this.#fail('number-range');
    return n;
  }

  #numeric(arg: unknown): Condition {
    const range = this.#d.numbers;
    if (!Array.isArray(arg) || arg.length === 0 || arg.length > 4 || arg.length % 2 !== 0) this.#fail('numeric-shape');
    const raw: NumericCheck[] = [];
    for (let i = 0; i < arg.length; i += 2) {
      const op = arg[i];
      const v = arg[i + 1];
      if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) this.#fail('numeric-operator', String(op));
      if (typeof v !== 'number') this.#fail('numeric-operand', op);
      if (!inRange(range, v)) this.#fail('number-range');
      raw.push({ op: op as NumericOperator, v });
    }
    if (raw.length === 2) {
      const lower = (o: string) => o === '>' || o === '>=';
      const upper = (o: string) => o === '<' || o === '<=';
      if (!(lower(raw[0].op) && upper(raw[1].op))) this.#fail('numeric-order');
      if (raw[0].v >= raw[1].v) this.#fail('numeric-bounds');
    }
    // Bounds kept in the precision's units: the comparison is then exact integer arithmetic.
    return { kind: 'numeric', checks: raw.map(({ op, v }) => ({ op, v: quantize(range, v)! })) };
  }

  #anythingBut(arg: unknown): Condition {
    const strings = new Set<string>();
    const numbers: number[] = [];
    const add = (x: unknown) => {
      if (typeof x === 'string') strings.add(x);
      else if (typeof x === 'number') numbers.push(this.#literal(x));
      else this.#fail('anything-but-value');
    };
    if (Array.isArray(arg)) {
      if (arg.length === 0) this.#fail('empty-array');
      arg.forEach(add);
      return { kind: 'anything-but', strings, numbers };
    }
    if (!isObject(arg)) {
      add(arg);
      return { kind: 'anything-but', strings, numbers };
    }
    const entries = Object.entries(arg);
    if (entries.length !== 1) this.#fail('one-key');
    const [form, v] = entries[0];
    if (!this.#d.anythingBut.has(form as AnythingButForm)) this.#fail('anything-but-form', form);
    const list = (): string[] => {
      const items = Array.isArray(v) ? v : [v];
      if (!items.length || !items.every((s) => typeof s === 'string')) this.#fail('anything-but-list', form);
      return items as string[];
    };
    switch (form as AnythingButForm) {
      case 'prefix':
        if (typeof v !== 'string') this.#fail('anything-but-form', form);
        return { kind: 'anything-but', strings, numbers, prefix: v as string };
      case 'suffix':
        if (typeof v !== 'string') this.#fail('anything-but-form', form);
        return { kind: 'anything-but', strings, numbers, suffix: v as string };
      case 'equals-ignore-case':
        return { kind: 'anything-but', strings, numbers, ignoreCase: new Set(list().map((s) => s.toLowerCase())) };
      case 'wildcard': {
        const sources = list();
        return { kind: 'anything-but', strings, numbers, sources, wildcards: sources.map((s) => this.#wildcard(s)) };
      }
    }
  }

  // event-ruler's wildcard grammar: `*` is any run, `\*` and `\\` are literal; positions are UTF-8 bytes.
  #wildcard(s: string): Wildcard {
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '*' && s[i + 1] === '*') this.#fail('wildcard-consecutive', String(Buffer.byteLength(s.slice(0, i))));
      if (s[i] === '\\') {
        if (s[i + 1] !== '*' && s[i + 1] !== '\\') this.#fail('wildcard-escape', String(Buffer.byteLength(s.slice(0, i))));
        i++;
      }
    }
    return compileWildcard(s, { escapes: true });
  }

  /** The field's wildcard patterns, together, within the dialect's complexity limit. */
  #checkWildcards(conditions: Condition[]): void {
    const limit = this.#d.maxWildcardComplexity;
    if (limit === undefined) return;
    const patterns = conditions.flatMap((c) => (c.kind === 'wildcard' ? [c.source] : c.kind === 'anything-but' ? [...(c.sources ?? [])] : []));
    if (patterns.length && wildcardComplexity(patterns, limit) > limit) this.#fail('wildcard-complexity');
  }
}

function indexOf(conditions: readonly Condition[], d: Dialect): FieldIndex {
  const exact = new Set<Leaf>();
  const numbers = new Set<number>();
  const rest: Condition[] = [];
  let exists: FieldIndex['exists'];
  for (const c of conditions) {
    if (c.kind === 'exists') exists = exists === undefined || exists === c.value ? c.value : 'either';
    else if (c.kind !== 'equals') rest.push(c);
    else if (typeof c.value !== 'number') exact.add(c.value);
    else {
      const q = quantize(d.numbers, c.value);
      if (q === undefined) exact.add(c.value);
      else numbers.add(q);
    }
  }
  return { exact, numbers, exists, rest };
}

/** The words a filter reserves for its operators. */
const RESERVED: ReadonlySet<string> = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr']);

/**
 * Whether a `$or` value is an OR: an array of at least two objects, none keyed by a reserved word.
 * Otherwise `$or` is an ordinary key like any other (SNS developer guide, "OR operator"; event-ruler).
 */
function isOr(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length >= 2 && value.every((v) => isObject(v) && !Object.keys(v).some((k) => RESERVED.has(k)));
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
