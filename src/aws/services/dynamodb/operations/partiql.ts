// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction (PartiQL).
import { createHash } from 'node:crypto';
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import type { Ctx } from '../engine/tables.ts';
import { parseStatement, type Statement } from '../partiql/parser.ts';
import { encodeToken, pointRead, runSelect, writeRequestOf } from '../partiql/execute.ts';
import { readItem, updateReturnValues, writeConsumption, writeOne, type WriteRequest } from '../engine/items.ts';
import { clientTokens } from '../engine/client-tokens.ts';
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

export const executeStatement: H['ExecuteStatement'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.enumValue('returnValuesOnConditionCheckFailure', input.ReturnValuesOnConditionCheckFailure, ENUMS.ReturnValuesOnConditionCheckFailure);
  c.done();
  const st = parse(input.Statement, input.Parameters);
  const store: DynamoStore = ctx.state;
  if (st.kind === 'select') {
    const r = await runSelect(ctx, st, { limit: input.Limit, nextToken: input.NextToken, consistent: input.ConsistentRead });
    return {
      Items: r.items,
      NextToken: r.lastKey ? await encodeToken(ctx, r.lastKey) : undefined,
      LastEvaluatedKey: r.lastKey,
      ConsumedCapacity: consumed(r.spec, input.ReturnConsumedCapacity, r.consumption),
    };
  }
  if (st.kind === 'exists') throw validation('Unsupported operation: EXISTS can only be used in ExecuteTransaction');
  const w = await writeRequestOf(ctx, st, input.ReturnValuesOnConditionCheckFailure);
  const o = await writeOne(store, w, ctx.clock.now());
  const item = st.kind === 'update' || st.kind === 'delete' ? returning(st.returning, st.kind, o, w) : undefined;
  return {
    Items: item ? [item] : [],
    ConsumedCapacity: consumed(w.spec, input.ReturnConsumedCapacity, writeConsumption(w.spec, o)),
  };
};

export const batchExecuteStatement: H['BatchExecuteStatement'] = async (input, ctx) => {
  const c = checks();
  c.length('statements', input.Statements, 1, 25);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const capacity = new Map<TableSpec, Consumption>();
  const Responses = [];
  for (const s of input.Statements) Responses.push(await (async () => {
    let table: string | undefined;
    try {
      const st = parse(s.Statement, s.Parameters);
      if (st.kind === 'select') {
        table = st.table;
        const { spec, key, rest } = await pointRead(ctx, st);
        const found = await readItem(store, spec, requestKey(spec.key, key));
        capacity.set(spec, addConsumption(capacity.get(spec), { kind: 'read', table: readUnits(found?.size ?? 0, !!s.ConsistentRead) }));
        if (!found || (rest && !evalCondition(rest, found.item))) return { TableName: spec.name };
        return { TableName: spec.name, Item: st.paths ? project(found.item, st.paths) : found.item };
      }
      if (st.kind === 'exists') throw validation('Unsupported operation: EXISTS can only be used in ExecuteTransaction');
      table = st.kind === 'insert' ? st.table : st.table;
      const w = await writeRequestOf(ctx, st, s.ReturnValuesOnConditionCheckFailure);
      const o = await writeOne(store, w, now);
      capacity.set(w.spec, addConsumption(capacity.get(w.spec), writeConsumption(w.spec, o)));
      return { TableName: w.spec.name };
    } catch (e) {
      if (!(e instanceof ServiceError) || e.status >= 500) throw e;
      const code = e.code.replace(/Exception$/, '').replace(/^Validation$/, 'ValidationError');
      const error: Record<string, unknown> = { Code: code, Message: e.message };
      if (e.fields?.Item) error.Item = e.fields.Item;
      return { TableName: table, Error: error };
    }
  })());
  const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
  return { Responses: Responses as never, ConsumedCapacity: ConsumedCapacity.length ? ConsumedCapacity : undefined } as never;
};

export const executeTransaction: H['ExecuteTransaction'] = async (input, ctx) => {
  const c = checks();
  c.length('transactStatements', input.TransactStatements, 1, 100);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  if (input.ClientRequestToken !== undefined) c.length('clientRequestToken', input.ClientRequestToken, 1, 36);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const tokens = clientTokens(store, 'ExecuteTransaction');
  const tokenKey = input.ClientRequestToken !== undefined ? `${ctx.account}\0${ctx.region}\0${input.ClientRequestToken}` : undefined;
  const hash = createHash('sha256').update(JSON.stringify(input.TransactStatements)).digest('hex');
  const prior = tokens.answer(tokenKey, hash, now);
  if (prior !== undefined) return prior as never;
  const statements = input.TransactStatements.map((s) => ({ st: parse(s.Statement, s.Parameters), s }));
  const reads = statements.filter((x) => x.st.kind === 'select').length;
  if (reads && reads !== statements.length) throw validation('Transaction must contain either all read statements or all write statements');
  const capacity = new Map<TableSpec, Consumption>();
  const finish = (output: Record<string, unknown>) => {
    const ConsumedCapacity = [...capacity].map(([spec, cc]) => consumed(spec, input.ReturnConsumedCapacity, cc)).filter((x) => x);
    if (ConsumedCapacity.length) output.ConsumedCapacity = ConsumedCapacity;
    return output;
  };
  if (reads) {
    const points: Array<{ sel: Extract<Statement, { kind: 'select' }> } & Awaited<ReturnType<typeof pointRead>>> = [];
    for (const { st } of statements) {
      const sel = st as Extract<Statement, { kind: 'select' }>;
      points.push({ sel, ...(await pointRead(ctx, sel)) });
    }
    const output = await tokens.once(store, tokenKey, hash, now, () =>
      // The items are read in one unit: a transaction's reads see no write half done.
      store.atomically(async () => {
        const Responses = [];
        for (const { sel, spec, key, rest } of points) {
          const found = await readItem(store, spec, requestKey(spec.key, key));
          capacity.set(spec, addConsumption(capacity.get(spec), { kind: 'read', table: readUnits(found?.size ?? 0, true) * 2 }));
          if (!found || (rest && !evalCondition(rest, found.item))) Responses.push({});
          else Responses.push({ Item: sel.paths ? project(found.item, sel.paths) : found.item });
        }
        return finish({ Responses });
      }),
    );
    return output as never;
  }
  const writes: WriteRequest[] = [];
  for (const { st, s } of statements) writes.push(await writeRequestOf(ctx as Ctx, st, s.ReturnValuesOnConditionCheckFailure));
  const output = await tokens.once(store, tokenKey, hash, now, async () => {
    const outcomes = await runTransaction(store, writes, now);
    writes.forEach((w, i) => capacity.set(w.spec, addConsumption(capacity.get(w.spec), scaleConsumption(writeConsumption(w.spec, outcomes[i]), 2))));
    return finish({});
  });
  return output as never;
};
