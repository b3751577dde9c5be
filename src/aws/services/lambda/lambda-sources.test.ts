// What feeds functions: SQS and DynamoDB Streams event source mappings (batching, filters,
// ReportBatchItemFailures, failures back to the queue and its DLQ, retries and on-failure
// destinations), triggers from SNS, S3 and EventBridge, and an SQS → Lambda → DynamoDB pipeline.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '@aws-sdk/client-lambda';
import * as SQS from '@aws-sdk/client-sqs';
import * as DDB from '@aws-sdk/client-dynamodb';
import * as SNS from '@aws-sdk/client-sns';
import * as S3 from '@aws-sdk/client-s3';
import * as EB from '@aws-sdk/client-eventbridge';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { ROLE, admin, waitFor, zipOf } from '../../../../test/support/lambda-kit.ts';

let fb: TestFogbank;
let lambda: L.LambdaClient;
let sqs: SQS.SQSClient;
let ddb: DDB.DynamoDBClient;

before(async () => {
  fb = await startFogbank();
  lambda = fb.client(L.LambdaClient);
  sqs = fb.client(SQS.SQSClient);
  ddb = fb.client(DDB.DynamoDBClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

/** A function that answers with what `behaviour` computes from the event (and so keeps it in the admin records). */
async function fn(name: string, behaviour = 'return event;', extra: Partial<L.CreateFunctionCommandInput> = {}) {
  await lambda.send(new L.CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zipOf({ 'index.mjs': `export const handler = async (event) => { ${behaviour} };` }) }, ...extra,
  }));
}

async function events(name: string): Promise<any[]> {
  const records = await admin(fb, `/_fogbank/lambda/functions/${name}/invocations`);
  return records.reverse().map((r: any) => JSON.parse(r.request));
}

async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new SQS.CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function counts(url: string): Promise<[number, number]> {
  const a = (await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible)];
}

test('SQS mapping: Creating then Enabled, batches with the real record shape, processed messages deleted, disable stops it', async () => {
  const q = await queue('orders');
  await fn('consumer');
  const created = await lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'consumer', EventSourceArn: q.arn, BatchSize: 5 }));
  assert.equal(created.State, 'Creating');
  assert.equal(created.BatchSize, 5);
  assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:consumer');
  assert.match(created.EventSourceMappingArn!, /:event-source-mapping:[0-9a-f-]{36}$/);
  await waitFor(async () => (await lambda.send(new L.GetEventSourceMappingCommand({ UUID: created.UUID }))).State === 'Enabled');
  await assert.rejects(lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'consumer', EventSourceArn: q.arn })), { name: 'ResourceConflictException' });
  await sqs.send(new SQS.SendMessageBatchCommand({
    QueueUrl: q.url,
    Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: JSON.stringify({ n }), MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } } })),
  }));
  const got = await waitFor(async () => {
    const all = (await events('consumer')).flatMap((e) => e.Records);
    return all.length >= 3 ? all : undefined;
  });
  assert.deepEqual(got.map((r: any) => JSON.parse(r.body).n).sort(), [1, 2, 3]);
  const r = got[0];
  assert.equal(r.eventSource, 'aws:sqs');
  assert.equal(r.eventSourceARN, q.arn);
  assert.equal(r.awsRegion, 'us-east-1');
  assert.match(r.messageId, /^[0-9a-f-]{36}$/);
  assert.ok(r.receiptHandle);
  assert.match(r.md5OfBody, /^[0-9a-f]{32}$/);
  assert.equal(r.attributes.ApproximateReceiveCount, '1');
  assert.ok(r.attributes.SentTimestamp);
  assert.deepEqual(r.messageAttributes.kind, { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' });
  await waitFor(async () => (await counts(q.url)).join() === '0,0', 5000, 'messages deleted');
  const listed = await lambda.send(new L.ListEventSourceMappingsCommand({ FunctionName: 'consumer' }));
  assert.deepEqual(listed.EventSourceMappings?.map((m) => m.UUID), [created.UUID]);

  const off = await lambda.send(new L.UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: false }));
  assert.equal(off.State, 'Updating');
  await waitFor(async () => (await lambda.send(new L.GetEventSourceMappingCommand({ UUID: created.UUID }))).State === 'Disabled');
  const before = (await events('consumer')).length;
  await sqs.send(new SQS.SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"n":4}' }));
  await new Promise((res) => setTimeout(res, 300));
  assert.equal((await events('consumer')).length, before);
  assert.deepEqual(await counts(q.url), [1, 0]);
  const deleted = await lambda.send(new L.DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(deleted.State, 'Deleting');
  await assert.rejects(lambda.send(new L.GetEventSourceMappingCommand({ UUID: created.UUID })), { name: 'ResourceNotFoundException' });
});

test('SQS mapping: filter criteria drop (and delete) messages; ReportBatchItemFailures keeps only the failed ones', async () => {
  const q = await queue('filtered');
  await fn('picky', `const failed = event.Records.filter((r) => JSON.parse(r.body).bad).map((r) => ({ itemIdentifier: r.messageId })); return { batchItemFailures: failed };`);
  await lambda.send(new L.CreateEventSourceMappingCommand({
    FunctionName: 'picky', EventSourceArn: q.arn, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'],
    FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ['keep'] } }) }] },
  }));
  await sqs.send(new SQS.SendMessageBatchCommand({
    QueueUrl: q.url,
    Entries: [
      { Id: 'a', MessageBody: JSON.stringify({ kind: 'keep', n: 1 }) },
      { Id: 'b', MessageBody: JSON.stringify({ kind: 'drop', n: 2 }) },
      { Id: 'c', MessageBody: JSON.stringify({ kind: 'keep', n: 3, bad: true }) },
    ],
  }));
  const seen = await waitFor(async () => {
    const all = (await events('picky')).flatMap((e) => e.Records.map((r: any) => JSON.parse(r.body).n));
    return all.length >= 2 ? all : undefined;
  });
  assert.deepEqual(seen.sort(), [1, 3]);
  // The dropped one and the processed one are deleted; the failed one stays in flight.
  await waitFor(async () => (await counts(q.url)).join() === '0,1', 5000, 'only the failed message left');
});

test('FilterCriteria: an invalid pattern is refused with InvalidParameterValueException and the reason', async () => {
  const q = await queue('unfiltered');
  await fn('strict');
  await assert.rejects(
    lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'strict', EventSourceArn: q.arn, FilterCriteria: { Filters: [{ Pattern: '{"body":[{"regex":"x"}]}' }] } })),
    { name: 'InvalidParameterValueException', message: /^Invalid filter pattern definition: .*Unrecognized match type regex$/ },
  );
});

test('SQS mapping: a failing function leaves messages on the queue, and its redrive policy moves them to the DLQ', async () => {
  const dlq = await queue('consumer-dlq');
  const q = await queue('work', { VisibilityTimeout: '30', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
  await fn('broken', `throw new Error('cannot process');`);
  fb.clock.freeze();
  await lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'broken', EventSourceArn: q.arn }));
  await sqs.send(new SQS.SendMessageCommand({ QueueUrl: q.url, MessageBody: 'poison' }));
  await waitFor(async () => (await events('broken')).length === 1);
  assert.deepEqual(await counts(q.url), [0, 1]);
  const m = await lambda.send(new L.ListEventSourceMappingsCommand({ EventSourceArn: q.arn }));
  assert.equal(m.EventSourceMappings?.length, 1);
  fb.clock.advance(31_000);
  await waitFor(async () => (await counts(dlq.url))[0] === 1, 5000, 'the message in the DLQ');
  assert.deepEqual(await counts(q.url), [0, 0]);
  fb.clock.unfreeze();
});

test('SQS → Lambda → DynamoDB pipeline, end to end', async () => {
  await ddb.send(new DDB.CreateTableCommand({
    TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  const q = await queue('incoming');
  await lambda.send(new L.CreateFunctionCommand({
    FunctionName: 'store-orders', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Timeout: 10,
    Code: { ZipFile: zipOf({ 'index.mjs': `
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const ddb = new DynamoDBClient({});
export const handler = async (event) => {
  for (const r of event.Records) {
    const order = JSON.parse(r.body);
    await ddb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: order.id }, total: { N: String(order.total) }, source: { S: r.eventSourceARN } } }));
  }
};` }) },
  }));
  await lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'store-orders', EventSourceArn: q.arn, BatchSize: 10 }));
  for (let i = 1; i <= 12; i++) await sqs.send(new SQS.SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ id: `o${i}`, total: i * 10 }) }));
  const items = await waitFor(async () => {
    const scan = await ddb.send(new DDB.ScanCommand({ TableName: 'orders' }));
    return scan.Items?.length === 12 ? scan.Items : undefined;
  }, 15_000, 'all orders stored');
  const o7 = items.find((i) => i.id.S === 'o7')!;
  assert.equal(o7.total.N, '70');
  assert.equal(o7.source.S, q.arn);
  await waitFor(async () => (await counts(q.url)).join() === '0,0', 5000, 'queue drained');
});

test('DynamoDB Streams mapping: INSERT and MODIFY records in order; failures retried then sent to the on-failure destination', async () => {
  await ddb.send(new DDB.CreateTableCommand({
    TableName: 'users', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
  const streamArn = (await ddb.send(new DDB.DescribeTableCommand({ TableName: 'users' }))).Table!.LatestStreamArn!;
  const failures = await queue('stream-failures');
  await fn('watcher', `if (event.Records.some((r) => r.dynamodb.NewImage?.poison)) throw new Error('poison'); return event.Records.length;`);
  const m = await lambda.send(new L.CreateEventSourceMappingCommand({
    FunctionName: 'watcher', EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON', BatchSize: 10,
    MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: failures.arn } },
  }));
  assert.equal(m.StartingPosition, 'TRIM_HORIZON');
  assert.equal(m.MaximumRetryAttempts, 1);
  await ddb.send(new DDB.PutItemCommand({ TableName: 'users', Item: { pk: { S: 'u1' }, name: { S: 'Ann' } } }));
  await ddb.send(new DDB.UpdateItemCommand({ TableName: 'users', Key: { pk: { S: 'u1' } }, UpdateExpression: 'SET #n = :n', ExpressionAttributeNames: { '#n': 'name' }, ExpressionAttributeValues: { ':n': { S: 'Anne' } } }));
  const records = await waitFor(async () => {
    const all = (await events('watcher')).flatMap((e) => e.Records);
    return all.length >= 2 ? all : undefined;
  }, 10_000, 'stream records');
  assert.deepEqual(records.map((r: any) => r.eventName), ['INSERT', 'MODIFY']);
  assert.equal(records[0].eventSource, 'aws:dynamodb');
  assert.equal(records[0].eventSourceARN, streamArn);
  assert.deepEqual(records[0].dynamodb.NewImage, { pk: { S: 'u1' }, name: { S: 'Ann' } });
  assert.deepEqual(records[1].dynamodb.OldImage.name, { S: 'Ann' });
  assert.equal(typeof records[0].dynamodb.ApproximateCreationDateTime, 'number');

  await ddb.send(new DDB.PutItemCommand({ TableName: 'users', Item: { pk: { S: 'u2' }, poison: { BOOL: true } } }));
  const failure = await waitFor(async () => (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: failures.url }))).Messages?.[0], 15_000, 'the on-failure record');
  const rec = JSON.parse(failure.Body!);
  assert.equal(rec.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(rec.requestContext.approximateInvokeCount, 2);
  assert.equal(rec.DDBStreamBatchInfo.streamArn, streamArn);
  assert.equal(rec.DDBStreamBatchInfo.batchSize, 1);
  // The stream goes on after the failed batch.
  await ddb.send(new DDB.PutItemCommand({ TableName: 'users', Item: { pk: { S: 'u3' } } }));
  await waitFor(async () => (await events('watcher')).flatMap((e) => e.Records).some((r: any) => r.dynamodb.Keys.pk.S === 'u3'), 10_000, 'records after the failure');
});

test('triggers: SNS subscriptions, S3 notifications and EventBridge rules invoke functions asynchronously', async () => {
  await fn('sink', `return 'ok';`);
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:sink';
  const sns = fb.client(SNS.SNSClient);
  const topic = (await sns.send(new SNS.CreateTopicCommand({ Name: 'alerts' }))).TopicArn!;
  await sns.send(new SNS.SubscribeCommand({ TopicArn: topic, Protocol: 'lambda', Endpoint: arn }));
  await sns.send(new SNS.PublishCommand({ TopicArn: topic, Message: 'hello from sns', Subject: 's' }));
  const snsEvent = await waitFor(async () => (await events('sink')).find((e) => e.Records?.[0]?.EventSource === 'aws:sns'), 10_000, 'the SNS event');
  assert.equal(snsEvent.Records[0].Sns.Message, 'hello from sns');
  assert.equal(snsEvent.Records[0].Sns.TopicArn, topic);

  const s3 = fb.client(S3.S3Client);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'uploads' }));
  await s3.send(new S3.PutBucketNotificationConfigurationCommand({
    Bucket: 'uploads',
    NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] },
  }));
  await s3.send(new S3.PutObjectCommand({ Bucket: 'uploads', Key: 'photo.jpg', Body: 'jpeg' }));
  const s3Event = await waitFor(async () => (await events('sink')).find((e) => e.Records?.[0]?.eventSource === 'aws:s3'), 10_000, 'the S3 event');
  assert.equal(s3Event.Records[0].s3.bucket.name, 'uploads');
  assert.equal(s3Event.Records[0].s3.object.key, 'photo.jpg');

  const eb = fb.client(EB.EventBridgeClient);
  await eb.send(new EB.PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['shop'] }) }));
  await eb.send(new EB.PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'fn', Arn: arn }] }));
  await eb.send(new EB.PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ id: 9 }) }] }));
  const ebEvent = await waitFor(async () => (await events('sink')).find((e) => e.source === 'shop'), 10_000, 'the EventBridge event');
  assert.equal(ebEvent['detail-type'], 'OrderPlaced');
  assert.deepEqual(ebEvent.detail, { id: 9 });
});

test('deliveries to a function ARN: asynchronous by default, synchronous on request; unknown functions refused', async () => {
  await fn('target', `return { got: event };`);
  const env = fb.instance.env;
  const async = await env.deliver({ target: 'arn:aws:lambda:us-east-1:000000000000:function:target', body: '{"a":1}', source: { service: 'test' } });
  assert.match(async.id!, /^[0-9a-f-]{36}$/);
  await waitFor(async () => (await events('target')).some((e) => e.a === 1));
  const sync = await env.deliver({ target: 'arn:aws:lambda:us-east-1:000000000000:function:target', body: '{"b":2}', options: { invocationType: 'RequestResponse' }, source: { service: 'test' } });
  assert.deepEqual(JSON.parse((sync.output as { Payload: string }).Payload), { got: { b: 2 } });
  await assert.rejects(env.deliver({ target: 'arn:aws:lambda:us-east-1:000000000000:function:missing', body: '{}', source: { service: 'test' } }), { code: 'ResourceNotFoundException' });
});

test('an on-success destination on an EventBridge bus publishes "Lambda Function Invocation Result - Success"', async () => {
  const eb = fb.client(EB.EventBridgeClient);
  const q = await queue('results');
  await eb.send(new EB.PutRuleCommand({ Name: 'lambda-results', EventPattern: JSON.stringify({ source: ['lambda'] }) }));
  await eb.send(new EB.PutTargetsCommand({ Rule: 'lambda-results', Targets: [{ Id: 'q', Arn: q.arn }] }));
  await fn('reporter', `return { answer: 42 };`);
  await lambda.send(new L.PutFunctionEventInvokeConfigCommand({ FunctionName: 'reporter', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/default' } } }));
  await lambda.send(new L.InvokeCommand({ FunctionName: 'reporter', InvocationType: 'Event', Payload: '{"q":1}' }));
  const m = await waitFor(async () => (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: q.url }))).Messages?.[0], 10_000, 'the destination event');
  const event = JSON.parse(m.Body!);
  assert.equal(event.source, 'lambda');
  assert.equal(event['detail-type'], 'Lambda Function Invocation Result - Success');
  assert.deepEqual(event.resources, ['arn:aws:lambda:us-east-1:000000000000:function:reporter:$LATEST']);
  assert.equal(event.detail.requestContext.condition, 'Success');
  assert.deepEqual(event.detail.responsePayload, { answer: 42 });
  assert.deepEqual(event.detail.requestPayload, { q: 1 });
});
