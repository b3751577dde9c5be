// SQS on the virtual clock: visibility timeouts, delays, retention and long polling move with
// fb.clock, deterministically; long polls wake when a message arrives, not by polling.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand, ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand, SetQueueAttributesCommand, type Message,
} from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import type { SqsEngine } from './engine.ts';

let fb: TestFogbank;
let sqs: SQSClient;
let engine: SqsEngine;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(SQSClient);
  await sqs.send(new CreateQueueCommand({ QueueName: 'warm-up' }));
  engine = (await fb.instance.registry.load('sqs')).state() as SqsEngine;
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  fb.clock.freeze();
});

async function createQueue(name: string, Attributes?: Record<string, string>): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
}

async function receive(QueueUrl: string, extra: Record<string, unknown> = {}): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra }))).Messages ?? [];
}

async function counts(QueueUrl: string): Promise<[number, number, number]> {
  const a = (await sqs.send(new GetQueueAttributesCommand({
    QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }))).Attributes!;
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
}

/** Resolves once `n` long polls are waiting in the engine, so the clock can be moved under them. */
async function waiting(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (engine.waitingReceivers() < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} waiting receivers, have ${engine.waitingReceivers()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('a received message stays invisible for its visibility timeout, then comes back with a higher receive count', async () => {
  const url = await createQueue('vis', { VisibilityTimeout: '30' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'job' }));
  const [first] = await receive(url);
  assert.equal(first.Attributes!.ApproximateReceiveCount, '1');
  const firstReceive = first.Attributes!.ApproximateFirstReceiveTimestamp;
  assert.deepEqual(await counts(url), [0, 1, 0]);
  fb.clock.advance(29_999);
  assert.deepEqual(await receive(url), []);
  fb.clock.advance(1);
  const [second] = await receive(url, { VisibilityTimeout: 5 });
  assert.equal(second.Attributes!.ApproximateReceiveCount, '2');
  assert.equal(second.Attributes!.ApproximateFirstReceiveTimestamp, firstReceive);
  assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
  fb.clock.advance(5_000);
  assert.equal((await receive(url)).length, 1);
});

test('ChangeMessageVisibility extends, shortens or ends a visibility timeout, within 12 hours of the receive', async () => {
  const url = await createQueue('change');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'job' }));
  const [m] = await receive(url, { VisibilityTimeout: 10 });
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 100 }));
  fb.clock.advance(50_000);
  assert.deepEqual(await receive(url), []);
  await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 43_200 })),
    { name: 'InvalidParameterValue', message: /Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]/ });
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
  const [again] = await receive(url, { VisibilityTimeout: 1 });
  assert.equal(again.Body, 'job');
  fb.clock.advance(1_000);
  // Once visible again, the old handle cannot change the visibility any more.
  await assert.rejects(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle!, VisibilityTimeout: 10 })),
    { name: 'InvalidParameterValue', message: /Message does not exist or is not available for visibility timeout change/ });
});

test('per-message and queue delays hold messages back until the clock reaches them', async () => {
  const url = await createQueue('delays', { DelaySeconds: '60' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue delay' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'own delay', DelaySeconds: 5 }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no delay', DelaySeconds: 0 }));
  assert.deepEqual(await counts(url), [1, 0, 2]);
  const hold = { VisibilityTimeout: 3600 };
  assert.deepEqual((await receive(url, hold)).map((m) => m.Body), ['no delay']);
  fb.clock.advance(5_000);
  assert.deepEqual((await receive(url, hold)).map((m) => m.Body), ['own delay']);
  fb.clock.advance(54_999);
  assert.deepEqual(await receive(url, hold), []);
  fb.clock.advance(1);
  assert.deepEqual((await receive(url, hold)).map((m) => m.Body), ['queue delay']);
});

test('messages expire after the retention period, and a shorter period applies to messages already there', async () => {
  const url = await createQueue('retention', { MessageRetentionPeriod: '120' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
  fb.clock.advance(60_000);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'new' }));
  fb.clock.advance(60_000);
  assert.deepEqual(await counts(url), [1, 0, 0]);
  assert.deepEqual((await receive(url, { VisibilityTimeout: 0 })).map((m) => m.Body), ['new']);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MessageRetentionPeriod: '60' } }));
  fb.clock.advance(1);
  assert.deepEqual(await counts(url), [0, 0, 0]);
  // The expiry timer deleted the rows, not just hid them.
  const peek = await (await fetch(`${fb.endpoint}/_fogbank/sqs/messages?QueueUrl=${encodeURIComponent(url)}`)).json() as any;
  assert.deepEqual(peek.messages, []);
});

test('a long poll answers as soon as a message is sent, without the clock moving', async () => {
  const url = await createQueue('long-poll');
  const t0 = performance.now();
  const polling = receive(url, { WaitTimeSeconds: 20 });
  await waiting(1);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
  assert.deepEqual((await polling).map((m) => m.Body), ['arrived']);
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(engine.waitingReceivers(), 0);
});

test('the virtual clock ends a long poll: empty at WaitTimeSeconds, not a moment before', async () => {
  const url = await createQueue('poll-timeout', { ReceiveMessageWaitTimeSeconds: '20' });
  let done = false;
  const polling = receive(url).then((m) => {
    done = true;
    return m;
  });
  await waiting(1);
  fb.clock.advance(19_999);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(done, false);
  fb.clock.advance(1);
  assert.deepEqual(await polling, []);
});

test('a long poll wakes when a delayed message becomes visible, or when a FIFO group unlocks', async () => {
  const url = await createQueue('poll-delay');
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'soon', DelaySeconds: 10 }));
  const polling = receive(url, { WaitTimeSeconds: 20 });
  await waiting(1);
  fb.clock.advance(10_000);
  assert.deepEqual((await polling).map((m) => m.Body), ['soon']);

  // A delayed message sent while a receiver waits wakes it at its time too.
  const second = receive(url, { WaitTimeSeconds: 20 });
  await waiting(1);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 15 }));
  fb.clock.advance(15_000);
  assert.deepEqual((await second).map((m) => m.Body), ['later']);

  const fifo = await createQueue('poll.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  for (const b of ['1', '2']) await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: b, MessageGroupId: 'g' }));
  const [one] = await receive(fifo, { MaxNumberOfMessages: 1 });
  const blocked = receive(fifo, { WaitTimeSeconds: 20 });
  await waiting(1);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: one.ReceiptHandle! }));
  assert.deepEqual((await blocked).map((m) => m.Body), ['2']);
});

test('several long polls share the messages that arrive; the rest keep waiting', async () => {
  const url = await createQueue('many-pollers');
  const polls = [0, 1, 2].map(() => receive(url, { WaitTimeSeconds: 20, MaxNumberOfMessages: 1 }));
  await waiting(3);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(engine.waitingReceivers(), 1);
  fb.clock.advance(20_000);
  const results = await Promise.all(polls);
  assert.deepEqual(results.map((r) => r.map((m) => m.Body)).flat().sort(), ['a', 'b']);
  assert.equal(results.filter((r) => r.length === 0).length, 1);
});

test('FIFO deduplication lasts 5 minutes of clock time', async () => {
  const url = await createQueue('window.fifo', { FifoQueue: 'true' });
  const send = () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
  const a = await send();
  fb.clock.advance(299_999);
  assert.equal((await send()).MessageId, a.MessageId);
  fb.clock.advance(1);
  assert.notEqual((await send()).MessageId, a.MessageId);
  assert.deepEqual(await counts(url), [2, 0, 0]);
});

test('reset ends waiting long polls with an empty answer', async () => {
  const url = await createQueue('reset-me');
  const polling = receive(url, { WaitTimeSeconds: 20 });
  await waiting(1);
  await fb.reset();
  assert.deepEqual(await polling, []);
});

test('an earlier receipt handle still deletes on a standard queue, but not on a FIFO queue once re-received', async () => {
  const std = await createQueue('stale');
  await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: 'x' }));
  const [first] = await receive(std, { VisibilityTimeout: 1 });
  fb.clock.advance(1_000);
  assert.equal((await receive(std, { VisibilityTimeout: 60 })).length, 1);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: std, ReceiptHandle: first.ReceiptHandle! }));
  assert.deepEqual(await counts(std), [0, 0, 0]);

  const fifo = await createQueue('stale.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'x', MessageGroupId: 'g' }));
  const [old] = await receive(fifo, { VisibilityTimeout: 1 });
  fb.clock.advance(1_000);
  const [current] = await receive(fifo, { VisibilityTimeout: 60 });
  await sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: old.ReceiptHandle! }));
  assert.deepEqual(await counts(fifo), [0, 1, 0]);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: current.ReceiptHandle! }));
  assert.deepEqual(await counts(fifo), [0, 0, 0]);
});
