// CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables.
import { randomUUID } from 'node:crypto';
import type { DynamodbHandlers } from '../generated/types.ts';
import { afterStatusDelay, anyTable, describeTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { buildIndex, checkKeySchema, checkProjection, type IndexInput } from '../engine/indexes.ts';
import { enableStream, disableStream } from '../engine/streams.ts';
import { keyDefOf, type AttributeDefinition, type IndexSpec, type TableSpec } from '../engine/schema.ts';
import { backfillIndex } from '../engine/write.ts';
import { resourceInUse, resourceNotFound, limitExceeded, validation } from '../errors.ts';
import { checks, ENUMS, type Checks } from './validate.ts';
import type { DynamoStore } from '../store.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

type H = DynamodbHandlers;
const invalid = (m: string) => validation(`One or more parameter values were invalid: ${m}`);

function checkThroughput(c: Checks, path: string, t: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined): void {
  if (!t) return;
  c.notNull(`${path}.writeCapacityUnits`, t.WriteCapacityUnits).notNull(`${path}.readCapacityUnits`, t.ReadCapacityUnits);
  c.range(`${path}.writeCapacityUnits`, t.WriteCapacityUnits, 1).range(`${path}.readCapacityUnits`, t.ReadCapacityUnits, 1);
}

function checkIndexInputs(c: Checks, path: string, list: IndexInput[] | undefined): void {
  list?.forEach((ix, i) => {
    const p = `${path}.${i + 1}.member`;
    c.notNull(`${p}.indexName`, ix.IndexName).notNull(`${p}.keySchema`, ix.KeySchema).notNull(`${p}.projection`, ix.Projection);
    if (ix.IndexName !== undefined) {
      c.pattern(`${p}.indexName`, ix.IndexName, /^[a-zA-Z0-9_.-]+$/, '[a-zA-Z0-9_.-]+').length(`${p}.indexName`, ix.IndexName, 3, 255);
    }
    if (ix.KeySchema) c.length(`${p}.keySchema`, ix.KeySchema.map((k) => `KeySchemaElement(attributeName=${k.AttributeName}, keyType=${k.KeyType})`), 1, 2);
    c.enumValue(`${p}.projection.projectionType`, ix.Projection?.ProjectionType, ENUMS.ProjectionType);
    checkThroughput(c, `${p}.provisionedThroughput`, ix.ProvisionedThroughput);
  });
}

function throughputOf(t: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined) {
  return { read: t?.ReadCapacityUnits ?? 0, write: t?.WriteCapacityUnits ?? 0, decreasesToday: 0 };
}

function checkStreamSpec(s: { StreamEnabled?: boolean; StreamViewType?: string } | undefined): void {
  if (!s) return;
  if (s.StreamEnabled && !s.StreamViewType) throw validation('StreamViewType must be specified when StreamEnabled is true');
  if (!s.StreamEnabled && s.StreamViewType) throw validation('StreamViewType must not be specified when StreamEnabled is false');
}

export const createTable: H['CreateTable'] = async (input, ctx) => {
  const c = checks();
  c.tableName('tableName', input.TableName, false);
  input.AttributeDefinitions?.forEach((d, i) => c.enumValue(`attributeDefinitions.${i + 1}.member.attributeType`, d.AttributeType, ENUMS.AttributeType));
  c.length('keySchema', input.KeySchema.map((k) => `KeySchemaElement(attributeName=${k.AttributeName}, keyType=${k.KeyType})`), 1, 2);
  input.KeySchema.forEach((k, i) => c.enumValue(`keySchema.${i + 1}.member.keyType`, k.KeyType, ENUMS.KeyType));
  c.enumValue('billingMode', input.BillingMode, ENUMS.BillingMode);
  c.enumValue('tableClass', input.TableClass, ENUMS.TableClass);
  c.enumValue('streamSpecification.streamViewType', input.StreamSpecification?.StreamViewType, ENUMS.StreamViewType);
  checkThroughput(c, 'provisionedThroughput', input.ProvisionedThroughput);
  checkIndexInputs(c, 'localSecondaryIndexes', input.LocalSecondaryIndexes as IndexInput[] | undefined);
  checkIndexInputs(c, 'globalSecondaryIndexes', input.GlobalSecondaryIndexes as IndexInput[] | undefined);
  c.done();

  const ppr = input.BillingMode === 'PAY_PER_REQUEST';
  if (ppr) {
    if (input.ProvisionedThroughput) throw invalid('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  } else if (!input.ProvisionedThroughput) {
    throw invalid('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  } else {
    for (const k of ['ReadCapacityUnits', 'WriteCapacityUnits'] as const) {
      if (input.ProvisionedThroughput[k] > 1e12) throw validation(`Given value ${input.ProvisionedThroughput[k]} for ${k} is out of bounds`);
    }
  }
  const defs = input.AttributeDefinitions.map((d) => d.AttributeName);
  const keys = input.KeySchema.map((k) => k.AttributeName);
  if (keys.length > defs.length) throw validation('Invalid KeySchema: Some index key attribute have no definition');
  checkKeySchema(input.KeySchema, defs);
  if (new Set(defs).size !== defs.length) throw invalid('Duplicate AttributeName in AttributeDefinitions');
  const used = new Set(keys);
  const names = new Set<string>();
  const lsis = input.LocalSecondaryIndexes as IndexInput[] | undefined;
  const gsis = input.GlobalSecondaryIndexes as IndexInput[] | undefined;
  if (lsis) {
    if (!lsis.length) throw invalid('List of LocalSecondaryIndexes is empty');
    if (keys.length !== 2) throw invalid('Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex');
    for (const ix of lsis) {
      checkKeySchema(ix.KeySchema, defs);
      if (ix.KeySchema.length !== 2) throw invalid(`Index KeySchema does not have a range key for index: ${ix.IndexName}`);
      if (ix.KeySchema[0].AttributeName !== keys[0]) {
        throw invalid(`Index KeySchema does not have the same leading hash key as table KeySchema for index: ${ix.IndexName}. index hash key: ${ix.KeySchema[0].AttributeName}, table hash key: ${keys[0]}`);
      }
      checkProjection(ix.Projection);
      if (names.has(ix.IndexName)) throw invalid(`Duplicate index name: ${ix.IndexName}`);
      names.add(ix.IndexName);
      ix.KeySchema.forEach((k) => used.add(k.AttributeName));
    }
    if (lsis.length > 5) throw invalid('Number of LocalSecondaryIndexes exceeds per-table limit of 5');
  }
  if (gsis) {
    if (!gsis.length) throw invalid('List of GlobalSecondaryIndexes is empty');
    for (const ix of gsis) {
      checkKeySchema(ix.KeySchema, defs);
      checkProjection(ix.Projection);
      if (ppr && ix.ProvisionedThroughput) throw invalid(`ProvisionedThroughput should not be specified for index: ${ix.IndexName} when BillingMode is PAY_PER_REQUEST`);
      if (!ppr && !ix.ProvisionedThroughput) throw invalid(`ProvisionedThroughput must be specified for index: ${ix.IndexName}`);
      if (names.has(ix.IndexName)) throw invalid(`Duplicate index name: ${ix.IndexName}`);
      names.add(ix.IndexName);
      ix.KeySchema.forEach((k) => used.add(k.AttributeName));
    }
    if (gsis.length > 20) throw invalid('GlobalSecondaryIndex count exceeds the per-table limit of 20');
  }
  if (used.size !== defs.length) {
    throw invalid('Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  }
  checkStreamSpec(input.StreamSpecification);
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const attributeDefinitions: AttributeDefinition[] = input.AttributeDefinitions.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType }));
  // The name is checked in the unit that takes it: of concurrent creates of one name, one wins.
  const spec = await store.atomically(async () => {
    if (await store.table(ctx.account, ctx.region, input.TableName)) throw resourceInUse(`Table already exists: ${input.TableName}`);
    const s = await store.insertTable({
      id: 0,
      account: ctx.account,
      region: ctx.region,
      name: input.TableName,
      tableId: randomUUID(),
      arn: formatArn({ service: 'dynamodb', region: ctx.region, account: ctx.account, resource: `table/${input.TableName}` }),
      createdAt: now,
      status: 'CREATING',
      keySchema: input.KeySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })),
      attributeDefinitions,
      key: keyDefOf(input.KeySchema, attributeDefinitions),
      billingMode: ppr ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      billingModeSet: input.BillingMode !== undefined,
      payPerRequestSince: ppr ? now : undefined,
      throughput: ppr ? { read: 0, write: 0, decreasesToday: 0 } : throughputOf(input.ProvisionedThroughput),
      onDemand: input.OnDemandThroughput,
      warm: input.WarmThroughput,
      gsis: [],
      lsis: [],
      stream: { enabled: false },
      sse: input.SSESpecification?.Enabled ? { enabled: true, type: input.SSESpecification.SSEType ?? 'KMS', kmsKey: input.SSESpecification.KMSMasterKeyId } : undefined,
      tableClass: input.TableClass,
      deletionProtection: input.DeletionProtectionEnabled ?? false,
      ttl: { status: 'DISABLED' },
      pitr: { enabled: false },
      tags: (input.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
      policy: input.ResourcePolicy ? { document: input.ResourcePolicy, revisionId: String(now) } : undefined,
    });
    for (const ix of lsis ?? []) s.lsis.push(buildIndex(await store.newIndex(s.id, ix.IndexName), 'LSI', ix, attributeDefinitions, ppr, 'ACTIVE'));
    for (const ix of gsis ?? []) s.gsis.push(buildIndex(await store.newIndex(s.id, ix.IndexName), 'GSI', ix, attributeDefinitions, ppr, 'CREATING'));
    if (input.StreamSpecification?.StreamEnabled) await enableStream(store, s, input.StreamSpecification.StreamViewType!, now);
    await store.saveTable(s);
    return s;
  });
  const TableDescription = await describeTable(store, spec);
  await afterStatusDelay(store, () =>
    store.atomically(async () => {
      const s = await store.tableById(spec.id);
      if (!s || s.status !== 'CREATING') return;
      s.status = 'ACTIVE';
      for (const ix of s.gsis) ix.status = 'ACTIVE';
      await store.saveTable(s);
    }),
  );
  return { TableDescription };
};

export const describeTableOp: H['DescribeTable'] = async (input, ctx) => {
  checks().tableName('tableName', input.TableName).done();
  return { Table: await describeTable(ctx.state, await anyTable(ctx, tableNameOf(input.TableName))) };
};

export const deleteTable: H['DeleteTable'] = async (input, ctx) => {
  checks().tableName('tableName', input.TableName).done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  // The status is checked in the unit that changes it: of concurrent deletes, one wins.
  const spec = await store.atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    if (spec.status === 'CREATING') throw resourceInUse(`Attempt to change a resource which is still in use: Table is being created: ${spec.name}`);
    if (spec.status === 'DELETING') throw resourceInUse(`Attempt to change a resource which is still in use: Table is being deleted: ${spec.name}`);
    if (spec.deletionProtection) throw validation('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    if (spec.stream.enabled) await disableStream(store, spec, now);
    spec.status = 'DELETING';
    await store.saveTable(spec);
    return spec;
  });
  const TableDescription = await describeTable(store, spec);
  await afterStatusDelay(store, async () => {
    const s = await store.tableById(spec.id);
    if (s && s.status === 'DELETING') await store.dropTable(s);
  });
  return { TableDescription };
};

export const listTables: H['ListTables'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1, 100);
  if (input.ExclusiveStartTableName !== undefined) c.tableName('exclusiveStartTableName', input.ExclusiveStartTableName, false);
  c.done();
  const limit = input.Limit ?? 100;
  const names = await ctx.state.tableNames(ctx.account, ctx.region, input.ExclusiveStartTableName, limit + 1);
  const page = names.slice(0, limit);
  return { TableNames: page, LastEvaluatedTableName: names.length > limit ? page[page.length - 1] : undefined };
};

export const updateTable: H['UpdateTable'] = async (input, ctx) => {
  const c = checks();
  c.tableName('tableName', input.TableName);
  c.enumValue('billingMode', input.BillingMode, ENUMS.BillingMode);
  c.enumValue('tableClass', input.TableClass, ENUMS.TableClass);
  c.enumValue('streamSpecification.streamViewType', input.StreamSpecification?.StreamViewType, ENUMS.StreamViewType);
  checkThroughput(c, 'provisionedThroughput', input.ProvisionedThroughput);
  input.GlobalSecondaryIndexUpdates?.forEach((u, i) => {
    checkIndexInputs(c, `globalSecondaryIndexUpdates.${i + 1}.member.create`, u.Create ? [u.Create as IndexInput] : undefined);
    checkThroughput(c, `globalSecondaryIndexUpdates.${i + 1}.member.update.provisionedThroughput`, u.Update?.ProvisionedThroughput);
  });
  c.done();
  const store: DynamoStore = ctx.state;
  const changes: Array<() => Promise<void>> = [];
  // The table's state is checked in the unit that changes it (two updates cannot both pass the
  // checks of one state, e.g. both add an index).
  const spec = await store.atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    const nothing =
      input.ProvisionedThroughput === undefined && input.BillingMode === undefined && input.StreamSpecification === undefined &&
      input.GlobalSecondaryIndexUpdates === undefined && input.SSESpecification === undefined && input.ReplicaUpdates === undefined &&
      input.TableClass === undefined && input.DeletionProtectionEnabled === undefined && input.OnDemandThroughput === undefined &&
      input.WarmThroughput === undefined && input.MultiRegionConsistency === undefined;
    if (nothing) throw validation('At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required');
    if (spec.status !== 'ACTIVE') {
      throw resourceInUse(`Attempt to change a resource which is still in use: Table is being ${spec.status === 'CREATING' ? 'created' : spec.status === 'DELETING' ? 'deleted' : 'updated'}: ${spec.name}`);
    }
    if (input.ReplicaUpdates?.length) throw validation('Fogbank does not replicate tables across regions (global tables version 2019.11.21 replicas are not supported)');
    const now = ctx.clock.now();
    const ppr = (input.BillingMode ?? spec.billingMode) === 'PAY_PER_REQUEST';
    if (ppr && input.ProvisionedThroughput) throw invalid('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
    if (input.BillingMode === 'PROVISIONED' && spec.billingMode === 'PAY_PER_REQUEST' && !input.ProvisionedThroughput) {
      throw invalid('ProvisionedThroughput must be specified when BillingMode is PROVISIONED');
    }
    const creates = (input.GlobalSecondaryIndexUpdates ?? []).filter((u) => u.Create || u.Delete);
    if (creates.length > 1) throw limitExceeded('Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
    const changedThroughput =
      input.ProvisionedThroughput &&
      spec.billingMode === 'PROVISIONED' &&
      input.BillingMode !== 'PAY_PER_REQUEST' &&
      input.ProvisionedThroughput.ReadCapacityUnits === spec.throughput.read &&
      input.ProvisionedThroughput.WriteCapacityUnits === spec.throughput.write &&
      !input.GlobalSecondaryIndexUpdates && !input.StreamSpecification && input.BillingMode === undefined;
    if (changedThroughput) {
      const t = spec.throughput;
      throw validation(
        `The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: ${t.read}. Requested ReadCapacityUnits: ${t.read}. Current WriteCapacityUnits provisioned for the table: ${t.write}. Requested WriteCapacityUnits: ${t.write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
      );
    }
    checkStreamSpec(input.StreamSpecification);
    if (input.StreamSpecification) {
      if (input.StreamSpecification.StreamEnabled && spec.stream.enabled) throw validation(`Table already has an enabled stream: TableName: ${spec.name}`);
      if (!input.StreamSpecification.StreamEnabled && !spec.stream.enabled) throw validation(`Table already has stream disabled: TableName: ${spec.name}`);
    }
    // Indexes: check everything before changing anything.
    const newDefs = input.AttributeDefinitions ?? [];
    for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
      if (u.Create) {
        const ix = u.Create as IndexInput;
        if (spec.gsis.some((g) => g.name === ix.IndexName) || spec.lsis.some((l) => l.name === ix.IndexName)) {
          throw validation(`One or more parameter values were invalid: Index with name: ${ix.IndexName} already exists`);
        }
        checkKeySchema(ix.KeySchema, newDefs.map((d) => d.AttributeName));
        checkProjection(ix.Projection);
        for (const k of ix.KeySchema) {
          const def = newDefs.find((d) => d.AttributeName === k.AttributeName);
          const existing = spec.attributeDefinitions.find((d) => d.AttributeName === k.AttributeName);
          if (def && existing && def.AttributeType !== existing.AttributeType) {
            throw invalid(`Cannot change the type of attribute ${k.AttributeName} from ${existing.AttributeType} to ${def.AttributeType}`);
          }
        }
        if (!ppr && !ix.ProvisionedThroughput) throw invalid(`ProvisionedThroughput must be specified for index: ${ix.IndexName}`);
        if (spec.gsis.length >= 20) throw limitExceeded('Subscriber limit exceeded: The number of global secondary indexes for this table exceeds the maximum allowed (20)');
      }
      const name = u.Delete?.IndexName ?? u.Update?.IndexName;
      if (name !== undefined && !u.Create && !spec.gsis.some((g) => g.name === name)) {
        throw resourceNotFound(`Requested resource not found: Index: ${name} not found`);
      }
    }
    if (input.BillingMode && input.BillingMode !== spec.billingMode) {
      spec.billingMode = input.BillingMode as TableSpec['billingMode'];
      spec.billingModeSet = true;
      if (spec.billingMode === 'PAY_PER_REQUEST') {
        spec.payPerRequestSince = now;
        spec.throughput = { read: 0, write: 0, decreasesToday: 0 };
        for (const g of spec.gsis) g.throughput = { read: 0, write: 0 };
      }
    }
    if (input.ProvisionedThroughput) {
      const t = spec.throughput;
      const r = input.ProvisionedThroughput.ReadCapacityUnits;
      const w = input.ProvisionedThroughput.WriteCapacityUnits;
      if (r > t.read || w > t.write) t.lastIncrease = now;
      if (r < t.read || w < t.write) {
        t.lastDecrease = now;
        t.decreasesToday = (t.decreasesToday ?? 0) + 1;
      }
      t.read = r;
      t.write = w;
    }
    if (input.OnDemandThroughput) spec.onDemand = input.OnDemandThroughput;
    if (input.WarmThroughput) spec.warm = input.WarmThroughput;
    if (input.TableClass && input.TableClass !== spec.tableClass) {
      spec.tableClass = input.TableClass;
      spec.tableClassUpdated = now;
    }
    if (input.DeletionProtectionEnabled !== undefined) spec.deletionProtection = input.DeletionProtectionEnabled;
    if (input.SSESpecification) {
      spec.sse = input.SSESpecification.Enabled === false ? undefined : { enabled: true, type: input.SSESpecification.SSEType ?? 'KMS', kmsKey: input.SSESpecification.KMSMasterKeyId };
    }
    if (input.StreamSpecification) {
      if (input.StreamSpecification.StreamEnabled) await enableStream(store, spec, input.StreamSpecification.StreamViewType!, now);
      else await disableStream(store, spec, now);
    }
    for (const d of newDefs) {
      if (!spec.attributeDefinitions.some((x) => x.AttributeName === d.AttributeName)) spec.attributeDefinitions.push({ AttributeName: d.AttributeName, AttributeType: d.AttributeType });
    }
    for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
      if (u.Create) {
        const ix = buildIndex(await store.newIndex(spec.id, u.Create.IndexName), 'GSI', u.Create as IndexInput, spec.attributeDefinitions, spec.billingMode === 'PAY_PER_REQUEST', 'CREATING');
        ix.backfilling = true;
        spec.gsis.push(ix);
        changes.push(() =>
          store.atomically(async () => {
            const s = await store.tableById(spec.id);
            const g = s?.gsis.find((x) => x.id === ix.id);
            if (!s || !g) return;
            await backfillIndex(store, s, g);
            g.status = 'ACTIVE';
            g.backfilling = false;
            await store.saveTable(s);
          }),
        );
      } else if (u.Delete) {
        const g = spec.gsis.find((x) => x.name === u.Delete!.IndexName)!;
        g.status = 'DELETING';
        changes.push(() =>
          store.atomically(async () => {
            const s = await store.tableById(spec.id);
            if (!s) return;
            await store.dropIndex(g.id);
            s.gsis = s.gsis.filter((x) => x.id !== g.id);
            // Attribute definitions only describe key attributes that are still in use.
            const inUse = new Set([...s.keySchema, ...s.gsis.flatMap((x) => x.keySchema), ...s.lsis.flatMap((x) => x.keySchema)].map((k) => k.AttributeName));
            s.attributeDefinitions = s.attributeDefinitions.filter((d) => inUse.has(d.AttributeName));
            await store.saveTable(s);
          }),
        );
      } else if (u.Update) {
        const g = spec.gsis.find((x) => x.name === u.Update!.IndexName)!;
        if (u.Update.ProvisionedThroughput) g.throughput = { read: u.Update.ProvisionedThroughput.ReadCapacityUnits, write: u.Update.ProvisionedThroughput.WriteCapacityUnits };
        if (u.Update.OnDemandThroughput) g.onDemand = u.Update.OnDemandThroughput;
        if (u.Update.WarmThroughput) g.warm = u.Update.WarmThroughput;
      }
    }
    spec.status = 'UPDATING';
    await store.saveTable(spec);
    return spec;
  });
  const TableDescription = await describeTable(store, spec);
  await afterStatusDelay(store, async () => {
    for (const change of changes) await change();
    await store.atomically(async () => {
      const s = await store.tableById(spec.id);
      if (!s || s.status !== 'UPDATING') return;
      s.status = 'ACTIVE';
      await store.saveTable(s);
    });
  });
  return { TableDescription };
};
