// Recursive-descent parsers for DynamoDB's expression languages (condition, filter and key condition
// share one grammar; update and projection have their own). They build the trees of ast.ts and raise
// DynamoDB's syntax errors; every other check happens on the tree (check.ts), in DynamoDB's order.
import type { CallNode, Comparator, Condition, Node, Operand, PathNode, PathPart, UpdateAst, ValueNode } from './ast.ts';
import { isOperand } from './ast.ts';
import { syntaxErrorMessage, tokenize, type Token } from './tokens.ts';

/** A problem in an expression; the caller prefixes "Invalid <Kind>Expression: ". */
export class ExpressionError extends Error {}

const CONDITION_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const UPDATE_KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const MAX_DEPTH = 256;

class Parser {
  readonly src: string;
  readonly tokens: Token[];
  readonly keywords: ReadonlySet<string>;
  i = 0;
  /** Set when a node is wrapped in more than one pair of parentheses; reported after parsing. */
  redundant = false;
  /** Nesting depth of parentheses and NOTs, bounded so that no expression can exhaust the stack. */
  depth = 0;

  nest(): void {
    if (++this.depth > MAX_DEPTH) this.fail();
  }

  constructor(src: string, keywords: ReadonlySet<string>) {
    this.src = src;
    this.tokens = tokenize(src);
    this.keywords = keywords;
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  fail(at = this.i): never {
    throw new ExpressionError(syntaxErrorMessage(this.src, this.tokens, at));
  }

  expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail();
    this.i++;
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') this.fail();
  }

  /** A document path: name or #name, then .name / .#name / [n] parts. */
  path(): PathNode {
    const tokStart = this.i;
    const parts: PathPart[] = [this.pathName()];
    this.pathSuffix(parts);
    return { type: 'path', parts, tokStart, tokEnd: this.i, parens: 0 };
  }

  pathName(): PathPart {
    const t = this.peek();
    if (t.kind === 'name') {
      this.i++;
      return { kind: 'attr', name: t.text, raw: t.text };
    }
    if (t.kind === 'ident' && !this.keywords.has(t.text.toUpperCase())) {
      this.i++;
      return { kind: 'attr', name: t.text, raw: t.text };
    }
    this.fail();
  }

  pathSuffix(parts: PathPart[]): void {
    for (;;) {
      if (this.isPunct('.')) {
        this.i++;
        parts.push(this.pathName());
      } else if (this.isPunct('[')) {
        this.i++;
        const t = this.peek();
        if (t.kind !== 'number') this.fail();
        this.i++;
        this.expectPunct(']');
        parts.push({ kind: 'index', index: Number(t.text) });
      } else return;
    }
  }

  value(): ValueNode {
    const t = this.peek();
    if (t.kind !== 'value') this.fail();
    this.i++;
    return { type: 'value', ref: t.text, tokStart: this.i - 1, tokEnd: this.i, parens: 0 };
  }

  call(args: () => Operand[]): CallNode {
    const tokStart = this.i;
    const name = this.peek().text;
    this.i += 2; // name and '('
    const list = this.isPunct(')') ? [] : args();
    this.expectPunct(')');
    return { type: 'call', name, args: list, tokStart, tokEnd: this.i, parens: 0 };
  }

  wrap<T extends Node>(node: T): T {
    node.parens++;
    if (node.parens > 1) this.redundant = true;
    return node;
  }

  // -------------------------------------------------------------------------------------------
  // Conditions (ConditionExpression, FilterExpression, KeyConditionExpression)

  or(): Node {
    let left = this.and();
    while (this.isKeyword('OR')) {
      const l = this.asCondition(left);
      this.i++;
      const r = this.asCondition(this.and());
      left = { type: 'or', left: l, right: r, tokStart: l.tokStart, tokEnd: this.i, parens: 0 };
    }
    return left;
  }

  and(): Node {
    let left = this.not();
    while (this.isKeyword('AND')) {
      const l = this.asCondition(left);
      this.i++;
      const r = this.asCondition(this.not());
      left = { type: 'and', left: l, right: r, tokStart: l.tokStart, tokEnd: this.i, parens: 0 };
    }
    return left;
  }

  not(): Node {
    if (this.isKeyword('NOT')) {
      const tokStart = this.i++;
      this.nest();
      const cond = this.asCondition(this.not());
      this.depth--;
      return { type: 'not', cond, tokStart, tokEnd: this.i, parens: 0 };
    }
    return this.predicate();
  }

  predicate(): Node {
    const left = this.operandOrGroup();
    const t = this.peek();
    if (t.kind === 'punct' && COMPARATORS.has(t.text)) {
      if (!isOperand(left)) this.fail();
      this.i++;
      const right = this.conditionOperand();
      return { type: 'compare', op: t.text as Comparator, left, right, tokStart: left.tokStart, tokEnd: this.i, parens: 0 };
    }
    if (this.isKeyword('BETWEEN')) {
      if (!isOperand(left)) this.fail();
      this.i++;
      const low = this.conditionOperand();
      if (!this.isKeyword('AND')) this.fail();
      this.i++;
      const high = this.conditionOperand();
      return { type: 'between', operand: left, low, high, tokStart: left.tokStart, tokEnd: this.i, parens: 0 };
    }
    if (this.isKeyword('IN')) {
      if (!isOperand(left)) this.fail();
      this.i++;
      this.expectPunct('(');
      const list = [this.conditionOperand()];
      while (this.isPunct(',')) {
        this.i++;
        list.push(this.conditionOperand());
      }
      this.expectPunct(')');
      return { type: 'in', operand: left, list, tokStart: left.tokStart, tokEnd: this.i, parens: 0 };
    }
    return left;
  }

  /** An operand where only an operand may stand (right of a comparator, function arguments). */
  conditionOperand(): Operand {
    const n = this.operandOrGroup();
    if (!isOperand(n)) this.fail(n.tokEnd - 1);
    return n;
  }

  /** A bare operand can only stand for a condition when it is a function call. */
  asCondition(n: Node): Condition {
    if (!isOperand(n)) return n;
    if (n.type !== 'call') this.fail(n.tokEnd);
    return { type: 'func', call: n, tokStart: n.tokStart, tokEnd: n.tokEnd, parens: n.parens };
  }

  operandOrGroup(): Node {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      const tokStart = this.i++;
      this.nest();
      const inner = this.or();
      this.depth--;
      this.expectPunct(')');
      this.wrap(inner);
      inner.tokStart = tokStart;
      inner.tokEnd = this.i;
      if (this.isPunct('.') || this.isPunct('[')) {
        // DynamoDB lets a parenthesized path go on: (a.b).c
        if (inner.type !== 'path') this.fail();
        this.pathSuffix(inner.parts);
        inner.parens = 0;
        inner.tokEnd = this.i;
      }
      return inner;
    }
    if (t.kind === 'value') return this.value();
    if (t.kind === 'ident' && this.isPunct('(', 1) && !this.keywords.has(t.text.toUpperCase())) {
      return this.call(() => {
        const args = [this.conditionOperand()];
        while (this.isPunct(',')) {
          this.i++;
          args.push(this.conditionOperand());
        }
        return args;
      });
    }
    return this.path();
  }

  // -------------------------------------------------------------------------------------------
  // Update expressions

  update(): UpdateAst {
    const ast: UpdateAst = { set: [], remove: [], add: [], delete: [], targets: [], sections: [] };
    do {
      const t = this.peek();
      const kw = t.kind === 'ident' ? t.text.toUpperCase() : '';
      if (!UPDATE_KEYWORDS.has(kw)) this.fail();
      this.i++;
      ast.sections.push(kw);
      do {
        const path = this.path();
        ast.targets.push(path);
        if (kw === 'SET') {
          this.expectPunct('=');
          ast.set.push({ path, value: this.setValue() });
        } else if (kw === 'REMOVE') {
          ast.remove.push(path);
        } else {
          const value = this.value();
          (kw === 'ADD' ? ast.add : ast.delete).push({ path, value });
        }
        if (!this.isPunct(',')) break;
        this.i++;
      } while (true);
    } while (this.peek().kind !== 'eof');
    return ast;
  }

  setValue(): Operand {
    const left = this.setOperand();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = this.peek().text as '+' | '-';
      this.i++;
      const right = this.setOperand();
      return { type: 'arith', op, left, right, tokStart: left.tokStart, tokEnd: this.i, parens: 0 };
    }
    return left;
  }

  setOperand(): Operand {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      const tokStart = this.i++;
      this.nest();
      const inner = this.setValue();
      this.depth--;
      this.expectPunct(')');
      this.wrap(inner);
      inner.tokStart = tokStart;
      inner.tokEnd = this.i;
      return inner;
    }
    if (t.kind === 'value') return this.value();
    if (t.kind === 'ident' && this.isPunct('(', 1) && !this.keywords.has(t.text.toUpperCase())) {
      return this.call(() => {
        const args = [this.setValue()];
        while (this.isPunct(',')) {
          this.i++;
          args.push(this.setValue());
        }
        return args;
      });
    }
    return this.path();
  }
}

export interface Parsed<T> {
  ast: T;
  redundantParentheses: boolean;
}

export function parseCondition(src: string): Parsed<Condition> {
  const p = new Parser(src, CONDITION_KEYWORDS);
  const node = p.or();
  p.expectEnd();
  return { ast: p.asCondition(node), redundantParentheses: p.redundant };
}

export function parseUpdate(src: string): Parsed<UpdateAst> {
  const p = new Parser(src, UPDATE_KEYWORDS);
  const ast = p.update();
  return { ast, redundantParentheses: p.redundant };
}

export function parseProjection(src: string): Parsed<PathNode[]> {
  const p = new Parser(src, new Set());
  const paths = [p.path()];
  while (p.isPunct(',')) {
    p.i++;
    paths.push(p.path());
  }
  p.expectEnd();
  return { ast: paths, redundantParentheses: false };
}
