// Races the store port could open (issue 11 §7), through the AWS SDK v3: many concurrent requests on
// one table or item, with the store given a networked driver's latency so that requests interleave
// between a handler's awaits. Each read-decides-write is one unit of work: conditional writes have
// one winner, UpdateItem's read-modify-write loses no increment, item counts count each item once,
// TransactWriteItems is all or nothing (and applied once per token), stream records chain.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, ScanCommand,
  TransactWriteItemsCommand, TagResourceCommand, ListTagsOfResourceCommand, BatchWriteItemCommand, TransactionCanceledException,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;
let undo: () => void;

before(async () => {
  fb = await startFogbank();
  // No retries: a race that surfaced as a 500 must not be hidden by the SDK trying again.
  ddb = fb.client(DynamoDBClient, { maxAttempts: 1 });
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
});

/** Runs fn with the store slowed to a networked driver's pace. */
async function withLatency(fn: () => Promise<void>): Promise<void> {
  undo = withStoreLatency(fb.instance.env.store);
  try {
    await fn();
  } finally {
    undo();
  }
}

function table(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommand {
  return new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  });
}

async function streamRecords(arn: string) {
  const streams = fb.client(DynamoDBStreamsClient);
  const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0];
  const it = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  return (await streams.send(new GetRecordsCommand({ ShardIterator: it }))).Records!;
}

const times = <T>(n: number, fn: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
const won = (rs: PromiseSettledResult<unknown>[]) => rs.filter((r) => r.status === 'fulfilled').length;
const errors = (rs: PromiseSettledResult<unknown>[]) => rs.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));

test('concurrent CreateTable of one name: one table, the rest ResourceInUseException', async () => {
  await withLatency(async () => {
    const rs = await times(8, () => ddb.send(table('Contended')));
    assert.equal(won(rs), 1, 'one CreateTable succeeds');
    assert.deepEqual(new Set(errors(rs)), new Set(['ResourceInUseException']));
  });
});

test('concurrent conditional PutItems on one key: exactly one wins', async () => {
  await ddb.send(table('Cond'));
  await withLatency(async () => {
    const rs = await times(10, (i) =>
      ddb.send(new PutItemCommand({ TableName: 'Cond', Item: { pk: { S: 'k' }, by: { N: String(i) } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    assert.equal(won(rs), 1, 'one conditional put succeeds');
    assert.deepEqual(new Set(errors(rs)), new Set(['ConditionalCheckFailedException']));
    const winner = rs.findIndex((r) => r.status === 'fulfilled');
    const item = (await ddb.send(new GetItemCommand({ TableName: 'Cond', Key: { pk: { S: 'k' } }, ConsistentRead: true }))).Item!;
    assert.equal(item.by.N, String(winner), 'the stored item is the winner\'s');
  });
});

test('concurrent UpdateItems on one item lose no increment and no list element', async () => {
  await ddb.send(table('Counter'));
  await withLatency(async () => {
    const rs = await times(20, (i) =>
      ddb.send(new UpdateItemCommand({
        TableName: 'Counter',
        Key: { pk: { S: 'c' } },
        UpdateExpression: 'SET n = if_not_exists(n, :zero) + :one, seen = list_append(if_not_exists(seen, :empty), :me)',
        ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' }, ':empty': { L: [] }, ':me': { L: [{ N: String(i) }] } },
      })),
    );
    assert.equal(won(rs), 20);
    const item = (await ddb.send(new GetItemCommand({ TableName: 'Counter', Key: { pk: { S: 'c' } }, ConsistentRead: true }))).Item!;
    assert.equal(item.n.N, '20', 'every increment counted');
    assert.deepEqual(item.seen.L!.map((v) => Number(v.N)).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i), 'every append kept');
  });
});

test('item counts count each item once under concurrent puts, overwrites, batches and deletes', async () => {
  await ddb.send(table('Counted'));
  await withLatency(async () => {
    // Ten puts of one new key, ten of distinct keys, a batch overlapping them.
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => ddb.send(new PutItemCommand({ TableName: 'Counted', Item: { pk: { S: 'same' }, v: { N: String(i) } } }))),
      ...Array.from({ length: 10 }, (_, i) => ddb.send(new PutItemCommand({ TableName: 'Counted', Item: { pk: { S: `k${i}` } } }))),
      ddb.send(new BatchWriteItemCommand({ RequestItems: { Counted: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `k${i}` }, b: { BOOL: true } } } })) } })),
    ]);
    const scanned = (await ddb.send(new ScanCommand({ TableName: 'Counted', Select: 'COUNT' }))).Count;
    assert.equal(scanned, 11);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'Counted' }))).Table!.ItemCount, 11, 'ItemCount matches the items stored');
  });
});

test('concurrent TransactWriteItems: one takes the lock, the others are cancelled whole with their reasons', async () => {
  await ddb.send(table('TxLock'));
  await withLatency(async () => {
    const rs = await times(8, (i) =>
      ddb.send(new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'TxLock', Item: { pk: { S: 'lock' }, owner: { N: String(i) } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: 'TxLock', Item: { pk: { S: `mine-${i}` } } } },
        ],
      })),
    );
    assert.equal(won(rs), 1, 'one transaction commits');
    for (const r of rs) {
      if (r.status === 'fulfilled') continue;
      assert.ok(r.reason instanceof TransactionCanceledException, String(r.reason));
      assert.deepEqual(r.reason.CancellationReasons!.map((x) => x.Code), ['ConditionalCheckFailed', 'None']);
    }
    const winner = rs.findIndex((r) => r.status === 'fulfilled');
    const items = (await ddb.send(new ScanCommand({ TableName: 'TxLock' }))).Items!.map((x) => x.pk.S).sort();
    assert.deepEqual(items, ['lock', `mine-${winner}`], 'a cancelled transaction wrote nothing');
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: 'TxLock' }))).Table!.ItemCount, 2);
  });
});

test('concurrent TransactWriteItems with one ClientRequestToken apply once', async () => {
  const arn = (await ddb.send(table('Once', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }))).TableDescription!.LatestStreamArn!;
  await withLatency(async () => {
    const input = {
      ClientRequestToken: 'same-token',
      TransactItems: [{ Update: { TableName: 'Once', Key: { pk: { S: 'c' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } } }],
    };
    const rs = await times(6, () => ddb.send(new TransactWriteItemsCommand(input)));
    assert.equal(won(rs), 6, 'every repeat is answered');
    const item = (await ddb.send(new GetItemCommand({ TableName: 'Once', Key: { pk: { S: 'c' } }, ConsistentRead: true }))).Item!;
    assert.equal(item.n.N, '1', 'the transaction ran once');
  });
  // Each run of the transaction writes a stream record: one run, one record.
  assert.equal((await streamRecords(arn)).length, 1, 'one change recorded');
});

test('concurrent TagResource calls on one table lose no tag', async () => {
  const arn = (await ddb.send(table('Tagged'))).TableDescription!.TableArn!;
  await withLatency(async () => {
    const rs = await times(12, (i) => ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: `k${i}`, Value: `v${i}` }] })));
    assert.equal(won(rs), 12);
    const { Tags } = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    assert.equal(Tags!.length, 12, 'every concurrent TagResource kept its tag');
  });
});

test('concurrent updates of one item write stream records whose images chain', async () => {
  const arn = (await ddb.send(table('Chained', { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }))).TableDescription!.LatestStreamArn!;
  await ddb.send(new PutItemCommand({ TableName: 'Chained', Item: { pk: { S: 'c' }, n: { N: '0' } } }));
  await withLatency(async () => {
    await Promise.all(Array.from({ length: 10 }, () =>
      ddb.send(new UpdateItemCommand({ TableName: 'Chained', Key: { pk: { S: 'c' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } })),
    ));
  });
  const records = await streamRecords(arn);
  const modifies = records.filter((r) => r.eventName === 'MODIFY');
  assert.equal(modifies.length, 10);
  modifies.forEach((r, k) => {
    assert.equal(r.dynamodb!.OldImage!.n.N, String(k), `record ${k} starts where the one before ended`);
    assert.equal(r.dynamodb!.NewImage!.n.N, String(k + 1));
  });
});
