// One request chain (issue 11 §2, src/core/chain.ts): a client's request, an internal call (env.invoke,
// here through POST /_fogbank/call) and a delivery (SNS → SQS) pass the same steps in the same order,
// meet the same faults, the same validation and the same authorize step, and leave request-log entries
// with the same fields. Driven through real clients: AWS SDK v3, boto3 and the admin API.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { CHAIN_STEPS, type Call, type ChainStep } from '../src/core/chain.ts';
import { ServiceError } from '../src/core/errors.ts';
import type { RequestLogEntry } from '../src/core/request-log.ts';
import { boto3Clients, python } from './support/clients.ts';

let fb: TestFogbank;
let sqs: SQSClient;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(SQSClient, { maxAttempts: 1 });
});
after(() => fb.stop());
beforeEach(() => fb.reset());

/** POST /_fogbank/call: runs the operation through env.invoke, an internal call. */
async function internalCall(service: string, operation: string, input: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`${fb.endpoint}/_fogbank/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service, operation, input }),
  });
  return { status: r.status, body: await r.json() };
}

/** The request log as the admin API serves it (JSON, as the UI and scripts read it). */
async function requestLog(): Promise<RequestLogEntry[]> {
  return (await fetch(`${fb.endpoint}/_fogbank/requests`)).json() as Promise<RequestLogEntry[]>;
}

async function waitFor<T>(what: string, find: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A topic whose SQS subscription makes every Publish a delivery to the queue (kind 'delivery'). */
async function topicToQueue(): Promise<{ topicArn: string; queueUrl: string; queueArn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'chain-target' }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const sns = fb.client(SNSClient);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'chain-topic' }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn: TopicArn!, queueUrl: QueueUrl!, queueArn };
}

const publish = (topicArn: string, message: string) => fb.client(SNSClient).send(new PublishCommand({ TopicArn: topicArn, Message: message }));

test('a fault on an internal call and on a delivery is logged with the same fields as on a wire request', async () => {
  const { topicArn } = await topicToQueue();
  const throttle = { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' };
  fb.faults.add({ service: 'sqs', operation: 'ListQueues', error: throttle, times: 1 });
  await assert.rejects(sqs.send(new ListQueuesCommand({})), (e: Error & { $metadata: { httpStatusCode?: number } }) =>
    e.name === 'ThrottlingException' && e.message === 'Rate exceeded' && e.$metadata.httpStatusCode === 400);
  fb.faults.add({ service: 'sqs', operation: 'ListQueues', error: throttle, times: 1 });
  assert.deepEqual(await internalCall('sqs', 'ListQueues'), { status: 400, body: { error: 'ThrottlingException', message: 'Rate exceeded' } });
  fb.faults.add({ service: 'sqs', operation: 'Deliver', error: throttle, times: 1 });
  const published = await publish(topicArn, 'hello');

  const log = await waitFor('the failed delivery', async () => {
    const entries = await requestLog();
    return entries.some((e) => e.kind === 'delivery' && e.errorCode === 'ThrottlingException') ? entries : undefined;
  });
  const failed = log.filter((e) => e.errorCode === 'ThrottlingException');
  const wire = failed.find((e) => e.kind === 'request')!;
  const internal = failed.find((e) => e.kind === 'internal')!;
  const delivery = failed.find((e) => e.kind === 'delivery')!;
  assert.ok(wire && internal && delivery, `one of each kind: ${JSON.stringify(failed)}`);
  for (const e of [wire, internal, delivery]) {
    assert.equal(e.service, 'sqs');
    assert.equal(e.account, '000000000000');
    assert.equal(e.region, 'us-east-1');
    assert.equal(e.status, 400);
    assert.match(e.requestId, /^[0-9a-f-]{36}$/);
    assert.ok(typeof e.durationMs === 'number' && e.durationMs >= 0);
    // Every field a wire request's entry has, the others have too (deliveries add causedBy, target, source).
    for (const key of Object.keys(wire)) assert.ok(key in e, `${e.kind} entry has ${key}`);
  }
  assert.deepEqual([wire.operation, wire.method, wire.path], ['ListQueues', 'POST', '/']);
  assert.deepEqual([internal.operation, internal.method, internal.path], ['ListQueues', 'INTERNAL', 'sqs.ListQueues']);
  assert.equal(delivery.operation, 'Deliver');
  assert.equal(delivery.method, 'DELIVER');
  assert.equal(delivery.source, topicArn);
  // The delivery is linked to the Publish request that caused it.
  const publishEntry = log.find((e) => e.operation === 'Publish' && e.kind === 'request');
  assert.equal(delivery.causedBy, publishEntry?.requestId);
  assert.ok(published.MessageId);
});

test('an internal call gets the same validation error as a wire request: constraints and missing parameters', async () => {
  // DynamoDB: a table name below the model's minimum length, Coral's message.
  const ddb = fb.client(DynamoDBClient, { maxAttempts: 1 });
  const wire = await ddb.send(new GetItemCommand({ TableName: 'ab', Key: { pk: { S: 'x' } } })).then(() => undefined, (e: Error) => e);
  assert.equal(wire?.name, 'ValidationException');
  assert.match(wire!.message, /Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3/);
  const internal = await internalCall('dynamodb', 'GetItem', { TableName: 'ab', Key: { pk: { S: 'x' } } });
  assert.deepEqual(internal, { status: 400, body: { error: 'ValidationException', message: wire!.message } });

  // SQS: a missing required parameter is SQS's own MissingParameter, whichever way the call comes.
  const missing = await sqs.send(new CreateQueueCommand({} as never)).then(() => undefined, (e: Error) => e);
  assert.equal(missing?.name, 'MissingParameter');
  assert.equal(missing!.message, 'The request must contain the parameter QueueName.');
  assert.deepEqual(await internalCall('sqs', 'CreateQueue'), { status: 400, body: { error: 'MissingParameter', message: missing!.message } });
});

test('a replaced authorize step denies a wire request, an internal call and a delivery alike', async () => {
  const { topicArn, queueUrl } = await topicToQueue();
  const { chain } = fb.instance;
  const allow = chain.authorize;
  const seen: string[] = [];
  chain.authorize = (call: Call) => {
    if (call.service !== 'sqs') return;
    seen.push(`${call.kind.name} ${call.operation} as ${call.caller?.arn}`);
    throw new ServiceError('AccessDenied', `User: ${call.caller?.arn} is not authorized to perform: sqs:${call.operation}`, 403);
  };
  try {
    await assert.rejects(sqs.send(new ListQueuesCommand({})), (e: Error & { $metadata: { httpStatusCode?: number } }) =>
      e.name === 'AccessDenied' && e.$metadata.httpStatusCode === 403 && /not authorized to perform: sqs:ListQueues/.test(e.message));
    const internal = await internalCall('sqs', 'ListQueues');
    assert.equal(internal.status, 403);
    assert.equal(internal.body.error, 'AccessDenied');
    await publish(topicArn, 'denied');
    const denied = await waitFor('the denied delivery', async () => (await requestLog()).find((e) => e.kind === 'delivery' && e.errorCode === 'AccessDenied'));
    assert.equal(denied.status, 403);
    // Other services are not affected by this authorize step.
    assert.ok((await fb.client(SNSClient).send(new PublishCommand({ TopicArn: topicArn, Message: 'x' }))).MessageId);
  } finally {
    chain.authorize = allow;
  }
  const root = 'arn:aws:iam::000000000000:root';
  assert.ok(seen.includes(`request ListQueues as ${root}`), seen.join('\n'));
  assert.ok(seen.includes(`internal ListQueues as ${root}`), seen.join('\n'));
  assert.ok(seen.includes(`delivery Deliver as ${root}`), seen.join('\n'));
  // Nothing that was denied reached the queue; with the step restored the API answers again.
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  assert.ok(!(received.Messages ?? []).some((m) => m.Body === 'denied'), 'the denied delivery did not land');
});

test('every kind of call passes the same steps in the same order; only wire requests are routed and authenticated', async () => {
  const { topicArn } = await topicToQueue();
  const { chain } = fb.instance;
  const saved = CHAIN_STEPS.map((name) => [name, chain[name]] as const);
  const steps = new Map<string, string[]>();
  for (const [name, step] of saved) {
    chain[name] = ((call: Call) => {
      if (call.service === 'sqs') {
        const key = `${call.kind.name} ${call.requestId}`;
        steps.set(key, [...(steps.get(key) ?? []), name]);
      }
      return step(call);
    }) as ChainStep;
  }
  try {
    await sqs.send(new ListQueuesCommand({}));
    assert.equal((await internalCall('sqs', 'ListQueues')).status, 200);
    await publish(topicArn, 'in order');
    await waitFor('the delivery', async () => ([...steps.keys()].some((k) => k.startsWith('delivery')) ? true : undefined));
  } finally {
    for (const [name, step] of saved) chain[name] = step;
  }
  const byKind = (kind: string) => [...steps].filter(([k]) => k.startsWith(kind + ' ')).map(([, v]) => v.join(' → '));
  // Trusted kinds have no credentials to authenticate; everything else is the same chain.
  const trusted = 'context → authorize → faults → validate → handle';
  assert.deepEqual(byKind('request'), ['context → route → authenticate → authorize → faults → validate → handle']);
  assert.deepEqual(byKind('internal'), [trusted]);
  assert.deepEqual(byKind('delivery'), [trusted]);
});

test('internal calls and deliveries need no signature (the call kind is trusted); an unsigned wire request does', async () => {
  const { topicArn, queueUrl } = await topicToQueue();
  const unsigned = await fetch(`${fb.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: '{}',
  });
  assert.equal(unsigned.status, 400);
  assert.match(await unsigned.text(), /MissingAuthenticationToken/);
  assert.equal((await internalCall('sqs', 'ListQueues')).status, 200);
  await publish(topicArn, 'trusted');
  const got = await waitFor('the delivered message', async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    return r.Messages?.[0];
  });
  assert.equal(got.Body, 'trusted');
});

test('boto3 sees a denial from the authorize step in its own protocol', async () => {
  const clients = boto3Clients();
  assert.ok(clients.length > 0);
  const { chain } = fb.instance;
  const allow = chain.authorize;
  chain.authorize = (call: Call) => {
    if (call.service === 'sqs' && call.operation === 'ListQueues') throw new ServiceError('AccessDenied', 'Access to the resource is denied.', 403);
  };
  try {
    for (const client of clients) {
      const out = await python(client, fb.endpoint, `
import boto3, botocore, json, os
sqs = boto3.client('sqs', endpoint_url=os.environ['ENDPOINT'], config=botocore.config.Config(retries={'max_attempts': 1}))
try:
    sqs.list_queues()
    print(json.dumps({'ok': True}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`);
      assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
      assert.deepEqual(JSON.parse(out.stdout), { code: 'AccessDenied', status: 403 }, client.label);
    }
  } finally {
    chain.authorize = allow;
  }
});
