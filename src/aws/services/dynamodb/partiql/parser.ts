// DynamoDB's PartiQL subset: SELECT, INSERT, UPDATE, DELETE (and EXISTS inside transactions), with
// literals ('text', numbers, TRUE/FALSE/NULL, [lists], {maps}, <<sets>>) and ? parameters. The WHERE
// clause becomes the same condition tree the expression languages build, so one evaluator serves both.
import type { Condition, Operand, PathNode, PathPart, ValueNode } from '../expressions/ast.ts';
import { validation } from '../errors.ts';
import { checkValue, typeOf, ValueProblem, type AttributeValue } from '../values/attribute.ts';
import { normalizeNumber } from '../values/number.ts';
import { setOwn } from '../../../../core/records.ts';

export interface SelectStatement {
  kind: 'select';
  table: string;
  index?: string;
  /** undefined for SELECT * */
  paths?: PathPart[][];
  where?: Condition;
  orderBy?: { path: string; desc: boolean };
}

export interface InsertStatement {
  kind: 'insert';
  table: string;
  item: Record<string, AttributeValue>;
}

export type UpdateValue = { kind: 'value'; operand: Operand } | { kind: 'arith'; op: '+' | '-'; left: Operand; right: Operand } | { kind: 'fn'; name: string; args: Operand[] };

export interface UpdateStatement {
  kind: 'update';
  table: string;
  set: Array<{ path: PathNode; value: UpdateValue }>;
  remove: PathNode[];
  where: Condition;
  returning?: string;
}

export interface DeleteStatement {
  kind: 'delete';
  table: string;
  where: Condition;
  returning?: string;
}

export interface ExistsStatement {
  kind: 'exists';
  select: SelectStatement;
  not: boolean;
}

export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | ExistsStatement;

interface Tok {
  k: 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'param' | 'eof';
  t: string;
  at: number;
}

function malformed(detail: string): never {
  throw validation(`Statement wasn't well formed, can't be processed: ${detail}`);
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) malformed(`Unterminated ${c === "'" ? 'string literal' : 'quoted identifier'}`);
        if (src[i] === c) {
          if (src[i + 1] === c) {
            s += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ k: c === "'" ? 'string' : 'quoted', t: s, at });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(\d*\.?\d*(?:[eE][+-]?\d+)?)/.exec(src.slice(i))!;
      out.push({ k: 'number', t: m[1], at });
      i += m[1].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ k: 'word', t: m[0], at });
      i += m[0].length;
    } else if (c === '?') {
      out.push({ k: 'param', t: '?', at });
      i++;
    } else {
      const two = src.slice(i, i + 2);
      const p = ['<>', '!=', '<=', '>=', '<<', '>>'].includes(two) ? two : c;
      if (!'()[]{},.:=<>+-*!'.includes(p[0])) malformed(`Unexpected character '${c}'`);
      out.push({ k: 'punct', t: p, at });
      i += p.length;
    }
  }
  out.push({ k: 'eof', t: '', at: src.length });
  return out;
}

const span = { tokStart: 0, tokEnd: 0, parens: 0 };

class Parser {
  readonly toks: Tok[];
  readonly params: AttributeValue[];
  i = 0;
  used = 0;
  depth = 0;

  /** Bounds nesting (parentheses, NOT, nested literals) so that no statement can exhaust the stack. */
  nest<T>(fn: () => T): T {
    if (++this.depth > 256) malformed('Statement is nested too deeply');
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  constructor(src: string, params: AttributeValue[]) {
    this.toks = lex(src);
    this.params = params;
  }

  peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)];
  }
  isWord(w: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'word' && t.t.toUpperCase() === w;
  }
  isPunct(p: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'punct' && t.t === p;
  }
  word(w: string): void {
    if (!this.isWord(w)) this.unexpected(`expected ${w}`);
    this.i++;
  }
  punct(p: string): void {
    if (!this.isPunct(p)) this.unexpected(`expected '${p}'`);
    this.i++;
  }
  unexpected(what: string): never {
    const t = this.peek();
    malformed(t.k === 'eof' ? `Unexpected end of statement, ${what}` : `Unexpected token '${t.t}' at position ${t.at + 1}, ${what}`);
  }

  identifier(): string {
    const t = this.peek();
    if (t.k === 'quoted' || t.k === 'word') {
      this.i++;
      return t.t;
    }
    this.unexpected('expected an identifier');
  }

  tableRef(): { table: string; index?: string } {
    const table = this.identifier();
    if (this.isPunct('.')) {
      this.i++;
      return { table, index: this.identifier() };
    }
    return { table };
  }

  path(): PathNode {
    const parts: PathPart[] = [];
    const first = this.identifier();
    parts.push({ kind: 'attr', name: first, raw: first });
    for (;;) {
      if (this.isPunct('.')) {
        this.i++;
        const n = this.identifier();
        parts.push({ kind: 'attr', name: n, raw: n });
      } else if (this.isPunct('[')) {
        this.i++;
        const t = this.peek();
        if (t.k === 'number' && /^\d+$/.test(t.t)) parts.push({ kind: 'index', index: Number(t.t) });
        else if (t.k === 'string') parts.push({ kind: 'attr', name: t.t, raw: t.t });
        else this.unexpected('expected a list index or map key');
        this.i++;
        this.punct(']');
      } else return { type: 'path', parts, ...span };
    }
  }

  param(): AttributeValue {
    this.i++;
    if (this.used >= this.params.length) throw validation("Number of parameters in request and statement don't match.");
    return this.params[this.used++];
  }

  /** A literal value (or parameter). */
  literal(): AttributeValue {
    return this.nest(() => this.literalInner());
  }

  literalInner(): AttributeValue {
    const t = this.peek();
    if (t.k === 'param') return this.param();
    if (t.k === 'string') {
      this.i++;
      return { S: t.t };
    }
    if (t.k === 'number' || (t.k === 'punct' && t.t === '-' && this.peek(1).k === 'number')) {
      let text = t.t;
      if (t.t === '-') {
        this.i++;
        text = '-' + this.peek().t;
      }
      this.i++;
      return { N: normalizeNumber(text) };
    }
    if (t.k === 'word') {
      const u = t.t.toUpperCase();
      if (u === 'TRUE' || u === 'FALSE') {
        this.i++;
        return { BOOL: u === 'TRUE' };
      }
      if (u === 'NULL') {
        this.i++;
        return { NULL: true };
      }
    }
    if (t.k === 'punct' && t.t === '[') {
      this.i++;
      const L: AttributeValue[] = [];
      if (!this.isPunct(']')) {
        do L.push(this.literal());
        while (this.isPunct(',') && ++this.i);
      }
      this.punct(']');
      return { L };
    }
    if (t.k === 'punct' && t.t === '{') {
      this.i++;
      const M: Record<string, AttributeValue> = {};
      if (!this.isPunct('}')) {
        do {
          const k = this.peek();
          if (k.k !== 'string' && k.k !== 'quoted') this.unexpected('expected a string key');
          this.i++;
          this.punct(':');
          setOwn(M, k.t, this.literal());
        } while (this.isPunct(',') && ++this.i);
      }
      this.punct('}');
      return { M };
    }
    if (t.k === 'punct' && t.t === '<<') {
      this.i++;
      const items: AttributeValue[] = [];
      if (!this.isPunct('>>')) {
        do items.push(this.literal());
        while (this.isPunct(',') && ++this.i);
      }
      this.punct('>>');
      const types = new Set(items.map(typeOf));
      if (types.size > 1) malformed('Set elements must all be of the same type');
      const type = [...types][0];
      if (type === 'S') return { SS: items.map((x) => x.S!) };
      if (type === 'N') return { NS: items.map((x) => x.N!) };
      if (type === 'B') return { BS: items.map((x) => x.B!) };
      malformed('Sets can only contain strings, numbers or binaries');
    }
    this.unexpected('expected a value');
  }

  value(v: AttributeValue): ValueNode {
    return { type: 'value', ref: '?', value: v, ...span };
  }

  startsLiteral(): boolean {
    const t = this.peek();
    if (t.k === 'param' || t.k === 'string' || t.k === 'number') return true;
    if (t.k === 'punct' && ['[', '{', '<<'].includes(t.t)) return true;
    if (t.k === 'punct' && t.t === '-' && this.peek(1).k === 'number') return true;
    return t.k === 'word' && ['TRUE', 'FALSE', 'NULL'].includes(t.t.toUpperCase());
  }

  operand(): Operand {
    if (this.startsLiteral()) return this.value(this.literal());
    const t = this.peek();
    if (t.k === 'word' && this.isPunct('(', 1)) {
      const name = t.t.toLowerCase();
      this.i += 2;
      const args: Operand[] = [];
      if (!this.isPunct(')')) {
        do args.push(this.operand());
        while (this.isPunct(',') && ++this.i);
      }
      this.punct(')');
      return { type: 'call', name, args, ...span };
    }
    return this.path();
  }

  // Conditions
  or(): Condition {
    let left = this.and();
    while (this.isWord('OR')) {
      this.i++;
      left = { type: 'or', left, right: this.and(), ...span };
    }
    return left;
  }
  and(): Condition {
    let left = this.not();
    while (this.isWord('AND')) {
      this.i++;
      left = { type: 'and', left, right: this.not(), ...span };
    }
    return left;
  }
  not(): Condition {
    if (this.isWord('NOT')) {
      this.i++;
      return { type: 'not', cond: this.nest(() => this.not()), ...span };
    }
    return this.predicate();
  }
  predicate(): Condition {
    if (this.isPunct('(')) {
      const save = this.i;
      this.i++;
      try {
        const c = this.nest(() => this.or());
        this.punct(')');
        return c;
      } catch (e) {
        if (this.depth >= 256) throw e;
        this.i = save;
      }
    }
    const left = this.operand();
    const t = this.peek();
    if (t.k === 'punct' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.t)) {
      this.i++;
      const op = (t.t === '!=' ? '<>' : t.t) as '=';
      return { type: 'compare', op, left, right: this.operand(), ...span };
    }
    if (this.isWord('BETWEEN')) {
      this.i++;
      const low = this.operand();
      this.word('AND');
      return { type: 'between', operand: left, low, high: this.operand(), ...span };
    }
    if (this.isWord('IN')) {
      this.i++;
      const close = this.isPunct('[') ? ']' : ')';
      if (!this.isPunct('[') && !this.isPunct('(')) this.unexpected("expected '[' or '('");
      this.i++;
      const list: Operand[] = [];
      do list.push(this.operand());
      while (this.isPunct(',') && ++this.i);
      this.punct(close);
      return { type: 'in', operand: left, list, ...span };
    }
    if (this.isWord('IS')) {
      this.i++;
      const negate = this.isWord('NOT');
      if (negate) this.i++;
      if (left.type !== 'path') this.unexpected('IS needs an attribute');
      let c: Condition;
      if (this.isWord('MISSING')) {
        this.i++;
        c = fn('attribute_not_exists', [left]);
      } else if (this.isWord('NULL')) {
        this.i++;
        c = { type: 'or', left: fn('attribute_not_exists', [left]), right: fn('attribute_type', [left, this.value({ S: 'NULL' })]), ...span };
      } else this.unexpected('expected MISSING or NULL');
      return negate ? { type: 'not', cond: c, ...span } : c;
    }
    if (left.type === 'call' && ['begins_with', 'contains', 'attribute_type', 'attribute_exists', 'attribute_not_exists'].includes(left.name)) {
      return { type: 'func', call: left, ...span };
    }
    this.unexpected('expected a comparison');
  }

  returning(): string | undefined {
    if (!this.isWord('RETURNING')) return undefined;
    this.i++;
    const which = this.identifier().toUpperCase();
    const when = this.identifier().toUpperCase();
    this.punct('*');
    const r = `${which}_${when}`;
    if (!['ALL_OLD', 'MODIFIED_OLD', 'ALL_NEW', 'MODIFIED_NEW'].includes(r)) malformed(`Unsupported RETURNING clause: ${which} ${when}`);
    return r;
  }

  select(): SelectStatement {
    this.word('SELECT');
    let paths: PathPart[][] | undefined;
    if (this.isPunct('*')) this.i++;
    else {
      paths = [];
      do paths.push(this.path().parts);
      while (this.isPunct(',') && ++this.i);
    }
    this.word('FROM');
    const ref = this.tableRef();
    const s: SelectStatement = { kind: 'select', ...ref, paths };
    if (this.isWord('WHERE')) {
      this.i++;
      s.where = this.or();
    }
    if (this.isWord('ORDER')) {
      this.i++;
      this.word('BY');
      const path = this.identifier();
      let desc = false;
      if (this.isWord('ASC') || this.isWord('DESC')) desc = this.toks[this.i++].t.toUpperCase() === 'DESC';
      s.orderBy = { path, desc };
    }
    return s;
  }

  statement(): Statement {
    let st: Statement;
    if (this.isWord('SELECT')) st = this.select();
    else if (this.isWord('EXISTS') || (this.isWord('NOT') && this.isWord('EXISTS', 1))) {
      const not = this.isWord('NOT');
      if (not) this.i++;
      this.i++;
      this.punct('(');
      const select = this.select();
      this.punct(')');
      st = { kind: 'exists', select, not };
    } else if (this.isWord('INSERT')) {
      this.i++;
      this.word('INTO');
      const table = this.identifier();
      this.word('VALUE');
      const v = this.literal();
      if (!v.M) malformed('INSERT VALUE must be a map of attribute names to values');
      st = { kind: 'insert', table, item: v.M };
    } else if (this.isWord('UPDATE')) {
      this.i++;
      const table = this.identifier();
      const set: UpdateStatement['set'] = [];
      const remove: PathNode[] = [];
      while (this.isWord('SET') || this.isWord('REMOVE')) {
        const isSet = this.isWord('SET');
        this.i++;
        do {
          const path = this.path();
          if (isSet) {
            this.punct('=');
            set.push({ path, value: this.updateValue() });
          } else remove.push(path);
        } while (this.isPunct(',') && ++this.i);
      }
      if (!set.length && !remove.length) this.unexpected('expected SET or REMOVE');
      this.word('WHERE');
      const where = this.or();
      st = { kind: 'update', table, set, remove, where, returning: this.returning() };
    } else if (this.isWord('DELETE')) {
      this.i++;
      this.word('FROM');
      const table = this.identifier();
      this.word('WHERE');
      const where = this.or();
      st = { kind: 'delete', table, where, returning: this.returning() };
    } else this.unexpected('expected SELECT, INSERT, UPDATE or DELETE');
    if (this.isPunct(';')) this.i++;
    if (this.peek().k !== 'eof') this.unexpected('expected the end of the statement');
    if (this.used !== this.params.length) throw validation("Number of parameters in request and statement don't match.");
    return st;
  }

  updateValue(): UpdateValue {
    const t = this.peek();
    if (t.k === 'word' && this.isPunct('(', 1) && ['list_append', 'set_add', 'set_delete'].includes(t.t.toLowerCase())) {
      const name = t.t.toLowerCase();
      this.i += 2;
      const args = [this.operand()];
      this.punct(',');
      args.push(this.operand());
      this.punct(')');
      return { kind: 'fn', name, args };
    }
    const left = this.operand();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = this.toks[this.i++].t as '+' | '-';
      return { kind: 'arith', op, left, right: this.operand() };
    }
    return { kind: 'value', operand: left };
  }
}

function fn(name: string, args: Operand[]): Condition {
  return { type: 'func', call: { type: 'call', name, args, ...span }, ...span };
}

export function parseStatement(src: string, params: AttributeValue[] = []): Statement {
  for (const p of params) {
    try {
      checkValue(p);
    } catch (e) {
      if (e instanceof ValueProblem) throw validation(e.full);
      throw e;
    }
  }
  return new Parser(src, params).statement();
}
