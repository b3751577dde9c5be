// Fault injection (issue 11 §6): an injected error reaches real clients as a real one would, in their
// own protocol, so their retry logic acts on it; latency, probability, counts, accounts and deliveries.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { boto3Clients, python } from './support/clients.ts';

let fb: TestFogbank;
let ddb: DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  ddb = fb.client(DynamoDBClient);
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  await ddb.send(new CreateTableCommand({
    TableName: 'items', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  }));
});

// The admin API's JSON, read loosely in assertions.
const read = async (r: Promise<Response>): Promise<any> => (await r).json();
const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${fb.endpoint}/_fogbank/faults${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

test('SDK v3 retries an injected ThrottlingException twice, then the operation runs', async () => {
  fb.faults.add({ service: 'dynamodb', operation: 'PutItem', error: { code: 'ThrottlingException', status: 400 }, times: 2 });
  const r = await ddb.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' } } }));
  assert.equal(r.$metadata.attempts, 3);
  const attempts = fb.instance.env.requests.entries().filter((e) => e.operation === 'PutItem').map((e) => e.errorCode ?? e.status);
  assert.deepEqual(attempts.slice(-3), ['ThrottlingException', 'ThrottlingException', 200]);
  assert.equal(fb.faults.list().length, 0, 'a fault with times retires once used up');
  assert.ok((await ddb.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } }))).Item);
});

test('an error the SDK does not retry surfaces with its code, status and message; other operations are untouched', async () => {
  fb.faults.add({ service: 'dynamodb', operation: 'GetItem', error: { code: 'ResourceNotFoundException', message: 'Requested resource not found' } });
  await assert.rejects(ddb.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } })), (e: Error & { $metadata?: { httpStatusCode?: number } }) =>
    e.name === 'ResourceNotFoundException' && e.message === 'Requested resource not found' && e.$metadata?.httpStatusCode === 400);
  await ddb.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'b' } } }));
});

test('latency, probability 0, and faults for another account leave a call alone or only slow it', async () => {
  fb.faults.add({ service: 'dynamodb', operation: 'PutItem', error: { code: 'ThrottlingException' }, probability: 0 });
  fb.faults.add({ service: 'dynamodb', error: { code: 'ThrottlingException' }, account: '111122223333' });
  fb.faults.add({ service: 'dynamodb', operation: 'PutItem', latencyMs: 300 });
  const started = performance.now();
  const r = await ddb.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'slow' } } }));
  assert.equal(r.$metadata.attempts, 1);
  assert.ok(performance.now() - started >= 290, 'the latency was applied');
  const other = fb.client(DynamoDBClient, { credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' }, maxAttempts: 1 });
  await assert.rejects(other.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'x' } } })), { name: 'ThrottlingException' });
});

test('boto3 (query protocol for SQS on 1.26, JSON on newer) retries an injected throttle and succeeds', async () => {
  const clients = boto3Clients();
  assert.ok(clients.length > 0);
  for (const client of clients) {
    await fb.reset();
    await fb.client(SQSClient).send(new CreateQueueCommand({ QueueName: 'retry-me' }));
    const created = await admin('POST', '', { service: 'sqs', operation: 'ListQueues', error: { code: 'ThrottlingException', status: 400 }, times: 2 });
    assert.equal(created.status, 201);
    const out = await python(client, fb.endpoint, `
import boto3, json, os
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'])
r = sqs.list_queues()
print(json.dumps({'urls': len(r.get('QueueUrls', [])), 'retries': r['ResponseMetadata']['RetryAttempts']}))
`);
    assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
    assert.deepEqual(JSON.parse(out.stdout), { urls: 1, retries: 2 }, client.label);
  }
});

test('deliveries obey faults: an EventBridge target on SQS fails while the fault lasts', async () => {
  const sqs = fb.client(SQSClient);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'target' }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const eb = fb.client(EventBridgeClient);
  await eb.send(new PutRuleCommand({ Name: 'r', EventPattern: JSON.stringify({ source: ['fault.test'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: arn, RetryPolicy: { MaximumRetryAttempts: 0 } }] }));
  fb.faults.add({ service: 'sqs', operation: 'Deliver', error: { code: 'ThrottlingException' }, times: 1 });
  await eb.send(new PutEventsCommand({ Entries: [{ Source: 'fault.test', DetailType: 't', Detail: '{}' }] }));
  const deadline = Date.now() + 5000;
  let failed;
  while (!failed && Date.now() < deadline) {
    failed = fb.instance.env.requests.entries().find((e) => e.kind === 'delivery' && e.errorCode === 'ThrottlingException');
    if (!failed) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(failed, 'the delivery to SQS met the fault');
  // ListQueues is not a delivery: faults named 'Deliver' leave the API alone.
  assert.equal((await sqs.send(new ListQueuesCommand({}))).QueueUrls?.length, 1);
});

test('the admin API lists, validates, removes and clears faults; reset() clears them too', async () => {
  const bad = await admin('POST', '', { service: 'dynamodb', error: { status: 500 } });
  assert.equal(bad.status, 400);
  assert.match((await bad.json() as { message: string }).message, /error\.code is required/);
  assert.equal((await admin('POST', '', { operation: 'PutItem', latencyMs: 5 })).status, 400);
  assert.equal((await admin('POST', '', { service: 'dynamodb', latencyMs: -1 })).status, 400);
  const a = await read(admin('POST', '', { service: 'dynamodb', latencyMs: 1 }));
  const b = await read(admin('POST', '', { service: 's3', error: { code: 'SlowDown', status: 503 }, probability: 0.5 }));
  assert.deepEqual((await read(admin('GET', ''))).map((f: { id: string }) => f.id), [a.id, b.id]);
  assert.equal((await admin('DELETE', `/${a.id}`)).status, 200);
  assert.equal((await admin('DELETE', `/${a.id}`)).status, 404);
  assert.equal((await read(admin('GET', ''))).length, 1);
  await fb.reset();
  assert.deepEqual(await read(admin('GET', '')), []);
});
