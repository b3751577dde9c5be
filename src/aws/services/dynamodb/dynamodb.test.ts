// DynamoDB through the AWS SDK v3: tables, items and their types, expressions, reads, indexes,
// batches, transactions, TTL, backups, PartiQL and the admin routes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, DeleteTableCommand, ListTablesCommand, UpdateTableCommand,
  PutItemCommand, GetItemCommand, UpdateItemCommand, DeleteItemCommand, QueryCommand, ScanCommand,
  BatchWriteItemCommand, BatchGetItemCommand, TransactWriteItemsCommand, TransactGetItemsCommand,
  UpdateTimeToLiveCommand, DescribeTimeToLiveCommand, CreateBackupCommand, RestoreTableFromBackupCommand, ListBackupsCommand,
  DescribeBackupCommand, DeleteBackupCommand, UpdateContinuousBackupsCommand, DescribeContinuousBackupsCommand, RestoreTableToPointInTimeCommand,
  ExecuteStatementCommand, BatchExecuteStatementCommand, ExecuteTransactionCommand, TagResourceCommand, UntagResourceCommand, ListTagsOfResourceCommand,
  PutResourcePolicyCommand, GetResourcePolicyCommand, DeleteResourcePolicyCommand, DescribeLimitsCommand, DescribeEndpointsCommand,
  ExportTableToPointInTimeCommand, DescribeExportCommand, ImportTableCommand, DescribeImportCommand, ListExportsCommand,
  paginateScan, type AttributeValue, type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { S3Client, CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

type Item = Record<string, AttributeValue>;

async function table(name: string, extra: Partial<CreateTableCommandInput> = {}, range: 'S' | 'N' | 'B' | null = 'S'): Promise<void> {
  await ddb.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(range ? [{ AttributeName: 'sk', AttributeType: range }] : []), ...(extra.AttributeDefinitions ?? [])],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
    BillingMode: 'PAY_PER_REQUEST',
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'AttributeDefinitions')),
  }));
}

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    assert.equal(e.name, name, `${e.name}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected ${name}`);
}

/** A raw JSON 1.0 call, to see the wire (headers, __type). */
function raw(target: string, body: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(fb.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': target,
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(fb.endpoint + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// Wire

test('errors carry DynamoDB namespaced __type and every response an x-amz-crc32 of its body', async () => {
  const missing = await raw('DynamoDB_20120810.GetItem', { TableName: 'nope', Key: { pk: { S: 'a' } } });
  assert.equal(missing.status, 400);
  assert.deepEqual(JSON.parse(missing.text), { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' });
  const { crc32 } = await import('node:zlib');
  assert.equal(missing.headers['x-amz-crc32'], String(crc32(missing.text)));
  const invalid = await raw('DynamoDB_20120810.GetItem', { TableName: 'a;', Key: {} });
  assert.equal(JSON.parse(invalid.text).__type, 'com.amazon.coral.validate#ValidationException');
  const ok = await raw('DynamoDB_20120810.ListTables', {});
  assert.equal(ok.headers['x-amz-crc32'], String(crc32(ok.text)));
  const unknown = await raw('DynamoDB_20120810.Frobnicate', {});
  assert.equal(JSON.parse(unknown.text).__type, 'com.amazon.coral.service#UnknownOperationException');
});

// ---------------------------------------------------------------------------------------------
// Tables

test('CreateTable describes the table, ListTables pages, DeleteTable removes it', async () => {
  const out = await ddb.send(new CreateTableCommand({
    TableName: 'Music',
    AttributeDefinitions: [{ AttributeName: 'Artist', AttributeType: 'S' }, { AttributeName: 'Song', AttributeType: 'S' }, { AttributeName: 'Year', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }, { AttributeName: 'Song', KeyType: 'RANGE' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    LocalSecondaryIndexes: [{ IndexName: 'ByYear', KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }, { AttributeName: 'Year', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    Tags: [{ Key: 'team', Value: 'a' }],
    TableClass: 'STANDARD_INFREQUENT_ACCESS',
  }));
  const d = out.TableDescription!;
  assert.equal(d.TableStatus, 'CREATING');
  assert.equal(d.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/Music');
  assert.match(d.TableId!, /^[0-9a-f-]{36}$/);
  assert.deepEqual(d.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  assert.equal(d.LocalSecondaryIndexes![0].IndexArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/Music/index/ByYear');
  assert.equal(d.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
  const described = await ddb.send(new DescribeTableCommand({ TableName: 'Music' }));
  assert.equal(described.Table!.TableStatus, 'ACTIVE');
  assert.equal(described.Table!.ItemCount, 0);
  assert.equal(described.Table!.DeletionProtectionEnabled, false);
  await rejects(ddb.send(new CreateTableCommand({ TableName: 'Music', AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' })), 'ResourceInUseException', 'Table already exists: Music');

  for (const n of ['t-b', 't-a', 't-c']) await table(n);
  const page1 = await ddb.send(new ListTablesCommand({ Limit: 2 }));
  assert.deepEqual(page1.TableNames, ['Music', 't-a']);
  assert.equal(page1.LastEvaluatedTableName, 't-a');
  const page2 = await ddb.send(new ListTablesCommand({ ExclusiveStartTableName: page1.LastEvaluatedTableName }));
  assert.deepEqual(page2.TableNames, ['t-b', 't-c']);
  assert.equal(page2.LastEvaluatedTableName, undefined);

  const del = await ddb.send(new DeleteTableCommand({ TableName: 't-a' }));
  assert.equal(del.TableDescription!.TableStatus, 'DELETING');
  await rejects(ddb.send(new DescribeTableCommand({ TableName: 't-a' })), 'ResourceNotFoundException', 'Requested resource not found: Table: t-a not found');
  // Other accounts and regions see their own tables.
  const west = fb.client(DynamoDBClient, { region: 'eu-west-1' });
  assert.deepEqual((await west.send(new ListTablesCommand({}))).TableNames, []);
});

test('CreateTable validation answers with DynamoDB messages', async () => {
  const base = { TableName: 'Tbl', BillingMode: 'PAY_PER_REQUEST' as const };
  await rejects(ddb.send(new CreateTableCommand({ ...base, TableName: 'a;', AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }] })), 'ValidationException',
    "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3");
  await rejects(ddb.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }] })), 'ValidationException',
    'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [b], AttributeDefinitions: [a]');
  await rejects(ddb.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'b', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }] })), 'ValidationException',
    'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  await rejects(ddb.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'b', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'RANGE' }, { AttributeName: 'b', KeyType: 'HASH' }] })), 'ValidationException',
    'Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  await rejects(ddb.send(new CreateTableCommand({ TableName: 'Tbl', AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }] })), 'ValidationException',
    'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  await rejects(ddb.send(new CreateTableCommand({ ...base, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }] })), 'ValidationException',
    'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
  await rejects(ddb.send(new CreateTableCommand({
    ...base, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'c', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
    LocalSecondaryIndexes: [{ IndexName: 'lsi', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'c', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
  })), 'ValidationException', 'One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex');
});

test('table status moves CREATING → ACTIVE on the clock when a status delay is set', async () => {
  await admin('POST', '/_fogbank/dynamodb/settings', { tableStatusDelayMs: 5000 });
  fb.clock.freeze();
  await table('Slow');
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Slow' }))).Table!.TableStatus, 'CREATING');
  await rejects(ddb.send(new PutItemCommand({ TableName: 'Slow', Item: { pk: { S: 'a' }, sk: { S: 'b' } } })), 'ResourceNotFoundException', 'Requested resource not found');
  fb.clock.advance(4999);
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Slow' }))).Table!.TableStatus, 'CREATING');
  fb.clock.advance(1);
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Slow' }))).Table!.TableStatus, 'ACTIVE');
  await ddb.send(new PutItemCommand({ TableName: 'Slow', Item: { pk: { S: 'a' }, sk: { S: 'b' } } }));
  const upd = await ddb.send(new UpdateTableCommand({ TableName: 'Slow', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
  assert.equal(upd.TableDescription!.TableStatus, 'UPDATING');
  await rejects(ddb.send(new UpdateTableCommand({ TableName: 'Slow', DeletionProtectionEnabled: true })), 'ResourceInUseException', /Table is being updated/);
  fb.clock.advance(5000);
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Slow' }))).Table!.TableStatus, 'ACTIVE');
  await ddb.send(new DeleteTableCommand({ TableName: 'Slow' }));
  assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Slow' }))).Table!.TableStatus, 'DELETING');
  fb.clock.advance(5000);
  await rejects(ddb.send(new DescribeTableCommand({ TableName: 'Slow' })), 'ResourceNotFoundException');
});

test('UpdateTable creates a GSI with backfill, changes billing and deletion protection', async () => {
  await table('Orders');
  for (let i = 0; i < 30; i++) await ddb.send(new PutItemCommand({ TableName: 'Orders', Item: { pk: { S: `c${i % 3}` }, sk: { S: `o${i}` }, status: { S: i % 2 ? 'open' : 'closed' }, total: { N: String(i) } } }));
  await admin('POST', '/_fogbank/dynamodb/settings', { tableStatusDelayMs: 1000 });
  fb.clock.freeze();
  const u = await ddb.send(new UpdateTableCommand({
    TableName: 'Orders',
    AttributeDefinitions: [{ AttributeName: 'status', AttributeType: 'S' }, { AttributeName: 'total', AttributeType: 'N' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'ByStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['sk'] } } }],
  }));
  const gsi = u.TableDescription!.GlobalSecondaryIndexes![0];
  assert.equal(gsi.IndexStatus, 'CREATING');
  assert.equal(gsi.Backfilling, true);
  fb.clock.advance(1000);
  const d = (await ddb.send(new DescribeTableCommand({ TableName: 'Orders' }))).Table!;
  assert.equal(d.GlobalSecondaryIndexes![0].IndexStatus, 'ACTIVE');
  assert.equal(d.GlobalSecondaryIndexes![0].ItemCount, 30);
  const q = await ddb.send(new QueryCommand({ TableName: 'Orders', IndexName: 'ByStatus', KeyConditionExpression: '#s = :s AND #t >= :t', ExpressionAttributeNames: { '#s': 'status', '#t': 'total' }, ExpressionAttributeValues: { ':s': { S: 'open' }, ':t': { N: '20' } } }));
  assert.deepEqual(q.Items!.map((i) => i.total.N), ['21', '23', '25', '27', '29']);
  assert.deepEqual(Object.keys(q.Items![0]).sort(), ['pk', 'sk', 'status', 'total']);
  await ddb.send(new UpdateTableCommand({ TableName: 'Orders', DeletionProtectionEnabled: true }));
  fb.clock.advance(1000);
  await rejects(ddb.send(new DeleteTableCommand({ TableName: 'Orders' })), 'ValidationException', 'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  await ddb.send(new UpdateTableCommand({ TableName: 'Orders', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'ByStatus' } }] }));
  fb.clock.advance(1000);
  const after = (await ddb.send(new DescribeTableCommand({ TableName: 'Orders' }))).Table!;
  assert.equal(after.GlobalSecondaryIndexes, undefined);
  assert.deepEqual(after.AttributeDefinitions!.map((a) => a.AttributeName).sort(), ['pk', 'sk']);
});

// ---------------------------------------------------------------------------------------------
// Items and values

test('every attribute type round-trips; numbers are normalised, exact to 38 digits', async () => {
  await table('Types');
  const item: Item = {
    pk: { S: 'ü-€' }, sk: { S: 'x' },
    s: { S: '' }, n1: { N: '1.50' }, n2: { N: '-0.000' }, n3: { N: '1E+3' }, n4: { N: '12345678901234567890123456789012345678' },
    n5: { N: '0.00000000000000000000000000000000000000000001' }, n6: { N: '9.9999999999999999999999999999999999999E+125' },
    b: { B: Uint8Array.from([0, 1, 255]) }, bool: { BOOL: false }, nul: { NULL: true },
    ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2.50'] }, bs: { BS: [Uint8Array.from([1]), Uint8Array.from([2])] },
    l: { L: [{ S: 'a' }, { N: '1' }, { L: [] }, { M: {} }] }, m: { M: { deep: { M: { x: { BOOL: true } } } } },
  };
  await ddb.send(new PutItemCommand({ TableName: 'Types', Item: item }));
  const got = (await ddb.send(new GetItemCommand({ TableName: 'Types', Key: { pk: { S: 'ü-€' }, sk: { S: 'x' } } }))).Item!;
  assert.equal(got.n1.N, '1.5');
  assert.equal(got.n2.N, '0');
  assert.equal(got.n3.N, '1000');
  assert.equal(got.n4.N, '12345678901234567890123456789012345678');
  assert.equal(got.n5.N, '0.00000000000000000000000000000000000000000001');
  assert.equal(got.n6.N, '99999999999999999999999999999999999999' + '0'.repeat(88));
  assert.deepEqual([...got.b.B!], [0, 1, 255]);
  assert.deepEqual(got.ns.NS, ['1', '2.5']);
  assert.deepEqual(got.bs.BS!.map((b) => [...b]), [[1], [2]]);
  assert.deepEqual(got.l, item.l);
  assert.deepEqual(got.m, item.m);
  assert.deepEqual(got.s, { S: '' });
  const inc = await ddb.send(new UpdateItemCommand({
    TableName: 'Types', Key: { pk: { S: 'ü-€' }, sk: { S: 'x' } },
    UpdateExpression: 'SET n4 = n4 + :one, f = :a + :b', ExpressionAttributeValues: { ':one': { N: '1' }, ':a': { N: '0.1' }, ':b': { N: '0.2' } }, ReturnValues: 'UPDATED_NEW',
  }));
  assert.equal(inc.Attributes!.n4.N, '12345678901234567890123456789012345679');
  assert.equal(inc.Attributes!.f.N, '0.3');
});

test('invalid values are refused with DynamoDB messages', async () => {
  await table('Vals');
  const put = (extra: Item) => ddb.send(new PutItemCommand({ TableName: 'Vals', Item: { pk: { S: 'a' }, sk: { S: 'b' }, ...extra } }));
  const cases: Array<[Item, string]> = [
    [{ x: { SS: [] } }, 'One or more parameter values were invalid: An string set  may not be empty'],
    [{ x: { NS: [] } }, 'One or more parameter values were invalid: An number set  may not be empty'],
    [{ x: { BS: [] } }, 'One or more parameter values were invalid: Binary sets should not be empty'],
    [{ x: { SS: ['a', 'a'] } }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates.'],
    [{ x: { NS: ['1', '1.0'] } }, 'Input collection contains duplicates'],
    [{ x: { N: 'b' } }, 'The parameter cannot be converted to a numeric value: b'],
    [{ x: { N: '' } }, 'The parameter cannot be converted to a numeric value'],
    [{ x: { N: '123456789012345678901234567890123456789' } }, 'Attempting to store more than 38 significant digits in a Number'],
    [{ x: { N: '1e126' } }, 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
    [{ x: { N: '-1e-131' } }, 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
    [{ x: { S: 'a', N: '1' } as unknown as AttributeValue }, 'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes'],
    [{ x: { NULL: false } }, 'One or more parameter values were invalid: Null attribute value types must have the value of true'],
    [{ sk: { N: '1' } }, 'One or more parameter values were invalid: Type mismatch for key sk expected: S actual: N'],
    [{ sk: { S: '' } }, 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sk'],
    [{ pk: { S: 'x'.repeat(2049) } }, 'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes'],
    [{ sk: { S: 'x'.repeat(1025) } }, 'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes'],
    [{ big: { S: 'x'.repeat(400 * 1024) } }, 'Item size has exceeded the maximum allowed size'],
  ];
  for (const [extra, message] of cases) await rejects(put(extra), 'ValidationException', message);
  await rejects(ddb.send(new PutItemCommand({ TableName: 'Vals', Item: { pk: { S: 'a' } } })), 'ValidationException', 'One or more parameter values were invalid: Missing the key sk in the item');
  await rejects(ddb.send(new GetItemCommand({ TableName: 'Vals', Key: { pk: { S: 'a' } } })), 'ValidationException', 'The provided key element does not match the schema');
  await rejects(ddb.send(new GetItemCommand({ TableName: 'Vals', Key: { pk: { S: 'a' }, sk: { N: '1' } } })), 'ValidationException', 'The provided key element does not match the schema');
  await rejects(ddb.send(new PutItemCommand({ TableName: 'Vals', Item: { pk: { S: 'a' }, sk: { S: 'b' } }, ReturnValues: 'ALL_NEW' })), 'ValidationException', 'ReturnValues can only be ALL_OLD or NONE');
  // An item just under 400 KB is accepted.
  await put({ big: { S: 'x'.repeat(400 * 1024 - 20) } });
});

test('PutItem, UpdateItem and DeleteItem return values and conditions', async () => {
  await table('RetVals');
  const key = { pk: { S: 'k' }, sk: { S: 's' } };
  assert.equal((await ddb.send(new PutItemCommand({ TableName: 'RetVals', Item: { ...key, a: { N: '1' } }, ReturnValues: 'ALL_OLD' }))).Attributes, undefined);
  const old = await ddb.send(new PutItemCommand({ TableName: 'RetVals', Item: { ...key, a: { N: '2' }, b: { S: 'x' } }, ReturnValues: 'ALL_OLD' }));
  assert.deepEqual(old.Attributes, { ...key, a: { N: '1' } });
  const u = (expr: string, rv: string, values?: Item, names?: Record<string, string>) =>
    ddb.send(new UpdateItemCommand({ TableName: 'RetVals', Key: key, UpdateExpression: expr, ReturnValues: rv as 'ALL_NEW', ExpressionAttributeValues: values, ExpressionAttributeNames: names }));
  assert.deepEqual((await u('SET a = a + :one', 'UPDATED_OLD', { ':one': { N: '1' } })).Attributes, { a: { N: '2' } });
  assert.deepEqual((await u('SET m = :m', 'UPDATED_NEW', { ':m': { M: { x: { L: [{ N: '1' }, { N: '2' }, { N: '3' }] } } } })).Attributes, { m: { M: { x: { L: [{ N: '1' }, { N: '2' }, { N: '3' }] } } } });
  assert.deepEqual((await u('SET m.x[1] = :v, m.y = :v', 'UPDATED_NEW', { ':v': { S: 'v' } })).Attributes, { m: { M: { x: { L: [{ S: 'v' }] }, y: { S: 'v' } } } });
  assert.deepEqual((await u('REMOVE m.x[0], m.x[2]', 'ALL_NEW')).Attributes!.m, { M: { x: { L: [{ S: 'v' }] }, y: { S: 'v' } } });
  assert.deepEqual((await u('SET l = list_append(if_not_exists(l, :empty), :more)', 'UPDATED_NEW', { ':empty': { L: [] }, ':more': { L: [{ N: '7' }] } })).Attributes, { l: { L: [{ N: '7' }] } });
  assert.deepEqual((await u('ADD tags :t, cnt :c', 'UPDATED_NEW', { ':t': { SS: ['a', 'b'] }, ':c': { N: '5' } })).Attributes, { tags: { SS: ['a', 'b'] }, cnt: { N: '5' } });
  assert.deepEqual((await u('ADD tags :t DELETE tags :d', 'UPDATED_NEW', { ':t': { SS: ['c'] }, ':d': { SS: ['a'] } }).catch((e) => e.message)), 'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [tags], path two: [tags]');
  assert.deepEqual((await u('DELETE tags :d', 'ALL_NEW', { ':d': { SS: ['a', 'b'] } })).Attributes!.tags, undefined);
  assert.deepEqual((await u('SET a = b, b = a', 'UPDATED_NEW')).Attributes, { a: { S: 'x' }, b: { N: '3' } });
  // Upsert: an update of a missing item creates it from its key.
  const created = await ddb.send(new UpdateItemCommand({ TableName: 'RetVals', Key: { pk: { S: 'new' }, sk: { S: 's' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'ALL_NEW' }));
  assert.deepEqual(created.Attributes, { pk: { S: 'new' }, sk: { S: 's' }, n: { N: '1' } });
  // Runtime errors.
  await rejects(u('SET z = nothere', 'NONE'), 'ValidationException', 'The provided expression refers to an attribute that does not exist in the item');
  await rejects(u('SET z = a + :one', 'NONE', { ':one': { N: '1' } }), 'ValidationException', 'An operand in the update expression has an incorrect data type');
  await rejects(u('SET nope.x = :one', 'NONE', { ':one': { N: '1' } }), 'ValidationException', 'The document path provided in the update expression is invalid for update');
  await rejects(u('SET pk = :one', 'NONE', { ':one': { S: '1' } }), 'ValidationException', 'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key');
  // Conditions.
  const failed = await rejects(ddb.send(new PutItemCommand({ TableName: 'RetVals', Item: key, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })), 'ConditionalCheckFailedException', 'The conditional request failed');
  assert.equal(failed.Item.a.S, 'x');
  await ddb.send(new DeleteItemCommand({ TableName: 'RetVals', Key: key, ConditionExpression: 'a = :x AND size(l) = :one AND contains(l, :seven)', ExpressionAttributeValues: { ':x': { S: 'x' }, ':one': { N: '1' }, ':seven': { N: '7' } } }));
  assert.equal((await ddb.send(new GetItemCommand({ TableName: 'RetVals', Key: key }))).Item, undefined);
});

test('condition functions and operators evaluate as DynamoDB does', async () => {
  await table('Cond');
  const key = { pk: { S: 'k' }, sk: { S: 's' } };
  await ddb.send(new PutItemCommand({ TableName: 'Cond', Item: { ...key, name: { S: 'Widget' }, price: { N: '10.5' }, tags: { SS: ['red', 'big'] }, bin: { B: Buffer.from('abcdef') }, arr: { L: [{ S: 'x' }] }, m: { M: { n: { NULL: true } } } } }));
  const holds = async (expr: string, values: Item = {}, names: Record<string, string> = { '#n': 'name' }) => {
    const used = Object.fromEntries(Object.entries(names).filter(([k]) => expr.includes(k)));
    try {
      await ddb.send(new PutItemCommand({
        TableName: 'Cond', Item: { ...key, name: { S: 'Widget' }, price: { N: '10.5' }, tags: { SS: ['red', 'big'] }, bin: { B: Buffer.from('abcdef') }, arr: { L: [{ S: 'x' }] }, m: { M: { n: { NULL: true } } } },
        ConditionExpression: expr, ExpressionAttributeValues: Object.keys(values).length ? values : undefined, ExpressionAttributeNames: Object.keys(used).length ? used : undefined,
      }));
      return true;
    } catch (e: any) {
      if (e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  };
  assert.equal(await holds('#n = :w', { ':w': { S: 'Widget' } }), true);
  assert.equal(await holds('#n <> :w', { ':w': { S: 'Widget' } }), false);
  assert.equal(await holds('absent <> :w', { ':w': { S: 'Widget' } }), true);
  assert.equal(await holds('price BETWEEN :a AND :b', { ':a': { N: '10.49999999999999999999' }, ':b': { N: '10.5' } }), true);
  assert.equal(await holds('price > :a', { ':a': { S: '1' } }), false);
  assert.equal(await holds('#n IN (:a, :b)', { ':a': { S: 'x' }, ':b': { S: 'Widget' } }), true);
  assert.equal(await holds('begins_with(#n, :p) AND begins_with(bin, :b)', { ':p': { S: 'Wid' }, ':b': { B: Buffer.from('abc') } }), true);
  assert.equal(await holds('contains(tags, :t) AND contains(#n, :s) AND contains(arr, :x)', { ':t': { S: 'red' }, ':s': { S: 'dge' }, ':x': { S: 'x' } }), true);
  assert.equal(await holds('attribute_type(m.n, :t) AND attribute_type(tags, :ss)', { ':t': { S: 'NULL' }, ':ss': { S: 'SS' } }), true);
  assert.equal(await holds('size(tags) = :two AND size(bin) > :five AND size(#n) = :six', { ':two': { N: '2' }, ':five': { N: '5' }, ':six': { N: '6' } }), true);
  assert.equal(await holds('NOT attribute_exists(nope) AND (price < :x OR #n = :x)', { ':x': { N: '11' } }), true);
  assert.equal(await holds('attribute_exists(m.n) AND attribute_not_exists(arr[1])'), true);
  // OR binds looser than AND; NOT tighter than both.
  assert.equal(await holds('price = :x OR price = :y AND #n = :z', { ':x': { N: '10.5' }, ':y': { N: '1' }, ':z': { S: 'no' } }), true);
  assert.equal(await holds('NOT price = :x OR price = :x', { ':x': { N: '10.5' } }), true);
});

// ---------------------------------------------------------------------------------------------
// Reads

test('Query orders numbers numerically at full precision, binaries and strings bytewise', async () => {
  await table('OrdN', {}, 'N');
  const nums = ['-1e125', '-100', '-10.5', '-10.25', '-1', '-0.5', '0', '0.0001', '0.001', '1', '1.0000000000000000000000000000000000001', '2', '10', '99', '100', '12345678901234567890123456789012345678', '1e100'];
  const shuffled = [...nums].sort(() => Math.random() - 0.5);
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { OrdN: shuffled.map((n) => ({ PutRequest: { Item: { pk: { S: 'p' }, sk: { N: n } } } })) } }));
  const q = await ddb.send(new QueryCommand({ TableName: 'OrdN', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }));
  const canon = (n: string) => (n === '-1e125' ? '-1' + '0'.repeat(125) : n === '1e100' ? '1' + '0'.repeat(100) : n);
  assert.deepEqual(q.Items!.map((i) => i.sk.N), nums.map(canon));
  const back = await ddb.send(new QueryCommand({ TableName: 'OrdN', KeyConditionExpression: 'pk = :p AND sk < :z', ExpressionAttributeValues: { ':p': { S: 'p' }, ':z': { N: '0' } }, ScanIndexForward: false }));
  assert.deepEqual(back.Items!.map((i) => i.sk.N), nums.slice(0, 6).reverse().map(canon));

  await table('OrdB', {}, 'B');
  const bins = [[0], [0, 0], [1], [127], [128], [255], [255, 0]];
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { OrdB: [...bins].reverse().map((b) => ({ PutRequest: { Item: { pk: { S: 'p' }, sk: { B: Uint8Array.from(b) } } } })) } }));
  const qb = await ddb.send(new QueryCommand({ TableName: 'OrdB', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }));
  assert.deepEqual(qb.Items!.map((i) => [...i.sk.B!]), bins);

  await table('OrdS');
  const strs = ['A', 'Z', 'a', 'aa', 'ab', 'b', 'é', '€', '𝄞', '\uFFFD'];
  const byUtf8 = [...strs].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { OrdS: strs.map((s) => ({ PutRequest: { Item: { pk: { S: 'p' }, sk: { S: s } } } })) } }));
  const qs = await ddb.send(new QueryCommand({ TableName: 'OrdS', KeyConditionExpression: 'pk = :p AND begins_with(sk, :a)', ExpressionAttributeValues: { ':p': { S: 'p' }, ':a': { S: 'a' } } }));
  assert.deepEqual(qs.Items!.map((i) => i.sk.S), ['a', 'aa', 'ab']);
  const all = await ddb.send(new QueryCommand({ TableName: 'OrdS', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }));
  assert.deepEqual(all.Items!.map((i) => i.sk.S), byUtf8);
  assert.notDeepEqual(byUtf8, [...strs].sort()); // UTF-16 order would differ (𝄞 vs \uFFFD)
});

test('Query and Scan page with Limit and LastEvaluatedKey, stop at 1 MB, filter, count and project', async () => {
  await table('Pages', {}, 'N');
  const big = 'x'.repeat(100 * 1024);
  const writes = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: 'p' }, sk: { N: String(i) }, body: { S: big }, odd: { BOOL: i % 2 === 1 }, m: { M: { a: { N: String(i) }, b: { S: 'b' } } } } } }));
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { Pages: writes } }));
  const q = { TableName: 'Pages', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } as Item };
  const first = await ddb.send(new QueryCommand({ ...q }));
  // About 100 KB each: the page stops once 1 MB has been read.
  assert.equal(first.Count, 11);
  assert.deepEqual(first.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '10' } });
  const limited = await ddb.send(new QueryCommand({ ...q, Limit: 4, ProjectionExpression: 'sk, m.a' }));
  assert.deepEqual(limited.Items, [0, 1, 2, 3].map((i) => ({ sk: { N: String(i) }, m: { M: { a: { N: String(i) } } } })));
  assert.deepEqual(limited.LastEvaluatedKey, { pk: { S: 'p' }, sk: { N: '3' } });
  const seen: string[] = [];
  let start: Item | undefined;
  do {
    const page = await ddb.send(new QueryCommand({ ...q, Limit: 7, ExclusiveStartKey: start, ProjectionExpression: 'sk' }));
    seen.push(...page.Items!.map((i) => i.sk.N!));
    start = page.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => String(i)));
  const filtered = await ddb.send(new QueryCommand({ ...q, Limit: 10, FilterExpression: 'odd = :t', ExpressionAttributeValues: { ':p': { S: 'p' }, ':t': { BOOL: true } }, ProjectionExpression: 'sk' }));
  assert.equal(filtered.Count, 5);
  assert.equal(filtered.ScannedCount, 10);
  const counted = await ddb.send(new QueryCommand({ ...q, Select: 'COUNT', FilterExpression: 'm.a >= :n', ExpressionAttributeValues: { ':p': { S: 'p' }, ':n': { N: '5' } } }));
  assert.equal(counted.Items, undefined);
  assert.equal(counted.Count, 6);
  await rejects(ddb.send(new QueryCommand({ ...q, FilterExpression: 'sk > :n', ExpressionAttributeValues: { ':p': { S: 'p' }, ':n': { N: '1' } } })), 'ValidationException', 'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk');
  await rejects(ddb.send(new QueryCommand({ ...q, ExclusiveStartKey: { pk: { S: 'other' }, sk: { N: '1' } } })), 'ValidationException', 'The provided starting key is outside query boundaries based on provided conditions');
  // Scan pages through everything once, whatever the page size.
  let scanned = 0;
  for await (const page of paginateScan({ client: ddb, pageSize: 6 }, { TableName: 'Pages', ProjectionExpression: 'sk' })) scanned += page.Count!;
  assert.equal(scanned, 25);
});

test('parallel Scan segments partition the table', async () => {
  await table('Par', {}, null);
  const items = Array.from({ length: 200 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${i}` } } } }));
  for (let i = 0; i < items.length; i += 25) await ddb.send(new BatchWriteItemCommand({ RequestItems: { Par: items.slice(i, i + 25) } }));
  const seen = new Set<string>();
  let total = 0;
  for (let segment = 0; segment < 4; segment++) {
    let start: Item | undefined;
    let segmentCount = 0;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: 'Par', Segment: segment, TotalSegments: 4, Limit: 9, ExclusiveStartKey: start }));
      for (const i of page.Items!) seen.add(i.pk.S!);
      segmentCount += page.Count!;
      start = page.LastEvaluatedKey;
      if (start && segment > 0) {
        await rejects(ddb.send(new ScanCommand({ TableName: 'Par', Segment: segment - 1, TotalSegments: 4, ExclusiveStartKey: start })), 'ValidationException',
          `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: ${segment - 1}`);
      }
    } while (start);
    assert.ok(segmentCount > 20 && segmentCount < 80, `segment ${segment} has ${segmentCount} items`);
    total += segmentCount;
  }
  assert.equal(total, 200);
  assert.equal(seen.size, 200);
  await rejects(ddb.send(new ScanCommand({ TableName: 'Par', Segment: 4, TotalSegments: 4 })), 'ValidationException', 'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4');
});

test('secondary indexes: sparse GSIs, LSIs with table fetches, projections and consistency rules', async () => {
  await table('Idx', {
    AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }, { AttributeName: 'rank', AttributeType: 'N' }],
    GlobalSecondaryIndexes: [{ IndexName: 'ByEmail', KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    LocalSecondaryIndexes: [{ IndexName: 'ByRank', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'rank', KeyType: 'RANGE' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['label'] } }],
  });
  const put = (sk: string, extra: Item) => ddb.send(new PutItemCommand({ TableName: 'Idx', Item: { pk: { S: 'u' }, sk: { S: sk }, ...extra } }));
  await put('a', { email: { S: 'a@x' }, rank: { N: '3' }, label: { S: 'A' }, secret: { S: 's' } });
  await put('b', { rank: { N: '1' }, label: { S: 'B' } });
  await put('c', { email: { S: 'a@x' }, rank: { N: '2' } });
  const byEmail = await ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': { S: 'a@x' } } }));
  assert.deepEqual(byEmail.Items!.map((i) => Object.keys(i).sort()), [['email', 'pk', 'sk'], ['email', 'pk', 'sk']]);
  const scanGsi = await ddb.send(new ScanCommand({ TableName: 'Idx', IndexName: 'ByEmail' }));
  assert.equal(scanGsi.Count, 2, 'the item without email is not in the sparse index');
  const byRank = await ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByRank', KeyConditionExpression: 'pk = :u', ExpressionAttributeValues: { ':u': { S: 'u' } }, ConsistentRead: true }));
  assert.deepEqual(byRank.Items!.map((i) => i.sk.S), ['b', 'c', 'a']);
  assert.equal(byRank.Items![2].secret, undefined);
  const fetched = await ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByRank', KeyConditionExpression: 'pk = :u AND #r > :one', ExpressionAttributeNames: { '#r': 'rank' }, ExpressionAttributeValues: { ':u': { S: 'u' }, ':one': { N: '1' } }, Select: 'ALL_ATTRIBUTES' }));
  assert.equal(fetched.Items![1].secret.S, 's', 'an LSI query for all attributes reads the table');
  const page = await ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByRank', KeyConditionExpression: 'pk = :u', ExpressionAttributeValues: { ':u': { S: 'u' } }, Limit: 1 }));
  assert.deepEqual(page.LastEvaluatedKey, { pk: { S: 'u' }, sk: { S: 'b' }, rank: { N: '1' } });
  await rejects(ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': { S: 'a@x' } }, ConsistentRead: true })), 'ValidationException', 'Consistent reads are not supported on global secondary indexes');
  await rejects(ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'ByEmail', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': { S: 'a@x' } }, Select: 'ALL_ATTRIBUTES' })), 'ValidationException',
    'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ByEmail because its projection type is not ALL');
  await rejects(ddb.send(new QueryCommand({ TableName: 'Idx', IndexName: 'Nope', KeyConditionExpression: 'email = :e', ExpressionAttributeValues: { ':e': { S: 'a@x' } } })), 'ValidationException', 'The table does not have the specified index: Nope');
  await rejects(put('d', { email: { N: '1' } }), 'ValidationException', 'One or more parameter values were invalid: Type mismatch for Index Key email Expected: S Actual: N IndexName: ByEmail');
  // Changing and removing index keys moves and removes entries.
  await ddb.send(new UpdateItemCommand({ TableName: 'Idx', Key: { pk: { S: 'u' }, sk: { S: 'a' } }, UpdateExpression: 'SET email = :e', ExpressionAttributeValues: { ':e': { S: 'b@x' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: 'Idx', Key: { pk: { S: 'u' }, sk: { S: 'c' } } }));
  const left = await ddb.send(new ScanCommand({ TableName: 'Idx', IndexName: 'ByEmail' }));
  assert.deepEqual(left.Items!.map((i) => i.email.S), ['b@x']);
  const d = (await ddb.send(new DescribeTableCommand({ TableName: 'Idx' }))).Table!;
  assert.equal(d.GlobalSecondaryIndexes![0].ItemCount, 1);
  assert.equal(d.LocalSecondaryIndexes![0].ItemCount, 2);
  assert.equal(d.ItemCount, 2);
});

test('legacy parameters: Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter, AttributesToGet', async () => {
  await table('Legacy', {}, 'N');
  await ddb.send(new PutItemCommand({ TableName: 'Legacy', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'x' } }, Expected: { pk: { Exists: false } } }));
  await rejects(ddb.send(new PutItemCommand({ TableName: 'Legacy', Item: { pk: { S: 'a' }, sk: { N: '1' } }, Expected: { v: { Value: { S: 'y' } } } })), 'ConditionalCheckFailedException');
  await ddb.send(new UpdateItemCommand({ TableName: 'Legacy', Key: { pk: { S: 'a' }, sk: { N: '1' } }, AttributeUpdates: { n: { Action: 'ADD', Value: { N: '2' } }, l: { Action: 'ADD', Value: { L: [{ S: 'q' }] } }, v: { Action: 'DELETE' } }, Expected: { v: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ S: 'x' }] } } }));
  for (let i = 2; i <= 5; i++) await ddb.send(new PutItemCommand({ TableName: 'Legacy', Item: { pk: { S: 'a' }, sk: { N: String(i) }, n: { N: String(i * 10) } } }));
  const q = await ddb.send(new QueryCommand({ TableName: 'Legacy', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] }, sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '4' }] } }, QueryFilter: { n: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '2' }] } }, AttributesToGet: ['sk', 'n'] }));
  assert.deepEqual(q.Items, [{ sk: { N: '2' }, n: { N: '20' } }, { sk: { N: '3' }, n: { N: '30' } }, { sk: { N: '4' }, n: { N: '40' } }]);
  const first = (await ddb.send(new GetItemCommand({ TableName: 'Legacy', Key: { pk: { S: 'a' }, sk: { N: '1' } } }))).Item!;
  assert.deepEqual(first, { pk: { S: 'a' }, sk: { N: '1' }, n: { N: '2' }, l: { L: [{ S: 'q' }] } });
  const s = await ddb.send(new ScanCommand({ TableName: 'Legacy', ScanFilter: { n: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '20' }, { N: '50' }] } }, ConditionalOperator: 'OR' }));
  assert.deepEqual(s.Items!.map((i) => i.sk.N).sort(), ['2', '5']);
  await rejects(ddb.send(new QueryCommand({ TableName: 'Legacy', KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] } }, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': { S: 'a' } } })), 'ValidationException',
    'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}');
  await rejects(ddb.send(new QueryCommand({ TableName: 'Legacy', KeyConditions: { sk: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] } } })), 'ValidationException', 'Query condition missed key schema element pk');
});

// ---------------------------------------------------------------------------------------------
// Batches and transactions

test('BatchWriteItem and BatchGetItem: limits, duplicates, projections', async () => {
  await table('Bat');
  const puts = (n: number, start = 0) => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${start + i}` }, sk: { S: 's' }, v: { N: String(i) } } } }));
  await rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: { Bat: puts(26) } })), 'ValidationException', /Member must have length less than or equal to 25/);
  await rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: { Bat: [...puts(1), ...puts(1)] } })), 'ValidationException', 'Provided list of item keys contains duplicates');
  await rejects(ddb.send(new BatchWriteItemCommand({ RequestItems: { Nope: puts(1) } })), 'ResourceNotFoundException');
  const w = await ddb.send(new BatchWriteItemCommand({ RequestItems: { Bat: [...puts(20), { DeleteRequest: { Key: { pk: { S: 'k0' }, sk: { S: 's' } } } }].slice(1) }, ReturnConsumedCapacity: 'TOTAL' }));
  assert.deepEqual(w.UnprocessedItems, {});
  assert.deepEqual(w.ConsumedCapacity, [{ TableName: 'Bat', CapacityUnits: 20 }]);
  const keys = Array.from({ length: 5 }, (_, i) => ({ pk: { S: `k${i}` }, sk: { S: 's' } }));
  const g = await ddb.send(new BatchGetItemCommand({ RequestItems: { Bat: { Keys: keys, ProjectionExpression: 'pk, v' } } }));
  assert.deepEqual(g.Responses!.Bat.map((i) => i.pk.S).sort(), ['k1', 'k2', 'k3', 'k4']);
  assert.deepEqual(Object.keys(g.Responses!.Bat[0]).sort(), ['pk', 'v']);
  assert.deepEqual(g.UnprocessedKeys, {});
  await rejects(ddb.send(new BatchGetItemCommand({ RequestItems: { Bat: { Keys: [keys[0], keys[0]] } } })), 'ValidationException', 'Provided list of item keys contains duplicates');
  const tooMany = Array.from({ length: 101 }, (_, i) => ({ pk: { S: `x${i}` }, sk: { S: 's' } }));
  await rejects(ddb.send(new BatchGetItemCommand({ RequestItems: { Bat: { Keys: tooMany } } })), 'ValidationException', /Member must have length less than or equal to 100/);
});

test('TransactWriteItems is all or nothing, reports reasons in order, and is idempotent by token for 10 minutes', async () => {
  await table('Acct');
  const key = (id: string) => ({ pk: { S: id }, sk: { S: 'bal' } });
  await ddb.send(new PutItemCommand({ TableName: 'Acct', Item: { ...key('a'), bal: { N: '100' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'Acct', Item: { ...key('b'), bal: { N: '0' } } }));
  const transfer = (amount: string, token?: string) => ddb.send(new TransactWriteItemsCommand({
    ClientRequestToken: token,
    TransactItems: [
      { Update: { TableName: 'Acct', Key: key('a'), UpdateExpression: 'SET bal = bal - :x', ConditionExpression: 'bal >= :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
      { Update: { TableName: 'Acct', Key: key('b'), UpdateExpression: 'SET bal = bal + :x', ExpressionAttributeValues: { ':x': { N: amount } } } },
      { Update: { TableName: 'Acct', Key: { pk: { S: 'log' }, sk: { S: 'x' } }, UpdateExpression: 'ADD transfers :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
    ],
  }));
  const bal = async (id: string) => (await ddb.send(new GetItemCommand({ TableName: 'Acct', Key: key(id) }))).Item!.bal.N;
  fb.clock.freeze();
  await transfer('30', 'tok-1');
  await transfer('30', 'tok-1');
  assert.equal(await bal('a'), '70', 'the same token does not apply twice');
  await rejects(transfer('31', 'tok-1'), 'IdempotentParameterMismatchException');
  fb.clock.advance(10 * 60_000);
  await transfer('30', 'tok-1');
  assert.equal(await bal('a'), '40', 'after 10 minutes the token is forgotten');
  const e = await rejects(transfer('500'), 'TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]');
  assert.deepEqual(e.CancellationReasons, [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }, { Code: 'None' }]);
  assert.equal(await bal('b'), '60', 'nothing of a cancelled transaction is written');
  await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName: 'Acct', Key: key('a'), ConditionExpression: 'attribute_exists(pk)' } }, { Delete: { TableName: 'Acct', Key: key('a') } }] })), 'ValidationException', 'Transaction request cannot include multiple operations on one item');
  const failedCheck = await rejects(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: 'Acct', Key: key('b') } }, { ConditionCheck: { TableName: 'Acct', Key: key('a'), ConditionExpression: 'bal = :z', ExpressionAttributeValues: { ':z': { N: '0' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }] })), 'TransactionCanceledException');
  assert.equal(failedCheck.CancellationReasons[1].Item.bal.N, '40');
  const g = await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'Acct', Key: key('a'), ProjectionExpression: 'bal' } }, { Get: { TableName: 'Acct', Key: key('zz') } }] }));
  assert.deepEqual(g.Responses, [{ Item: { bal: { N: '40' } } }, {}]);
});

// ---------------------------------------------------------------------------------------------
// TTL

test('TTL deletes expired items on the clock; "expire TTL now" runs the sweep', async () => {
  await table('Sess', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'OLD_IMAGE' } });
  fb.clock.freeze(Date.UTC(2030, 0, 1));
  const now = Math.floor(fb.clock.now() / 1000);
  await ddb.send(new PutItemCommand({ TableName: 'Sess', Item: { pk: { S: 'early' }, sk: { S: 's' }, exp: { N: String(now + 60) } } }));
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: 'Sess', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  assert.deepEqual((await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'Sess' }))).TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  await rejects(ddb.send(new UpdateTimeToLiveCommand({ TableName: 'Sess', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } })), 'ValidationException', 'TimeToLive is already enabled');
  await ddb.send(new PutItemCommand({ TableName: 'Sess', Item: { pk: { S: 'late' }, sk: { S: 's' }, exp: { N: String(now + 3600) } } }));
  await ddb.send(new PutItemCommand({ TableName: 'Sess', Item: { pk: { S: 'string-ttl' }, sk: { S: 's' }, exp: { S: String(now) } } }));
  await ddb.send(new PutItemCommand({ TableName: 'Sess', Item: { pk: { S: 'ancient' }, sk: { S: 's' }, exp: { N: String(now - 6 * 365 * 86400) } } }));
  const count = async () => (await ddb.send(new ScanCommand({ TableName: 'Sess', Select: 'COUNT' }))).Count;
  assert.equal(await count(), 4);
  fb.clock.advance(59_000);
  assert.equal(await count(), 4);
  fb.clock.advance(1_000);
  assert.equal(await count(), 3, 'the item expired at its TTL');
  await ddb.send(new PutItemCommand({ TableName: 'Sess', Item: { pk: { S: 'mid' }, sk: { S: 's' }, exp: { N: String(now + 120) } } }));
  fb.clock.advance(60_000);
  assert.equal(await count(), 3, 'a write with an earlier TTL moves the timer');
  // The admin route sweeps at a given time.
  const r = await admin('POST', '/_fogbank/dynamodb/ttl/expire', { now: (now + 7200) * 1000 });
  assert.equal(r.deleted, 1);
  const left = await ddb.send(new ScanCommand({ TableName: 'Sess' }));
  assert.deepEqual(left.Items!.map((i) => i.pk.S).sort(), ['ancient', 'string-ttl'], 'non-number TTLs and ones over five years old stay');
});

// ---------------------------------------------------------------------------------------------
// Backups, restores, exports, imports

test('on-demand backups restore into new tables; PITR restores need PITR on', async () => {
  await table('Src', { AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }], GlobalSecondaryIndexes: [{ IndexName: 'ByG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }] });
  for (let i = 0; i < 10; i++) await ddb.send(new PutItemCommand({ TableName: 'Src', Item: { pk: { S: `k${i}` }, sk: { S: 's' }, g: { S: i < 5 ? 'lo' : 'hi' } } }));
  const b = (await ddb.send(new CreateBackupCommand({ TableName: 'Src', BackupName: 'nightly' }))).BackupDetails!;
  assert.equal(b.BackupStatus, 'AVAILABLE');
  assert.match(b.BackupArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Src\/backup\/\d{17}-[0-9a-f]{8}$/);
  await ddb.send(new DeleteItemCommand({ TableName: 'Src', Key: { pk: { S: 'k0' }, sk: { S: 's' } } }));
  const r = await ddb.send(new RestoreTableFromBackupCommand({ TargetTableName: 'Restored', BackupArn: b.BackupArn }));
  assert.equal(r.TableDescription!.RestoreSummary!.SourceBackupArn, b.BackupArn);
  const q = await ddb.send(new QueryCommand({ TableName: 'Restored', IndexName: 'ByG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'lo' } } }));
  assert.equal(q.Count, 5, 'the backup has the item deleted after it was taken, and the restored GSI is filled');
  assert.equal((await ddb.send(new DescribeBackupCommand({ BackupArn: b.BackupArn }))).BackupDescription!.SourceTableDetails!.ItemCount, 10);
  assert.equal((await ddb.send(new ListBackupsCommand({ TableName: 'Src' }))).BackupSummaries!.length, 1);
  await rejects(ddb.send(new RestoreTableFromBackupCommand({ TargetTableName: 'Restored', BackupArn: b.BackupArn })), 'TableAlreadyExistsException', 'Table already exists: Restored');
  await ddb.send(new DeleteBackupCommand({ BackupArn: b.BackupArn }));
  await rejects(ddb.send(new DescribeBackupCommand({ BackupArn: b.BackupArn })), 'BackupNotFoundException');
  await rejects(ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'Src', TargetTableName: 'Pitr', UseLatestRestorableTime: true })), 'PointInTimeRecoveryUnavailableException', "Point in time recovery is not enabled for table 'Src'");
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'Src', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const cb = (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'Src' }))).ContinuousBackupsDescription!;
  assert.equal(cb.PointInTimeRecoveryDescription!.PointInTimeRecoveryStatus, 'ENABLED');
  await ddb.send(new RestoreTableToPointInTimeCommand({ SourceTableName: 'Src', TargetTableName: 'Pitr', UseLatestRestorableTime: true }));
  assert.equal((await ddb.send(new ScanCommand({ TableName: 'Pitr', Select: 'COUNT' }))).Count, 9);
});

test('ExportTableToPointInTime writes DynamoDB JSON to S3; ImportTable reads it (and CSV) back', async () => {
  const s3 = fb.client(S3Client);
  await s3.send(new CreateBucketCommand({ Bucket: 'ddb-exports' }));
  await table('Exp');
  const t = (await ddb.send(new DescribeTableCommand({ TableName: 'Exp' }))).Table!;
  for (let i = 0; i < 12; i++) await ddb.send(new PutItemCommand({ TableName: 'Exp', Item: { pk: { S: `k${i}` }, sk: { S: 's' }, n: { N: String(i) }, b: { B: Uint8Array.from([i]) } } }));
  await rejects(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: t.TableArn, S3Bucket: 'ddb-exports' })), 'PointInTimeRecoveryUnavailableException');
  await ddb.send(new UpdateContinuousBackupsCommand({ TableName: 'Exp', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  const e = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: t.TableArn, S3Bucket: 'ddb-exports', S3Prefix: 'backups' }))).ExportDescription!;
  assert.equal(e.ExportStatus, 'IN_PROGRESS');
  let d;
  for (let i = 0; i < 100; i++) {
    d = (await ddb.send(new DescribeExportCommand({ ExportArn: e.ExportArn }))).ExportDescription!;
    if (d.ExportStatus !== 'IN_PROGRESS') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(d!.ExportStatus, 'COMPLETED');
  assert.equal(d!.ItemCount, 12);
  const exportId = e.ExportArn!.split('/').pop()!;
  const keys = (await s3.send(new ListObjectsV2Command({ Bucket: 'ddb-exports', Prefix: `backups/AWSDynamoDB/${exportId}/` }))).Contents!.map((c) => c.Key!);
  assert.ok(keys.includes(`backups/AWSDynamoDB/${exportId}/manifest-summary.json`));
  assert.ok(keys.some((k) => /\/data\/[a-z0-9]+\.json\.gz$/.test(k)));
  assert.equal((await ddb.send(new ListExportsCommand({ TableArn: t.TableArn }))).ExportSummaries!.length, 1);

  const imp = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'ddb-exports', S3KeyPrefix: `backups/AWSDynamoDB/${exportId}/data/` },
    InputFormat: 'DYNAMODB_JSON', InputCompressionType: 'GZIP',
    TableCreationParameters: { TableName: 'Imp', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], BillingMode: 'PAY_PER_REQUEST' },
  }))).ImportTableDescription!;
  let di;
  for (let i = 0; i < 100; i++) {
    di = (await ddb.send(new DescribeImportCommand({ ImportArn: imp.ImportArn }))).ImportTableDescription!;
    if (di.ImportStatus !== 'IN_PROGRESS') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(di!.ImportStatus, 'COMPLETED');
  assert.equal(di!.ImportedItemCount, 12);
  const got = (await ddb.send(new GetItemCommand({ TableName: 'Imp', Key: { pk: { S: 'k7' }, sk: { S: 's' } } }))).Item!;
  assert.deepEqual([...got.b.B!], [7]);
  await s3.send(new PutObjectCommand({ Bucket: 'ddb-exports', Key: 'csv/users.csv', Body: 'id,name,age\nu1,Ann,30\nu2,"Bob, Jr",41\n' }));
  const csv = (await ddb.send(new ImportTableCommand({
    S3BucketSource: { S3Bucket: 'ddb-exports', S3KeyPrefix: 'csv/' }, InputFormat: 'CSV',
    TableCreationParameters: { TableName: 'Users', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
  }))).ImportTableDescription!;
  for (let i = 0; i < 100; i++) {
    if ((await ddb.send(new DescribeImportCommand({ ImportArn: csv.ImportArn }))).ImportTableDescription!.ImportStatus !== 'IN_PROGRESS') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: 'Users', Key: { id: { S: 'u2' } } }))).Item, { id: { S: 'u2' }, name: { S: 'Bob, Jr' }, age: { S: '41' } });
});

// ---------------------------------------------------------------------------------------------
// PartiQL

test('PartiQL: INSERT, SELECT with parameters and pagination, UPDATE and DELETE with RETURNING', async () => {
  await table('Pqt', {}, 'N');
  const run = (Statement: string, Parameters?: AttributeValue[], extra: Record<string, unknown> = {}) => ddb.send(new ExecuteStatementCommand({ Statement, Parameters, ...extra }));
  await run(`INSERT INTO Pqt VALUE {'pk': 'a', 'sk': 1, 'n': 10, 'tags': <<'x', 'y'>>, 'm': {'list': [1, 'two', TRUE, NULL]}}`);
  for (let i = 2; i <= 5; i++) await run(`INSERT INTO "Pqt" VALUE {'pk': ?, 'sk': ?, 'n': ?}`, [{ S: 'a' }, { N: String(i) }, { N: String(i * 10) }]);
  await rejects(run(`INSERT INTO Pqt VALUE {'pk': 'a', 'sk': 1}`), 'DuplicateItemException', 'Duplicate primary key exists in table');
  const one = await run(`SELECT pk, m.list[1] FROM Pqt WHERE pk = ? AND sk = 1`, [{ S: 'a' }]);
  assert.deepEqual(one.Items, [{ pk: { S: 'a' }, m: { M: { list: { L: [{ S: 'two' }] } } } }]);
  const desc = await run(`SELECT sk FROM Pqt WHERE pk = 'a' AND n >= 30 ORDER BY sk DESC`);
  assert.deepEqual(desc.Items!.map((i) => i.sk.N), ['5', '4', '3']);
  const pages: string[] = [];
  let token: string | undefined;
  do {
    const p = await run(`SELECT * FROM Pqt`, undefined, { Limit: 2, NextToken: token });
    pages.push(...p.Items!.map((i) => i.sk.N!));
    token = p.NextToken;
  } while (token);
  assert.deepEqual(pages, ['1', '2', '3', '4', '5']);
  const upd = await run(`UPDATE Pqt SET n = n + 1 SET tags = set_add(tags, <<'z'>>) REMOVE m WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *`);
  assert.deepEqual(upd.Items![0].tags.SS!.sort(), ['x', 'y', 'z']);
  assert.equal(upd.Items![0].m, undefined);
  assert.equal(upd.Items![0].n.N, '11');
  await rejects(run(`UPDATE Pqt SET n = 1 WHERE pk = 'a' AND sk = 99`), 'ConditionalCheckFailedException');
  await rejects(run(`UPDATE Pqt SET n = 1 WHERE pk = 'a'`), 'ValidationException', 'Where clause does not contain a mandatory equality on all key attributes');
  const del = await run(`DELETE FROM Pqt WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *`);
  assert.deepEqual(del.Items, [{ pk: { S: 'a' }, sk: { N: '2' }, n: { N: '20' } }]);
  await rejects(run(`SELEC * FROM Pqt`), 'ValidationException', /^Statement wasn't well formed, can't be processed: /);
  await rejects(run(`SELECT * FROM Pqt WHERE pk = ?`), 'ValidationException', "Number of parameters in request and statement don't match.");
  await rejects(run(`SELECT * FROM Nope`), 'ResourceNotFoundException');

  const b = await ddb.send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: `SELECT sk FROM Pqt WHERE pk = 'a' AND sk = 3` },
    { Statement: `INSERT INTO Pqt VALUE {'pk': 'a', 'sk': 3}` },
    { Statement: `INSERT INTO Pqt VALUE {'pk': 'b', 'sk': 1}` },
  ] }));
  assert.deepEqual(b.Responses, [
    { TableName: 'Pqt', Item: { sk: { N: '3' } } },
    { TableName: 'Pqt', Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } },
    { TableName: 'Pqt' },
  ]);
  const t = await rejects(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `INSERT INTO Pqt VALUE {'pk': 'c', 'sk': 1}` },
    { Statement: `EXISTS(SELECT * FROM Pqt WHERE pk = 'a' AND sk = 3 AND n = 0)` },
  ] })), 'TransactionCanceledException');
  assert.deepEqual(t.CancellationReasons.map((r: { Code: string }) => r.Code), ['None', 'ConditionalCheckFailed']);
  const reads = await ddb.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT n FROM Pqt WHERE pk = 'a' AND sk = 3` }, { Statement: `SELECT * FROM Pqt WHERE pk = 'c' AND sk = 1` }] }));
  assert.deepEqual(reads.Responses, [{ Item: { n: { N: '30' } } }, {}]);
});

// ---------------------------------------------------------------------------------------------
// Tags, policies, limits, capacity, admin

test('tags, resource policies, limits and endpoints', async () => {
  await table('Tagged');
  const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/Tagged';
  await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
  assert.deepEqual((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: 'b', Value: '2' }]);
  await rejects(ddb.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/Nope', Tags: [{ Key: 'a', Value: '1' }] })), 'ResourceNotFoundException');
  await rejects(ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })), 'PolicyNotFoundException');
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'dynamodb:GetItem', Resource: arn }] });
  const put = await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy }));
  assert.deepEqual(await ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })).then((r) => [r.Policy, r.RevisionId]), [policy, put.RevisionId]);
  await ddb.send(new DeleteResourcePolicyCommand({ ResourceArn: arn }));
  const limits = await ddb.send(new DescribeLimitsCommand({}));
  assert.equal(limits.TableMaxReadCapacityUnits, 40000);
  const ep = await ddb.send(new DescribeEndpointsCommand({}));
  assert.equal(ep.Endpoints![0].Address, new URL(fb.endpoint).host);
});

test('ReturnConsumedCapacity computes units as DynamoDB does', async () => {
  await table('Cap', { AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }], GlobalSecondaryIndexes: [{ IndexName: 'ByG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }] });
  const put = await ddb.send(new PutItemCommand({ TableName: 'Cap', Item: { pk: { S: 'a' }, sk: { S: 's' }, g: { S: 'x' }, body: { S: 'x'.repeat(1500) } }, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(put.ConsumedCapacity, { TableName: 'Cap', CapacityUnits: 4, Table: { CapacityUnits: 2 }, GlobalSecondaryIndexes: { ByG: { CapacityUnits: 2 } } });
  const get = await ddb.send(new GetItemCommand({ TableName: 'Cap', Key: { pk: { S: 'a' }, sk: { S: 's' } }, ReturnConsumedCapacity: 'TOTAL' }));
  assert.deepEqual(get.ConsumedCapacity, { TableName: 'Cap', CapacityUnits: 0.5 });
  const strong = await ddb.send(new GetItemCommand({ TableName: 'Cap', Key: { pk: { S: 'a' }, sk: { S: 's' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(strong.ConsumedCapacity!.CapacityUnits, 1);
  const t = await ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'Cap', Key: { pk: { S: 'a' }, sk: { S: 's' } } } }], ReturnConsumedCapacity: 'TOTAL' }));
  assert.deepEqual(t.ConsumedCapacity, [{ TableName: 'Cap', CapacityUnits: 2 }]);
});

test('admin routes list tables of every account and browse items page by page', async () => {
  await table('Mine');
  const other = fb.client(DynamoDBClient, { credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' }, region: 'eu-west-2' });
  await other.send(new CreateTableCommand({ TableName: 'Theirs', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  for (let i = 0; i < 7; i++) await other.send(new PutItemCommand({ TableName: 'Theirs', Item: { id: { N: String(i) }, b: { B: Uint8Array.from([i]) } } }));
  const list = await admin('GET', '/_fogbank/dynamodb/tables?limit=1');
  assert.equal(list.tables.length, 1);
  const rest = await admin('GET', `/_fogbank/dynamodb/tables?after=${list.next}`);
  const all = [...list.tables, ...rest.tables].map((t: { account: string; region: string; name: string }) => `${t.account}/${t.region}/${t.name}`);
  assert.deepEqual(all, ['000000000000/us-east-1/Mine', '123456789012/eu-west-2/Theirs']);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin('GET', `/_fogbank/dynamodb/tables/123456789012/eu-west-2/Theirs/items?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...page.items.map((i: { id: { N: string } }) => i.id.N));
    cursor = page.cursor;
  } while (cursor);
  assert.deepEqual(ids.sort(), ['0', '1', '2', '3', '4', '5', '6']);
  const desc = await admin('GET', '/_fogbank/dynamodb/tables/123456789012/eu-west-2/Theirs');
  assert.equal(desc.ItemCount, 7);
});

test('tables, items, counts, indexes, TTL timers and streams survive a restart of a data directory', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-ddb-restart-'));
  try {
    let first = await startFogbank({ ephemeral: false, dataDir: dir });
    let c = first.client(DynamoDBClient);
    await c.send(new CreateTableCommand({
      TableName: 'Durable', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'ByG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }));
    await c.send(new UpdateTimeToLiveCommand({ TableName: 'Durable', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    const soon = Math.floor(Date.now() / 1000) + 3600;
    for (let i = 0; i < 300; i++) await c.send(new PutItemCommand({ TableName: 'Durable', Item: { pk: { S: `k${i}` }, g: { S: i % 2 ? 'odd' : 'even' }, ...(i === 0 ? { exp: { N: String(soon) } } : {}) } }));
    await first.stop();
    first = await startFogbank({ ephemeral: false, dataDir: dir });
    c = first.client(DynamoDBClient);
    const d = (await c.send(new DescribeTableCommand({ TableName: 'Durable' }))).Table!;
    assert.equal(d.ItemCount, 300);
    assert.equal(d.GlobalSecondaryIndexes![0].ItemCount, 300);
    const odd = await c.send(new QueryCommand({ TableName: 'Durable', IndexName: 'ByG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'odd' } }, Select: 'COUNT' }));
    assert.equal(odd.Count, 150);
    assert.equal((await c.send(new ScanCommand({ TableName: 'Durable', Select: 'COUNT' }))).Count, 300, 'hash-only keys page across SQLite reads');
    let scanned = 0;
    for await (const page of paginateScan({ client: c, pageSize: 120 }, { TableName: 'Durable', ProjectionExpression: 'pk' })) scanned += page.Count!;
    assert.equal(scanned, 300);
    first.clock.freeze();
    first.clock.advance(3600_000);
    assert.equal((await c.send(new GetItemCommand({ TableName: 'Durable', Key: { pk: { S: 'k0' } } }))).Item, undefined, 'the TTL timer is re-armed after a restart');
    await first.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
