// The expressions of one request, checked together in DynamoDB's order: the attribute name and value
// maps, empty and oversized expressions, every expression's syntax and shape, then each expression's
// names, values and operands, and finally names or values that no expression used.
import type { Condition, PathNode, UpdateAst } from './ast.ts';
import { ExpressionError, parseCondition, parseProjection, parseUpdate } from './parser.ts';
import {
  ExpressionScope, conditionStageOne, projectionStageOne, resolveCondition, resolveProjection, resolveUpdate, updateStageOne,
} from './check.ts';
import { validation } from '../errors.ts';
import { ValueProblem, checkValue, type AttributeValue } from '../values/attribute.ts';

export type ExpressionName = 'ConditionExpression' | 'FilterExpression' | 'KeyConditionExpression' | 'UpdateExpression' | 'ProjectionExpression';

export interface ExpressionRequest {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ConditionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  UpdateExpression?: string;
  ProjectionExpression?: string;
}

export interface CompiledExpressions {
  condition?: Condition;
  filter?: Condition;
  keyCondition?: Condition;
  update?: UpdateAst;
  projection?: PathNode[];
}

const MAX_EXPRESSION_BYTES = 4096;
const NAME_KEY = /^#[A-Za-z0-9_]+$/;
const VALUE_KEY = /^:[A-Za-z0-9_]+$/;

/**
 * The checks that come before the request's own values are validated: names and values given
 * without any expression. `present` lists the request's expression parameters in DynamoDB's order
 * for the message ("UpdateExpression and ConditionExpression are null").
 */
export function precheckExpressionMaps(req: ExpressionRequest, valueExpressions: ExpressionName[], allExpressions: ExpressionName[]): void {
  const any = allExpressions.some((e) => req[e] !== undefined);
  if (req.ExpressionAttributeNames !== undefined && !any) throw validation('ExpressionAttributeNames can only be specified when using expressions');
  if (req.ExpressionAttributeValues !== undefined && !valueExpressions.some((e) => req[e] !== undefined)) {
    const list = valueExpressions.join(' and ');
    throw validation(`ExpressionAttributeValues can only be specified when using expressions: ${list} ${valueExpressions.length > 1 ? 'are' : 'is'} null`);
  }
}

function wrap<T>(name: ExpressionName, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExpressionError) throw validation(`Invalid ${name}: ${e.message}`);
    throw e;
  }
}

/** Checks and resolves the request's expressions, in the order `order` names them. */
export function compileExpressions(req: ExpressionRequest, order: ExpressionName[]): CompiledExpressions {
  const names = req.ExpressionAttributeNames;
  const values = req.ExpressionAttributeValues;
  if (names !== undefined) {
    if (Object.keys(names).length === 0) throw validation('ExpressionAttributeNames must not be empty');
    for (const k in names) if (!NAME_KEY.test(k)) throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`);
  }
  if (values !== undefined) {
    if (Object.keys(values).length === 0) throw validation('ExpressionAttributeValues must not be empty');
    for (const k in values) if (!VALUE_KEY.test(k)) throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`);
    for (const k in values) {
      try {
        checkValue(values[k]);
      } catch (e) {
        if (e instanceof ValueProblem) throw validation(`ExpressionAttributeValues contains invalid value: ${e.full} for key ${k}`);
        throw e;
      }
    }
  }
  const present = order.filter((n) => req[n] !== undefined);
  for (const n of present) {
    const text = req[n]!;
    if (text.trim() === '') throw validation(`Invalid ${n}: The expression can not be empty;`);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_EXPRESSION_BYTES) throw validation(`Invalid ${n}: Expression size has exceeded the maximum allowed size; expression size: ${size}`);
  }
  // Stage one for every expression, then stage two for each.
  const parsed = new Map<ExpressionName, unknown>();
  for (const n of present) {
    wrap(n, () => {
      const text = req[n]!;
      if (n === 'UpdateExpression') {
        const p = parseUpdate(text);
        updateStageOne(p.ast, p.redundantParentheses);
        parsed.set(n, p.ast);
      } else if (n === 'ProjectionExpression') {
        const p = parseProjection(text);
        projectionStageOne(p.ast);
        parsed.set(n, p.ast);
      } else {
        const p = parseCondition(text);
        conditionStageOne(p.ast, p.redundantParentheses);
        parsed.set(n, p.ast);
      }
    });
  }
  const scope = new ExpressionScope(names, values);
  const out: CompiledExpressions = {};
  for (const n of present) {
    wrap(n, () => {
      const ast = parsed.get(n);
      switch (n) {
        case 'UpdateExpression': out.update = resolveUpdate(ast as UpdateAst, scope); break;
        case 'ProjectionExpression': out.projection = resolveProjection(ast as PathNode[], scope); break;
        case 'ConditionExpression': out.condition = resolveCondition(ast as Condition, scope); break;
        case 'FilterExpression': out.filter = resolveCondition(ast as Condition, scope); break;
        case 'KeyConditionExpression': out.keyCondition = resolveCondition(ast as Condition, scope); break;
      }
    });
  }
  if (names) {
    const unused = Object.keys(names).filter((k) => !scope.usedNames.has(k));
    if (unused.length) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unused.join(', ')}}`);
  }
  if (values) {
    const unused = Object.keys(values).filter((k) => !scope.usedValues.has(k));
    if (unused.length) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unused.join(', ')}}`);
  }
  return out;
}

/** "Can not use both expression and non-expression parameters in the same request". */
export function checkNotMixed(req: Record<string, unknown>, legacy: string[], expressions: string[]): void {
  const l = legacy.filter((k) => req[k] !== undefined);
  const e = expressions.filter((k) => req[k] !== undefined);
  if (l.length && e.length) {
    throw validation(`Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${l.join(', ')}} Expression parameters: {${e.join(', ')}}`);
  }
}
