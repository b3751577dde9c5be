// Amazon DynamoDB: tables, items and the expression languages, queries and scans over SQLite indexes,
// secondary indexes, streams, TTL, transactions, PartiQL, backups, exports and imports.
import { readFileSync } from 'node:fs';
import { defineService } from '../../service.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import type { DynamodbHandlers } from './generated/types.ts';
import { dynamoStore, type DynamoStore } from './store.ts';
import { dynamodbErrorType, validation } from './errors.ts';
import { NESTING_MESSAGE } from './values/attribute.ts';
import { startBackground } from './engine/background.ts';
import { createTable, deleteTable, describeTableOp, listTables, updateTable } from './operations/tables.ts';
import { deleteItem, getItem, putItem, updateItem } from './operations/items.ts';
import { query, scan } from './operations/query.ts';
import { batchGetItem, batchWriteItem } from './operations/batch.ts';
import { transactGetItems, transactWriteItems } from './operations/transactions.ts';
import { describeTimeToLive, updateTimeToLive } from './operations/ttl.ts';
import {
  createBackup, deleteBackup, describeBackup, listBackups, restoreTableFromBackup, restoreTableToPointInTime,
} from './operations/backups.ts';
import * as misc from './operations/misc.ts';
import { describeExport, describeImport, exportTableToPointInTime, importTable, listExports, listImports } from './operations/exports.ts';
import { batchExecuteStatement, executeStatement, executeTransaction } from './operations/partiql.ts';
import { adminRoutes } from './admin.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));

export default defineService<DynamodbHandlers, DynamoStore>({
  name: 'dynamodb',
  model,
  state: dynamoStore,
  start: startBackground,
  hooks: {
    crc32: true,
    errorType: dynamodbErrorType,
    // DynamoDB's request size limit (16 MB), which also bounds what a compressed body may inflate to.
    maxRequestBytes: 16 * 1024 * 1024,
    // A document too deep to read can only be attribute values nested far past the 32 levels allowed.
    tooDeeplyNested: () => validation(NESTING_MESSAGE),
  },
  admin: adminRoutes,
  handlers: {
    CreateTable: createTable,
    DescribeTable: describeTableOp,
    UpdateTable: updateTable,
    DeleteTable: deleteTable,
    ListTables: listTables,
    PutItem: putItem,
    GetItem: getItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    Query: query,
    Scan: scan,
    BatchGetItem: batchGetItem,
    BatchWriteItem: batchWriteItem,
    TransactWriteItems: transactWriteItems,
    TransactGetItems: transactGetItems,
    UpdateTimeToLive: updateTimeToLive,
    DescribeTimeToLive: describeTimeToLive,
    CreateBackup: createBackup,
    DescribeBackup: describeBackup,
    DeleteBackup: deleteBackup,
    ListBackups: listBackups,
    RestoreTableFromBackup: restoreTableFromBackup,
    RestoreTableToPointInTime: restoreTableToPointInTime,
    ExecuteStatement: executeStatement,
    BatchExecuteStatement: batchExecuteStatement,
    ExecuteTransaction: executeTransaction,
    ExportTableToPointInTime: exportTableToPointInTime,
    DescribeExport: describeExport,
    ListExports: listExports,
    ImportTable: importTable,
    DescribeImport: describeImport,
    ListImports: listImports,
    TagResource: misc.tagResource,
    UntagResource: misc.untagResource,
    ListTagsOfResource: misc.listTagsOfResource,
    DescribeLimits: misc.describeLimits,
    DescribeEndpoints: misc.describeEndpoints,
    PutResourcePolicy: misc.putResourcePolicy,
    GetResourcePolicy: misc.getResourcePolicy,
    DeleteResourcePolicy: misc.deleteResourcePolicy,
    DescribeContinuousBackups: misc.describeContinuousBackups,
    UpdateContinuousBackups: misc.updateContinuousBackups,
    DescribeContributorInsights: misc.describeContributorInsights,
    UpdateContributorInsights: misc.updateContributorInsights,
    ListContributorInsights: misc.listContributorInsights,
    EnableKinesisStreamingDestination: misc.enableKinesisStreamingDestination,
    DisableKinesisStreamingDestination: misc.disableKinesisStreamingDestination,
    DescribeKinesisStreamingDestination: misc.describeKinesisStreamingDestination,
    UpdateKinesisStreamingDestination: misc.updateKinesisStreamingDestination,
  },
});
