// The trees the expression parser builds. Names (#x) and values (:x) are resolved in place by the
// checker (expressions/check.ts) before anything is evaluated.
import type { AttributeValue } from '../values/attribute.ts';

interface Span {
  /** Index of the node's first token, and of the token just after it (for syntax errors). */
  tokStart: number;
  tokEnd: number;
  /** How many parentheses directly enclose the node. */
  parens: number;
}

export type PathPart =
  | { kind: 'attr'; name: string; raw: string }
  | { kind: 'index'; index: number };

export interface PathNode extends Span {
  type: 'path';
  parts: PathPart[];
}

export interface ValueNode extends Span {
  type: 'value';
  ref: string;
  value?: AttributeValue;
}

export interface CallNode extends Span {
  type: 'call';
  name: string;
  args: Operand[];
}

/** SET a = b + c: arithmetic exists only in update expressions. */
export interface ArithNode extends Span {
  type: 'arith';
  op: '+' | '-';
  left: Operand;
  right: Operand;
}

export type Operand = PathNode | ValueNode | CallNode | ArithNode;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | (Span & { type: 'compare'; op: Comparator; left: Operand; right: Operand })
  | (Span & { type: 'between'; operand: Operand; low: Operand; high: Operand })
  | (Span & { type: 'in'; operand: Operand; list: Operand[] })
  | (Span & { type: 'func'; call: CallNode })
  | (Span & { type: 'and' | 'or'; left: Condition; right: Condition })
  | (Span & { type: 'not'; cond: Condition });

/** What the parser returns for a condition position before it knows which one it is. */
export type Node = Operand | Condition;

export interface SetAction {
  path: PathNode;
  value: Operand;
}

export interface UpdateAst {
  set: SetAction[];
  remove: PathNode[];
  add: Array<{ path: PathNode; value: ValueNode }>;
  delete: Array<{ path: PathNode; value: ValueNode }>;
  /** Every target path in the order written (for overlap checks and UPDATED_* return values). */
  targets: PathNode[];
  /** Section keywords in the order written. */
  sections: string[];
}

export function isOperand(n: Node): n is Operand {
  return n.type === 'path' || n.type === 'value' || n.type === 'call' || n.type === 'arith';
}
