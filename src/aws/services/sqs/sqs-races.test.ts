// SQS under concurrency (issue 11 §7): the races the asynchronous store port could open. Every test
// runs with a networked driver's latency (test/support/store-latency.ts), so that concurrent requests
// interleave between a handler's awaits; each fails when its path is not one unit of work.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import { AsyncLocalStorage } from 'node:async_hooks';
import assert from 'node:assert/strict';
import {
  SQSClient, CreateQueueCommand, ListQueuesCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SendMessageCommand,
  SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand, PurgeQueueCommand, TagQueueCommand, ListQueueTagsCommand,
  AddPermissionCommand, DeleteQueueCommand, type Message,
} from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';
import type { Statements, Store } from '../../../core/store.ts';

let fb: TestFogbank;
let sqs: SQSClient;
/** No retries: a request that failed (a 500 from a lost race) must show, not be retried into success. */
let once: SQSClient;
let undo: (() => void) | undefined;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(SQSClient);
  once = fb.client(SQSClient, { maxAttempts: 1 });
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  undo = withStoreLatency(fb.instance.env.store);
});
afterEach(() => undo?.());

const times = <T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => f(i)));

async function createQueue(name: string, Attributes?: Record<string, string>): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }))).QueueUrl!;
}

async function receive(QueueUrl: string, extra: Record<string, unknown> = {}): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];
}

async function visibleCount(QueueUrl: string): Promise<number> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!;
  return Number(a.ApproximateNumberOfMessages);
}

/**
 * Makes units answer `ms` later than they finish, as a networked unit (BEGIN … COMMIT, several round
 * trips) answers later than a single statement. Units inside units are left alone.
 */
function withSlowUnits(store: Store, ms: number): () => void {
  const inUnit = new AsyncLocalStorage<true>();
  const s = store as unknown as Record<string, unknown>;
  const unit = store.unit;
  s.unit = <T>(fn: (tx: Statements) => Promise<T>): Promise<T> => {
    if (inUnit.getStore()) return unit.call(store, fn) as Promise<T>;
    return (unit.call(store, (tx: Statements) => inUnit.run(true, () => fn(tx))) as Promise<T>).then(
      (v) => new Promise<T>((resolve) => setTimeout(() => resolve(v), ms)),
      (err) => new Promise<T>((_, reject) => setTimeout(() => reject(err), ms)),
    );
  };
  return () => {
    s.unit = unit;
  };
}

/** Every message id received, with how often: a message handed out twice shows as 2. */
function tally(batches: Message[][]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const m of batches.flat()) seen.set(m.MessageId!, (seen.get(m.MessageId!) ?? 0) + 1);
  return seen;
}

test('many parallel ReceiveMessage calls on one queue never hand out one message twice within its visibility timeout', async () => {
  const url = await createQueue('contended', { VisibilityTimeout: '300' });
  const sent = new Set<string>();
  for (let b = 0; b < 6; b++) {
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `job ${b}-${i}` })),
    }));
    for (const s of r.Successful!) sent.add(s.MessageId!);
  }
  // Open the client's connections first, so that the receives below arrive together, not as each
  // connection is made.
  await times(40, () => visibleCount(url));
  // More receivers than messages, asking for several each, all at once; then again until none is left.
  const batches: Message[][] = [];
  for (let round = 0; round < 5 && batches.flat().length < sent.size; round++) {
    batches.push(...await times(40, () => receive(url, { MaxNumberOfMessages: 5 })));
  }
  const seen = tally(batches);
  const twice = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], 'no message was received twice');
  assert.equal(seen.size, sent.size, 'every message was received once');
  for (const id of seen.keys()) assert.ok(sent.has(id));
  // All in flight: nothing visible until their timeout.
  assert.equal(await visibleCount(url), 0);
  assert.deepEqual(await receive(url), []);
});

test('long polls waiting on an empty queue each get the concurrently sent messages once, without waiting out their timeout', async () => {
  const url = await createQueue('waited');
  const started = Date.now();
  const polls = times(8, () => receive(url, { WaitTimeSeconds: 10, MaxNumberOfMessages: 1, VisibilityTimeout: 300 }));
  // Sends race the polls as they register and as they wake.
  await new Promise((r) => setTimeout(r, 50));
  const sent = await times(8, (i) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` })));
  const got = await polls;
  const seen = tally(got);
  assert.equal(seen.size, 8, 'the eight messages went to the eight polls');
  assert.ok([...seen.values()].every((n) => n === 1), 'none twice');
  assert.deepEqual([...seen.keys()].sort(), sent.map((s) => s.MessageId!).sort());
  assert.ok(Date.now() - started < 8000, `polls answered when messages arrived (${Date.now() - started} ms), not at their deadline`);
});

test('a long poll that finds the queue empty just as a message arrives still gets it, not at its deadline', async () => {
  const url = await createQueue('gap');
  await times(4, () => visibleCount(url));
  // The empty receive's unit answers 30 ms after it looked; the send lands and notifies meanwhile,
  // before the poll is waiting. The poll must notice and look again.
  const slow = withSlowUnits(fb.instance.env.store, 30);
  try {
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const poll = receive(url, { WaitTimeSeconds: 4, VisibilityTimeout: 300 });
      await new Promise((r) => setTimeout(r, 10));
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
      const got = await poll;
      assert.deepEqual(got.map((m) => m.MessageId), [sent.MessageId]);
      assert.ok(Date.now() - started < 2000, `answered ${Date.now() - started} ms after the poll began`);
    }
  } finally {
    slow();
  }
});

test('parallel FIFO sends with one deduplication id enqueue once and all answer the first message', async () => {
  const url = await createQueue('dedup.fifo', { FifoQueue: 'true' });
  const answers = await times(20, (i) => sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: `attempt ${i}`, MessageGroupId: 'g', MessageDeduplicationId: 'same',
  })));
  assert.equal(new Set(answers.map((a) => a.MessageId)).size, 1, 'one MessageId for every send');
  assert.equal(new Set(answers.map((a) => a.SequenceNumber)).size, 1, 'one SequenceNumber for every send');
  assert.equal(await visibleCount(url), 1);
  const [only] = await receive(url);
  assert.equal(only.MessageId, answers[0].MessageId);
  // Batches too: two batches racing with the same ids enqueue each id once.
  const batch = (tag: string) => sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `e${i}`, MessageBody: `${tag} ${i}`, MessageGroupId: 'h', MessageDeduplicationId: `d${i}` })),
  }));
  const [a, b] = await Promise.all([batch('first'), batch('second')]);
  assert.deepEqual(a.Successful!.map((s) => s.MessageId), b.Successful!.map((s) => s.MessageId));
  assert.equal(await visibleCount(url), 5);
});

test('FIFO: parallel receivers never hold two messages of one group in flight, and get the group in order', async () => {
  const url = await createQueue('ordered.fifo', { FifoQueue: 'true', VisibilityTimeout: '300' });
  for (let i = 0; i < 5; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `g${i}`, MessageGroupId: 'one', MessageDeduplicationId: `one-${i}` }));
  }
  const got = (await times(12, () => receive(url, { MaxNumberOfMessages: 1 }))).filter((b) => b.length > 0);
  assert.equal(got.length, 1, 'one receiver got the group head; the group is locked for the others');
  assert.equal(got[0][0].Body, 'g0');
  // Deleting it unlocks the group for the next in order, again for one receiver only.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got[0][0].ReceiptHandle! }));
  const next = (await times(12, () => receive(url, { MaxNumberOfMessages: 1 }))).filter((b) => b.length > 0);
  assert.equal(next.length, 1);
  assert.equal(next[0][0].Body, 'g1');
});

test('parallel creates of one queue name make one queue; parallel purges: one purges, the others are told to wait', async () => {
  await times(20, () => once.send(new ListQueuesCommand({})));
  const urls = await times(10, async () => (await once.send(new CreateQueueCommand({ QueueName: 'once', Attributes: { VisibilityTimeout: '45' } }))).QueueUrl!);
  assert.equal(new Set(urls).size, 1, 'every CreateQueue answers the one queue');
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'once' }));
  assert.deepEqual(listed.QueueUrls, [urls[0]]);

  await sqs.send(new SendMessageCommand({ QueueUrl: urls[0], MessageBody: 'x' }));
  const purges = await Promise.allSettled(Array.from({ length: 6 }, () => sqs.send(new PurgeQueueCommand({ QueueUrl: urls[0] }))));
  assert.equal(purges.filter((p) => p.status === 'fulfilled').length, 1, 'one PurgeQueue within 60 seconds');
  for (const p of purges) if (p.status === 'rejected') assert.equal((p.reason as Error).name, 'PurgeQueueInProgress');
});

test('sends racing DeleteQueue succeed or answer QueueDoesNotExist, never an internal error', async () => {
  for (const kind of ['standard', 'fifo'] as const) {
    const name = kind === 'fifo' ? 'doomed.fifo' : 'doomed';
    const url = await createQueue(name, kind === 'fifo' ? { FifoQueue: 'true' } : undefined);
    await times(20, () => once.send(new ListQueuesCommand({})));
    const send = (i: number) => once.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: `m${i}`, ...(kind === 'fifo' ? { MessageGroupId: 'g', MessageDeduplicationId: `d${i}` } : {}),
    }));
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => send(i)),
      once.send(new DeleteQueueCommand({ QueueUrl: url })),
      ...Array.from({ length: 10 }, (_, i) => send(10 + i)),
    ]);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'QueueDoesNotExist', `${kind}: ${(r.reason as Error).message}`);
  }
});

test('concurrent TagQueue, SetQueueAttributes and AddPermission calls each merge into the last: none is lost', async () => {
  const url = await createQueue('merged');
  await times(12, (i) => sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { [`k${i}`]: `v${i}` } })));
  const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
  assert.equal(Object.keys(Tags ?? {}).length, 12, 'every concurrent TagQueue kept its tag');

  const settings = { DelaySeconds: '5', MaximumMessageSize: '2048', MessageRetentionPeriod: '600', ReceiveMessageWaitTimeSeconds: '2', VisibilityTimeout: '90' };
  await Promise.all(Object.entries(settings).map(([k, v]) => sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { [k]: v } }))));
  const attrs: Record<string, string | undefined> = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  for (const [k, v] of Object.entries(settings)) assert.equal(attrs[k], v, `${k} kept`);

  await times(6, (i) => sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: `l${i}`, AWSAccountIds: ['111122223333'], Actions: ['SendMessage'] })));
  const policy = JSON.parse((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }))).Attributes!.Policy!);
  assert.deepEqual(policy.Statement.map((s: { Sid: string }) => s.Sid).sort(), ['l0', 'l1', 'l2', 'l3', 'l4', 'l5']);
});
