// CloudWatch Logs filter patterns (metric filters, subscription filters, FilterLogEvents): terms and
// quoted phrases (all must match), `?term` (any), `-term` (none), `%regex%`, JSON patterns
// `{ $.level = "error" && $.latency > 100 }` and space-delimited patterns `[ip, user, ..., status = 4*]`.
// A pattern compiles once into a matcher (regexes by RE2, wildcards by core/wildcard.ts: linear, never
// backtracking); bad syntax is the service's InvalidParameterException.
import { re2js } from '../../../core/re2.ts';
import { ServiceError } from '../../../core/errors.ts';
import { constraints } from '../../protocol/constraints.ts';
import { compileWildcard, type Wildcard } from '../../../core/wildcard.ts';

export interface FilterMatcher {
  matches(message: string): boolean;
  /** Space-delimited patterns: the named fields of a matching message ($name → value). */
  extract(message: string): Record<string, string> | undefined;
  /** How many `%regex%` terms the pattern has (the log group's regex-filter quota counts them). */
  regexCount: number;
}

/** A `%regex%` term, compiled by RE2 (linear time): user regexes never reach a backtracking engine. */
interface Regex {
  test(text: string): boolean;
}

/** filterPattern's length limit in every operation's model. */
export const MAX_FILTER_PATTERN = 1024;
/** "There is a limit of 2 regex for each filter pattern" (CloudWatch Logs filter pattern syntax). */
export const MAX_REGEX_PER_PATTERN = 2;
// The documented regex alphabet: letters, digits, the symbols : _ # = @ / ; , - and the operators
// ^ $ ? [ ] { } | \ * + . — no parentheses (not even escaped), no other symbol, no multi-byte character.
const REGEX_ALPHABET = /^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]*$/;

export function invalidPattern(detail: string): ServiceError {
  return new ServiceError('InvalidParameterException', `Invalid filter pattern: ${detail}`, 400);
}

const cache = new Map<string, FilterMatcher>();

export function compileFilterPattern(pattern: string | undefined): FilterMatcher {
  const key = pattern ?? '';
  let m = cache.get(key);
  if (!m) {
    // Checked before parsing: the parsers recurse on parentheses, so the length bounds their depth.
    constraints().length('filterPattern', key, 0, MAX_FILTER_PATTERN).check('InvalidParameterException');
    const counter = { regexes: 0 };
    m = { ...compile(key.trim(), counter), regexCount: counter.regexes };
    if (counter.regexes > MAX_REGEX_PER_PATTERN) throw invalidPattern(`a filter pattern can contain at most ${MAX_REGEX_PER_PATTERN} regular expressions`);
    if (cache.size > 500) cache.clear();
    cache.set(key, m);
  }
  return m;
}

type Compiled = Omit<FilterMatcher, 'regexCount'>;
interface Counter {
  regexes: number;
}

function compile(p: string, counter: Counter): Compiled {
  if (p === '' || p === '""') return { matches: () => true, extract: () => ({}) };
  if (p.startsWith('{')) {
    if (!p.endsWith('}')) throw invalidPattern('a JSON pattern must end with }');
    const expr = new JsonPatternParser(p.slice(1, -1), counter).parseAll();
    return {
      matches: (msg) => {
        const doc = parseJsonObject(msg);
        return doc !== undefined && evalJson(expr, doc);
      },
      extract: () => ({}),
    };
  }
  if (p.startsWith('[')) {
    if (!p.endsWith(']')) throw invalidPattern('a space-delimited pattern must end with ]');
    const fields = parseDelimited(p.slice(1, -1), counter);
    return {
      matches: (msg) => matchDelimited(fields, msg) !== undefined,
      extract: (msg) => matchDelimited(fields, msg),
    };
  }
  if (p.length > 1 && p.startsWith('%') && p.endsWith('%')) {
    const re = regex(p.slice(1, -1), counter);
    return { matches: (msg) => re.test(msg), extract: () => ({}) };
  }
  return termMatcher(p, counter);
}

/**
 * Fogbank's own bound (AWS documents none): RE2 expands `x{1000}` into 1000 copies, so 145 of them
 * in one 1024-character pattern make a program that costs seconds per message — linear, but a
 * FilterLogEvents scans up to 200,000 of them. Without parentheses nothing nests, so the sum of the
 * counts bounds the program; 1000 in all admits every pattern AWS's documentation shows.
 */
const MAX_REPETITIONS = 1000;

function repetitions(source: string): number {
  let total = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i, i + 20));
      if (m) total += Math.max(Number(m[1]), m[2] ? Number(m[2]) : 0);
    }
  }
  return total;
}

function regex(source: string, counter: Counter): Regex {
  counter.regexes++;
  if (!REGEX_ALPHABET.test(source)) throw new ServiceError('InvalidParameterException', 'Invalid character(s) in term', 400);
  if (repetitions(source) > MAX_REPETITIONS) throw invalidPattern(`%${source}% repeats more than ${MAX_REPETITIONS} times in all`);
  try {
    return re2js().compile(source);
  } catch {
    throw invalidPattern(`bad regular expression %${source}%`);
  }
}

// ---------------------------------------------------------------------------------------------
// Terms

interface Term {
  kind: 'all' | 'any' | 'none';
  test: (msg: string) => boolean;
}

function termMatcher(p: string, counter: Counter): Compiled {
  const terms: Term[] = [];
  let i = 0;
  while (i < p.length) {
    while (i < p.length && /\s/.test(p[i])) i++;
    if (i >= p.length) break;
    let kind: Term['kind'] = 'all';
    if (p[i] === '?') (kind = 'any'), i++;
    else if (p[i] === '-' && i + 1 < p.length && !/\s/.test(p[i + 1])) (kind = 'none'), i++;
    let text: string;
    let test: (msg: string) => boolean;
    if (p[i] === '"') {
      const end = p.indexOf('"', i + 1);
      if (end < 0) throw invalidPattern('unterminated quoted term');
      text = p.slice(i + 1, end);
      i = end + 1;
      test = (msg) => msg.includes(text);
    } else if (p[i] === '%') {
      const end = p.indexOf('%', i + 1);
      if (end < 0) throw invalidPattern('unterminated %regex%');
      const re = regex(p.slice(i + 1, end), counter);
      i = end + 1;
      test = (msg) => re.test(msg);
    } else {
      const start = i;
      while (i < p.length && !/\s/.test(p[i])) i++;
      text = p.slice(start, i);
      test = (msg) => msg.includes(text);
    }
    terms.push({ kind, test });
  }
  const all = terms.filter((t) => t.kind === 'all');
  const any = terms.filter((t) => t.kind === 'any');
  const none = terms.filter((t) => t.kind === 'none');
  return {
    matches: (msg) =>
      all.every((t) => t.test(msg)) && (any.length === 0 || any.some((t) => t.test(msg))) && !none.some((t) => t.test(msg)),
    extract: () => ({}),
  };
}

// ---------------------------------------------------------------------------------------------
// JSON patterns

type Op = '=' | '!=' | '<' | '>' | '<=' | '>=';

type JsonExpr =
  | { type: 'and' | 'or'; left: JsonExpr; right: JsonExpr }
  | { type: 'compare'; path: Array<string | number>; op: Op; value: Literal }
  | { type: 'is'; path: Array<string | number>; what: 'null' | 'true' | 'false' | 'not-exists' | 'exists' };

type Literal = { kind: 'string'; text: string; wildcard?: Wildcard } | { kind: 'number'; n: number; text: string } | { kind: 'regex'; re: Regex };

class JsonPatternParser {
  #s: string;
  #i = 0;
  #counter: Counter;

  constructor(s: string, counter: Counter) {
    this.#s = s;
    this.#counter = counter;
  }

  parseAll(): JsonExpr {
    const e = this.#or();
    this.#ws();
    if (this.#i < this.#s.length) throw invalidPattern(`unexpected ${JSON.stringify(this.#s.slice(this.#i, this.#i + 10))} in JSON pattern`);
    return e;
  }

  #ws() {
    while (this.#i < this.#s.length && /\s/.test(this.#s[this.#i])) this.#i++;
  }

  #eat(tok: string): boolean {
    this.#ws();
    if (this.#s.startsWith(tok, this.#i)) {
      this.#i += tok.length;
      return true;
    }
    return false;
  }

  #or(): JsonExpr {
    let left = this.#and();
    while (this.#eat('||')) left = { type: 'or', left, right: this.#and() };
    return left;
  }

  #and(): JsonExpr {
    let left = this.#unary();
    while (this.#eat('&&')) left = { type: 'and', left, right: this.#unary() };
    return left;
  }

  #unary(): JsonExpr {
    if (this.#eat('(')) {
      const e = this.#or();
      if (!this.#eat(')')) throw invalidPattern('missing ) in JSON pattern');
      return e;
    }
    const path = this.#selector();
    this.#ws();
    const rest = this.#s.slice(this.#i);
    const word = /^(IS\s+NULL|IS\s+TRUE|IS\s+FALSE|NOT\s+EXISTS|EXISTS)\b/i.exec(rest);
    if (word) {
      this.#i += word[0].length;
      const w = word[1].toUpperCase().replace(/\s+/g, ' ');
      const what = w === 'IS NULL' ? 'null' : w === 'IS TRUE' ? 'true' : w === 'IS FALSE' ? 'false' : w === 'NOT EXISTS' ? 'not-exists' : 'exists';
      return { type: 'is', path, what };
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(rest);
    if (!op) throw invalidPattern(`expected a comparison after the selector in JSON pattern`);
    this.#i += op[0].length;
    return { type: 'compare', path, op: op[1] as Op, value: this.#literal() };
  }

  #selector(): Array<string | number> {
    this.#ws();
    if (this.#s[this.#i] !== '$') throw invalidPattern('a JSON pattern selector starts with $');
    this.#i++;
    const path: Array<string | number> = [];
    for (;;) {
      const c = this.#s[this.#i];
      if (c === '.') {
        this.#i++;
        const m = /^[A-Za-z0-9_@\-$*]+/.exec(this.#s.slice(this.#i));
        if (!m) throw invalidPattern('bad selector in JSON pattern');
        path.push(m[0]);
        this.#i += m[0].length;
      } else if (c === '[') {
        const m = /^\[(\d+)\]/.exec(this.#s.slice(this.#i));
        if (!m) throw invalidPattern('bad array index in JSON pattern');
        path.push(Number(m[1]));
        this.#i += m[0].length;
      } else break;
    }
    return path;
  }

  #literal(): Literal {
    this.#ws();
    const s = this.#s;
    if (s[this.#i] === '"') {
      let j = this.#i + 1;
      let text = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        text += s[j++];
      }
      if (j >= s.length) throw invalidPattern('unterminated string in JSON pattern');
      this.#i = j + 1;
      return stringLiteral(text);
    }
    if (s[this.#i] === '%') {
      const end = s.indexOf('%', this.#i + 1);
      if (end < 0) throw invalidPattern('unterminated %regex% in JSON pattern');
      const re = regex(s.slice(this.#i + 1, end), this.#counter);
      this.#i = end + 1;
      return { kind: 'regex', re };
    }
    const m = /^[^\s()&|]+/.exec(s.slice(this.#i));
    if (!m) throw invalidPattern('expected a value in JSON pattern');
    this.#i += m[0].length;
    const n = Number(m[0]);
    if (m[0] !== '' && Number.isFinite(n)) return { kind: 'number', n, text: m[0] };
    return stringLiteral(m[0]);
  }
}

function stringLiteral(text: string): Literal {
  if (!text.includes('*')) return { kind: 'string', text };
  return { kind: 'string', text, wildcard: compileWildcard(text) };
}

function parseJsonObject(msg: string): unknown {
  const t = msg.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(msg);
  } catch {
    return undefined;
  }
}

const MISSING = Symbol('missing');

function select(doc: unknown, path: Array<string | number>): unknown {
  let v: unknown = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return MISSING;
    if (typeof k === 'number') {
      if (!Array.isArray(v) || k >= v.length) return MISSING;
      v = v[k];
    } else {
      if (Array.isArray(v) || !Object.hasOwn(v, k)) return MISSING;
      v = (v as Record<string, unknown>)[k];
    }
  }
  return v;
}

function evalJson(e: JsonExpr, doc: unknown): boolean {
  switch (e.type) {
    case 'and':
      return evalJson(e.left, doc) && evalJson(e.right, doc);
    case 'or':
      return evalJson(e.left, doc) || evalJson(e.right, doc);
    case 'is': {
      const v = select(doc, e.path);
      if (e.what === 'not-exists') return v === MISSING;
      if (e.what === 'exists') return v !== MISSING;
      if (e.what === 'null') return v === null;
      return v === (e.what === 'true');
    }
    case 'compare':
      return compareValue(select(doc, e.path), e.op, e.value);
  }
}

function compareValue(v: unknown, op: Op, lit: Literal): boolean {
  if (v === MISSING) return false;
  if (lit.kind === 'regex') {
    const hit = typeof v === 'string' || typeof v === 'number' ? lit.re.test(String(v)) : false;
    return op === '!=' ? !hit : op === '=' ? hit : false;
  }
  if (lit.kind === 'number') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isNaN(n)) return op === '!=' && typeof v === 'string' ? v !== lit.text : false;
    return numeric(n, op, lit.n);
  }
  if (op !== '=' && op !== '!=') return false;
  if (typeof v === 'object' && v !== null) return false;
  const s = v === null ? 'null' : String(v);
  const eq = lit.wildcard ? lit.wildcard.test(s) : s === lit.text;
  return op === '=' ? eq : !eq;
}

function numeric(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
}

// ---------------------------------------------------------------------------------------------
// Space-delimited patterns

interface Condition {
  field: string;
  op: Op;
  value: Literal;
}

interface DelimitedField {
  name: string;
  ellipsis: boolean;
  /** Alternatives (||) of conjunctions (&&) of conditions. */
  conditions: Condition[][];
}

function parseDelimited(body: string, counter: Counter): DelimitedField[] {
  const parts = splitOutsideQuotes(body, ',');
  const fields: DelimitedField[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '...') {
      if (fields.some((f) => f.ellipsis)) throw invalidPattern('only one ... per space-delimited pattern');
      fields.push({ name: '', ellipsis: true, conditions: [] });
      continue;
    }
    const nameMatch = /^[A-Za-z0-9_$-]+/.exec(part);
    if (!nameMatch) throw invalidPattern(`bad field ${JSON.stringify(part)}`);
    const name = nameMatch[0];
    const rest = part.slice(name.length).trim();
    const conditions: Condition[][] = [];
    if (rest) {
      for (const alt of splitOutsideQuotes(`${name}${part.slice(name.length)}`, '||')) {
        conditions.push(splitOutsideQuotes(alt, '&&').map((c) => parseCondition(c.trim(), counter)));
      }
    }
    fields.push({ name, ellipsis: false, conditions });
  }
  return fields;
}

function parseCondition(c: string, counter: Counter): Condition {
  const m = /^([A-Za-z0-9_$-]+)\s*(!=|<=|>=|=|<|>)\s*(.*)$/s.exec(c);
  if (!m) throw invalidPattern(`bad condition ${JSON.stringify(c)}`);
  const raw = m[3].trim();
  let value: Literal;
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) value = stringLiteral(raw.slice(1, -1));
  else if (raw.length > 1 && raw.startsWith('%') && raw.endsWith('%')) value = { kind: 'regex', re: regex(raw.slice(1, -1), counter) };
  else if (raw !== '' && Number.isFinite(Number(raw))) value = { kind: 'number', n: Number(raw), text: raw };
  else if (raw === '') throw invalidPattern(`missing value in ${JSON.stringify(c)}`);
  else value = stringLiteral(raw);
  return { field: m[1], op: m[2] as Op, value };
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '%') {
      const end = s.indexOf('%', i + 1);
      if (end > 0) i = end;
    } else if (!quoted && (c === '(' || c === '[')) depth++;
    else if (!quoted && (c === ')' || c === ']')) depth--;
    else if (!quoted && depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      i += sep.length - 1;
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Splits a message into fields on spaces, keeping "quoted" and [bracketed] runs whole (without them). */
export function splitMessageFields(msg: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = msg.length;
  while (i < n) {
    while (i < n && msg[i] === ' ') i++;
    if (i >= n) break;
    const c = msg[i];
    if (c === '"' || c === '[') {
      const close = c === '"' ? '"' : ']';
      const end = msg.indexOf(close, i + 1);
      if (end >= 0) {
        out.push(msg.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    const start = i;
    while (i < n && msg[i] !== ' ') i++;
    out.push(msg.slice(start, i));
  }
  return out;
}

function matchDelimited(fields: DelimitedField[], msg: string): Record<string, string> | undefined {
  const values = splitMessageFields(msg);
  const at = fields.findIndex((f) => f.ellipsis);
  const bound = new Map<string, string>();
  if (at < 0) {
    if (values.length !== fields.length) return undefined;
    fields.forEach((f, i) => bound.set(f.name, values[i]));
  } else {
    const head = fields.slice(0, at);
    const tail = fields.slice(at + 1);
    if (values.length < head.length + tail.length) return undefined;
    head.forEach((f, i) => bound.set(f.name, values[i]));
    tail.forEach((f, i) => bound.set(f.name, values[values.length - tail.length + i]));
  }
  for (const f of fields) {
    if (f.ellipsis || f.conditions.length === 0) continue;
    const ok = f.conditions.some((conj) => conj.every((c) => bound.has(c.field) && compareValue(bound.get(c.field)!, c.op, c.value)));
    if (!ok) return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of bound) out[`$${k}`] = v;
  return out;
}
