// DynamoDB through the other clients users run: lib-dynamodb's document client, boto3 (client and
// resource APIs with boto3.dynamodb.conditions, in every installed version; botocore checks each
// response's x-amz-crc32), and the AWS CLI in every installed version.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, QueryCommand, BatchWriteCommand, TransactWriteCommand, DeleteCommand,
  paginateQuery, NumberValue,
} from '@aws-sdk/lib-dynamodb';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function table(name: string): Promise<void> {
  await ddb.send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
}

test('lib-dynamodb document client: native values, big numbers, sets, pagination, transactions', async () => {
  await table('Docs');
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true }, unmarshallOptions: { wrapNumbers: true } });
  await doc.send(new PutCommand({
    TableName: 'Docs',
    Item: { pk: 'u1', sk: 1, name: 'Ann', tags: new Set(['a', 'b']), scores: new Set([1, 2]), nested: { list: [1, 'x', null, true], when: undefined }, bin: Uint8Array.from([9]), big: NumberValue.from('123456789012345678901234567890.5') },
  }));
  const got = (await doc.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'u1', sk: 1 } }))).Item!;
  assert.equal(got.name, 'Ann');
  assert.deepEqual([...got.tags].sort(), ['a', 'b']);
  assert.deepEqual([...got.scores].map(String).sort(), ['1', '2']);
  assert.equal(String(got.big), '123456789012345678901234567890.5');
  assert.deepEqual(got.nested.list.map(String), ['1', 'x', 'null', 'true']);
  assert.deepEqual([...got.bin], [9]);
  const upd = await doc.send(new UpdateCommand({
    TableName: 'Docs', Key: { pk: 'u1', sk: 1 },
    UpdateExpression: 'SET big = big + :inc ADD tags :t REMOVE nested',
    ExpressionAttributeValues: { ':inc': NumberValue.from('0.5'), ':t': new Set(['c']) },
    ReturnValues: 'ALL_NEW',
  }));
  assert.equal(String(upd.Attributes!.big), '123456789012345678901234567891');
  assert.equal(upd.Attributes!.nested, undefined);
  await doc.send(new BatchWriteCommand({ RequestItems: { Docs: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { pk: 'u2', sk: i + 1, v: i } } })) } }));
  const seen: number[] = [];
  for await (const page of paginateQuery({ client: doc, pageSize: 6 }, { TableName: 'Docs', KeyConditionExpression: 'pk = :p AND sk > :s', ExpressionAttributeValues: { ':p': 'u2', ':s': 10 } })) {
    seen.push(...page.Items!.map((i) => Number(String(i.sk))));
  }
  assert.deepEqual(seen, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  await assert.rejects(doc.send(new TransactWriteCommand({ TransactItems: [
    { Put: { TableName: 'Docs', Item: { pk: 'u3', sk: 1 } } },
    { Delete: { TableName: 'Docs', Key: { pk: 'u2', sk: 1 }, ConditionExpression: 'v = :x', ExpressionAttributeValues: { ':x': 99 } } },
  ] })), (e: any) => e.name === 'TransactionCanceledException' && e.CancellationReasons[1].Code === 'ConditionalCheckFailed');
  assert.equal((await doc.send(new GetCommand({ TableName: 'Docs', Key: { pk: 'u3', sk: 1 } }))).Item, undefined);
  const del = await doc.send(new DeleteCommand({ TableName: 'Docs', Key: { pk: 'u2', sk: 1 }, ReturnValues: 'ALL_OLD' }));
  assert.equal(String(del.Attributes!.v), '0');
});

const BOTO3_SCRIPT = `
import os, json, decimal, boto3
from boto3.dynamodb.conditions import Key, Attr
from botocore.exceptions import ClientError
ep = os.environ['ENDPOINT']
res = boto3.resource('dynamodb', endpoint_url=ep, region_name='us-east-1')
client = boto3.client('dynamodb', endpoint_url=ep, region_name='us-east-1')
out = {}
table = res.create_table(TableName='Boto3', KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}],
  AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', 'AttributeType': 'N'}], BillingMode='PAY_PER_REQUEST')
table.wait_until_exists()
table.reload()
out['status'] = table.table_status
with table.batch_writer() as bw:
  for i in range(30):
    bw.put_item(Item={'pk': 'p', 'sk': i, 'n': decimal.Decimal('1.5') * i, 'tags': {'a', 'b'}, 'bin': b'\\x00\\x01', 'm': {'deep': [1, 'two']}})
r = table.query(KeyConditionExpression=Key('pk').eq('p') & Key('sk').between(5, 9), FilterExpression=Attr('n').gt(8) & Attr('tags').contains('a'), ScanIndexForward=False)
out['query'] = [int(i['sk']) for i in r['Items']]
out['count'] = [r['Count'], r['ScannedCount']]
item = table.get_item(Key={'pk': 'p', 'sk': 3}, ProjectionExpression='n, bin, m.deep[1]')['Item']
out['item'] = [str(item['n']), bytes(item['bin'].value).hex(), item['m']['deep'][0]]
u = table.update_item(Key={'pk': 'p', 'sk': 3}, UpdateExpression='SET n = n + :d', ExpressionAttributeValues={':d': decimal.Decimal('0.1')}, ReturnValues='UPDATED_NEW')
out['updated'] = str(u['Attributes']['n'])
try:
  table.put_item(Item={'pk': 'p', 'sk': 3}, ConditionExpression=Attr('pk').not_exists())
except ClientError as e:
  out['conditional'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
try:
  table.query(KeyConditionExpression='pk = :p AND size(sk) > :s', ExpressionAttributeValues={':p': 'p', ':s': 1})
except ClientError as e:
  out['validation'] = [e.response['Error']['Code'], e.response['Error']['Message']]
pages = client.get_paginator('scan').paginate(TableName='Boto3', PaginationConfig={'PageSize': 7})
out['scanned'] = sum(p['Count'] for p in pages)
t = client.transact_write_items(TransactItems=[{'Update': {'TableName': 'Boto3', 'Key': {'pk': {'S': 'p'}, 'sk': {'N': '0'}}, 'UpdateExpression': 'ADD n :one', 'ExpressionAttributeValues': {':one': {'N': '1'}}}}])
out['tx'] = t['ResponseMetadata']['HTTPStatusCode']
st = client.create_table(TableName='Boto3S', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}],
  BillingMode='PAY_PER_REQUEST', StreamSpecification={'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'})
client.put_item(TableName='Boto3S', Item={'id': {'S': 'x'}})
streams = boto3.client('dynamodbstreams', endpoint_url=ep, region_name='us-east-1')
arn = streams.list_streams(TableName='Boto3S')['Streams'][0]['StreamArn']
shard = streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards'][0]['ShardId']
it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']
recs = streams.get_records(ShardIterator=it)['Records']
out['stream'] = [recs[0]['eventName'], recs[0]['dynamodb']['NewImage']['id']['S'], arn == st['TableDescription']['LatestStreamArn']]
client.delete_table(TableName='Boto3S')
res.Table('Boto3').delete()
out['tables'] = client.list_tables()['TableNames']
print(json.dumps(out))
`;

for (const py of boto3Clients()) {
  test(`${py.label}: resource API, conditions, batch writer, paginators, errors (x-amz-crc32 checked by botocore)`, async () => {
    const r = await python(py, fb.endpoint, BOTO3_SCRIPT);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'ACTIVE');
    assert.deepEqual(out.query, [9, 8, 7, 6]);
    assert.deepEqual(out.count, [4, 5]);
    assert.deepEqual(out.item, ['4.5', '0001', 'two']);
    assert.equal(out.updated, '4.6');
    assert.deepEqual(out.conditional, ['ConditionalCheckFailedException', 'The conditional request failed', 400]);
    assert.deepEqual(out.validation, ['ValidationException', 'KeyConditionExpressions cannot contain nested operations']);
    assert.equal(out.scanned, 30);
    assert.equal(out.tx, 200);
    assert.deepEqual(out.tables, []);
    assert.deepEqual(out.stream, ['INSERT', 'x', true]);
  });
}

for (const cli of awsCliClients()) {
  test(`${cli.label}: create-table, wait, put-item, query, scan pagination, errors`, async () => {
    const run = (...args: string[]) => aws(cli, fb.endpoint, ['dynamodb', ...args]);
    const created = await run('create-table', '--table-name', 'Cli', '--attribute-definitions', 'AttributeName=pk,AttributeType=S', 'AttributeName=sk,AttributeType=N',
      '--key-schema', 'AttributeName=pk,KeyType=HASH', 'AttributeName=sk,KeyType=RANGE', '--billing-mode', 'PAY_PER_REQUEST');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).TableDescription.TableName, 'Cli');
    const waited = await run('wait', 'table-exists', '--table-name', 'Cli');
    assert.equal(waited.code, 0, waited.stderr);
    const puts = Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { pk: { S: 'a' }, sk: { N: String(i) }, b: { B: Buffer.from([i]).toString('base64') } } } }));
    const batch = await run('batch-write-item', '--request-items', JSON.stringify({ Cli: puts }));
    assert.equal(batch.code, 0, batch.stderr);
    assert.deepEqual(JSON.parse(batch.stdout).UnprocessedItems, {});
    const q = await run('query', '--table-name', 'Cli', '--key-condition-expression', 'pk = :p AND sk >= :s', '--expression-attribute-values', JSON.stringify({ ':p': { S: 'a' }, ':s': { N: '2' } }));
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout).Items.map((i: { sk: { N: string } }) => i.sk.N), ['2', '3', '4']);
    const got = await run('get-item', '--table-name', 'Cli', '--key', JSON.stringify({ pk: { S: 'a' }, sk: { N: '4' } }));
    // CLI v2 reads blob arguments as base64; v1 sends the text's own bytes.
    const sent = Buffer.from([4]).toString('base64');
    assert.equal(JSON.parse(got.stdout).Item.b.B, cli.label.startsWith('aws-cli/1.') ? Buffer.from(sent).toString('base64') : sent);
    const scan = await run('scan', '--table-name', 'Cli', '--page-size', '2');
    assert.equal(JSON.parse(scan.stdout).Count, 5, 'the CLI follows LastEvaluatedKey across pages');
    const failed = await run('put-item', '--table-name', 'Cli', '--item', '{"pk":{"S":"a"},"sk":{"N":"1"}}', '--condition-expression', 'attribute_not_exists(pk)');
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /An error occurred \(ConditionalCheckFailedException\) when calling the PutItem operation: The conditional request failed/);
    const missing = await run('describe-table', '--table-name', 'Nope');
    assert.match(missing.stderr, /ResourceNotFoundException.*Requested resource not found: Table: Nope not found/);
    const ttl = await run('update-time-to-live', '--table-name', 'Cli', '--time-to-live-specification', 'Enabled=true,AttributeName=exp');
    assert.equal(JSON.parse(ttl.stdout).TimeToLiveSpecification.AttributeName, 'exp');
  });
}
