// SQS through the AWS SDK v3 (JSON protocol): queues, messages, batches, FIFO, redrive, move tasks,
// deliveries from other services and the out-of-band routes. Clock-driven behaviour is in
// sqs-clock.test.ts; boto3 and the AWS CLIs (query and JSON) in sqs-clients.test.ts.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, DeleteQueueCommand, GetQueueAttributesCommand,
  SetQueueAttributesCommand, SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand,
  DeleteMessageBatchCommand, ChangeMessageVisibilityBatchCommand, PurgeQueueCommand, TagQueueCommand, UntagQueueCommand,
  ListQueueTagsCommand, AddPermissionCommand, RemovePermissionCommand, ListDeadLetterSourceQueuesCommand,
  StartMessageMoveTaskCommand, ListMessageMoveTasksCommand, CancelMessageMoveTaskCommand, type Message,
} from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { SqsEngine } from './engine.ts';

let fb: TestFogbank;
let sqs: SQSClient;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(SQSClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function createQueue(name: string, Attributes?: Record<string, string>): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
}

async function attributes(QueueUrl: string, ...names: string[]): Promise<Record<string, string>> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: (names.length ? names : ['All']) as never }))).Attributes ?? {};
}

async function receive(QueueUrl: string, extra: Record<string, unknown> = {}): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];
}

const port = () => new URL(fb.endpoint).port;
const arn = (name: string, account = '000000000000', region = 'us-east-1') => `arn:aws:sqs:${region}:${account}:${name}`;

/** An SDK error's name, HTTP status and the query code it was given (x-amzn-query-error). */
async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp, queryCode?: string): Promise<void> {
  await assert.rejects(p, (e: any) => {
    assert.equal(e.name, name, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    if (queryCode) assert.equal(e.$response?.headers?.['x-amzn-query-error'], `${queryCode};Sender`);
    return true;
  });
}

test('CreateQueue answers a URL on the endpoint; GetQueueUrl and ListQueues find it', async () => {
  const url = await createQueue('orders');
  assert.equal(url, `${fb.endpoint}/000000000000/orders`);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, url);
  await createQueue('orders-dlq');
  await createQueue('payments');
  const all = await sqs.send(new ListQueuesCommand({}));
  assert.deepEqual(all.QueueUrls, ['orders', 'orders-dlq', 'payments'].map((n) => `${fb.endpoint}/000000000000/${n}`));
  assert.equal(all.NextToken, undefined);
  const prefixed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }));
  assert.equal(prefixed.QueueUrls!.length, 2);
  assert.equal((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'nothing' }))).QueueUrls, undefined);
});

test('ListQueues pages with MaxResults and NextToken', async () => {
  for (let i = 0; i < 5; i++) await createQueue(`q${i}`);
  const seen: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken }));
    assert.ok(page.QueueUrls!.length <= 2);
    seen.push(...page.QueueUrls!);
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(seen.map((u) => u.split('/').pop()), ['q0', 'q1', 'q2', 'q3', 'q4']);
  await rejects(sqs.send(new ListQueuesCommand({ MaxResults: 1001 })), 'InvalidParameterValue');
});

test('both queue URL forms (and LocalStack\'s) name the same queue; a bad URL is InvalidAddress', async () => {
  await createQueue('jobs');
  const forms = [
    `http://sqs.us-east-1.localhost:${port()}/000000000000/jobs`,
    `http://localhost:${port()}/000000000000/jobs`,
    `http://localhost.localstack.cloud:${port()}/queue/us-east-1/000000000000/jobs`,
    `https://sqs.us-east-1.amazonaws.com/000000000000/jobs/`,
  ];
  for (const [i, QueueUrl] of forms.entries()) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  assert.equal((await attributes(forms[0], 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '4');
  // A region in the host name wins over the client's region.
  const west = fb.client(SQSClient, { region: 'eu-west-1' });
  assert.equal((await west.send(new ReceiveMessageCommand({ QueueUrl: forms[0], MaxNumberOfMessages: 10 }))).Messages!.length, 4);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: 'not a url', MessageBody: 'x' })), 'InvalidAddress', 'The address not a url is not valid for this endpoint.');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: `http://localhost:${port()}/jobs`, MessageBody: 'x' })), 'InvalidAddress');
});

test('a queue that does not exist: QueueDoesNotExist with the query code in x-amzn-query-error', async () => {
  await rejects(sqs.send(new GetQueueUrlCommand({ QueueName: 'ghost' })), 'QueueDoesNotExist', 'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: `${fb.endpoint}/000000000000/ghost`, MessageBody: 'x' })), 'QueueDoesNotExist');
});

test('queues are scoped by account and region', async () => {
  const url = await createQueue('shared-name');
  const other = fb.client(SQSClient, { credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' } });
  const west = fb.client(SQSClient, { region: 'eu-west-1' });
  await rejects(west.send(new GetQueueUrlCommand({ QueueName: 'shared-name' })), 'QueueDoesNotExist');
  const otherUrl = (await other.send(new CreateQueueCommand({ QueueName: 'shared-name' }))).QueueUrl!;
  assert.equal(otherUrl, `${fb.endpoint}/111122223333/shared-name`);
  assert.equal((await attributes(otherUrl, 'QueueArn')).QueueArn, arn('shared-name', '111122223333'));
  // Another account's queue by its owner id.
  assert.equal((await other.send(new GetQueueUrlCommand({ QueueName: 'shared-name', QueueOwnerAWSAccountId: '000000000000' }))).QueueUrl, url);
  assert.equal((await west.send(new ListQueuesCommand({}))).QueueUrls, undefined);
});

test('CreateQueue with the same attributes is idempotent; different ones are QueueNameExists', async () => {
  const url = await createQueue('idem', { VisibilityTimeout: '45' });
  assert.equal(await createQueue('idem', { VisibilityTimeout: '45' }), url);
  assert.equal(await createQueue('idem'), url);
  await rejects(createQueue('idem', { VisibilityTimeout: '46' }), 'QueueNameExists',
    'A queue already exists with the same name and a different value for attribute VisibilityTimeout', 'QueueAlreadyExists');
});

test('queue names: FIFO queues need FifoQueue=true and the .fifo suffix', async () => {
  const invalid = 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length';
  await rejects(createQueue('has space'), 'InvalidParameterValue', invalid);
  await rejects(createQueue('x'.repeat(81)), 'InvalidParameterValue', invalid);
  await rejects(createQueue('plain.fifo'), 'InvalidParameterValue', invalid);
  await rejects(createQueue('nofifo', { FifoQueue: 'true' }), 'InvalidParameterValue', /must end with \.fifo suffix/);
  const url = await createQueue('ok.fifo', { FifoQueue: 'true' });
  assert.equal((await attributes(url, 'FifoQueue')).FifoQueue, 'true');
  await rejects(createQueue('std', { ContentBasedDeduplication: 'true' }), 'InvalidAttributeName', 'Unknown Attribute ContentBasedDeduplication.');
});

test('GetQueueAttributes: All for standard and FIFO queues, single names, unknown names', async () => {
  const std = await createQueue('attrs', { DelaySeconds: '5', Policy: '{"Version":"2012-10-17","Statement":[]}' });
  const a = await attributes(std);
  assert.deepEqual(Object.keys(a).sort(), [
    'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible', 'CreatedTimestamp',
    'DelaySeconds', 'LastModifiedTimestamp', 'MaximumMessageSize', 'MessageRetentionPeriod', 'Policy', 'QueueArn',
    'ReceiveMessageWaitTimeSeconds', 'SqsManagedSseEnabled', 'VisibilityTimeout',
  ]);
  assert.equal(a.DelaySeconds, '5');
  assert.equal(a.VisibilityTimeout, '30');
  assert.equal(a.MaximumMessageSize, '1048576');
  assert.equal(a.MessageRetentionPeriod, '345600');
  assert.equal(a.QueueArn, arn('attrs'));
  assert.ok(Math.abs(Number(a.CreatedTimestamp) - Date.now() / 1000) < 5);
  const fifo = await createQueue('attrs.fifo', { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
  const f = await attributes(fifo);
  assert.equal(f.FifoQueue, 'true');
  assert.equal(f.ContentBasedDeduplication, 'false');
  assert.equal(f.DeduplicationScope, 'messageGroup');
  assert.equal(f.FifoThroughputLimit, 'perMessageGroupId');
  assert.deepEqual(await attributes(std, 'VisibilityTimeout'), { VisibilityTimeout: '30' });
  assert.deepEqual((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: std }))).Attributes, undefined);
  await rejects(attributes(std, 'Bogus'), 'InvalidAttributeName', 'Unknown Attribute Bogus.');
  await rejects(attributes(std, 'FifoQueue'), 'InvalidAttributeName');
});

test('SetQueueAttributes checks values and updates LastModifiedTimestamp', async () => {
  const url = await createQueue('settable');
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '120', ReceiveMessageWaitTimeSeconds: '20' } }));
  const a = await attributes(url, 'VisibilityTimeout', 'ReceiveMessageWaitTimeSeconds');
  assert.deepEqual(a, { VisibilityTimeout: '120', ReceiveMessageWaitTimeSeconds: '20' });
  const bad: Record<string, string> = {
    VisibilityTimeout: '43201', DelaySeconds: '901', MaximumMessageSize: '1023', MessageRetentionPeriod: '59',
    ReceiveMessageWaitTimeSeconds: '21', Policy: 'not json',
  };
  for (const [k, v] of Object.entries(bad)) {
    await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { [k]: v } })), 'InvalidAttributeValue', `Invalid value for the parameter ${k}.`);
  }
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { QueueArn: 'x' } })), 'InvalidAttributeName');
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: '{"maxReceiveCount":3}' } })), 'InvalidParameterValue',
    /Redrive policy does not contain mandatory attribute: deadLetterTargetArn/);
  await rejects(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('missing'), maxReceiveCount: 3 }) } })),
    'InvalidParameterValue', /Dead letter target does not exist/);
});

test('SendMessage and ReceiveMessage: body, MD5s, message and system attributes', async () => {
  const url = await createQueue('messages');
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url,
    MessageBody: 'héllo wörld',
    MessageAttributes: {
      city: { DataType: 'String', StringValue: 'Zürich' },
      count: { DataType: 'Number', StringValue: '42' },
      blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
      'custom.kind': { DataType: 'String.custom', StringValue: 'x' },
    },
    MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } },
  }));
  assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
  assert.equal(sent.MD5OfMessageBody, (await import('node:crypto')).createHash('md5').update('héllo wörld').digest('hex'));
  assert.match(sent.MD5OfMessageAttributes!, /^[0-9a-f]{32}$/);
  assert.match(sent.MD5OfMessageSystemAttributes!, /^[0-9a-f]{32}$/);

  const [m] = await receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] });
  assert.equal(m.Body, 'héllo wörld');
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(m.MessageAttributes!.city, { DataType: 'String', StringValue: 'Zürich' });
  assert.deepEqual([...m.MessageAttributes!.blob.BinaryValue!], [0, 1, 2, 255]);
  assert.equal(m.Attributes!.SenderId, '000000000000');
  assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
  assert.equal(m.Attributes!.AWSTraceHeader, 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1');
  assert.ok(Math.abs(Number(m.Attributes!.SentTimestamp) - Date.now()) < 5000);
  assert.ok(Number(m.Attributes!.ApproximateFirstReceiveTimestamp) >= Number(m.Attributes!.SentTimestamp));
  assert.match(m.ReceiptHandle!, /^AQEB/);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
  // Deleting again is not an error; nothing is left.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
  assert.deepEqual(await attributes(url, 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'),
    { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
});

test('ReceiveMessage returns only the attributes asked for, by name or prefix, with their MD5', async () => {
  const url = await createQueue('selective');
  await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'x',
    MessageAttributes: { 'order.id': { DataType: 'String', StringValue: '1' }, 'order.total': { DataType: 'Number', StringValue: '9.5' }, other: { DataType: 'String', StringValue: 'o' } },
  }));
  const [m] = await receive(url, { MessageAttributeNames: ['order.*'], MessageSystemAttributeNames: ['SentTimestamp'], VisibilityTimeout: 0 });
  assert.deepEqual(Object.keys(m.MessageAttributes!).sort(), ['order.id', 'order.total']);
  assert.deepEqual(Object.keys(m.Attributes!), ['SentTimestamp']);
  const [plain] = await receive(url);
  assert.equal(plain.MessageAttributes, undefined);
  assert.equal(plain.MD5OfMessageAttributes, undefined);
  assert.equal(plain.Attributes, undefined);
});

test('messages are checked: body, characters, size, attributes', async () => {
  const url = await createQueue('checks', { MaximumMessageSize: '1024' });
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' })), 'MissingParameter', 'The request must contain the parameter MessageBody.');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001 char' })), 'InvalidMessageContents', /#x1/);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) })), 'InvalidParameterValue',
    'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.');
  // Attributes count towards the size.
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1000), MessageAttributes: { a: { DataType: 'String', StringValue: 'y'.repeat(30) } } })),
    'InvalidParameterValue', /shorter than 1024 bytes/);
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })), 'InvalidParameterValue',
    'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.');
  const attr = (MessageAttributes: any) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes }));
  await rejects(attr({ n: { DataType: 'Number', StringValue: 'abc' } }), 'InvalidParameterValue', "Can't cast the value of message (user) attribute 'n' to a number.");
  await rejects(attr({ n: { DataType: 'Text', StringValue: 'abc' } }), 'InvalidParameterValue', /invalid message attribute type/);
  await rejects(attr({ 'AWS.reserved': { DataType: 'String', StringValue: 'v' } }), 'InvalidParameterValue', /reserved/);
  await rejects(attr({ 'a..b': { DataType: 'String', StringValue: 'v' } }), 'InvalidParameterValue', /is invalid/);
  await rejects(attr({ s: { DataType: 'String', StringValue: '' } }), 'InvalidParameterValue', /must contain non-empty message attribute value/);
  const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
  await rejects(attr(eleven), 'InvalidParameterValue', 'Number of message attributes [11] exceeds the allowed maximum [10].');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })), 'InvalidParameterValue',
    /The request include parameter that is not valid for this queue type/);
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '0');
});

test('ReceiveMessage checks its parameters', async () => {
  const url = await createQueue('receive-checks');
  await rejects(receive(url, { MaxNumberOfMessages: 11 }), 'InvalidParameterValue',
    'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  await rejects(receive(url, { WaitTimeSeconds: 21 }), 'InvalidParameterValue', /WaitTimeSeconds/);
  await rejects(receive(url, { VisibilityTimeout: 43201 }), 'InvalidParameterValue', /VisibilityTimeout/);
});

test('SendMessageBatch: per-entry results and failures, and the batch-level errors', async () => {
  const url = await createQueue('batch');
  const out = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'ok-1', MessageBody: 'one', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
      { Id: 'bad', MessageBody: 'two', DelaySeconds: 1000 },
      { Id: 'ok_2', MessageBody: 'three' },
    ],
  }));
  assert.deepEqual(out.Successful!.map((s) => s.Id), ['ok-1', 'ok_2']);
  assert.match(out.Successful![0].MD5OfMessageAttributes!, /^[0-9a-f]{32}$/);
  assert.deepEqual(out.Failed, [{
    Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue',
    Message: 'Value 1000 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
  }]);
  const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries(11) })), 'TooManyEntriesInBatchRequest',
    'Maximum number of entries per request are 10. You have sent 11.', 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })), 'EmptyBatchRequest', undefined, 'AWS.SimpleQueueService.EmptyBatchRequest');
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }] })),
    'BatchEntryIdsNotDistinct', 'Id a repeated.');
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'not ok!', MessageBody: 'x' }] })), 'InvalidBatchEntryId');
  const big = Array.from({ length: 2 }, (_, i) => ({ Id: `b${i}`, MessageBody: 'x'.repeat(600_000) }));
  await rejects(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: big })), 'BatchRequestTooLong', /Batch requests cannot be longer than 1048576 bytes/);
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '2');
});

test('DeleteMessageBatch and ChangeMessageVisibilityBatch report bad receipt handles per entry', async () => {
  const url = await createQueue('batch-receipts');
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'b', MessageBody: '2' }] }));
  const got = await receive(url);
  assert.equal(got.length, 2);
  const vis = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'v1', ReceiptHandle: got[0].ReceiptHandle!, VisibilityTimeout: 0 }, { Id: 'v2', ReceiptHandle: 'garbage', VisibilityTimeout: 0 }],
  }));
  assert.deepEqual(vis.Successful, [{ Id: 'v1' }]);
  assert.equal(vis.Failed![0].Code, 'ReceiptHandleIsInvalid');
  assert.equal(vis.Failed![0].Message, 'The input receipt handle "garbage" is not a valid receipt handle.');
  const del = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'd1', ReceiptHandle: got[1].ReceiptHandle! }, { Id: 'd2', ReceiptHandle: 'AQEBbm9wZQ==' }],
  }));
  assert.deepEqual(del.Successful, [{ Id: 'd1' }]);
  assert.deepEqual(del.Failed!.map((f) => [f.Id, f.Code, f.SenderFault]), [['d2', 'ReceiptHandleIsInvalid', true]]);
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '1');
  await rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'nonsense' })), 'ReceiptHandleIsInvalid');
  // A handle of one queue does not act on another.
  const other = await createQueue('other');
  await rejects(sqs.send(new DeleteMessageCommand({ QueueUrl: other, ReceiptHandle: got[0].ReceiptHandle! })), 'ReceiptHandleIsInvalid');
});

test('FIFO: strict order within a group, a group with a message in flight is locked, other groups are not', async () => {
  const url = await createQueue('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  for (const [g, body] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['a', 'a3'], ['b', 'b2']]) {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: g }));
  }
  // As many of one group as fit, in order, first.
  const first = await receive(url, { MaxNumberOfMessages: 2, MessageSystemAttributeNames: ['MessageGroupId', 'SequenceNumber'] });
  assert.deepEqual(first.map((m) => m.Body), ['a1', 'a2']);
  // Group a is locked while a1/a2 are in flight; group b is free.
  const second = await receive(url, { MaxNumberOfMessages: 10 });
  assert.deepEqual(second.map((m) => m.Body), ['b1', 'b2']);
  assert.deepEqual(await receive(url), []);
  // Deleting a1 keeps the group locked (a2 is still in flight); deleting a2 unlocks it.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle! }));
  assert.deepEqual(await receive(url), []);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[1].ReceiptHandle! }));
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['a3']);
  const seq = first.map((m) => BigInt(m.Attributes!.SequenceNumber!));
  assert.ok(seq[1] > seq[0]);
});

test('FIFO: a message made visible again comes back first, before the rest of its group', async () => {
  const url = await createQueue('redo.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  for (const body of ['1', '2', '3']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
  const [m1] = await receive(url, { MaxNumberOfMessages: 1 });
  assert.equal(m1.Body, '1');
  await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: [{ Id: 'x', ReceiptHandle: m1.ReceiptHandle!, VisibilityTimeout: 0 }] }));
  const again = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  assert.deepEqual(again.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount]), [['1', '2'], ['2', '1'], ['3', '1']]);
});

test('FIFO: deduplication by id and by content, per queue or per group', async () => {
  const url = await createQueue('dedup.fifo', { FifoQueue: 'true' });
  const a = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
  const b = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'other body', MessageGroupId: 'h', MessageDeduplicationId: 'd1' }));
  assert.equal(b.MessageId, a.MessageId);
  assert.equal(b.SequenceNumber, a.SequenceNumber);
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '1');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })), 'InvalidParameterValue',
    'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'z' })), 'MissingParameter',
    'The request must contain the parameter MessageGroupId.');
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'z', DelaySeconds: 5 })),
    'InvalidParameterValue', /DelaySeconds is invalid\. Reason: The request include parameter that is not valid for this queue type/);

  const byGroup = await createQueue('scoped.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true', DeduplicationScope: 'messageGroup' });
  const g1 = await sqs.send(new SendMessageCommand({ QueueUrl: byGroup, MessageBody: 'same', MessageGroupId: 'g1' }));
  const g2 = await sqs.send(new SendMessageCommand({ QueueUrl: byGroup, MessageBody: 'same', MessageGroupId: 'g2' }));
  const g1again = await sqs.send(new SendMessageCommand({ QueueUrl: byGroup, MessageBody: 'same', MessageGroupId: 'g1' }));
  assert.notEqual(g1.MessageId, g2.MessageId);
  assert.equal(g1again.MessageId, g1.MessageId);
  const got = await receive(byGroup, { MessageSystemAttributeNames: ['MessageDeduplicationId'] });
  assert.equal(got.length, 2);
  // Content-based ids are the SHA-256 of the body.
  assert.equal(got[0].Attributes!.MessageDeduplicationId, (await import('node:crypto')).createHash('sha256').update('same').digest('hex'));
});

test('FIFO: a receive retried with the same ReceiveRequestAttemptId gets the same messages and handles', async () => {
  const url = await createQueue('attempt.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  for (const body of ['1', '2']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
  const first = await receive(url, { ReceiveRequestAttemptId: 'attempt-1' });
  const retry = await receive(url, { ReceiveRequestAttemptId: 'attempt-1' });
  assert.deepEqual(retry.map((m) => m.ReceiptHandle), first.map((m) => m.ReceiptHandle));
  assert.deepEqual(retry.map((m) => m.Body), ['1', '2']);
  assert.deepEqual(await receive(url, { ReceiveRequestAttemptId: 'attempt-2' }), []);
});

test('a redrive policy moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
  const dlq = await createQueue('work-dlq');
  const url = await createQueue('work', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('work-dlq'), maxReceiveCount: '2' }) });
  assert.equal((await attributes(url, 'RedrivePolicy')).RedrivePolicy, JSON.stringify({ deadLetterTargetArn: arn('work-dlq'), maxReceiveCount: 2 }));
  const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
  for (let i = 1; i <= 2; i++) {
    const [m] = await receive(url, { VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    assert.equal(m.Attributes!.ApproximateReceiveCount, String(i));
  }
  assert.deepEqual(await receive(url), []);
  const [dead] = await receive(dlq, { MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
  assert.equal(dead.MessageId, MessageId);
  assert.equal(dead.Body, 'poison');
  assert.equal(dead.MessageAttributes!.k.StringValue, 'v');
  assert.equal(dead.Attributes!.DeadLetterQueueSourceArn, arn('work'));
  const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
  assert.deepEqual(sources.queueUrls, [url]);
});

test('redrive policies: FIFO to FIFO only, and the dead-letter queue\'s redrive allow policy', async () => {
  await createQueue('std-dlq');
  await rejects(createQueue('src.fifo', { FifoQueue: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('std-dlq'), maxReceiveCount: 1 }) }),
    'InvalidParameterValue', /same type of queue/);
  await createQueue('closed-dlq', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
  await rejects(createQueue('src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('closed-dlq'), maxReceiveCount: 1 }) }), 'InvalidParameterValue',
    /redrive allow policy does not allow/);
  await createQueue('picky-dlq', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arn('allowed')] }) });
  await createQueue('allowed', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('picky-dlq'), maxReceiveCount: 1 }) });
  await rejects(createQueue('refused', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('picky-dlq'), maxReceiveCount: 1 }) }), 'InvalidParameterValue');
  await rejects(createQueue('bad-allow', { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue' }) }), 'InvalidParameterValue');
  // FIFO dead-lettering keeps the group.
  const fdlq = await createQueue('f-dlq.fifo', { FifoQueue: 'true' });
  const f = await createQueue('f.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('f-dlq.fifo'), maxReceiveCount: 1 }) });
  await sqs.send(new SendMessageCommand({ QueueUrl: f, MessageBody: 'p', MessageGroupId: 'grp' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: f, MessageBody: 'q', MessageGroupId: 'grp' }));
  assert.deepEqual((await receive(f, { VisibilityTimeout: 0, MaxNumberOfMessages: 1 })).map((m) => m.Body), ['p']);
  // p has been received once: it goes to the DLQ, and q comes next.
  assert.deepEqual((await receive(f, { MaxNumberOfMessages: 1 })).map((m) => m.Body), ['q']);
  const [dead] = await receive(fdlq, { MessageSystemAttributeNames: ['MessageGroupId'] });
  assert.deepEqual([dead.Body, dead.Attributes!.MessageGroupId], ['p', 'grp']);
});

test('message move tasks send dead letters back to their source queues, or to a destination', async () => {
  const dlq = await createQueue('mm-dlq');
  const src = await createQueue('mm-src', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('mm-dlq'), maxReceiveCount: 1 }) });
  const elsewhere = await createQueue('mm-elsewhere');
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: `m${i}` }));
  await receive(src, { VisibilityTimeout: 0 });
  assert.deepEqual(await receive(src), []); // all three went to the DLQ
  assert.equal((await attributes(dlq, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '3');

  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('mm-src') })), 'InvalidParameterValue', 'Source queue must be configured as a Dead Letter Queue.');
  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('nope') })), 'ResourceNotFoundException');
  fb.clock.freeze();
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('mm-dlq'), MaxNumberOfMessagesPerSecond: 2 }));
  await rejects(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('mm-dlq') })), 'InvalidParameterValue', /already a task running/);
  let [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('mm-dlq') }))).Results!;
  assert.equal(task.Status, 'RUNNING');
  assert.equal(task.TaskHandle, TaskHandle);
  assert.equal(task.ApproximateNumberOfMessagesToMove, 3);
  fb.clock.advance(1000); // two per second
  [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('mm-dlq') }))).Results!;
  assert.equal(task.ApproximateNumberOfMessagesMoved, 2);
  fb.clock.advance(1000);
  [task] = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('mm-dlq') }))).Results!;
  assert.equal(task.Status, 'COMPLETED');
  assert.equal(task.ApproximateNumberOfMessagesMoved, 3);
  assert.equal(task.TaskHandle, undefined);
  assert.deepEqual((await receive(src)).map((m) => m.Body).sort(), ['m0', 'm1', 'm2']);

  // To a named destination, cancelled half way.
  for (let i = 0; i < 4; i++) await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: `d${i}` }));
  const second = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn('mm-dlq'), DestinationArn: arn('mm-elsewhere'), MaxNumberOfMessagesPerSecond: 1 }));
  fb.clock.advance(1000);
  const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: second.TaskHandle! }));
  assert.equal(cancelled.ApproximateNumberOfMessagesMoved, 1);
  fb.clock.advance(5000);
  assert.deepEqual((await receive(elsewhere)).map((m) => m.Body), ['d0']);
  const list = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn('mm-dlq'), MaxResults: 10 }))).Results!;
  assert.deepEqual(list.map((t) => t.Status), ['CANCELLED', 'COMPLETED']);
  await rejects(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: second.TaskHandle! })), 'UnsupportedOperation');
});

test('PurgeQueue empties a queue once per 60 seconds', async () => {
  const url = await createQueue('purge');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  fb.clock.freeze();
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '0');
  await rejects(sqs.send(new PurgeQueueCommand({ QueueUrl: url })), 'PurgeQueueInProgress', 'Only one PurgeQueue operation on purge is allowed every 60 seconds.',
    'AWS.SimpleQueueService.PurgeQueueInProgress');
  fb.clock.advance(60_000);
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
});

test('DeleteQueue removes queue and messages; the name can be used again after 60 seconds', async () => {
  const url = await createQueue('gone');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  fb.clock.freeze();
  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  await rejects(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })), 'QueueDoesNotExist');
  await rejects(createQueue('gone'), 'QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    'AWS.SimpleQueueService.QueueDeletedRecently');
  fb.clock.advance(60_000);
  assert.equal(await createQueue('gone'), url);
  assert.equal((await attributes(url, 'ApproximateNumberOfMessages')).ApproximateNumberOfMessages, '0');
});

test('tags: on create, TagQueue, UntagQueue, ListQueueTags', async () => {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'tagged', tags: { team: 'a', env: 'dev' } }))).QueueUrl!;
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: 'prod', cost: '1' } }));
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team'] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { env: 'prod', cost: '1' });
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  await rejects(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: many })), 'InvalidParameterValue', /Too many tags/);
});

test('AddPermission and RemovePermission edit the queue policy', async () => {
  const url = await createQueue('shared');
  await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'send', AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] }));
  const policy = JSON.parse((await attributes(url, 'Policy')).Policy);
  assert.deepEqual(policy.Statement, [{
    Sid: 'send', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'SQS:SendMessage', Resource: arn('shared'),
  }]);
  await rejects(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'send', AWSAccountIds: ['1'], Actions: ['SendMessage'] })), 'InvalidParameterValue', /Already exists/);
  await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'send' }));
  assert.deepEqual(await attributes(url, 'Policy'), {});
  await rejects(sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'send' })), 'InvalidParameterValue');
});

test('deliveries to a queue ARN enqueue the body with attributes, FIFO ids, and fail for a missing queue', async () => {
  const url = await createQueue('target');
  const env = fb.instance.env;
  const result = await env.deliver({
    target: arn('target'),
    body: '{"hello":"world"}',
    attributes: { kind: { DataType: 'String', StringValue: 'greeting' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('b') } },
    source: { service: 'sns', arn: 'arn:aws:sns:us-east-1:000000000000:topic' },
  });
  const [m] = await receive(url, { MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['SenderId'] });
  assert.equal(result.id, m.MessageId);
  assert.equal(m.Body, '{"hello":"world"}');
  assert.equal(m.MessageAttributes!.kind.StringValue, 'greeting');
  assert.equal(Buffer.from(m.MessageAttributes!.raw.BinaryValue!).toString(), 'b');
  assert.equal(m.Attributes!.SenderId, 'AIDAIT2UOQQY3AUEKVGXU');

  const fifo = await createQueue('target.fifo', { FifoQueue: 'true' });
  const deliverFifo = (deduplicationId: string, body: string) =>
    env.deliver({ target: arn('target.fifo'), body, groupId: 'g', deduplicationId, source: { service: 'events' } });
  const a = await deliverFifo('d1', 'first');
  const b = await deliverFifo('d1', 'first again');
  assert.equal(a.id, b.id);
  await deliverFifo('d2', 'second');
  assert.deepEqual((await receive(fifo, { MessageSystemAttributeNames: ['MessageGroupId'] })).map((x) => [x.Body, x.Attributes!.MessageGroupId]),
    [['first', 'g'], ['second', 'g']]);

  await assert.rejects(env.deliver({ target: arn('missing'), body: 'x', source: { service: 'sns' } }), (e: unknown) => {
    assert.ok(e instanceof ServiceError);
    assert.equal(e.code, 'QueueDoesNotExist');
    assert.equal(e.queryCode, 'AWS.SimpleQueueService.NonExistentQueue');
    return true;
  });
  const log = env.requests.entries().filter((e) => e.kind === 'delivery');
  assert.deepEqual(log.map((e) => e.status), [200, 200, 200, 200, 400]);
});

test('peeking at a queue changes nothing: /_fogbank/sqs/messages and LocalStack\'s /_aws/sqs/messages', async () => {
  const url = await createQueue('peek');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'two' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 600 }));
  await receive(url, { MaxNumberOfMessages: 1 }); // 'one' is now in flight

  const own = await (await fetch(`${fb.endpoint}/_fogbank/sqs/messages?QueueUrl=${encodeURIComponent(url)}`)).json() as any;
  assert.deepEqual(own.messages.map((m: any) => [m.Body, m.state]), [['one', 'inflight'], ['two', 'visible'], ['later', 'delayed']]);
  assert.deepEqual(own.messages[0].MessageAttributes, { k: { StringValue: 'v', DataType: 'String' } });

  const asJson = await (await fetch(`${fb.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}`, { headers: { accept: 'application/json' } })).json() as any;
  const only = asJson.ReceiveMessageResponse.ReceiveMessageResult.Message;
  assert.equal(only.Body, 'two'); // in flight and delayed ones are hidden unless asked for
  assert.deepEqual(only.Attribute.find((a: any) => a.Name === 'ApproximateReceiveCount'), { Name: 'ApproximateReceiveCount', Value: '0' });
  const everything = await (await fetch(`${fb.endpoint}/_aws/sqs/messages/us-east-1/000000000000/peek?ShowInvisible=true&ShowDelayed=true`, {
    headers: { accept: 'application/json' },
  })).json() as any;
  assert.deepEqual(everything.ReceiveMessageResponse.ReceiveMessageResult.Message.map((m: any) => m.Body), ['one', 'two', 'later']);
  const xml = await (await fetch(`${fb.endpoint}/_aws/sqs/messages?QueueUrl=${encodeURIComponent(url)}`)).text();
  assert.match(xml, /^<\?xml .*<ReceiveMessageResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/"><ReceiveMessageResult><Message><MessageId>/);
  assert.match(xml, /<Body>two<\/Body>/);
  const missing = await fetch(`${fb.endpoint}/_aws/sqs/messages/us-east-1/000000000000/nope`, { headers: { accept: 'application/json' } });
  assert.equal(missing.status, 400);
  assert.equal(((await missing.json()) as any).ErrorResponse.Error.Code, 'AWS.SimpleQueueService.NonExistentQueue');

  // Nothing changed: 'two' is still first in line with a receive count of 1.
  const [next] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  assert.deepEqual([next.Body, next.Attributes!.ApproximateReceiveCount], ['two', '1']);
  const queues = await (await fetch(`${fb.endpoint}/_fogbank/sqs/queues`)).json() as any;
  assert.deepEqual(queues.queues.map((q: any) => [q.name, q.attributes.ApproximateNumberOfMessagesDelayed]), [['peek', '1']]);
});

test('queues and messages survive a restart, in-flight state included', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-sqs-'));
  try {
    let node = await startFogbank({ ephemeral: false, dataDir });
    let client = node.client(SQSClient);
    const url = (await client.send(new CreateQueueCommand({ QueueName: 'durable.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
    for (const b of ['a', 'b']) await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: b, MessageGroupId: 'g' }));
    const [inFlight] = (await client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 600 }))).Messages!;
    assert.equal(inFlight.Body, 'a');
    await node.stop();

    node = await startFogbank({ ephemeral: false, dataDir, port: Number(new URL(url).port) });
    client = node.client(SQSClient);
    // The group is still locked by the message in flight; its old receipt handle still works.
    assert.equal((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: inFlight.ReceiptHandle! }));
    assert.equal((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0].Body, 'b');
    // Deduplication survives too.
    const again = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g' }));
    assert.equal((await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages, '0');
    assert.ok(again.MessageId);
    await node.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the engine keeps no waiter once a long poll has answered', async () => {
  const url = await createQueue('waiters');
  const engine = (await fb.instance.registry.load('sqs')).state() as SqsEngine;
  const polling = receive(url, { WaitTimeSeconds: 20 });
  while (engine.waitingReceivers() === 0) await new Promise((r) => setTimeout(r, 5));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
  assert.deepEqual((await polling).map((m) => m.Body), ['wake']);
  assert.equal(engine.waitingReceivers(), 0);
});

test('a missing required parameter answers MissingParameter naming it, as SQS does', async () => {
  await rejects(sqs.send(new ReceiveMessageCommand({} as any)), 'MissingParameter', 'The request must contain the parameter QueueUrl.');
  await rejects(sqs.send(new CreateQueueCommand({} as any)), 'MissingParameter', 'The request must contain the parameter QueueName.');
});
