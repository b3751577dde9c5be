// Checks on parsed expressions, in the order DynamoDB makes them. Stage one looks at an expression's
// shape (redundant parentheses, function names and where functions may stand, reserved words,
// repeated update sections); stage two resolves #names and :values and checks operands, node by node
// in the order they are written.
import type { CallNode, Condition, Node, Operand, PathNode, UpdateAst, ValueNode } from './ast.ts';
import { ExpressionError } from './parser.ts';
import { isReserved } from './reserved.ts';
import { ATTRIBUTE_TYPES, LONG_TYPE_NAMES, compareScalars, typeOf, type AttributeType, type AttributeValue } from '../values/attribute.ts';

export type ExpressionKind = 'condition' | 'update' | 'projection';

const CONDITION_FUNCTIONS = new Set(['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains']);
const ARITY: Record<string, number> = {
  attribute_exists: 1, attribute_not_exists: 1, attribute_type: 2, begins_with: 2, contains: 2, size: 1,
  if_not_exists: 2, list_append: 2,
};

function fail(message: string): never {
  throw new ExpressionError(message);
}

/** The names and values a request supplies, and which of them its expressions used. */
export class ExpressionScope {
  readonly names: Record<string, string> | undefined;
  readonly values: Record<string, AttributeValue> | undefined;
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();

  constructor(names: Record<string, string> | undefined, values: Record<string, AttributeValue> | undefined) {
    this.names = names;
    this.values = values;
  }

  name(raw: string): string {
    const n = this.names && Object.hasOwn(this.names, raw) ? this.names[raw] : undefined;
    if (n === undefined) fail(`An expression attribute name used in the document path is not defined; attribute name: ${raw}`);
    this.usedNames.add(raw);
    return n;
  }

  value(ref: string): AttributeValue {
    const v = this.values && Object.hasOwn(this.values, ref) ? this.values[ref] : undefined;
    if (v === undefined) fail(`An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    this.usedValues.add(ref);
    return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Stage one

function* operandsOf(n: Node): Generator<Operand> {
  switch (n.type) {
    case 'compare': yield n.left; yield n.right; break;
    case 'between': yield n.operand; yield n.low; yield n.high; break;
    case 'in': yield n.operand; yield* n.list; break;
    case 'func': yield n.call; break;
    case 'and': case 'or': yield* operandsOf(n.left); yield* operandsOf(n.right); break;
    case 'not': yield* operandsOf(n.cond); break;
    default: yield n;
  }
}

function* walkOperand(o: Operand): Generator<Operand> {
  yield o;
  if (o.type === 'call') for (const a of o.args) yield* walkOperand(a);
  else if (o.type === 'arith') {
    yield* walkOperand(o.left);
    yield* walkOperand(o.right);
  }
}

function* allOperands(roots: Iterable<Operand>): Generator<Operand> {
  for (const r of roots) yield* walkOperand(r);
}

function checkFunctionNames(roots: Iterable<Operand>): void {
  for (const o of allOperands(roots)) {
    if (o.type === 'call' && !Object.hasOwn(ARITY, o.name)) fail(`Invalid function name; function: ${o.name}`);
  }
}

function checkReserved(roots: Iterable<Operand>): void {
  for (const o of allOperands(roots)) {
    if (o.type !== 'path') continue;
    for (const p of o.parts) if (p.kind === 'attr' && !p.raw.startsWith('#') && isReserved(p.raw)) fail(`Attribute name is a reserved keyword; reserved keyword: ${p.raw}`);
  }
}

/** Condition functions may only stand as conditions, and only size() as an operand. */
function checkConditionFunctionUse(n: Node): void {
  const operand = (o: Operand): void => {
    if (o.type === 'call') {
      if (o.name !== 'size') fail(`The function is not allowed to be used this way in an expression; function: ${o.name}`);
      o.args.forEach(operand);
    }
  };
  switch (n.type) {
    case 'func':
      if (!CONDITION_FUNCTIONS.has(n.call.name)) fail(`The function is not allowed to be used this way in an expression; function: ${n.call.name}`);
      n.call.args.forEach(operand);
      return;
    case 'and': case 'or': checkConditionFunctionUse(n.left); checkConditionFunctionUse(n.right); return;
    case 'not': checkConditionFunctionUse(n.cond); return;
    case 'compare': operand(n.left); operand(n.right); return;
    case 'between': operand(n.operand); operand(n.low); operand(n.high); return;
    case 'in': operand(n.operand); n.list.forEach(operand); return;
    default: operand(n);
  }
}

export function conditionStageOne(ast: Node, redundantParentheses: boolean): void {
  if (redundantParentheses) fail('The expression has redundant parentheses;');
  checkFunctionNames(operandsOf(ast));
  checkConditionFunctionUse(ast);
  checkReserved(operandsOf(ast));
}

function updateOperands(ast: UpdateAst): Operand[] {
  // In the order written: each section's paths and values.
  const out: Operand[] = [];
  const bySection: Record<string, Operand[][]> = {
    SET: ast.set.map((a) => [a.path, a.value]),
    REMOVE: ast.remove.map((p) => [p]),
    ADD: ast.add.map((a) => [a.path, a.value]),
    DELETE: ast.delete.map((a) => [a.path, a.value]),
  };
  const seen = new Set<string>();
  for (const s of ast.sections) {
    if (seen.has(s)) continue;
    seen.add(s);
    for (const group of bySection[s]) out.push(...group);
  }
  return out;
}

export function updateStageOne(ast: UpdateAst, redundantParentheses: boolean): void {
  if (redundantParentheses) fail('The expression has redundant parentheses;');
  const operands = updateOperands(ast);
  checkFunctionNames(operands);
  for (const o of allOperands(operands)) {
    if (o.type === 'call' && o.name !== 'if_not_exists' && o.name !== 'list_append') fail(`The function is not allowed in an update expression; function: ${o.name}`);
  }
  checkReserved(operands);
  const seen = new Set<string>();
  for (const s of ast.sections) {
    if (seen.has(s)) fail(`The "${s}" section can only be used once in an update expression;`);
    seen.add(s);
  }
}

export function projectionStageOne(paths: PathNode[]): void {
  checkReserved(paths);
}

// ---------------------------------------------------------------------------------------------
// Stage two

function resolvePath(p: PathNode, scope: ExpressionScope): void {
  for (const part of p.parts) if (part.kind === 'attr' && part.raw.startsWith('#')) part.name = scope.name(part.raw);
}

/** The type an operand is known to have before evaluation, if any. */
function staticType(o: Operand): AttributeType | undefined {
  if (o.type === 'value') return o.value ? typeOf(o.value) : undefined;
  if (o.type === 'call' && o.name === 'size') return 'N';
  if (o.type === 'call' && o.name === 'list_append') return 'L';
  if (o.type === 'arith') return 'N';
  return undefined;
}

function operandType(fn: string, o: Operand, allowed: readonly AttributeType[]): void {
  const t = staticType(o);
  if (t && !allowed.includes(t)) fail(`Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${t}`);
}

function requirePath(fn: string, o: Operand): void {
  if (o.type !== 'path') fail(`Operator or function requires a document path; operator or function: ${fn}`);
}

export function describePath(p: PathNode): string {
  return `[${p.parts.map((x) => (x.kind === 'attr' ? x.name : `[${x.index}]`)).join(', ')}]`;
}

function samePath(a: Operand, b: Operand): boolean {
  if (a.type !== 'path' || b.type !== 'path' || a.parts.length !== b.parts.length) return false;
  return a.parts.every((x, i) => {
    const y = b.parts[i];
    return x.kind === 'attr' ? y.kind === 'attr' && y.name === x.name : y.kind === 'index' && y.index === x.index;
  });
}

function distinct(op: string, first: Operand, rest: Operand[]): void {
  if (first.type !== 'path') return;
  for (const r of rest) if (samePath(first, r)) fail(`The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${describePath(first)}`);
}

const ALL_TYPES = ATTRIBUTE_TYPES;
const SIZE_TYPES: AttributeType[] = ['S', 'B', 'SS', 'NS', 'BS', 'L', 'M'];
const STRING_OR_BINARY: AttributeType[] = ['S', 'B'];

/** Resolves #names and :values in the order written (the first undefined one is reported). */
function resolveOperand(o: Operand, scope: ExpressionScope): void {
  switch (o.type) {
    case 'path': resolvePath(o, scope); return;
    case 'value': o.value = scope.value(o.ref); return;
    case 'call': for (const a of o.args) resolveOperand(a, scope); return;
    case 'arith': resolveOperand(o.left, scope); resolveOperand(o.right, scope); return;
  }
}

/** Operand counts, operand types and document-path requirements, children first. */
function checkCall(c: CallNode): void {
  for (const a of c.args) checkOperand(a);
  checkCallItself(c);
}

function checkCallItself(c: CallNode): void {
  const arity = ARITY[c.name];
  if (c.args.length !== arity) fail(`Incorrect number of operands for operator or function; operator or function: ${c.name}, number of operands: ${c.args.length}`);
  const [a, b] = c.args;
  switch (c.name) {
    case 'attribute_exists':
    case 'attribute_not_exists':
      requirePath(c.name, a);
      break;
    case 'attribute_type': {
      requirePath(c.name, a);
      operandType(c.name, b, ['S']);
      if (b.type === 'value' && b.value?.S !== undefined && !ALL_TYPES.includes(b.value.S as AttributeType)) {
        fail(`Invalid attribute type name found; type: ${b.value.S}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
      }
      distinct(c.name, a, [b]);
      break;
    }
    case 'begins_with':
      operandType(c.name, a, STRING_OR_BINARY);
      operandType(c.name, b, STRING_OR_BINARY);
      distinct(c.name, a, [b]);
      break;
    case 'contains':
      distinct(c.name, a, [b]);
      break;
    case 'size':
      operandType(c.name, a, SIZE_TYPES);
      break;
    case 'if_not_exists':
      requirePath(c.name, a);
      break;
    case 'list_append':
      operandType(c.name, a, ['L']);
      operandType(c.name, b, ['L']);
      break;
  }
}

function checkOperand(o: Operand): void {
  if (o.type === 'call') checkCall(o);
  else if (o.type === 'arith') {
    checkOperand(o.left);
    checkOperand(o.right);
    operandType(o.op, o.left, ['N']);
    operandType(o.op, o.right, ['N']);
  }
}

function showValue(v: AttributeValue): string {
  const t = typeOf(v);
  const x = (v as Record<string, unknown>)[t];
  return `AttributeValue: {${t}:${Buffer.isBuffer(x) ? x.toString('base64') : String(x)}}`;
}

/** Resolves an operand's names and values and checks it, children first. */
function resolveChecked(o: Operand, scope: ExpressionScope): void {
  if (o.type === 'call') {
    for (const a of o.args) resolveChecked(a, scope);
    checkCallItself(o);
  } else if (o.type === 'arith') {
    resolveChecked(o.left, scope);
    resolveChecked(o.right, scope);
    operandType(o.op, o.left, ['N']);
    operandType(o.op, o.right, ['N']);
  } else resolveOperand(o, scope);
}

/**
 * A condition is checked node by node in the order written: each node's names and values are
 * resolved and its operands checked before the next node is looked at.
 */
function checkCondition(n: Condition, scope: ExpressionScope): void {
  const checkOperand = (o: Operand) => resolveChecked(o, scope);
  const checkCall = (c: CallNode) => resolveChecked(c, scope);
  switch (n.type) {
    case 'compare':
      checkOperand(n.left);
      checkOperand(n.right);
      distinct(n.op, n.left, [n.right]);
      return;
    case 'between': {
      checkOperand(n.operand);
      checkOperand(n.low);
      checkOperand(n.high);
      distinct('BETWEEN', n.operand, [n.low, n.high]);
      if (n.low.type === 'value' && n.high.type === 'value') {
        if (typeOf(n.low.value!) !== typeOf(n.high.value!)) {
          fail(`The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: ${showValue(n.low.value!)}, upper bound operand: ${showValue(n.high.value!)}`);
        }
        const c = compareScalars(n.low.value!, n.high.value!);
        if (c !== undefined && c > 0) {
          fail(`The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: ${showValue(n.low.value!)}, upper bound operand: ${showValue(n.high.value!)}`);
        }
      }
      return;
    }
    case 'in':
      checkOperand(n.operand);
      n.list.forEach(checkOperand);
      if (n.list.length > 100) fail(`The IN operator is provided with too many operands; number of operands: ${n.list.length}`);
      distinct('IN', n.operand, n.list);
      return;
    case 'func': checkCall(n.call); return;
    case 'and': case 'or': checkCondition(n.left, scope); checkCondition(n.right, scope); return;
    case 'not': checkCondition(n.cond, scope); return;
  }
}

export function resolveCondition(n: Condition, scope: ExpressionScope): Condition {
  checkCondition(n, scope);
  return n;
}

const ADD_TYPES: AttributeType[] = ['N', 'SS', 'NS', 'BS'];
const DELETE_TYPES: AttributeType[] = ['SS', 'NS', 'BS'];

function setOperandValue(kw: 'ADD' | 'DELETE', v: ValueNode, allowed: AttributeType[]): void {
  const t = typeOf(v.value!);
  if (!allowed.includes(t)) fail(`Incorrect operand type for operator or function; operator: ${kw}, operand type: ${LONG_TYPE_NAMES[t]}, typeSet: ALLOWED_FOR_${kw}_OPERAND`);
}

export function resolveUpdate(ast: UpdateAst, scope: ExpressionScope): UpdateAst {
  const seen = new Set<string>();
  for (const s of ast.sections) {
    if (seen.has(s)) continue;
    seen.add(s);
    if (s === 'SET') for (const a of ast.set) {
      resolvePath(a.path, scope);
      resolveOperand(a.value, scope);
    }
    if (s === 'REMOVE') for (const p of ast.remove) resolvePath(p, scope);
    if (s === 'ADD') for (const a of ast.add) {
      resolvePath(a.path, scope);
      a.value.value = scope.value(a.value.ref);
      setOperandValue('ADD', a.value, ADD_TYPES);
    }
    if (s === 'DELETE') for (const a of ast.delete) {
      resolvePath(a.path, scope);
      a.value.value = scope.value(a.value.ref);
      setOperandValue('DELETE', a.value, DELETE_TYPES);
    }
  }
  checkPathsDisjoint(ast.targets);
  for (const a of ast.set) checkOperand(a.value);
  return ast;
}

export function resolveProjection(paths: PathNode[], scope: ExpressionScope): PathNode[] {
  for (const p of paths) resolvePath(p, scope);
  checkPathsDisjoint(paths);
  return paths;
}

/** No target path may be a prefix of another, nor reach one element both as map key and list index. */
export function checkPathsDisjoint(paths: PathNode[]): void {
  for (let j = 1; j < paths.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = paths[i].parts;
      const b = paths[j].parts;
      const n = Math.min(a.length, b.length);
      let same = true;
      for (let k = 0; k < n && same; k++) {
        const x = a[k];
        const y = b[k];
        same = x.kind === y.kind && (x.kind === 'attr' ? x.name === (y as typeof x).name : x.index === (y as typeof x).index);
      }
      if (same) fail(`Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${describePath(paths[i])}, path two: ${describePath(paths[j])}`);
    }
  }
  for (let j = 1; j < paths.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = paths[i].parts;
      const b = paths[j].parts;
      const n = Math.min(a.length, b.length);
      for (let k = 0; k < n; k++) {
        const x = a[k];
        const y = b[k];
        if (x.kind !== y.kind) fail(`Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${describePath(paths[i])}, path two: ${describePath(paths[j])}`);
        if (x.kind === 'attr' ? x.name !== (y as typeof x).name : x.index !== (y as typeof x).index) break;
      }
    }
  }
}
