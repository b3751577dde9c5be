// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction (PartiQL).
import { createHash } from 'node:crypto';
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import type { Ctx } from '../engine/tables.ts';
import { parseStatement, type Statement } from '../partiql/parser.ts';
import { encodeToken, pointRead, runSelect, writeRequestOf } from '../partiql/execute.ts';
import { commitWrite, evaluateWrite, readItem, updateReturnValues, writeConsumption } from '../engine/items.ts';
import { requestKey, type TableSpec } from '../engine/schema.ts';
import { addConsumption, consumed, readUnits, scaleConsumption, type Consumption } from '../engine/capacity.ts';
import { evalCondition } from '../expressions/evaluate.ts';
import { project } from '../expressions/projection.ts';
import { runTransaction } from './transactions.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { validation } from '../errors.ts';
import type { Item } from '../values/attribute.ts';
import { checks, ENUMS } from './validate.ts';

type H = DynamodbHandlers;

function parse(text: string, params: unknown[] | undefined): Statement {
  checks().length('statement', text, 1, 8192).done();
  return parseStatement(text, (params ?? []) as never);
}

/** RETURNING on UPDATE/DELETE, as the item attributes ExecuteStatement returns. */
function returning(mode: string | undefined, kind: string, o: Parameters<typeof updateReturnValues>[2], w: Parameters<typeof updateReturnValues>[1]): Item | undefined {
  if (!mode) return undefined;
  if (kind === 'delete') return mode === 'ALL_OLD' ? o.old?.item : undefined;
  const map: Record<string, string> = { ALL_OLD: 'ALL_OLD', MODIFIED_OLD: 'UPDATED_OLD', ALL_NEW: 'ALL_NEW', MODIFIED_NEW: 'UPDATED_NEW' };
  return updateReturnValues(map[mode], w, o);
}

export const executeStatement: H['ExecuteStatement'] = (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.enumValue('returnValuesOnConditionCheckFailure', input.ReturnValuesOnConditionCheckFailure, ENUMS.ReturnValuesOnConditionCheckFailure);
  c.done();
  const st = parse(input.Statement, input.Parameters);
  const store: DynamoStore = ctx.state;
  if (st.kind === 'select') {
    const r = runSelect(ctx, st, { limit: input.Limit, nextToken: input.NextToken, consistent: input.ConsistentRead });
    return {
      Items: r.items,
      NextToken: r.lastKey ? encodeToken(ctx, r.lastKey) : undefined,
      LastEvaluatedKey: r.lastKey,
      ConsumedCapacity: consumed(r.spec, input.ReturnConsumedCapacity, r.consumption),
    };
  }
  if (st.kind === 'exists') throw validation('Unsupported operation: EXISTS can only be used in ExecuteTransaction');
  const w = writeRequestOf(ctx, st, input.ReturnValuesOnConditionCheckFailure);
  const o = store.transaction(() => {
    const out = evaluateWrite(store, w);
    commitWrite(store, w, out, ctx.clock.now());
    return out;
  });
  const item = st.kind === 'update' || st.kind === 'delete' ? returning(st.returning, st.kind, o, w) : undefined;
  return {
    Items: item ? [item] : [],
    ConsumedCapacity: consumed(w.spec, input.ReturnConsumedCapacity, writeConsumption(w.spec, o)),
  };
};

export const batchExecuteStatement: H['BatchExecuteStatement'] = (input, ctx) => {
  const c = checks();
  c.length('statements', input.Statements, 1, 25);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const capacity = new Map<TableSpec, Consumption>();
  const Responses = input.Statements.map((s) => {
    let table: string | undefined;
    try {
      const st = parse(s.Statement, s.Parameters);
      if (st.kind === 'select') {
        table = st.table;
        const { spec, key, rest } = pointRead(ctx, st);
        const found = readItem(store, spec, requestKey(spec.key, key));
        capacity.set(spec, addConsumption(capacity.get(spec), { kind: 'read', table: readUnits(found?.size ?? 0, !!s.ConsistentRead) }));
        if (!found || (rest && !evalCondition(rest, found.item))) return { TableName: spec.name };
        return { TableName: spec.name, Item: st.paths ? project(found.item, st.paths) : found.item };
      }
      if (st.kind === 'exists') throw validation('Unsupported operation: EXISTS can only be used in ExecuteTransaction');
      table = st.kind === 'insert' ? st.table : st.table;
      const w = writeRequestOf(ctx, st, s.ReturnValuesOnConditionCheckFailure);
      const o = store.transaction(() => {
        const out = evaluateWrite(store, w);
        commitWrite(store, w, out, now);
        return out;
      });
      capacity.set(w.spec, addConsumption(capacity.get(w.spec), writeConsumption(w.spec, o)));
      return { TableName: w.spec.name };
    } catch (e) {
      if (!(e instanceof ServiceError) || e.status >= 500) throw e;
      const code = e.code.replace(/Exception$/, '').replace(/^Validation$/, 'ValidationError');
      const error: Record<string, unknown> = { Code: code, Message: e.message };
      if (e.fields?.Item) error.Item = e.fields.Item;
      return { TableName: table, Error: error };
    }
  });
  const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
  return { Responses: Responses as never, ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined } as never;
};

const tokens = new WeakMap<DynamoStore, Map<string, { hash: string; at: number; output: unknown }>>();

export const executeTransaction: H['ExecuteTransaction'] = (input, ctx) => {
  const c = checks();
  c.length('transactStatements', input.TransactStatements, 1, 100);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  if (input.ClientRequestToken !== undefined) c.length('clientRequestToken', input.ClientRequestToken, 1, 36);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  let map = tokens.get(store);
  if (!map) {
    const m = (map = new Map());
    tokens.set(store, m);
    store.resetHooks.push(() => m.clear());
  }
  const tokenKey = input.ClientRequestToken !== undefined ? `${ctx.account}\0${ctx.region}\0${input.ClientRequestToken}` : undefined;
  const hash = createHash('sha256').update(JSON.stringify(input.TransactStatements)).digest('hex');
  if (tokenKey) {
    const prior = map.get(tokenKey);
    if (prior && now - prior.at < 600_000) {
      if (prior.hash !== hash) throw new ServiceError('IdempotentParameterMismatchException', 'Transaction request cannot include the same client token with different parameters', 400);
      return prior.output as never;
    }
  }
  const statements = input.TransactStatements.map((s) => ({ st: parse(s.Statement, s.Parameters), s }));
  const reads = statements.filter((x) => x.st.kind === 'select').length;
  if (reads && reads !== statements.length) throw validation('Transaction must contain either all read statements or all write statements');
  const capacity = new Map<TableSpec, Consumption>();
  let output: Record<string, unknown>;
  if (reads) {
    const Responses = statements.map(({ st }) => {
      const sel = st as Extract<Statement, { kind: 'select' }>;
      const { spec, key, rest } = pointRead(ctx, sel);
      const found = readItem(store, spec, requestKey(spec.key, key));
      capacity.set(spec, addConsumption(capacity.get(spec), { kind: 'read', table: readUnits(found?.size ?? 0, true) * 2 }));
      if (!found || (rest && !evalCondition(rest, found.item))) return {};
      return { Item: sel.paths ? project(found.item, sel.paths) : found.item };
    });
    output = { Responses };
  } else {
    const writes = statements.map(({ st, s }) => writeRequestOf(ctx as Ctx, st, s.ReturnValuesOnConditionCheckFailure));
    const outcomes = runTransaction(store, writes, now);
    writes.forEach((w, i) => capacity.set(w.spec, addConsumption(capacity.get(w.spec), scaleConsumption(writeConsumption(w.spec, outcomes[i]), 2))));
    output = {};
  }
  const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
  if (ConsumedCapacity.length) output.ConsumedCapacity = ConsumedCapacity;
  if (tokenKey) map.set(tokenKey, { hash, at: now, output });
  return output as never;
};
