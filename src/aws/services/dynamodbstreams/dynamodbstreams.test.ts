// DynamoDB Streams through the AWS SDK v3: stream lifecycle, every iterator type, every view type,
// sequence numbers, 24-hour retention and iterator expiry on the clock, and reads through the
// in-process client Lambda's event source mappings use.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, UpdateItemCommand, DeleteItemCommand, UpdateTableCommand, DescribeTableCommand,
  DeleteTableCommand, type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient, ListStreamsCommand, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand, type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient);
  streams = fb.client(DynamoDBStreamsClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function tableWithStream(name: string, view: StreamViewType): Promise<string> {
  const out = await ddb.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: view },
  }));
  return out.TableDescription!.LatestStreamArn!;
}

async function iterator(arn: string, type: ShardIteratorType, seq?: string): Promise<string> {
  const d = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  return (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: d.StreamDescription!.Shards![0].ShardId, ShardIteratorType: type, SequenceNumber: seq }))).ShardIterator!;
}

test('records carry INSERT, MODIFY and REMOVE with images by view type and increasing sequence numbers', async () => {
  const arn = await tableWithStream('Events', 'NEW_AND_OLD_IMAGES');
  assert.match(arn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Events\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  await ddb.send(new PutItemCommand({ TableName: 'Events', Item: { id: { S: 'a' }, v: { N: '1' }, b: { B: Uint8Array.from([1, 2]) } } }));
  await ddb.send(new UpdateItemCommand({ TableName: 'Events', Key: { id: { S: 'a' } }, UpdateExpression: 'SET v = v + :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
  await ddb.send(new PutItemCommand({ TableName: 'Events', Item: { id: { S: 'a' }, v: { N: '2' }, b: { B: Uint8Array.from([1, 2]) } } })); // no change: no record
  await ddb.send(new DeleteItemCommand({ TableName: 'Events', Key: { id: { S: 'a' } } }));
  await ddb.send(new DeleteItemCommand({ TableName: 'Events', Key: { id: { S: 'missing' } } })); // nothing deleted: no record
  const out = await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }));
  const r = out.Records!;
  assert.deepEqual(r.map((x) => x.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
  assert.equal(r[0].eventSource, 'aws:dynamodb');
  assert.equal(r[0].eventVersion, '1.1');
  assert.equal(r[0].awsRegion, 'us-east-1');
  assert.match(r[0].eventID!, /^[0-9a-f]{32}$/);
  assert.deepEqual(r[0].dynamodb!.Keys, { id: { S: 'a' } });
  assert.deepEqual([...r[0].dynamodb!.NewImage!.b.B!], [1, 2]);
  assert.equal(r[0].dynamodb!.OldImage, undefined);
  assert.equal(r[1].dynamodb!.OldImage!.v.N, '1');
  assert.equal(r[1].dynamodb!.NewImage!.v.N, '2');
  assert.equal(r[2].dynamodb!.NewImage, undefined);
  assert.equal(r[2].dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
  assert.ok(r[0].dynamodb!.SizeBytes! > 0);
  assert.ok(r[0].dynamodb!.ApproximateCreationDateTime instanceof Date);
  const seqs = r.map((x) => BigInt(x.dynamodb!.SequenceNumber!));
  assert.ok(seqs[0] < seqs[1] && seqs[1] < seqs[2]);
  assert.ok(out.NextShardIterator);
});

test('KEYS_ONLY, NEW_IMAGE and OLD_IMAGE streams carry only what they promise', async () => {
  for (const view of ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE'] as const) {
    const name = `V-${view}`;
    const arn = await tableWithStream(name, view);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'k' }, v: { N: '1' } } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'k' }, v: { N: '2' } } }));
    const [, modify] = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }))).Records!;
    assert.deepEqual(modify.dynamodb!.Keys, { id: { S: 'k' } });
    assert.equal(modify.dynamodb!.NewImage?.v.N, view === 'NEW_IMAGE' ? '2' : undefined, view);
    assert.equal(modify.dynamodb!.OldImage?.v.N, view === 'OLD_IMAGE' ? '1' : undefined, view);
  }
});

test('iterators: TRIM_HORIZON, LATEST, AT_ and AFTER_SEQUENCE_NUMBER, Limit, and expiry after 15 minutes', async () => {
  const arn = await tableWithStream('Iter', 'KEYS_ONLY');
  for (const id of ['a', 'b', 'c']) await ddb.send(new PutItemCommand({ TableName: 'Iter', Item: { id: { S: id } } }));
  const all = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }))).Records!;
  const seq = all.map((r) => r.dynamodb!.SequenceNumber!);
  const ids = async (it: string, Limit?: number) => {
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: it, Limit }));
    return { ids: out.Records!.map((r) => r.dynamodb!.Keys!.id.S), next: out.NextShardIterator };
  };
  assert.deepEqual((await ids(await iterator(arn, 'AT_SEQUENCE_NUMBER', seq[1]))).ids, ['b', 'c']);
  assert.deepEqual((await ids(await iterator(arn, 'AFTER_SEQUENCE_NUMBER', seq[1]))).ids, ['c']);
  const latest = await iterator(arn, 'LATEST');
  assert.deepEqual((await ids(latest)).ids, []);
  await ddb.send(new PutItemCommand({ TableName: 'Iter', Item: { id: { S: 'd' } } }));
  const page = await ids(latest, 1);
  assert.deepEqual(page.ids, ['d']);
  assert.deepEqual((await ids(page.next!)).ids, []);
  const first = await ids(await iterator(arn, 'TRIM_HORIZON'), 2);
  assert.deepEqual(first.ids, ['a', 'b']);
  assert.deepEqual((await ids(first.next!)).ids, ['c', 'd']);
  await assert.rejects(streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' })), { name: 'ResourceNotFoundException' });
  await assert.rejects(streams.send(new GetRecordsCommand({ ShardIterator: 'garbage' })), { name: 'ValidationException' });
  fb.clock.freeze();
  const it = await iterator(arn, 'TRIM_HORIZON');
  fb.clock.advance(15 * 60_000 + 1);
  await assert.rejects(streams.send(new GetRecordsCommand({ ShardIterator: it })), { name: 'ExpiredIteratorException', message: 'Shard iterator has expired' });
});

test('records are kept 24 hours on the clock; older sequence numbers are trimmed', async () => {
  fb.clock.freeze();
  const arn = await tableWithStream('Keep', 'NEW_IMAGE');
  await ddb.send(new PutItemCommand({ TableName: 'Keep', Item: { id: { S: 'old' } } }));
  const oldSeq = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }))).Records![0].dynamodb!.SequenceNumber!;
  fb.clock.advance(23 * 3600_000);
  await ddb.send(new PutItemCommand({ TableName: 'Keep', Item: { id: { S: 'new' } } }));
  fb.clock.advance(3600_000 + 1);
  const left = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }))).Records!;
  assert.deepEqual(left.map((r) => r.dynamodb!.Keys!.id.S), ['new']);
  await assert.rejects(streams.send(new GetShardIteratorCommand({
    StreamArn: arn, ShardId: (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0].ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: oldSeq,
  })), { name: 'TrimmedDataAccessException' });
});

test('disabling a stream closes its shard; a new stream gets a new label; streams outlive their table for 24 hours', async () => {
  fb.clock.freeze();
  const arn = await tableWithStream('Life', 'KEYS_ONLY');
  await ddb.send(new PutItemCommand({ TableName: 'Life', Item: { id: { S: 'a' } } }));
  const it = await iterator(arn, 'TRIM_HORIZON');
  fb.clock.advance(1000);
  await ddb.send(new UpdateTableCommand({ TableName: 'Life', StreamSpecification: { StreamEnabled: false } }));
  await ddb.send(new PutItemCommand({ TableName: 'Life', Item: { id: { S: 'b' } } }));
  const d = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
  assert.equal(d.StreamStatus, 'DISABLED');
  assert.equal(d.TableName, 'Life');
  assert.deepEqual(d.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.ok(d.Shards![0].SequenceNumberRange!.EndingSequenceNumber);
  const out = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(out.Records!.map((r) => r.dynamodb!.Keys!.id.S), ['a']);
  assert.equal(out.NextShardIterator, undefined, 'the end of a closed shard');
  fb.clock.advance(1000);
  await ddb.send(new UpdateTableCommand({ TableName: 'Life', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }));
  const table = (await ddb.send(new DescribeTableCommand({ TableName: 'Life' }))).Table!;
  assert.notEqual(table.LatestStreamArn, arn);
  const listed = await streams.send(new ListStreamsCommand({ TableName: 'Life' }));
  assert.deepEqual(listed.Streams!.map((s) => s.StreamArn), [arn, table.LatestStreamArn]);
  const paged = await streams.send(new ListStreamsCommand({ Limit: 1 }));
  assert.equal(paged.LastEvaluatedStreamArn, arn);
  await ddb.send(new DeleteTableCommand({ TableName: 'Life' }));
  assert.equal((await streams.send(new DescribeStreamCommand({ StreamArn: table.LatestStreamArn! }))).StreamDescription!.StreamStatus, 'DISABLED');
  fb.clock.advance(24 * 3600_000 + 1000);
  assert.deepEqual((await streams.send(new ListStreamsCommand({}))).Streams, []);
  await assert.rejects(streams.send(new DescribeStreamCommand({ StreamArn: arn })), { name: 'ResourceNotFoundException' });
});

test('TTL deletions are REMOVE records made by the service', async () => {
  fb.clock.freeze(Date.UTC(2031, 5, 1));
  const arn = await tableWithStream('TtlS', 'NEW_AND_OLD_IMAGES');
  await ddb.send(new UpdateItemCommand({ TableName: 'TtlS', Key: { id: { S: 'x' } }, UpdateExpression: 'SET expires = :t', ExpressionAttributeValues: { ':t': { N: String(fb.clock.now() / 1000 + 10) } } }));
  const { UpdateTimeToLiveCommand } = await import('@aws-sdk/client-dynamodb');
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: 'TtlS', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
  fb.clock.advance(10_000);
  const r = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator(arn, 'TRIM_HORIZON') }))).Records!;
  assert.deepEqual(r.map((x) => [x.eventName, x.userIdentity]), [['INSERT', undefined], ['REMOVE', { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' }]]);
  assert.equal(r[1].dynamodb!.OldImage!.id.S, 'x');
});

test('the in-process client (for Lambda event source mappings) reads the same records', async () => {
  const arn = await tableWithStream('Esm', 'NEW_IMAGE');
  await ddb.send(new PutItemCommand({ TableName: 'Esm', Item: { id: { S: 'a' } } }));
  const env = fb.instance.env;
  const scope = { account: '000000000000', region: 'us-east-1' };
  const d = await env.invoke<{ StreamDescription: { Shards: Array<{ ShardId: string }> } }>('dynamodbstreams', 'DescribeStream', { StreamArn: arn }, scope);
  const it = await env.invoke<{ ShardIterator: string }>('dynamodbstreams', 'GetShardIterator', { StreamArn: arn, ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }, scope);
  const out = await env.invoke<{ Records: Array<{ eventName: string; dynamodb: { NewImage: Record<string, { S?: string }> } }> }>('dynamodbstreams', 'GetRecords', { ShardIterator: it.ShardIterator, Limit: 10 }, scope);
  assert.deepEqual(out.Records.map((r) => [r.eventName, r.dynamodb.NewImage.id.S]), [['INSERT', 'a']]);
});
