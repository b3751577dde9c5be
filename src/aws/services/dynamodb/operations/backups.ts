// On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
// RestoreTableFromBackup) and RestoreTableToPointInTime.
import { randomBytes } from 'node:crypto';
import type { DynamodbHandlers } from '../generated/types.ts';
import type { BackupRow, DynamoStore } from '../store.ts';
import type { TableSpec } from '../engine/schema.ts';
import { describeTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { finishRestore, restoreTable } from '../engine/restore.ts';
import type { IndexInput } from '../engine/indexes.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { validation } from '../errors.ts';
import { decodeItem, type Item } from '../values/attribute.ts';
import { checks } from './validate.ts';

type H = DynamodbHandlers;

interface BackupMeta {
  name: string;
  table: TableSpec;
  itemCount: number;
  sizeBytes: number;
  status: string;
}

function tableNotFound(name: string): ServiceError {
  return new ServiceError('TableNotFoundException', `Table not found: ${name}`, 400);
}

function backupNotFound(arn: string): ServiceError {
  return new ServiceError('BackupNotFoundException', `Backup not found: ${arn}`, 400);
}

async function backupRow(ctx: Ctx, arn: string): Promise<BackupRow> {
  const store: DynamoStore = ctx.state;
  const row = await store.backup(ctx.account, ctx.region, arn);
  if (!row) throw backupNotFound(arn);
  return row;
}

function details(row: BackupRow, meta: BackupMeta) {
  return {
    BackupArn: row.arn,
    BackupName: meta.name,
    BackupSizeBytes: meta.sizeBytes,
    BackupStatus: meta.status,
    BackupType: 'USER',
    BackupCreationDateTime: new Date(row.created_at),
  };
}

async function description(store: DynamoStore, row: BackupRow, meta: BackupMeta) {
  const t = meta.table;
  const td = await describeTable(store, t);
  return {
    BackupDetails: details(row, meta),
    SourceTableDetails: {
      TableName: t.name,
      TableId: t.tableId,
      TableArn: t.arn,
      TableSizeBytes: meta.sizeBytes,
      KeySchema: t.keySchema,
      TableCreationDateTime: new Date(t.createdAt),
      ProvisionedThroughput: { ReadCapacityUnits: t.throughput.read, WriteCapacityUnits: t.throughput.write },
      ItemCount: meta.itemCount,
      BillingMode: t.billingMode,
    },
    SourceTableFeatureDetails: {
      LocalSecondaryIndexes: t.lsis.length ? t.lsis.map((i) => ({ IndexName: i.name, KeySchema: i.keySchema, Projection: i.projection })) : undefined,
      GlobalSecondaryIndexes: t.gsis.length
        ? t.gsis.map((i) => ({ IndexName: i.name, KeySchema: i.keySchema, Projection: i.projection, ProvisionedThroughput: { ReadCapacityUnits: i.throughput?.read ?? 0, WriteCapacityUnits: i.throughput?.write ?? 0 } }))
        : undefined,
      StreamDescription: t.stream.enabled ? { StreamEnabled: true, StreamViewType: t.stream.viewType } : undefined,
      TimeToLiveDescription: { TimeToLiveStatus: t.ttl.status, AttributeName: t.ttl.attribute },
      SSEDescription: td.SSEDescription,
    },
  };
}

export const createBackup: H['CreateBackup'] = async (input, ctx) => {
  const c = checks();
  c.tableName('tableName', input.TableName);
  c.pattern('backupName', input.BackupName, /^[a-zA-Z0-9_.-]+$/, '[a-zA-Z0-9_.-]+').length('backupName', input.BackupName, 3, 255);
  c.done();
  const store: DynamoStore = ctx.state;
  const name = tableNameOf(input.TableName);
  const now = ctx.clock.now();
  // The table's state, its counts and its items are read in the unit that copies them.
  const { row, meta } = await store.atomically(async () => {
    const spec = await store.table(ctx.account, ctx.region, name);
    if (!spec || spec.status === 'DELETING') throw tableNotFound(name);
    if (spec.status !== 'ACTIVE') throw new ServiceError('TableInUseException', `Table is being ${spec.status === 'CREATING' ? 'created' : 'updated'}: ${name}`, 400);
    const arn = `${spec.arn}/backup/${String(now).padStart(17, '0')}-${randomBytes(4).toString('hex')}`;
    const counts = await store.counts(spec.id);
    const meta: BackupMeta = { name: input.BackupName, table: spec, itemCount: counts.items, sizeBytes: counts.bytes, status: 'AVAILABLE' };
    // The answer is built from `meta`, not from the stored spec.
    const row = { ...(await store.createBackup({ arn, account: ctx.account, region: ctx.region, table_name: spec.name, spec: JSON.stringify(meta), created_at: now }, spec.id)), spec: '' };
    return { row, meta };
  });
  return { BackupDetails: details(row, meta) };
};

export const describeBackup: H['DescribeBackup'] = async (input, ctx) => {
  const row = await backupRow(ctx, input.BackupArn);
  return { BackupDescription: (await description(ctx.state, row, JSON.parse(row.spec))) as never };
};

export const deleteBackup: H['DeleteBackup'] = async (input, ctx) => {
  const store: DynamoStore = ctx.state;
  // Found and deleted in one unit: of concurrent deletes of one backup, one finds it.
  const row = await store.atomically(async () => {
    const row = await backupRow(ctx, input.BackupArn);
    await store.deleteBackup(row.id);
    return row;
  });
  const meta = JSON.parse(row.spec) as BackupMeta;
  meta.status = 'DELETED';
  return { BackupDescription: (await description(store, row, meta)) as never };
};

export const listBackups: H['ListBackups'] = async (input, ctx) => {
  checks().range('limit', input.Limit, 1, 100).done();
  const store: DynamoStore = ctx.state;
  let rows = await store.backups(ctx.account, ctx.region);
  if (input.TableName) rows = rows.filter((r) => r.table_name === tableNameOf(input.TableName!));
  if (input.TimeRangeLowerBound) rows = rows.filter((r) => r.created_at >= input.TimeRangeLowerBound!.getTime());
  if (input.TimeRangeUpperBound) rows = rows.filter((r) => r.created_at <= input.TimeRangeUpperBound!.getTime());
  if (input.BackupType && input.BackupType !== 'USER' && input.BackupType !== 'ALL') rows = [];
  if (input.ExclusiveStartBackupArn) {
    const at = rows.findIndex((r) => r.arn === input.ExclusiveStartBackupArn);
    rows = at < 0 ? rows : rows.slice(at + 1);
  }
  const limit = input.Limit ?? 100;
  const page = rows.slice(0, limit);
  return {
    BackupSummaries: page.map((r) => {
      const meta = JSON.parse(r.spec) as BackupMeta;
      return { TableName: meta.table.name, TableId: meta.table.tableId, TableArn: meta.table.arn, ...details(r, meta) };
    }),
    LastEvaluatedBackupArn: rows.length > limit ? page[page.length - 1].arn : undefined,
  };
};

const tableExists = (name: string) => () => new ServiceError('TableAlreadyExistsException', `Table already exists: ${name}`, 400);

/** Checks the target's name, and that it is free (checked again in the unit that creates it). */
async function checkTarget(ctx: Ctx, name: string): Promise<void> {
  checks().tableName('targetTableName', name, false).done();
  if (await (ctx.state as DynamoStore).table(ctx.account, ctx.region, name)) throw tableExists(name)();
}

export const restoreTableFromBackup: H['RestoreTableFromBackup'] = async (input, ctx) => {
  await checkTarget(ctx, input.TargetTableName);
  const store: DynamoStore = ctx.state;
  const row = await backupRow(ctx, input.BackupArn);
  const meta = JSON.parse(row.spec) as BackupMeta;
  const now = ctx.clock.now();
  const items = async function* (): AsyncGenerator<Item[]> {
    for (let n = 0; ; n += 500) {
      const rows = await store.backupItems(row.id, n, 500);
      yield rows.map((r) => decodeItem(r.item));
      if (rows.length < 500) return;
    }
  };
  const spec = await restoreTable(store, meta.table, items(), {
    account: ctx.account,
    region: ctx.region,
    name: input.TargetTableName,
    now,
    billingMode: input.BillingModeOverride,
    throughput: input.ProvisionedThroughputOverride,
    gsis: input.GlobalSecondaryIndexOverride as IndexInput[] | undefined,
    lsis: input.LocalSecondaryIndexOverride as IndexInput[] | undefined,
    sse: input.SSESpecificationOverride,
    restoreSummary: { SourceBackupArn: row.arn, SourceTableArn: meta.table.arn, RestoreDateTime: now, RestoreInProgress: true },
  }, tableExists(input.TargetTableName));
  await finishRestore(store, spec);
  return { TableDescription: await describeTable(store, spec) };
};

export const restoreTableToPointInTime: H['RestoreTableToPointInTime'] = async (input, ctx) => {
  const store: DynamoStore = ctx.state;
  const sourceName = input.SourceTableName ?? (input.SourceTableArn ? tableNameOf(input.SourceTableArn) : undefined);
  if (!sourceName) throw validation('One or more parameter values were invalid: Either SourceTableName or SourceTableArn must be specified');
  await checkTarget(ctx, input.TargetTableName);
  const source = await store.table(ctx.account, ctx.region, sourceName);
  if (!source || source.status === 'DELETING') throw new ServiceError('TableNotFoundException', `Table not found: ${sourceName}`, 400);
  if (!source.pitr.enabled) throw new ServiceError('PointInTimeRecoveryUnavailableException', `Point in time recovery is not enabled for table '${sourceName}'`, 400);
  const now = ctx.clock.now();
  let at = now;
  if (!input.UseLatestRestorableTime) {
    if (!input.RestoreDateTime) throw validation('One or more parameter values were invalid: Either RestoreDateTime or UseLatestRestorableTime must be specified');
    at = input.RestoreDateTime.getTime();
    const earliest = source.pitr.since ?? now;
    if (at < earliest - 1000 || at > now) {
      throw new ServiceError('InvalidRestoreTimeException', `Restore time ${input.RestoreDateTime.toISOString()} is not within the restorable window [${new Date(earliest).toISOString()}, ${new Date(now).toISOString()}]`, 400);
    }
  }
  // Fogbank keeps no item history: every restorable time restores the table as it is now (read in
  // the unit that writes the copy).
  const items = async function* (): AsyncGenerator<Item[]> {
    for await (const rows of store.allItems(source.id)) yield rows.map((r) => decodeItem(r.item));
  };
  const spec = await restoreTable(store, source, items(), {
    account: ctx.account,
    region: ctx.region,
    name: input.TargetTableName,
    now,
    billingMode: input.BillingModeOverride,
    throughput: input.ProvisionedThroughputOverride,
    gsis: input.GlobalSecondaryIndexOverride as IndexInput[] | undefined,
    lsis: input.LocalSecondaryIndexOverride as IndexInput[] | undefined,
    sse: input.SSESpecificationOverride,
    restoreSummary: { SourceTableArn: source.arn, RestoreDateTime: at, RestoreInProgress: true },
  }, tableExists(input.TargetTableName));
  await finishRestore(store, spec);
  return { TableDescription: await describeTable(store, spec) };
};
