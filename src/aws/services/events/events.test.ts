import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  EventBridgeClient, CreateEventBusCommand, DescribeEventBusCommand, ListEventBusesCommand, DeleteEventBusCommand, PutRuleCommand,
  DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand, ListRulesCommand, DeleteRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
  ListTargetsByRuleCommand, ListRuleNamesByTargetCommand, PutEventsCommand, TestEventPatternCommand, PutPermissionCommand,
  CreateArchiveCommand, DescribeArchiveCommand, StartReplayCommand, DescribeReplayCommand, CreateConnectionCommand,
  CreateApiDestinationCommand, DescribeConnectionCommand, TagResourceCommand, ListTagsForResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';
import { bestOfThree as timed } from '../../../../test/support/timing.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';

let fb: TestFogbank;
let eb: EventBridgeClient;
let sqs: SQSClient;

before(async () => {
  fb = await startFogbank();
  eb = fb.client(EventBridgeClient);
  sqs = fb.client(SQSClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function queue(name: string, attributes: Record<string, string> = {}) {
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

async function admin<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${fb.endpoint}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return (await res.json()) as T;
}

const order = (detail: object, source = 'shop.orders', type = 'Order Placed') => ({ Source: source, DetailType: type, Detail: JSON.stringify(detail) });

test('buses: default exists, custom ones are created, described, listed, deleted', async () => {
  const def = await eb.send(new DescribeEventBusCommand({}));
  assert.equal(def.Arn, 'arn:aws:events:us-east-1:000000000000:event-bus/default');
  const created = await eb.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
  assert.equal(created.EventBusArn, 'arn:aws:events:us-east-1:000000000000:event-bus/orders');
  await assert.rejects(eb.send(new CreateEventBusCommand({ Name: 'orders' })), { name: 'ResourceAlreadyExistsException' });
  assert.deepEqual((await eb.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name), ['default', 'orders']);
  await eb.send(new PutPermissionCommand({ EventBusName: 'orders', StatementId: 'partner', Action: 'events:PutEvents', Principal: '111122223333' }));
  const policy = JSON.parse((await eb.send(new DescribeEventBusCommand({ Name: 'orders' }))).Policy!);
  assert.equal(policy.Statement[0].Principal.AWS, 'arn:aws:iam::111122223333:root');
  await eb.send(new TagResourceCommand({ ResourceARN: created.EventBusArn, Tags: [{ Key: 'team', Value: 'a' }] }));
  assert.deepEqual((await eb.send(new ListTagsForResourceCommand({ ResourceARN: created.EventBusArn }))).Tags, [{ Key: 'team', Value: 'a' }]);
  await eb.send(new DeleteEventBusCommand({ Name: 'orders' }));
  await assert.rejects(eb.send(new DescribeEventBusCommand({ Name: 'orders' })), { name: 'ResourceNotFoundException', message: 'Event bus orders does not exist.' });
});

test('rules route matching events to SQS with Input, InputPath and InputTransformer; disabled rules do not', async () => {
  const q = await queue('orders');
  await eb.send(new PutRuleCommand({ Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 100] }] } }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'big-orders', Targets: [
    { Id: 'whole', Arn: q.arn },
    { Id: 'path', Arn: q.arn, InputPath: '$.detail.customer' },
    { Id: 'const', Arn: q.arn, Input: '{"fixed":true}' },
    { Id: 'tpl', Arn: q.arn, InputTransformer: { InputPathsMap: { id: '$.detail.id', who: '$.detail.customer.name' }, InputTemplate: '{"order": <id>, "text": "<who> ordered #<id>", "rule": "<aws.events.rule-name>"}' } },
  ] }));
  const put = await eb.send(new PutEventsCommand({ Entries: [order({ id: 7, total: 250, customer: { name: 'Ada' } }), order({ id: 8, total: 5, customer: { name: 'Bob' } })] }));
  assert.equal(put.FailedEntryCount, 0);
  const bodies = (await receive(q.url, 4)).map((m) => JSON.parse(m.Body!));
  assert.equal(bodies.length, 4);
  const whole = bodies.find((b) => b['detail-type']);
  assert.deepEqual(Object.keys(whole), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
  assert.equal(whole.id, put.Entries![0].EventId);
  assert.match(whole.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(bodies.some((b) => b.name === 'Ada' && Object.keys(b).length === 1));
  assert.ok(bodies.some((b) => b.fixed === true));
  assert.ok(bodies.some((b) => b.order === 7 && b.text === 'Ada ordered #7' && b.rule === 'big-orders'));

  await eb.send(new DisableRuleCommand({ Name: 'big-orders' }));
  assert.equal((await eb.send(new DescribeRuleCommand({ Name: 'big-orders' }))).State, 'DISABLED');
  await eb.send(new PutEventsCommand({ Entries: [order({ id: 9, total: 900, customer: { name: 'Cy' } })] }));
  await eb.send(new EnableRuleCommand({ Name: 'big-orders' }));
  assert.equal((await receive(q.url)).length, 0, 'a disabled rule delivers nothing');

  const history = await admin<{ matches: Array<{ event: { detail: { id: number } }; status: string; target_id: string }> }>('/_fogbank/events/rules/big-orders/matches');
  assert.deepEqual([...new Set(history.matches.map((m) => m.event.detail.id))], [7]);
  assert.ok(history.matches.every((m) => m.status === 'delivered'));
  assert.deepEqual((await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: q.arn }))).RuleNames, ['big-orders']);
  assert.equal((await eb.send(new ListTargetsByRuleCommand({ Rule: 'big-orders' }))).Targets!.length, 4);
  await assert.rejects(eb.send(new DeleteRuleCommand({ Name: 'big-orders' })), { name: 'ValidationException' });
  await eb.send(new RemoveTargetsCommand({ Rule: 'big-orders', Ids: ['whole', 'path', 'const', 'tpl'] }));
  await eb.send(new DeleteRuleCommand({ Name: 'big-orders' }));
  assert.deepEqual((await eb.send(new ListRulesCommand({}))).Rules, []);
});

test('PutEvents: per-entry failures, AWS sources refused, unknown buses', async () => {
  const r = await eb.send(new PutEventsCommand({ Entries: [
    order({ ok: true }),
    { Source: 'shop', DetailType: 'x', Detail: '{not json' },
    { Source: 'aws.s3', DetailType: 'Object Created', Detail: '{}' },
    { DetailType: 'x', Detail: '{}' },
    { ...order({}), EventBusName: 'nope' },
  ] }));
  assert.equal(r.FailedEntryCount, 4);
  assert.match(r.Entries![0].EventId!, /^[0-9a-f-]{36}$/);
  assert.deepEqual(r.Entries!.slice(1).map((e) => e.ErrorCode), ['MalformedDetail', 'NotAuthorizedForSourceException', 'InvalidArgument', 'ResourceNotFoundException']);
  await assert.rejects(eb.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => order({})) })), { name: 'ValidationException' });
  await assert.rejects(eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"x"}' })), { name: 'InvalidEventPatternException' });
  await assert.rejects(eb.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 minutes)' })), { name: 'ValidationException', message: 'Parameter ScheduleExpression is not valid.' });
});

test('TestEventPattern', async () => {
  const event = JSON.stringify({ id: '1', account: '123456789012', source: 'aws.ec2', time: '2024-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail: { state: 'running' } });
  assert.equal((await eb.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"state":[{"prefix":"run"}]}}', Event: event }))).Result, true);
  assert.equal((await eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["aws.s3"]}', Event: event }))).Result, false);
  await assert.rejects(eb.send(new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: '{"source":"x"}' })), { name: 'ValidationException' });
});

test('TestEventPattern through the SDK: numbers at six decimals within ±5e9, "$or" of values as a field name', async () => {
  const event = (detail: unknown) => JSON.stringify({ id: '1', account: '123456789012', source: 'app', time: '2024-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail });
  const test = async (pattern: unknown, detail: unknown) => (await eb.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event(detail) }))).Result;
  assert.equal(await test({ detail: { n: [{ numeric: ['=', 1.5] }] } }, { n: 1.5000001 }), true);
  assert.equal(await test({ detail: { n: [{ numeric: ['=', 1.5] }] } }, { n: 1.500001 }), false);
  assert.equal(await test({ detail: { n: [{ numeric: ['>', 0] }] } }, { n: 6e9 }), false);
  assert.equal(await test({ detail: { $or: ['a', 'b'] } }, { $or: 'b' }), true);
  await assert.rejects(eb.send(new TestEventPatternCommand({ EventPattern: '{"n":[{"numeric":["<",6e9]}]}', Event: event({}) })), {
    name: 'InvalidEventPatternException', message: 'Event pattern is not valid. Reason: Numeric values must be within the range -5.0E9 and 5.0E9',
  });
});

test('wildcard patterns: no backtracking, EventBridge\'s complexity limit, legitimate wildcards still route', async () => {
  const value = 'a'.repeat(60);
  const event = JSON.stringify({ id: '1', account: '123456789012', source: 'app', time: '2024-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail: { name: value } });
  // Seven stars over a 60-character value: the old regex translation took over a minute here.
  const sevenStars = JSON.stringify({ detail: { name: [{ wildcard: '*a*a*a*a*a*a*a*b' }] } });
  const put = await timed(() => eb.send(new PutRuleCommand({ Name: 'stars', EventPattern: sevenStars })));
  assert.ok(!(put.r instanceof Error), String(put.r));
  const tested = await timed(() => eb.send(new TestEventPatternCommand({ EventPattern: sevenStars, Event: event })));
  assert.equal((tested.r as { Result?: boolean }).Result, false);
  assert.ok(put.ms < 50 && tested.ms < 50, `PutRule ${put.ms.toFixed(1)} ms, TestEventPattern ${tested.ms.toFixed(1)} ms`);
  // Past event-ruler's complexity limit: refused with EventBridge's words, just as fast.
  const tooComplex = JSON.stringify({ detail: { name: [{ wildcard: `${'*a'.repeat(12)}b` }] } });
  for (const send of [() => eb.send(new PutRuleCommand({ Name: 'complex', EventPattern: tooComplex })), () => eb.send(new TestEventPatternCommand({ EventPattern: tooComplex, Event: event }))]) {
    const { r, ms } = await timed(send);
    assert.equal((r as Error).name, 'InvalidEventPatternException');
    assert.match((r as Error).message, /^Event pattern is not valid\. Reason: Rule is too complex - try using fewer wildcard characters/);
    assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
  }
  await assert.rejects(eb.send(new PutRuleCommand({ Name: 'big', EventPattern: JSON.stringify({ source: ['x'.repeat(2100)] }) })), { name: 'InvalidEventPatternException' });
  // A legitimate wildcard still routes a matching event and skips the others.
  const q = await queue('images');
  await eb.send(new PutRuleCommand({ Name: 'images', EventPattern: JSON.stringify({ detail: { key: [{ wildcard: 'uploads/*/photo-*.png' }] } }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'images', Targets: [{ Id: 'q', Arn: q.arn }] }));
  const entry = (key: string) => ({ Source: 'app', DetailType: 'x', Detail: JSON.stringify({ key }) });
  await eb.send(new PutEventsCommand({ Entries: [entry('uploads/2024/photo-1.png'), entry('uploads/2024/photo-1.jpg')] }));
  const got = await receive(q.url, 1);
  assert.deepEqual(got.map((m) => JSON.parse(m.Body!).detail.key), ['uploads/2024/photo-1.png']);
});

test('a scheduled rule fires on the clock; the admin API fires a rule now', async () => {
  const q = await queue('ticks');
  fb.clock.freeze(Date.parse('2030-01-01T00:00:30Z'));
  await eb.send(new PutRuleCommand({ Name: 'every-5', ScheduleExpression: 'rate(5 minutes)' }));
  await eb.send(new PutRuleCommand({ Name: 'hourly', ScheduleExpression: 'cron(0 * * * ? *)' }));
  await eb.send(new PutTargetsCommand({ Rule: 'every-5', Targets: [{ Id: 'q', Arn: q.arn }] }));
  await eb.send(new PutTargetsCommand({ Rule: 'hourly', Targets: [{ Id: 'q', Arn: q.arn, Input: '{"hourly":true}' }] }));
  fb.clock.advance(4 * 60_000);
  fb.clock.advance(60_000 + 1);
  fb.clock.advance(55 * 60_000);
  fb.clock.unfreeze();
  const got = (await receive(q.url, 13)).map((m) => JSON.parse(m.Body!));
  const ticks = got.filter((b) => b['detail-type'] === 'Scheduled Event');
  assert.equal(ticks.length, 12, 'rate(5 minutes) fired 12 times in the hour');
  assert.equal(ticks[0].source, 'aws.events');
  assert.equal(ticks[0].time, '2030-01-01T00:05:30Z');
  assert.deepEqual(ticks[0].resources, ['arn:aws:events:us-east-1:000000000000:rule/every-5']);
  assert.equal(got.filter((b) => b.hourly).length, 1, 'cron(0 * * * ? *) fired at 01:00');

  const fired = await admin<{ event: { id: string } }>('/_fogbank/events/rules/every-5/fire', {});
  const [now] = (await receive(q.url)).map((m) => JSON.parse(m.Body!));
  assert.equal(now.id, fired.event.id);
});

test('failing targets: client-side errors go straight to the DLQ, server-side ones are retried', async () => {
  const dlq = await queue('rule-dlq');
  await eb.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["shop.orders"]}' }));
  await eb.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'gone', Arn: 'arn:aws:sqs:us-east-1:000000000000:deleted-queue', DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 } }] }));
  const put = await eb.send(new PutEventsCommand({ Entries: [order({ id: 1 })] }));
  const [dead] = await receive(dlq.url);
  assert.equal(JSON.parse(dead.Body!).id, put.Entries![0].EventId);
  const a = dead.MessageAttributes!;
  assert.equal(a.RULE_ARN.StringValue, 'arn:aws:events:us-east-1:000000000000:rule/r');
  assert.equal(a.TARGET_ARN.StringValue, 'arn:aws:sqs:us-east-1:000000000000:deleted-queue');
  assert.ok(a.ERROR_CODE.StringValue);
  assert.equal(a.RETRY_ATTEMPTS.StringValue, '0');
  assert.equal(a.EXHAUSTED_RETRY_CONDITION, undefined, 'not retried at all');
});

test('other targets: SNS topics, another bus (also in another account), and deliveries to a bus ARN', async () => {
  const sns = fb.client(SNSClient);
  const q = await queue('sink');
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'eb-topic' }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn, Attributes: { RawMessageDelivery: 'true' } }));
  const other = fb.client(EventBridgeClient, { credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' } });
  await other.send(new CreateEventBusCommand({ Name: 'central' }));
  await other.send(new PutRuleCommand({ Name: 'all', EventBusName: 'central', EventPattern: '{"source":[{"prefix":""}]}' }));
  await other.send(new PutTargetsCommand({ Rule: 'all', EventBusName: 'central', Targets: [{ Id: 'topic', Arn: TopicArn! }] }));
  await eb.send(new PutRuleCommand({ Name: 'forward', EventPattern: '{"source":["shop.orders"]}' }));
  await eb.send(new PutTargetsCommand({ Rule: 'forward', Targets: [{ Id: 'central', Arn: 'arn:aws:events:us-east-1:111122223333:event-bus/central' }] }));
  const put = await eb.send(new PutEventsCommand({ Entries: [order({ id: 42 })] }));
  const [m] = await receive(q.url);
  const e = JSON.parse(m.Body!);
  assert.equal(e.id, put.Entries![0].EventId, 'the event crosses buses whole');
  assert.equal(e.account, '000000000000');
  assert.equal(e.detail.id, 42);

  // S3 (or any service) delivers a PutEvents entry to the default bus.
  await eb.send(new PutRuleCommand({ Name: 's3', EventPattern: '{"source":["aws.s3"],"detail-type":["Object Created"]}' }));
  await eb.send(new PutTargetsCommand({ Rule: 's3', Targets: [{ Id: 'q', Arn: q.arn }] }));
  await fb.instance.env.deliver({
    target: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
    body: JSON.stringify({ Source: 'aws.s3', DetailType: 'Object Created', Detail: { bucket: { name: 'b' }, object: { key: 'k' } }, Resources: ['arn:aws:s3:::b'] }),
    source: { service: 's3' },
  });
  const [s3] = await receive(q.url);
  const se = JSON.parse(s3.Body!);
  assert.deepEqual([se.source, se['detail-type'], se.detail.object.key, se.resources[0]], ['aws.s3', 'Object Created', 'k', 'arn:aws:s3:::b']);
});

test('archives keep events and replays send them again to the chosen rules', async () => {
  const q = await queue('replayed');
  const bus = await eb.send(new DescribeEventBusCommand({}));
  await eb.send(new CreateArchiveCommand({ ArchiveName: 'orders', EventSourceArn: bus.Arn, EventPattern: '{"source":["shop.orders"]}' }));
  const start = new Date(Date.now() - 60_000);
  await eb.send(new PutEventsCommand({ Entries: [order({ id: 1 }), order({ id: 2 }), { Source: 'other', DetailType: 'x', Detail: '{}' }] }));
  const a = await eb.send(new DescribeArchiveCommand({ ArchiveName: 'orders' }));
  assert.equal(a.EventCount, 2);
  const rule = await eb.send(new PutRuleCommand({ Name: 'late', EventPattern: '{"source":["shop.orders"]}' }));
  await eb.send(new PutTargetsCommand({ Rule: 'late', Targets: [{ Id: 'q', Arn: q.arn }] }));
  await eb.send(new StartReplayCommand({ ReplayName: 'again', EventSourceArn: a.ArchiveArn, EventStartTime: start, EventEndTime: new Date(Date.now() + 60_000), Destination: { Arn: bus.Arn, FilterArns: [rule.RuleArn!] } }));
  const got = (await receive(q.url, 2)).map((m) => JSON.parse(m.Body!));
  assert.deepEqual(got.map((e) => e.detail.id).sort(), [1, 2]);
  assert.ok(got.every((e) => e['replay-name'] === 'again'));
  assert.equal((await eb.send(new DescribeReplayCommand({ ReplayName: 'again' }))).State, 'COMPLETED');
});

test('API destinations make real HTTP calls with the connection\'s authorization', async () => {
  const calls: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const conn = await eb.send(new CreateConnectionCommand({ Name: 'partner', AuthorizationType: 'API_KEY', AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 's3cret' }, InvocationHttpParameters: { HeaderParameters: [{ Key: 'x-team', Value: 'shop', IsValueSecret: false }] } } }));
    assert.equal(conn.ConnectionState, 'AUTHORIZED');
    const described = await eb.send(new DescribeConnectionCommand({ Name: 'partner' }));
    assert.equal(described.AuthParameters!.ApiKeyAuthParameters!.ApiKeyName, 'x-api-key');
    assert.equal(JSON.stringify(described).includes('s3cret'), false, 'secrets are not shown again');
    const dest = await eb.send(new CreateApiDestinationCommand({ Name: 'hook', ConnectionArn: conn.ConnectionArn, InvocationEndpoint: `http://127.0.0.1:${port}/orders/*`, HttpMethod: 'POST' }));
    await eb.send(new PutRuleCommand({ Name: 'to-partner', EventPattern: '{"source":["shop.orders"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: 'to-partner', Targets: [{ Id: 'api', Arn: dest.ApiDestinationArn!, RoleArn: 'arn:aws:iam::000000000000:role/eb', InputPath: '$.detail', HttpParameters: { PathParameterValues: ['eu'], QueryStringParameters: { v: '2' } } }] }));
    await eb.send(new PutEventsCommand({ Entries: [order({ id: 5 })] }));
    for (let i = 0; i < 50 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].method, 'POST');
    assert.equal(calls[0].url, '/orders/eu?v=2');
    assert.equal(calls[0].headers['x-api-key'], 's3cret');
    assert.equal(calls[0].headers['x-team'], 'shop');
    assert.deepEqual(JSON.parse(calls[0].body), { id: 5 });
  } finally {
    server.close();
  }
});

test('boto3 (JSON protocol, every installed version): rules, targets, PutEvents to SQS', async () => {
  const clients = boto3Clients();
  assert.ok(clients.length > 0);
  for (const client of clients) {
    await fb.reset();
    const q = await queue('py');
    const script = `
import boto3, json, os
eb = boto3.client('events', endpoint_url=os.environ['ENDPOINT'])
eb.put_rule(Name='py', EventPattern=json.dumps({'source': ['py.app'], 'detail': {'n': [{'numeric': ['>', 1]}]}}))
eb.put_targets(Rule='py', Targets=[{'Id': 'q', 'Arn': os.environ['QUEUE_ARN']}])
r = eb.put_events(Entries=[{'Source': 'py.app', 'DetailType': 't', 'Detail': json.dumps({'n': 2})}, {'Source': 'py.app', 'DetailType': 't', 'Detail': 'nope'}])
try:
    eb.describe_rule(Name='missing')
    err = None
except eb.exceptions.ResourceNotFoundException as e:
    err = e.response['Error']['Code']
print(json.dumps({'failed': r['FailedEntryCount'], 'codes': [e.get('ErrorCode') for e in r['Entries']], 'err': err}))
`;
    const out = await python(client, fb.endpoint, script, { QUEUE_ARN: q.arn });
    assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
    assert.deepEqual(JSON.parse(out.stdout), { failed: 1, codes: [null, 'MalformedDetail'], err: 'ResourceNotFoundException' }, client.label);
    assert.equal(JSON.parse((await receive(q.url))[0].Body!).detail.n, 2, client.label);
  }
});

test('AWS CLI (every installed version): put-rule, put-targets, put-events, test-event-pattern', async () => {
  const clis = awsCliClients();
  assert.ok(clis.length > 0);
  for (const cli of clis) {
    await fb.reset();
    const q = await queue('cli');
    assert.equal((await aws(cli, fb.endpoint, ['events', 'put-rule', '--name', 'cli', '--event-pattern', '{"source":["cli.app"]}'])).code, 0);
    assert.equal((await aws(cli, fb.endpoint, ['events', 'put-targets', '--rule', 'cli', '--targets', `Id=q,Arn=${q.arn}`])).code, 0);
    const put = await aws(cli, fb.endpoint, ['events', 'put-events', '--entries', JSON.stringify([{ Source: 'cli.app', DetailType: 'x', Detail: '{"from":"cli"}' }])]);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(JSON.parse(put.stdout).FailedEntryCount, 0);
    assert.equal(JSON.parse((await receive(q.url))[0].Body!).detail.from, 'cli', cli.label);
    const tp = await aws(cli, fb.endpoint, ['events', 'test-event-pattern', '--event-pattern', '{"source":["a"]}', '--event', JSON.stringify({ id: '1', account: '1', source: 'a', time: '2024-01-01T00:00:00Z', region: 'us-east-1', 'detail-type': 'x', resources: [], detail: {} })]);
    assert.equal(JSON.parse(tp.stdout).Result, true, cli.label);
  }
});

test('a Detail nested past 1,000 levels is MalformedDetail (100,000 levels fit in 256 KB), a deep but sane one is delivered', async () => {
  const { url, arn } = await queue('deep');
  await eb.send(new PutRuleCommand({ Name: 'deep', EventPattern: JSON.stringify({ source: ['deep.test'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'deep', Targets: [{ Id: 'q', Arn: arn }] }));
  const nest = (n: number) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;
  const r = await eb.send(new PutEventsCommand({
    Entries: [
      { Source: 'deep.test', DetailType: 't', Detail: nest(100_000) },
      { Source: 'deep.test', DetailType: 't', Detail: nest(1_000) },
      { Source: 'deep.test', DetailType: 't', Detail: nest(500) },
    ],
  }));
  assert.deepEqual(r.Entries!.map((e) => e.ErrorCode), ['MalformedDetail', 'MalformedDetail', undefined]);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2 }));
  assert.equal(got.Messages?.length, 1);
  assert.equal(JSON.stringify(JSON.parse(got.Messages![0].Body!).detail), nest(500));
});

// Races the store port could open (issue 11 §7): run with a networked driver's latency, so that
// concurrent requests interleave between a handler's awaits.
test('concurrent requests on one resource: one create wins, policies and tags lose nothing, the target quota holds', async () => {
  const undo = withStoreLatency(fb.instance.env.store);
  try {
    const creates = await Promise.allSettled(Array.from({ length: 8 }, () => eb.send(new CreateEventBusCommand({ Name: 'contended' }))));
    assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1, 'one CreateEventBus succeeds');
    for (const r of creates) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ResourceAlreadyExistsException');

    // The default bus is made on first use by each of these: none may overwrite another's statement.
    await Promise.all(Array.from({ length: 8 }, (_, i) => eb.send(new PutPermissionCommand({ StatementId: `s${i}`, Action: 'events:PutEvents', Principal: String(111111111110 + i) }))));
    const policy = JSON.parse((await eb.send(new DescribeEventBusCommand({}))).Policy!) as { Statement: Array<{ Sid: string }> };
    assert.deepEqual(policy.Statement.map((s) => s.Sid).sort(), Array.from({ length: 8 }, (_, i) => `s${i}`).sort(), 'every concurrent PutPermission kept its statement');

    const arn = (await eb.send(new DescribeEventBusCommand({ Name: 'contended' }))).Arn!;
    await Promise.all(Array.from({ length: 12 }, (_, i) => eb.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: `k${i}`, Value: `v${i}` }] }))));
    assert.equal((await eb.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags!.length, 12, 'every concurrent TagResource kept its tag');

    await eb.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["x"]}' }));
    const puts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => eb.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: `t${i}`, Arn: `arn:aws:sqs:us-east-1:000000000000:q${i}` }] }))));
    const targets = (await eb.send(new ListTargetsByRuleCommand({ Rule: 'r' }))).Targets!;
    assert.equal(targets.length, 5, 'five targets per rule, however many ask at once');
    assert.equal(puts.filter((r) => r.status === 'fulfilled').length, 5);
    for (const r of puts) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'LimitExceededException');
  } finally {
    undo();
  }
});
