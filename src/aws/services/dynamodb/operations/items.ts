// PutItem, GetItem, UpdateItem, DeleteItem.
import type { DynamodbHandlers } from '../generated/types.ts';
import { itemTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { checkIndexKeys, itemKey, requestKey } from '../engine/schema.ts';
import {
  checkUpdateTargets, itemCollectionMetrics, readConsumption, readItem, updateReturnValues, writeConsumption, writeOne, type WriteRequest,
} from '../engine/items.ts';
import { checkAttributesToGet, checkAttributeUpdates, expectedCondition, type AttributeUpdate, type LegacyCondition } from '../engine/legacy.ts';
import { consumed } from '../engine/capacity.ts';
import { checkNotMixed, compileExpressions, precheckExpressionMaps } from '../expressions/request.ts';
import { pickAttributes, project } from '../expressions/projection.ts';
import { checkItem, itemSize, MAX_ITEM_SIZE, type Item } from '../values/attribute.ts';
import { validation } from '../errors.ts';
import { checks, ENUMS } from './validate.ts';
import type { DynamoStore } from '../store.ts';

type H = DynamodbHandlers;

interface Common {
  TableName: string;
  ReturnConsumedCapacity?: string;
  ReturnItemCollectionMetrics?: string;
  ReturnValues?: string;
  ConditionalOperator?: string;
  ReturnValuesOnConditionCheckFailure?: string;
}

function commonChecks(input: Common, extra?: (c: ReturnType<typeof checks>) => void): void {
  const c = checks();
  c.enumValue('returnConsumedCapacity', input.ReturnConsumedCapacity, ENUMS.ReturnConsumedCapacity);
  c.tableName('tableName', input.TableName);
  c.enumValue('returnItemCollectionMetrics', input.ReturnItemCollectionMetrics, ENUMS.ReturnItemCollectionMetrics);
  c.enumValue('returnValues', input.ReturnValues, ENUMS.ReturnValues);
  c.enumValue('conditionalOperator', input.ConditionalOperator, ENUMS.ConditionalOperator);
  c.enumValue('returnValuesOnConditionCheckFailure', input.ReturnValuesOnConditionCheckFailure, ENUMS.ReturnValuesOnConditionCheckFailure);
  extra?.(c);
  c.done();
}

export const putItem: H['PutItem'] = async (input, ctx) => {
  commonChecks(input);
  checkNotMixed(input as never, ['Expected', 'ConditionalOperator'], ['ConditionExpression']);
  precheckExpressionMaps(input, ['ConditionExpression'], ['ConditionExpression']);
  const item = input.Item as Item;
  checkItem(item);
  if (input.ReturnValues && input.ReturnValues !== 'NONE' && input.ReturnValues !== 'ALL_OLD') throw validation('ReturnValues can only be ALL_OLD or NONE');
  const legacy = expectedCondition(input.Expected as Record<string, LegacyCondition> | undefined, input.ConditionalOperator);
  const expr = compileExpressions(input, ['ConditionExpression']);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const key = itemKey(spec.key, item);
  checkIndexKeys(spec, item);
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) throw validation('Item size has exceeded the maximum allowed size');
  const w: WriteRequest = {
    spec, key, keyItem: {}, kind: 'put', item, itemSize: size,
    condition: expr.condition ?? legacy, returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
  };
  const store: DynamoStore = ctx.state;
  const o = await writeOne(store, w, ctx.clock.now());
  return {
    Attributes: input.ReturnValues === 'ALL_OLD' ? o.old?.item : undefined,
    ConsumedCapacity: consumed(spec, input.ReturnConsumedCapacity, writeConsumption(spec, o)),
    ItemCollectionMetrics: itemCollectionMetrics(spec, input.ReturnItemCollectionMetrics, item),
  };
};

export const deleteItem: H['DeleteItem'] = async (input, ctx) => {
  commonChecks(input);
  checkNotMixed(input as never, ['Expected', 'ConditionalOperator'], ['ConditionExpression']);
  precheckExpressionMaps(input, ['ConditionExpression'], ['ConditionExpression']);
  const keyItem = input.Key as Item;
  checkItem(keyItem);
  if (input.ReturnValues && input.ReturnValues !== 'NONE' && input.ReturnValues !== 'ALL_OLD') throw validation('ReturnValues can only be ALL_OLD or NONE');
  const legacy = expectedCondition(input.Expected as Record<string, LegacyCondition> | undefined, input.ConditionalOperator);
  const expr = compileExpressions(input, ['ConditionExpression']);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const key = requestKey(spec.key, keyItem);
  const w: WriteRequest = { spec, key, keyItem, kind: 'delete', condition: expr.condition ?? legacy, returnOnFailure: input.ReturnValuesOnConditionCheckFailure };
  const store: DynamoStore = ctx.state;
  const o = await writeOne(store, w, ctx.clock.now());
  return {
    Attributes: input.ReturnValues === 'ALL_OLD' ? o.old?.item : undefined,
    ConsumedCapacity: consumed(spec, input.ReturnConsumedCapacity, writeConsumption(spec, o)),
    ItemCollectionMetrics: itemCollectionMetrics(spec, input.ReturnItemCollectionMetrics, o.old?.item),
  };
};

export const updateItem: H['UpdateItem'] = async (input, ctx) => {
  commonChecks(input);
  checkNotMixed(input as never, ['AttributeUpdates', 'Expected'], ['UpdateExpression', 'ConditionExpression']);
  precheckExpressionMaps(input, ['UpdateExpression', 'ConditionExpression'], ['UpdateExpression', 'ConditionExpression']);
  const keyItem = input.Key as Item;
  checkItem(keyItem);
  const updates = input.AttributeUpdates as Record<string, AttributeUpdate> | undefined;
  checkAttributeUpdates(updates);
  const legacy = expectedCondition(input.Expected as Record<string, LegacyCondition> | undefined, input.ConditionalOperator);
  const expr = compileExpressions(input, ['UpdateExpression', 'ConditionExpression']);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const key = requestKey(spec.key, keyItem);
  if (expr.update) checkUpdateTargets(spec, expr.update.targets);
  if (updates) checkUpdateTargets(spec, Object.keys(updates));
  const w: WriteRequest = {
    spec, key, keyItem, kind: 'update', update: expr.update, attributeUpdates: updates,
    condition: expr.condition ?? legacy, returnOnFailure: input.ReturnValuesOnConditionCheckFailure,
  };
  const store: DynamoStore = ctx.state;
  const o = await writeOne(store, w, ctx.clock.now());
  return {
    Attributes: updateReturnValues(input.ReturnValues, w, o),
    ConsumedCapacity: consumed(spec, input.ReturnConsumedCapacity, writeConsumption(spec, o)),
    ItemCollectionMetrics: itemCollectionMetrics(spec, input.ReturnItemCollectionMetrics, o.next),
  };
};

export const getItem: H['GetItem'] = async (input, ctx) => {
  commonChecks(input, (c) => c.length('attributesToGet', input.AttributesToGet, 1));
  checkNotMixed(input as never, ['AttributesToGet'], ['ProjectionExpression']);
  precheckExpressionMaps(input, [], ['ProjectionExpression']);
  const keyItem = input.Key as Item;
  checkItem(keyItem);
  checkAttributesToGet(input.AttributesToGet);
  const expr = compileExpressions(input, ['ProjectionExpression']);
  const spec = await itemTable(ctx, tableNameOf(input.TableName));
  const key = requestKey(spec.key, keyItem);
  const found = await readItem(ctx.state, spec, key);
  let item = found?.item;
  if (item && expr.projection) item = project(item, expr.projection.map((p) => p.parts));
  else if (item && input.AttributesToGet) item = pickAttributes(item, input.AttributesToGet);
  return {
    Item: item,
    ConsumedCapacity: consumed(spec, input.ReturnConsumedCapacity, readConsumption(found?.size ?? 0, !!input.ConsistentRead)),
  };
};

export type { Ctx };
