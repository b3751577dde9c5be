import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import https from 'node:https';
import { createRequire } from 'node:module';
import { generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, ListTopicsCommand,
  SubscribeCommand, UnsubscribeCommand, ListSubscriptionsByTopicCommand, GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand,
  PublishCommand, PublishBatchCommand, TagResourceCommand, ListTagsForResourceCommand, ConfirmSubscriptionCommand,
  CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, AddPermissionCommand,
} from '@aws-sdk/client-sns';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';
import { selfSignedCertificate } from './x509.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';

const require = createRequire(import.meta.url);
const MessageValidator = require('sns-validator') as new (hostPattern?: RegExp) => { validate(m: unknown, cb: (err: Error | null, m?: unknown) => void): void };

let fb: TestFogbank;
let sns: SNSClient;
let sqs: SQSClient;

before(async () => {
  fb = await startFogbank();
  sns = fb.client(SNSClient);
  sqs = fb.client(SQSClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receive(url: string, n = 1) {
  const out = [];
  for (let i = 0; i < 5 && out.length < n; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
    out.push(...(r.Messages ?? []));
  }
  return out;
}

/** AWS's documented verification: the string to sign from the message's own fields, the key from SigningCertURL. */
async function verifySignature(m: Record<string, string>): Promise<boolean> {
  const keys = m.Type === 'Notification' ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = keys.filter((k) => m[k] !== undefined).map((k) => `${k}\n${m[k]}\n`).join('');
  const res = await fetch(m.SigningCertURL);
  assert.equal(res.status, 200);
  const cert = new X509Certificate(await res.text());
  assert.ok(cert.verify(cert.publicKey), 'the certificate is self-signed');
  return verify(m.SignatureVersion === '2' ? 'sha256' : 'sha1', Buffer.from(text, 'utf8'), cert.publicKey, Buffer.from(m.Signature, 'base64'));
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP subscriber that confirms its subscription and records what it gets; `status` sets the reply. */
async function subscriber(status: () => number = () => 200) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status()).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sns`;
  return {
    url,
    received,
    async next(count: number): Promise<Received[]> {
      const deadline = Date.now() + 5000;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
      return received;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function confirmedHttp(topicArn: string, endpoint: string, s: Awaited<ReturnType<typeof subscriber>>, attributes?: Record<string, string>) {
  const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint, Attributes: attributes, ReturnSubscriptionArn: true }));
  const [first] = await s.next(1);
  const confirmation = JSON.parse(first.body);
  const res = await fetch(confirmation.SubscribeURL);
  assert.equal(res.status, 200);
  return { arn: sub.SubscriptionArn!, confirmation, firstRequest: first };
}

test('topics: create is idempotent, attributes, tags, not found, bad names', async () => {
  const a = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' }, Tags: [{ Key: 'team', Value: 'core' }] }));
  assert.equal(a.TopicArn, 'arn:aws:sns:us-east-1:000000000000:orders');
  const again = await sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }));
  assert.equal(again.TopicArn, a.TopicArn);
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Other' } })), (e: Error) => e.name === 'InvalidParameterException' && /already exists with different attributes/.test(e.message));
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'bad name!' })), { name: 'InvalidParameterException', message: 'Invalid parameter: Topic Name' });
  await assert.rejects(sns.send(new CreateTopicCommand({ Name: 'plain', Attributes: { FifoTopic: 'true' } })), { name: 'InvalidParameterException' });
  const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!;
  assert.equal(attrs.DisplayName, 'Orders');
  assert.equal(attrs.Owner, '000000000000');
  assert.equal(attrs.SubscriptionsConfirmed, '0');
  assert.equal(JSON.parse(attrs.Policy).Statement[0].Resource, a.TopicArn);
  await sns.send(new SetTopicAttributesCommand({ TopicArn: a.TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
  assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!.SignatureVersion, '2');
  await assert.rejects(sns.send(new SetTopicAttributesCommand({ TopicArn: a.TopicArn, AttributeName: 'Nope', AttributeValue: 'x' })), { name: 'InvalidParameterException', message: 'Invalid parameter: AttributeName' });
  await sns.send(new AddPermissionCommand({ TopicArn: a.TopicArn, Label: 'partner', AWSAccountId: ['111122223333'], ActionName: ['Publish'] }));
  const policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!.Policy);
  assert.deepEqual(policy.Statement[1].Principal, { AWS: ['arn:aws:iam::111122223333:root'] });
  await sns.send(new TagResourceCommand({ ResourceArn: a.TopicArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
  assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: a.TopicArn }))).Tags, [{ Key: 'team', Value: 'core' }, { Key: 'env', Value: 'dev' }]);
  assert.deepEqual((await sns.send(new ListTopicsCommand({}))).Topics, [{ TopicArn: a.TopicArn }]);
  await sns.send(new DeleteTopicCommand({ TopicArn: a.TopicArn }));
  await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn })), { name: 'NotFoundException', message: 'Topic does not exist' });
  await assert.rejects(sns.send(new PublishCommand({ TopicArn: a.TopicArn, Message: 'x' })), { name: 'NotFoundException' });
});

test('SQS subscription: the signed JSON envelope, and raw delivery with message attributes', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'events' }));
  const env = await queue('envelope');
  const raw = await queue('raw');
  const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: env.arn }));
  assert.match(sub.SubscriptionArn!, /^arn:aws:sns:us-east-1:000000000000:events:[0-9a-f-]{36}$/);
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const { MessageId } = await sns.send(new PublishCommand({
    TopicArn, Message: 'hello', Subject: 'greeting',
    MessageAttributes: { color: { DataType: 'String', StringValue: 'blue' }, size: { DataType: 'Number', StringValue: '3' }, bin: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) } },
  }));
  const [m] = await receive(env.url);
  const n = JSON.parse(m.Body!);
  assert.deepEqual(Object.keys(n), ['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
  assert.equal(n.Type, 'Notification');
  assert.equal(n.MessageId, MessageId);
  assert.equal(n.Message, 'hello');
  assert.equal(n.Subject, 'greeting');
  assert.deepEqual(n.MessageAttributes, { color: { Type: 'String', Value: 'blue' }, size: { Type: 'Number', Value: '3' }, bin: { Type: 'Binary', Value: 'AQID' } });
  assert.equal(m.MessageAttributes, undefined, 'the envelope carries the attributes, the SQS message none');
  assert.ok(await verifySignature(n), 'SignatureVersion 1 verifies');

  const [r] = await receive(raw.url);
  assert.equal(r.Body, 'hello');
  assert.equal(r.MessageAttributes!.color.StringValue, 'blue');
  assert.equal(r.MessageAttributes!.size.DataType, 'Number');
  assert.deepEqual(Buffer.from(r.MessageAttributes!.bin.BinaryValue!), Buffer.from([1, 2, 3]));

  // UnsubscribeURL carries the subscription ARN as AWS writes it (not percent-encoded) and works as a plain GET.
  assert.match(n.UnsubscribeURL, /[?&]SubscriptionArn=arn:aws:sns:us-east-1:000000000000:[^%&]+$/);
  const res = await fetch(n.UnsubscribeURL);
  assert.equal(res.status, 200);
  const left = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(left.Subscriptions!.length, 1);
});

test('filter policies on attributes and on the message body decide who gets a message', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'shop' }));
  const big = await queue('big-orders');
  const eu = await queue('eu-orders');
  const all = await queue('all');
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: big.arn, Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ price: [{ numeric: ['>=', 100] }], kind: [{ 'anything-but': 'test' }] }) } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: eu.arn, Attributes: { RawMessageDelivery: 'true', FilterPolicyScope: 'MessageBody', FilterPolicy: JSON.stringify({ address: { country: [{ prefix: 'D' }, 'FR'] } }) } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: all.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const send = (body: object, price: string, kind = 'real') =>
    sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify(body), MessageAttributes: { price: { DataType: 'Number', StringValue: price }, kind: { DataType: 'String', StringValue: kind } } }));
  await send({ id: 1, address: { country: 'DE' } }, '150');
  await send({ id: 2, address: { country: 'US' } }, '50');
  await send({ id: 3, address: { country: 'FR' } }, '500', 'test');
  const ids = async (url: string, n: number) => (await receive(url, n)).map((m) => JSON.parse(m.Body!).id).sort();
  assert.deepEqual(await ids(big.url, 1), [1]);
  assert.deepEqual(await ids(eu.url, 2), [1, 3]);
  assert.deepEqual(await ids(all.url, 3), [1, 2, 3]);

  const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!;
  const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subs[0].SubscriptionArn }))).Attributes!;
  assert.equal(attrs.FilterPolicyScope, 'MessageAttributes');
  assert.equal(attrs.RawMessageDelivery, 'true');
  await assert.rejects(
    sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subs[0].SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"price":[{"numeric":["!",1]}]}' })),
    (e: Error) => e.name === 'InvalidParameterException' && e.message.startsWith('Invalid parameter: FilterPolicy:'),
  );
  // $or nested 10,000 deep (220 KB) used to overflow the parser's stack: now SNS's complexity error.
  let deep = '{"a":["x"]}';
  for (let i = 0; i < 10_000; i++) deep = `{"$or":[{"b":["y"]},${deep}]}`;
  await assert.rejects(
    sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subs[0].SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: deep })),
    (e: Error) => e.name === 'InvalidParameterException' && e.message === 'Invalid parameter: FilterPolicy: Filter policy is too complex',
  );
});

test('filter policies through the SDK: five decimals, "$or" of values as a key, SNS\'s refusals in its words', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'precise' }));
  const q = await queue('precise');
  // Attribute names cannot hold a "$", so the body is where a key named "$or" can be.
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true', FilterPolicyScope: 'MessageBody', FilterPolicy: JSON.stringify({ price: [10.5], $or: ['a', 'b'] }) } }));
  const send = (id: number, price: number, or: string) => sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ id, price, $or: or }) }));
  await send(1, 10.500001, 'a');
  await send(2, 10.5001, 'a');
  await send(3, 10.5, 'c');
  await send(4, 10.5, 'b');
  assert.deepEqual((await receive(q.url, 2)).map((m) => JSON.parse(m.Body!).id).sort(), [1, 4]);
  const other = await queue('precise-too');
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: other.arn, ReturnSubscriptionArn: true }));
  const refused = (policy: unknown, message: string) =>
    assert.rejects(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: JSON.stringify(policy) })), { name: 'InvalidParameterException', message });
  await refused({ a: [{ wildcard: 'x*' }] }, 'Invalid parameter: FilterPolicy: Unrecognized match type wildcard');
  // An empty anything-but object used to crash the parser (a TypeError, so a 500).
  await refused({ a: [{ 'anything-but': {} }] }, 'Invalid parameter: FilterPolicy: Only one key allowed in match expression');
});

test('FIFO topic to FIFO queue: group ids, deduplication and sequence numbers', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'ledger.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }));
  const q = await queue('ledger.fifo', { FifoQueue: 'true' });
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));
  await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: 'no group' })), (e: Error) => /MessageGroupId/.test(e.message));
  const a = await sns.send(new PublishCommand({ TopicArn, Message: 'credit 5', MessageGroupId: 'acct-1' }));
  const dup = await sns.send(new PublishCommand({ TopicArn, Message: 'credit 5', MessageGroupId: 'acct-1' }));
  const b = await sns.send(new PublishCommand({ TopicArn, Message: 'debit 2', MessageGroupId: 'acct-1' }));
  assert.equal(dup.MessageId, a.MessageId, 'content-based deduplication returns the first message');
  assert.match(a.SequenceNumber!, /^\d{20}$/);
  assert.ok(BigInt(b.SequenceNumber!) > BigInt(a.SequenceNumber!));
  const got = await receive(q.url, 2);
  assert.deepEqual(got.map((m) => m.Body), ['credit 5', 'debit 2']);
  assert.equal(got[0].Attributes!.MessageGroupId, 'acct-1');
  const batch = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [
    { Id: 'one', Message: 'x', MessageGroupId: 'g' },
    { Id: 'two', Message: 'y' },
  ] }));
  assert.equal(batch.Successful!.length, 1);
  assert.equal(batch.Failed![0].Id, 'two');
  assert.equal(batch.Failed![0].Code, 'InvalidParameter');
  assert.equal(batch.Failed![0].SenderFault, true);
});

test('HTTP subscriber: confirmation flow, then signed notifications that a verifier accepts (versions 1 and 2)', async () => {
  const s = await subscriber();
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'webhooks' }));
    const pending = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: s.url }));
    assert.equal(pending.SubscriptionArn, 'pending confirmation');
    const [first] = await s.next(1);
    assert.equal(first.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
    assert.equal(first.headers['user-agent'], 'Amazon Simple Notification Service Agent');
    const c = JSON.parse(first.body);
    assert.equal(c.Type, 'SubscriptionConfirmation');
    assert.match(c.Token, /^[0-9a-f]{128}$/);
    assert.ok(await verifySignature(c), 'the confirmation is signed');
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions![0].SubscriptionArn, 'PendingConfirmation');
    await sns.send(new PublishCommand({ TopicArn, Message: 'before confirmation' }));
    const confirmed = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: c.Token }));
    assert.match(confirmed.SubscriptionArn!, /^arn:aws:sns:/);

    await sns.send(new PublishCommand({ TopicArn, Message: 'v1 message', Subject: 'Hi' }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'v2 message' }));
    const got = await s.next(3);
    const [n1, n2] = got.slice(1).map((r) => JSON.parse(r.body));
    assert.equal(n1.Message, 'v1 message', 'nothing was delivered before confirmation');
    assert.equal(got[1].headers['x-amz-sns-subscription-arn'], confirmed.SubscriptionArn);
    assert.equal(got[1].headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(n1.SignatureVersion, '1');
    assert.equal(n2.SignatureVersion, '2');
    assert.ok(await verifySignature(n1));
    assert.ok(await verifySignature(n2));
    const tampered = { ...n2, Message: 'changed' };
    assert.equal(await verifySignature(tampered), false, 'a changed message fails verification');

    // sns-validator fetches the certificate over HTTPS only, from hosts matching its pattern: an
    // HTTPS front on localhost forwards to Fogbank's SigningCertURL (which is not part of what is signed).
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tlsCert = selfSignedCertificate({ commonName: 'localhost', organization: 'test', dnsNames: ['localhost'], notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000), publicKey, privateKey });
    const front = createHttpsServer({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: tlsCert }, async (req, res) => {
      const upstream = await fetch(`${fb.endpoint}${req.url}`);
      res.writeHead(upstream.status, { 'content-type': 'application/x-pem-file' }).end(await upstream.text());
    });
    await new Promise<void>((r) => front.listen(0, 'localhost', r));
    const previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = tlsCert;
    try {
      const port = (front.address() as { port: number }).port;
      const validator = new MessageValidator(/^localhost:\d+$/);
      for (const m of [c, n1, n2]) {
        const viaFront = { ...m, SigningCertURL: `https://localhost:${port}${new URL(m.SigningCertURL).pathname}` };
        await new Promise<void>((resolve, reject) => validator.validate(viaFront, (err) => (err ? reject(err) : resolve())));
      }
      const bad = { ...n1, Message: 'forged', SigningCertURL: `https://localhost:${port}${new URL(n1.SigningCertURL).pathname}` };
      await assert.rejects(new Promise<void>((resolve, reject) => validator.validate(bad, (err) => (err ? reject(err) : resolve()))), /signature is invalid/);
    } finally {
      https.globalAgent.options.ca = previousCa;
      front.close();
    }
  } finally {
    await s.close();
  }
});

/** The delivery history of a subscription (admin API). */
async function history(arn: string): Promise<Array<{ status: string; attempts: number; error: string | null }>> {
  const r = (await (await fetch(`${fb.endpoint}/_fogbank/sns/deliveries?subscriptionArn=${encodeURIComponent(arn)}`)).json()) as { deliveries: Array<{ status: string; attempts: number; error: string | null }> };
  return r.deliveries;
}

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('HTTP delivery retries on the clock by the delivery policy, then goes to the dead-letter queue', async () => {
  let failures = 0;
  const s = await subscriber(() => (failures-- > 0 ? 500 : 200));
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'flaky' }));
    const { arn } = await confirmedHttp(TopicArn!, s.url, s, { RawMessageDelivery: 'true' });
    fb.clock.freeze();
    failures = 2;
    await sns.send(new PublishCommand({ TopicArn, Message: 'eventually' }));
    const retrying = (n: number) => until(`attempt ${n}`, async () => ((await history(arn)).filter((d) => d.status === 'retrying').length >= n ? true : undefined));
    await retrying(1);
    fb.clock.advance(19_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.received.length, 2, 'no retry before the delay');
    fb.clock.advance(1_000); // the default policy waits 20 s
    await retrying(2);
    fb.clock.advance(20_000);
    const got = await s.next(4);
    assert.equal(got[3].body, 'eventually');
    assert.equal(got[3].headers['x-amz-sns-rawdelivery'], 'true');
    await until('delivered', async () => ((await history(arn)).at(-1)?.status === 'delivered' ? true : undefined));
    assert.deepEqual((await history(arn)).slice(-3).map((d) => [d.status, d.attempts]), [['retrying', 1], ['retrying', 2], ['delivered', 3]]);

    // Exhausted retries: numRetries 1, then the subscription's DLQ.
    const dlq = await queue('webhook-dlq');
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: 'DeliveryPolicy', AttributeValue: JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 5, maxDelayTarget: 5 } }) }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: arn, AttributeName: 'RedrivePolicy', AttributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }) }));
    failures = 100;
    await sns.send(new PublishCommand({ TopicArn, Message: 'never' }));
    await retrying(3);
    fb.clock.advance(5_000);
    await until('dead-lettered', async () => ((await history(arn)).at(-1)?.status === 'dead-lettered' ? true : undefined));
    fb.clock.unfreeze();
    const [dead] = await receive(dlq.url);
    assert.equal(dead.Body, 'never');
    assert.equal(dead.MessageAttributes!.ErrorCode.StringValue, 'DeliveryFailed');
    assert.match(dead.MessageAttributes!.ErrorMessage.StringValue!, /HTTP 500/);
  } finally {
    await s.close();
  }
});

test('client-side delivery failures are dead-lettered at once; Lambda deliveries go through env.deliver', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-nowhere' }));
  const dlq = await queue('sub-dlq');
  const redrive = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) };
  // A queue that does not exist is the endpoint-gone case: no retry, straight to the DLQ.
  const gone = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:deleted', Attributes: redrive }));
  const functionArn = 'arn:aws:lambda:us-east-1:000000000000:function:missing';
  const fn = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: functionArn, Attributes: redrive }));
  fb.clock.freeze();
  await sns.send(new PublishCommand({ TopicArn, Message: 'for the void' }));
  assert.deepEqual((await history(gone.SubscriptionArn!)).map((d) => [d.status, d.attempts]), [['dead-lettered', 1]]);
  const log = fb.instance.env.requests.entries().filter((e) => e.kind === 'delivery');
  const lambdaAttempt = log.find((e) => e.target === functionArn);
  assert.ok(lambdaAttempt && lambdaAttempt.status >= 400, 'the Lambda delivery failed and is in the request log');
  // Until the function can take it: a server-side failure is retried, a client-side one dead-lettered.
  const first = (await history(fn.SubscriptionArn!))[0];
  assert.equal(first.status, lambdaAttempt!.status >= 500 ? 'retrying' : 'dead-lettered', `Lambda answered ${lambdaAttempt!.status}`);
  fb.clock.unfreeze();
  const dead = await receive(dlq.url);
  const gotGone = dead.find((m) => JSON.parse(m.Body!).UnsubscribeURL.endsWith(`SubscriptionArn=${gone.SubscriptionArn!}`));
  assert.ok(gotGone, 'the DLQ has the message of the subscription whose queue is gone');
  assert.equal(JSON.parse(gotGone!.Body!).Message, 'for the void');
  assert.ok(gotGone!.MessageAttributes!.ErrorCode.StringValue);
  assert.ok(log.some((e) => e.target === dlq.arn && e.status === 200));
});

test('email, email-json and SMS land in outboxes; direct SMS; platform endpoints capture pushes', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
  const email = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sms', Endpoint: '+15555550100' }));
  const admin = async (path: string) => (await (await fetch(`${fb.endpoint}${path}`)).json()) as { messages: Array<Record<string, string>> };
  const confirmationMail = (await admin('/_fogbank/sns/outbox/email')).messages[0];
  assert.equal(confirmationMail.destination, 'ops@example.com');
  const link = /http:\/\/\S+/.exec(confirmationMail.message)![0];
  assert.equal((await fetch(link)).status, 200);
  assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: email.SubscriptionArn }))).Attributes!.PendingConfirmation, 'false');
  await sns.send(new PublishCommand({ TopicArn, Message: 'disk full', Subject: 'Alarm' }));
  await sns.send(new PublishCommand({ PhoneNumber: '+15555550199', Message: 'your code is 1234' }));
  const mails = (await admin('/_fogbank/sns/outbox/email')).messages;
  assert.deepEqual([mails[1].subject, mails[1].message], ['Alarm', 'disk full']);
  const texts = (await admin('/_fogbank/sns/outbox/sms')).messages;
  assert.deepEqual(texts.map((t) => [t.destination, t.message]), [['+15555550100', 'disk full'], ['+15555550199', 'your code is 1234']]);
  const localstack = (await (await fetch(`${fb.endpoint}/_aws/sns/sms-messages`)).json()) as { sms_messages: Record<string, unknown[]> };
  assert.equal(localstack.sms_messages['+15555550199'].length, 1);

  const app = await sns.send(new CreatePlatformApplicationCommand({ Name: 'mobile', Platform: 'GCM', Attributes: { PlatformCredential: 'key' } }));
  const ep = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: app.PlatformApplicationArn, Token: 'device-token' }));
  await sns.send(new PublishCommand({ TargetArn: ep.EndpointArn, Message: 'push!' }));
  assert.equal((await admin('/_fogbank/sns/outbox/application')).messages[0].message, 'push!');
});

test('a delivery addressed to a topic ARN publishes to it (how S3 and EventBridge reach SNS)', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'from-elsewhere' }));
  const q = await queue('fanout');
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  const out = await fb.instance.env.deliver({ target: TopicArn!, body: '{"hello":"world"}', attributes: { origin: { DataType: 'String', StringValue: 's3' } }, source: { service: 's3' } });
  assert.match(out.id!, /^[0-9a-f-]{36}$/);
  const n = JSON.parse((await receive(q.url))[0].Body!);
  assert.equal(n.Message, '{"hello":"world"}');
  assert.equal(n.MessageAttributes.origin.Value, 's3');
  await assert.rejects(fb.instance.env.deliver({ target: 'arn:aws:sns:us-east-1:000000000000:nope', body: 'x', source: { service: 'test' } }), { code: 'NotFound' });
});

test('subscriptions: protocol and endpoint checks, unsubscribe', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'checks' }));
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'carrier-pigeon', Endpoint: 'x' })), (e: Error) => /does not support this protocol/.test(e.message));
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'not-an-arn' })), { message: 'Invalid parameter: SQS endpoint ARN' });
  await assert.rejects(sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:f', Attributes: { RawMessageDelivery: 'true' } })), /raw message delivery/);
  const s = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' }));
  const same = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q' }));
  assert.equal(same.SubscriptionArn, s.SubscriptionArn);
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: s.SubscriptionArn }));
  await assert.rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn })), { name: 'NotFoundException' });
});

test('boto3 (query protocol, every installed version): topics, SQS fan-out, batch, errors', async () => {
  const clients = boto3Clients();
  assert.ok(clients.length > 0, 'boto3 is installed');
  for (const client of clients) {
    await fb.reset();
    const q = await queue('py');
    const script = `
import boto3, json, os
sns = boto3.client('sns', endpoint_url=os.environ['ENDPOINT'])
arn = sns.create_topic(Name='py-topic', Attributes={'DisplayName': 'Py'})['TopicArn']
sns.subscribe(TopicArn=arn, Protocol='sqs', Endpoint=os.environ['QUEUE_ARN'], Attributes={'RawMessageDelivery': 'true'})
r = sns.publish(TopicArn=arn, Message='from python', MessageAttributes={'n': {'DataType': 'Number', 'StringValue': '7'}})
b = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{'Id': 'a', 'Message': 'batch a'}, {'Id': 'b', 'Message': ''}])
try:
    sns.get_topic_attributes(TopicArn=arn + '-missing')
    err = None
except sns.exceptions.NotFoundException as e:
    err = e.response['Error']['Code']
print(json.dumps({'id': r['MessageId'], 'ok': [s['Id'] for s in b['Successful']], 'failed': [f['Code'] for f in b['Failed']], 'err': err, 'name': sns.get_topic_attributes(TopicArn=arn)['Attributes']['DisplayName']}))
`;
    const out = await python(client, fb.endpoint, script, { QUEUE_ARN: q.arn });
    assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
    const r = JSON.parse(out.stdout);
    assert.deepEqual([r.ok, r.failed, r.err, r.name], [['a'], ['InvalidParameter'], 'NotFound', 'Py'], client.label);
    const got = (await receive(q.url, 2)).map((m) => m.Body).sort();
    assert.deepEqual(got, ['batch a', 'from python'], client.label);
  }
});

test('AWS CLI (every installed version): create-topic, subscribe, publish, list-subscriptions', async () => {
  const clis = awsCliClients();
  assert.ok(clis.length > 0, 'the AWS CLI is installed');
  for (const cli of clis) {
    await fb.reset();
    const q = await queue('cli');
    const topic = await aws(cli, fb.endpoint, ['sns', 'create-topic', '--name', 'cli-topic']);
    assert.equal(topic.code, 0, topic.stderr);
    const arn = JSON.parse(topic.stdout).TopicArn;
    assert.equal((await aws(cli, fb.endpoint, ['sns', 'subscribe', '--topic-arn', arn, '--protocol', 'sqs', '--notification-endpoint', q.arn])).code, 0);
    const pub = await aws(cli, fb.endpoint, ['sns', 'publish', '--topic-arn', arn, '--message', 'from the cli', '--subject', 'cli']);
    assert.equal(pub.code, 0, pub.stderr);
    const list = JSON.parse((await aws(cli, fb.endpoint, ['sns', 'list-subscriptions'])).stdout);
    assert.equal(list.Subscriptions[0].Endpoint, q.arn, cli.label);
    const n = JSON.parse((await receive(q.url))[0].Body!);
    assert.deepEqual([n.Message, n.Subject], ['from the cli', 'cli'], cli.label);
    const missing = await aws(cli, fb.endpoint, ['sns', 'get-topic-attributes', '--topic-arn', `${arn}-x`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound/, cli.label);
  }
});

test('a MessageStructure document nested past 1,000 levels is InvalidParameter, not a 500', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'deep' }));
  const nest = (n: number) => `{"default":"d","sqs":${'['.repeat(n)}${']'.repeat(n)}}`;
  await assert.rejects(sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: nest(100_000) })), (e: Error) => e.name === 'InvalidParameterException' && /Message Structure/.test(e.message));
  assert.ok((await sns.send(new PublishCommand({ TopicArn, MessageStructure: 'json', Message: nest(500) }))).MessageId);
});

// Races the store port could open (issue 11 §7): run with a networked driver's latency, so that
// concurrent requests interleave between a handler's awaits.
test('concurrent requests on one resource: one topic, one subscription, no tag, statement or attribute lost', async () => {
  const undo = withStoreLatency(fb.instance.env.store);
  try {
    const made = await Promise.all(Array.from({ length: 8 }, () => sns.send(new CreateTopicCommand({ Name: 'contended' }))));
    assert.equal(new Set(made.map((m) => m.TopicArn)).size, 1, 'every CreateTopic answers with the one topic');
    assert.deepEqual((await sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn), [made[0].TopicArn]);
    const TopicArn = made[0].TopicArn!;

    await Promise.all(Array.from({ length: 12 }, (_, i) => sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: `k${i}`, Value: `v${i}` }] }))));
    assert.equal((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags!.length, 12, 'every concurrent TagResource kept its tag');

    await Promise.all(Array.from({ length: 6 }, (_, i) => sns.send(new AddPermissionCommand({ TopicArn, Label: `p${i}`, AWSAccountId: ['111111111111'], ActionName: ['Publish'] }))));
    const policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy) as { Statement: Array<{ Sid: string }> };
    assert.deepEqual(policy.Statement.map((s) => s.Sid).filter((sid) => sid.startsWith('p')).sort(), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'], 'every concurrent AddPermission kept its statement');

    const q = await queue('contended');
    const subs = await Promise.all(Array.from({ length: 8 }, () => sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }))));
    assert.equal(new Set(subs.map((s) => s.SubscriptionArn)).size, 1, 'every Subscribe answers with the one subscription');
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.length, 1);
    const SubscriptionArn = subs[0].SubscriptionArn!;
    await Promise.all([
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' })),
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"kind":["a"]}' })),
    ]);
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
    assert.deepEqual([attrs.RawMessageDelivery, attrs.FilterPolicy], ['true', '{"kind":["a"]}'], 'both concurrent SetSubscriptionAttributes kept');

    // The Publish cache never keeps a subscription list a concurrent Subscribe changed under it.
    const attributes = { kind: { DataType: 'String', StringValue: 'b' } };
    for (let round = 0; round < 4; round++) {
      const q2 = await queue(`contended-${round}`);
      await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: `round ${round}` }));
      await Promise.all([
        ...Array.from({ length: 4 }, () => sns.send(new PublishCommand({ TopicArn, Message: 'warm', MessageAttributes: attributes }))),
        sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q2.arn, Attributes: { RawMessageDelivery: 'true' } })),
      ]);
      await sns.send(new PublishCommand({ TopicArn, Message: 'after', MessageAttributes: attributes }));
      const bodies: Array<string | undefined> = [];
      for (let i = 0; i < 3 && !bodies.includes('after'); i++) bodies.push(...(await receive(q2.url)).map((m) => m.Body));
      assert.ok(bodies.includes('after'), `round ${round}: the new subscription got the message published after it: ${JSON.stringify(bodies)}`);
    }
  } finally {
    undo();
  }
});
