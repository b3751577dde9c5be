// Query and Scan on tables and secondary indexes.
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import { itemTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { analyzeKeyCondition, checkKeyConditions, inBounds, keyConditionParts, legacyKeyQuery, rangeBounds } from '../engine/keycondition.ts';
import {
  checkQueryFilter, checkScanFilter, collect, indexCursor, readConsumption, rowCursor, scanCursor, scanIndexCursor, sortCursor, type ReadPlan, type ReadResult,
} from '../engine/read.ts';
import { checkAttributesToGet, filterCondition, type LegacyCondition } from '../engine/legacy.ts';
import { EMPTY, findIndex, segmentOf, type IndexSpec, type KeyDef, type TableSpec } from '../engine/schema.ts';
import { consumed } from '../engine/capacity.ts';
import { checkNotMixed, compileExpressions, precheckExpressionMaps } from '../expressions/request.ts';
import { checkValue, encodeKeyValue, typeOf, ValueProblem, type Item } from '../values/attribute.ts';
import { validation } from '../errors.ts';
import { checks, ENUMS } from './validate.ts';

type H = DynamodbHandlers;

const INVALID_START = 'The provided starting key is invalid: The provided key element does not match the schema';

function checkStartValues(start: Item | undefined): void {
  if (!start) return;
  for (const k in start) {
    try {
      checkValue(start[k]);
    } catch (e) {
      if (e instanceof ValueProblem) throw validation(e.number ? e.full : `The provided starting key is invalid: ${e.full}`);
      throw e;
    }
  }
}

interface SelectInput {
  Select?: string;
  AttributesToGet?: string[];
  ProjectionExpression?: string;
  IndexName?: string;
}

function resolveSelect(input: SelectInput): string {
  const projection = input.ProjectionExpression !== undefined ? 'ProjectionExpression' : input.AttributesToGet !== undefined ? 'AttributesToGet' : undefined;
  const select = input.Select;
  if (select && select !== 'SPECIFIC_ATTRIBUTES' && projection) throw validation(`Cannot specify the ${projection} when choosing to get ${select}`);
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && input.IndexName === undefined) throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
  if (select) return select;
  if (projection) return 'SPECIFIC_ATTRIBUTES';
  return input.IndexName !== undefined ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
}

function indexFor(spec: TableSpec, name: string | undefined, select: string, consistent: boolean): IndexSpec | undefined {
  if (name === undefined) return undefined;
  const index = findIndex(spec, name);
  if (!index || index.status === 'DELETING') throw validation(`The table does not have the specified index: ${name}`);
  if (index.kind === 'GSI' && consistent) throw validation('Consistent reads are not supported on global secondary indexes');
  if (index.kind === 'GSI' && select === 'ALL_ATTRIBUTES' && index.projection.ProjectionType !== 'ALL') {
    throw validation(`One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`);
  }
  return index;
}

/** The key attributes a starting key must have, each of the right type. */
function checkStartKey(spec: TableSpec, index: IndexSpec | undefined, start: Item, message = INVALID_START): void {
  const defs: KeyDef[] = index ? [spec.key, index.key] : [spec.key];
  const expected = new Map<string, string>();
  for (const k of defs) {
    expected.set(k.hash, k.hashType);
    if (k.range) expected.set(k.range, k.rangeType!);
  }
  const names = Object.keys(start);
  if (names.length !== expected.size) throw validation(message);
  for (const n of names) {
    const t = expected.get(n);
    if (!t || typeOf(start[n]) !== t) throw validation(message);
  }
}

function output(plan: ReadPlan, r: ReadResult, mode: string | undefined) {
  return {
    Items: plan.select === 'COUNT' ? undefined : r.items,
    Count: r.count,
    ScannedCount: r.scanned,
    LastEvaluatedKey: r.lastKey,
    ConsumedCapacity: consumed(plan.spec, mode, readConsumption(plan, r)),
  };
}

export const query: H['Query'] = async (input, ctx) => {
  const c = checks();
  c.range('Limit', input.Limit, 1);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.length('attributesToGet', input.AttributesToGet, 1);
  c.tableName('tableName', input.TableName);
  c.enumValue('select', input.Select, ENUMS.Select);
  if (input.IndexName !== undefined) c.pattern('indexName', input.IndexName, /^[a-zA-Z0-9_.-]+$/, '[a-zA-Z0-9_.-]+').length('indexName', input.IndexName, 3, 255);
  c.enumValue('conditionalOperator', input.ConditionalOperator, ENUMS.ConditionalOperator);
  for (const [k, v] of Object.entries(input.KeyConditions ?? {})) c.notNull(`keyConditions.${k}.member.comparisonOperator`, v.ComparisonOperator).enumValue(`keyConditions.${k}.member.comparisonOperator`, v.ComparisonOperator, ENUMS.ComparisonOperator);
  c.done();
  checkNotMixed(input as never, ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'], ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression']);
  precheckExpressionMaps(input, ['FilterExpression', 'KeyConditionExpression'], ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression']);
  const start = input.ExclusiveStartKey as Item | undefined;
  checkStartValues(start);
  checkAttributesToGet(input.AttributesToGet);
  if (input.KeyConditions) checkKeyConditions(input.KeyConditions as Record<string, LegacyCondition>);
  const legacyFilter = filterCondition(input.QueryFilter as Record<string, LegacyCondition> | undefined, input.ConditionalOperator);
  const expr = compileExpressions(input, ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression']);
  if (!input.KeyConditions && !expr.keyCondition) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  const parts = expr.keyCondition ? keyConditionParts(expr.keyCondition) : undefined;
  const select = resolveSelect(input);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const consistent = !!input.ConsistentRead;
  const index = indexFor(spec, input.IndexName, select, consistent);
  const key = index ? index.key : spec.key;
  const q = parts ? analyzeKeyCondition(parts, key) : legacyKeyQuery(input.KeyConditions as Record<string, LegacyCondition>, key);
  const filter = expr.filter ?? legacyFilter;
  if (filter) checkQueryFilter(filter, [key.hash, ...(key.range ? [key.range] : [])]);
  const bounds = rangeBounds(q);
  const hk = encodeKeyValue(q.hash);
  const forward = input.ScanIndexForward !== false;
  let startRk: Buffer | undefined;
  let startIx: { rk: Buffer; thk: Buffer; trk: Buffer } | undefined;
  if (start) {
    checkStartKey(spec, index, start);
    if (!encodeKeyValue(start[key.hash]).equals(hk)) throw validation('The provided starting key is outside query boundaries based on provided conditions');
    const rk = key.range ? encodeKeyValue(start[key.range]) : EMPTY;
    if (key.range && !inBounds(rk, bounds)) throw validation('The provided starting key does not match the range key predicate');
    if (index) {
      startIx = { rk, thk: encodeKeyValue(start[spec.key.hash]), trk: spec.key.range ? encodeKeyValue(start[spec.key.range]) : EMPTY };
    } else startRk = rk;
  }
  const plan: ReadPlan = {
    spec, index, filter, select, consistent, limit: input.Limit,
    paths: expr.projection?.map((p) => p.parts),
    names: input.AttributesToGet,
  };
  const store: DynamoStore = ctx.state;
  // An LSI shares the table's partitions, so its entries live under the table's partition hash.
  const seg = segmentOf(hk);
  const page = input.Limit ? Math.min(input.Limit, 1000) : 100;
  const rows = index
    ? store.indexPartition(index.id, seg, hk, bounds, forward, startIx, rowCursor(indexCursor(spec, index)), page)
    : start && !spec.key.range
      ? []
      : store.partition(spec.id, seg, hk, bounds, forward, startRk, rowCursor(sortCursor(spec.key)), page);
  return output(plan, await collect(store, plan, rows), input.ReturnConsumedCapacity);
};

export const scan: H['Scan'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1);
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.length('attributesToGet', input.AttributesToGet, 1);
  c.tableName('tableName', input.TableName);
  c.enumValue('select', input.Select, ENUMS.Select);
  if (input.IndexName !== undefined) c.pattern('indexName', input.IndexName, /^[a-zA-Z0-9_.-]+$/, '[a-zA-Z0-9_.-]+').length('indexName', input.IndexName, 3, 255);
  c.enumValue('conditionalOperator', input.ConditionalOperator, ENUMS.ConditionalOperator);
  c.range('segment', input.Segment, 0, 999999).range('totalSegments', input.TotalSegments, 1, 1000000);
  c.done();
  checkNotMixed(input as never, ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'], ['ProjectionExpression', 'FilterExpression']);
  precheckExpressionMaps(input, ['FilterExpression'], ['ProjectionExpression', 'FilterExpression']);
  const start = input.ExclusiveStartKey as Item | undefined;
  checkStartValues(start);
  if (input.Segment !== undefined && input.TotalSegments === undefined) {
    throw validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  }
  if (input.TotalSegments !== undefined && input.Segment === undefined) {
    throw validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  }
  if (input.Segment !== undefined && input.Segment >= input.TotalSegments!) {
    throw validation(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`);
  }
  checkAttributesToGet(input.AttributesToGet);
  const legacyFilter = filterCondition(input.ScanFilter as Record<string, LegacyCondition> | undefined, input.ConditionalOperator);
  const expr = compileExpressions(input, ['FilterExpression', 'ProjectionExpression']);
  const select = resolveSelect(input);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const consistent = !!input.ConsistentRead;
  const index = indexFor(spec, input.IndexName, select, consistent);
  const filter = expr.filter ?? legacyFilter;
  if (filter) checkScanFilter(filter, [spec.key.hash, ...(spec.key.range ? [spec.key.range] : [])]);
  const total = input.TotalSegments ?? 1;
  const segment = input.Segment ?? 0;
  const segLo = Math.floor((segment * 2 ** 32) / total);
  const segHi = Math.floor(((segment + 1) * 2 ** 32) / total);
  const store: DynamoStore = ctx.state;
  const plan: ReadPlan = {
    spec, index, filter, select, consistent, limit: input.Limit,
    paths: expr.projection?.map((p) => p.parts),
    names: input.AttributesToGet,
  };
  let rows;
  const page = input.Limit ? Math.min(input.Limit, 1000) : 100;
  if (index) {
    let from: { seg: number; hk: Buffer; rk: Buffer; thk: Buffer; trk: Buffer } | undefined;
    if (start) {
      checkStartKey(spec, index, start);
      const ihk = encodeKeyValue(start[index.key.hash]);
      const thk = encodeKeyValue(start[spec.key.hash]);
      from = {
        seg: index.kind === 'LSI' ? segmentOf(thk) : segmentOf(ihk),
        hk: ihk,
        rk: index.key.range ? encodeKeyValue(start[index.key.range]) : EMPTY,
        thk,
        trk: spec.key.range ? encodeKeyValue(start[spec.key.range]) : EMPTY,
      };
      checkSegment(from.seg, segLo, segHi, total, segment);
    }
    rows = store.scanIndex(index.id, segLo, segHi, from, rowCursor(scanIndexCursor(spec, index)), page);
  } else {
    let from: { seg: number; hk: Buffer; rk: Buffer } | undefined;
    if (start) {
      checkStartKey(spec, undefined, start);
      const hk = encodeKeyValue(start[spec.key.hash]);
      from = { seg: segmentOf(hk), hk, rk: spec.key.range ? encodeKeyValue(start[spec.key.range]) : EMPTY };
      checkSegment(from.seg, segLo, segHi, total, segment);
    }
    rows = store.scan(spec.id, segLo, segHi, from, rowCursor(scanCursor(spec)), page);
  }
  return output(plan, await collect(store, plan, rows), input.ReturnConsumedCapacity);
};

function checkSegment(seg: number, lo: number, hi: number, total: number, segment: number): void {
  if (seg < lo || seg >= hi) {
    throw validation(`The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${total} Segment: ${segment}`);
  }
}

export type { Ctx };
