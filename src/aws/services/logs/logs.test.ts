// CloudWatch Logs through real clients: groups (retention on the clock, KMS, tags), streams, events
// (ordering and batch limits, forward/backward tokens), filter patterns, metric and subscription filters.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as CW from '@aws-sdk/client-cloudwatch-logs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, python } from '../../../../test/support/clients.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { bestOfThree as timed } from '../../../../test/support/timing.ts';

let fb: TestFogbank;
let logs: CW.CloudWatchLogsClient;

before(async () => {
  fb = await startFogbank();
  logs = fb.client(CW.CloudWatchLogsClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function expectError(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (message) assert.match(err.message, message);
    return true;
  });
}

async function groupWithEvents(group: string, stream: string, messages: string[], start = Date.now() - 10_000): Promise<void> {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CW.CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: messages.map((message, i) => ({ timestamp: start + i, message })) }));
}

test('log groups: create, describe with prefix and pagination, duplicates, delete', async () => {
  for (const name of ['/app/a', '/app/b', '/app/c', '/other/x']) {
    await logs.send(new CW.CreateLogGroupCommand({ logGroupName: name, tags: { team: 'blue' } }));
  }
  await expectError(logs.send(new CW.CreateLogGroupCommand({ logGroupName: '/app/a' })), 'ResourceAlreadyExistsException');
  await expectError(logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'bad name' })), 'InvalidParameterException', /logGroupName/);
  const page1 = await logs.send(new CW.DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/', limit: 2 }));
  assert.deepEqual(page1.logGroups?.map((g) => g.logGroupName), ['/app/a', '/app/b']);
  assert.equal(page1.logGroups?.[0].arn, `arn:aws:logs:us-east-1:000000000000:log-group:/app/a:*`);
  assert.equal(page1.logGroups?.[0].logGroupArn, `arn:aws:logs:us-east-1:000000000000:log-group:/app/a`);
  const page2 = await logs.send(new CW.DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/', limit: 2, nextToken: page1.nextToken }));
  assert.deepEqual(page2.logGroups?.map((g) => g.logGroupName), ['/app/c']);
  assert.equal(page2.nextToken, undefined);
  const pattern = await logs.send(new CW.DescribeLogGroupsCommand({ logGroupNamePattern: 'THER' }));
  assert.deepEqual(pattern.logGroups?.map((g) => g.logGroupName), ['/other/x']);
  await logs.send(new CW.DeleteLogGroupCommand({ logGroupName: '/app/b' }));
  await expectError(logs.send(new CW.DeleteLogGroupCommand({ logGroupName: '/app/b' })), 'ResourceNotFoundException', /log group does not exist/);
});

test('retention, KMS key and tags (log-group and ARN flavours)', async () => {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  await expectError(logs.send(new CW.PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 2 })), 'InvalidParameterException', /retentionInDays/);
  await logs.send(new CW.PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 7 }));
  await logs.send(new CW.AssociateKmsKeyCommand({ logGroupName: 'g', kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/abc' }));
  let g = (await logs.send(new CW.DescribeLogGroupsCommand({}))).logGroups![0];
  assert.equal(g.retentionInDays, 7);
  assert.equal(g.kmsKeyId, 'arn:aws:kms:us-east-1:000000000000:key/abc');
  await logs.send(new CW.DeleteRetentionPolicyCommand({ logGroupName: 'g' }));
  await logs.send(new CW.DisassociateKmsKeyCommand({ logGroupName: 'g' }));
  g = (await logs.send(new CW.DescribeLogGroupsCommand({}))).logGroups![0];
  assert.equal(g.retentionInDays, undefined);
  assert.equal(g.kmsKeyId, undefined);
  const arn = g.logGroupArn!;
  await logs.send(new CW.TagResourceCommand({ resourceArn: arn, tags: { a: '1', b: '2' } }));
  await logs.send(new CW.UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
  assert.deepEqual((await logs.send(new CW.ListTagsForResourceCommand({ resourceArn: arn }))).tags, { b: '2' });
  await logs.send(new CW.TagLogGroupCommand({ logGroupName: 'g', tags: { c: '3' } }));
  assert.deepEqual((await logs.send(new CW.ListTagsLogGroupCommand({ logGroupName: 'g' }))).tags, { b: '2', c: '3' });
});

test('retention expires events on the clock', async () => {
  const now = Date.now();
  fb.clock.freeze(now);
  await groupWithEvents('ret', 's', ['old', 'new'], now - 3 * 86_400_000);
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'ret', logStreamName: 's', logEvents: [{ timestamp: now, message: 'today' }] }));
  await logs.send(new CW.PutRetentionPolicyCommand({ logGroupName: 'ret', retentionInDays: 1 }));
  const got = await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'ret' }));
  assert.deepEqual(got.events?.map((e) => e.message), ['today']);
  fb.clock.advance(2 * 86_400_000);
  const later = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'ret', logStreamName: 's', startFromHead: true }));
  assert.deepEqual(later.events, []);
});

test('log streams: create, duplicate, describe by name and by last event time', async () => {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  for (const s of ['b', 'a', 'c']) await logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: s }));
  await expectError(logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 'a' })), 'ResourceAlreadyExistsException');
  await expectError(logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 'a:b' })), 'InvalidParameterException');
  await expectError(logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'none', logStreamName: 'a' })), 'ResourceNotFoundException');
  const now = Date.now();
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 'b', logEvents: [{ timestamp: now - 100, message: 'x' }] }));
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 'c', logEvents: [{ timestamp: now, message: 'y' }] }));
  const byName = await logs.send(new CW.DescribeLogStreamsCommand({ logGroupName: 'g', limit: 2 }));
  assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ['a', 'b']);
  const rest = await logs.send(new CW.DescribeLogStreamsCommand({ logGroupName: 'g', limit: 2, nextToken: byName.nextToken }));
  assert.deepEqual(rest.logStreams?.map((s) => s.logStreamName), ['c']);
  const byTime = await logs.send(new CW.DescribeLogStreamsCommand({ logGroupName: 'g', orderBy: 'LastEventTime', descending: true }));
  assert.deepEqual(byTime.logStreams?.map((s) => s.logStreamName), ['c', 'b', 'a']);
  assert.equal(byTime.logStreams?.[0].lastEventTimestamp, now);
  await expectError(logs.send(new CW.DescribeLogStreamsCommand({ logGroupName: 'g', orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })), 'InvalidParameterException');
  await logs.send(new CW.DeleteLogStreamCommand({ logGroupName: 'g', logStreamName: 'a' }));
  await expectError(logs.send(new CW.DeleteLogStreamCommand({ logGroupName: 'g', logStreamName: 'a' })), 'ResourceNotFoundException', /log stream does not exist/);
});

test('PutLogEvents: chronological order, 24-hour span, too old / too new rejected by index', async () => {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  await logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
  const now = Date.now();
  fb.clock.freeze(now);
  await expectError(
    logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }] })),
    'InvalidParameterException',
    /chronological order/,
  );
  await expectError(
    logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now - 25 * 3_600_000, message: 'a' }, { timestamp: now, message: 'b' }] })),
    'InvalidParameterException',
    /24 hours/,
  );
  const r = await logs.send(new CW.PutLogEventsCommand({
    logGroupName: 'g',
    logStreamName: 's',
    logEvents: [{ timestamp: now - 15 * 86_400_000, message: 'ancient' }, { timestamp: now - 15 * 86_400_000 + 1, message: 'ancient too' }],
  }));
  // The index of the last too-old event: 1 for two, 0 for a single one (as AWS answers).
  assert.equal(r.rejectedLogEventsInfo?.tooOldLogEventEndIndex, 1);
  const single = await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now - 15 * 86_400_000, message: 'ancient' }] }));
  assert.equal(single.rejectedLogEventsInfo?.tooOldLogEventEndIndex, 0);
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now, message: 'ok' }] }));
  assert.ok(r.nextSequenceToken);
  const r2 = await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: now + 3 * 3_600_000, message: 'future' }] }));
  assert.equal(r2.rejectedLogEventsInfo?.tooNewLogEventStartIndex, 0);
  const all = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', startFromHead: true }));
  assert.deepEqual(all.events?.map((e) => e.message), ['ok']);
  await expectError(
    logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 'nope', logEvents: [{ timestamp: now, message: 'x' }] })),
    'ResourceNotFoundException',
    /log stream does not exist/,
  );
});

test('GetLogEvents pages forward and backward with tokens, and ends on the same token', async () => {
  const messages = Array.from({ length: 7 }, (_, i) => `m${i}`);
  await groupWithEvents('g', 's', messages);
  const first = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', startFromHead: true, limit: 3 }));
  assert.deepEqual(first.events?.map((e) => e.message), ['m0', 'm1', 'm2']);
  const second = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 3, nextToken: first.nextForwardToken }));
  assert.deepEqual(second.events?.map((e) => e.message), ['m3', 'm4', 'm5']);
  const back = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 2, nextToken: second.nextBackwardToken }));
  assert.deepEqual(back.events?.map((e) => e.message), ['m1', 'm2']);
  const third = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 3, nextToken: second.nextForwardToken }));
  assert.deepEqual(third.events?.map((e) => e.message), ['m6']);
  const end = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 3, nextToken: third.nextForwardToken }));
  assert.deepEqual(end.events, []);
  assert.equal(end.nextForwardToken, third.nextForwardToken);
  // Without startFromHead the newest events come first page (in ascending order).
  const tail = await logs.send(new CW.GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', limit: 2 }));
  assert.deepEqual(tail.events?.map((e) => e.message), ['m5', 'm6']);
});

test('FilterLogEvents: terms, phrases, ?OR, exclusion, JSON and space-delimited patterns, pagination', async () => {
  const lines = [
    'ERROR Timeout talking to db',
    'INFO all good',
    'WARN disk almost full',
    'ERROR Exiting now',
    JSON.stringify({ level: 'error', latency: 250, user: { id: 7 } }),
    JSON.stringify({ level: 'info', latency: 20, user: { id: 8 } }),
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    '127.0.0.1 - jane [10/Oct/2000:13:25:16 -0700] "GET /ok.html HTTP/1.0" 200 99',
  ];
  await groupWithEvents('g', 's1', lines.slice(0, 4));
  await logs.send(new CW.CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's2' }));
  await logs.send(new CW.PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's2', logEvents: lines.slice(4).map((message, i) => ({ timestamp: Date.now() - 5000 + i, message })) }));
  const q = async (filterPattern: string, extra: Partial<CW.FilterLogEventsCommandInput> = {}) =>
    (await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern, ...extra }))).events!.map((e) => e.message);
  assert.deepEqual(await q('ERROR'), [lines[0], lines[3]]);
  assert.deepEqual(await q('ERROR -Exiting'), [lines[0]]);
  assert.deepEqual(await q('?WARN ?Exiting'), [lines[2], lines[3]]);
  assert.deepEqual(await q('"all good"'), [lines[1]]);
  assert.deepEqual(await q('{ $.level = "error" }'), [lines[4]]);
  assert.deepEqual(await q('{ $.latency > 100 || $.user.id = 8 }'), [lines[4], lines[5]]);
  assert.deepEqual(await q('{ $.level = "inf*" && $.latency < 50 }'), [lines[5]]);
  assert.deepEqual(await q('[ip, identity, user, timestamp, request, status_code = 4*, bytes]'), [lines[6]]);
  assert.deepEqual(await q('[..., status_code = 200, bytes]'), [lines[7]]);
  assert.deepEqual(await q('ERROR', { logStreamNames: ['s2'] }), []);
  assert.deepEqual(await q('', { logStreamNamePrefix: 's2' }), lines.slice(4));
  const page = await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', limit: 3 }));
  assert.equal(page.events?.length, 3);
  assert.ok(page.nextToken);
  const rest = await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', nextToken: page.nextToken }));
  assert.equal(rest.events?.length, lines.length - 3);
  assert.equal(rest.nextToken, undefined);
  await expectError(logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '{ $.level = ' })), 'InvalidParameterException');
});

test('metric filters are stored and TestMetricFilter extracts fields', async () => {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  await logs.send(new CW.PutMetricFilterCommand({
    logGroupName: 'g', filterName: 'errors', filterPattern: 'ERROR',
    metricTransformations: [{ metricName: 'Errors', metricNamespace: 'App', metricValue: '1' }],
  }));
  const d = await logs.send(new CW.DescribeMetricFiltersCommand({ logGroupName: 'g' }));
  assert.equal(d.metricFilters?.[0].filterName, 'errors');
  assert.equal(d.metricFilters?.[0].metricTransformations?.[0].metricName, 'Errors');
  assert.equal((await logs.send(new CW.DescribeLogGroupsCommand({}))).logGroups?.[0].metricFilterCount, 1);
  const t = await logs.send(new CW.TestMetricFilterCommand({
    filterPattern: '[ip, user, status = 5*]',
    logEventMessages: ['1.2.3.4 bob 500', '1.2.3.4 bob 200'],
  }));
  assert.deepEqual(t.matches, [{ eventNumber: 1, eventMessage: '1.2.3.4 bob 500', extractedValues: { $ip: '1.2.3.4', $user: 'bob', $status: '500' } }]);
  await logs.send(new CW.DeleteMetricFilterCommand({ logGroupName: 'g', filterName: 'errors' }));
  await expectError(logs.send(new CW.DeleteMetricFilterCommand({ logGroupName: 'g', filterName: 'errors' })), 'ResourceNotFoundException');
});

test('subscription filters: at most two per group, described and deleted', async () => {
  await logs.send(new CW.CreateLogGroupCommand({ logGroupName: 'g' }));
  const dest = 'arn:aws:lambda:us-east-1:000000000000:function:f';
  await logs.send(new CW.PutSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'a', filterPattern: 'ERROR', destinationArn: dest }));
  await logs.send(new CW.PutSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'b', filterPattern: '', destinationArn: dest }));
  // The SDK retries LimitExceededException as a throttle; one attempt is enough to see it.
  const once = fb.client(CW.CloudWatchLogsClient, { maxAttempts: 1 });
  await expectError(once.send(new CW.PutSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'c', filterPattern: '', destinationArn: dest })), 'LimitExceededException');
  const d = await logs.send(new CW.DescribeSubscriptionFiltersCommand({ logGroupName: 'g' }));
  assert.deepEqual(d.subscriptionFilters?.map((f) => [f.filterName, f.destinationArn, f.distribution]), [['a', dest, 'ByLogStream'], ['b', dest, 'ByLogStream']]);
  await logs.send(new CW.DeleteSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'a' }));
  await expectError(logs.send(new CW.DeleteSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'a' })), 'ResourceNotFoundException');
});

test('regex filter patterns: linear time (RE2), the documented alphabet and quotas', async () => {
  const line = `${'a'.repeat(40)}!`;
  await groupWithEvents('g', 's', [line, 'user=bob status=500', 'user=amy status=200']);
  // Eight stars: over this 41-character line a backtracking engine takes minutes; RE2 is linear.
  const stars = '%a*a*a*a*a*a*a*a*c%';
  for (const send of [
    () => logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: stars })),
    () => logs.send(new CW.TestMetricFilterCommand({ filterPattern: stars, logEventMessages: [line] })),
    () => logs.send(new CW.PutMetricFilterCommand({ logGroupName: 'g', filterName: 'stars', filterPattern: stars, metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] })),
  ]) {
    const { r, ms } = await timed(send);
    assert.ok(!(r instanceof Error), String(r));
    assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
  }
  assert.deepEqual((await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: stars }))).events, []);
  // The classic (a+)+$: parentheses are outside CloudWatch's regex alphabet, refused as AWS does.
  for (const send of [
    () => logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '%(a+)+$%' })),
    () => logs.send(new CW.TestMetricFilterCommand({ filterPattern: '%(a+)+$%', logEventMessages: [line] })),
    () => logs.send(new CW.PutMetricFilterCommand({ logGroupName: 'g', filterName: 'nested', filterPattern: '%(a+)+$%', metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] })),
  ]) {
    const { r, ms } = await timed(send);
    assert.equal((r as Error).name, 'InvalidParameterException');
    assert.equal((r as Error).message, 'Invalid character(s) in term');
    assert.ok(ms < 50, `${ms.toFixed(1)} ms`);
  }
  await expectError(logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '%something!%' })), 'InvalidParameterException', /Invalid character/);
  await expectError(logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '%\\(x\\)%' })), 'InvalidParameterException', /Invalid character/);
  // Legitimate regexes still match, including the documented examples and hex escapes for ( and ).
  const q = async (filterPattern: string) => (await logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern }))).events!.map((e) => e.message);
  assert.deepEqual(await q('%status=5[0-9]{2}%'), ['user=bob status=500']);
  assert.deepEqual(await q('%^user=a|bob%'), ['user=bob status=500', 'user=amy status=200']);
  assert.deepEqual(await q('[u, status = %=2\\d+$%]'), ['user=amy status=200']);
  const t = await logs.send(new CW.TestMetricFilterCommand({ filterPattern: '%\\x28ok\\x29%', logEventMessages: ['(ok)', 'ok'] }));
  assert.deepEqual(t.matches?.map((m) => m.eventMessage), ['(ok)']);
  // RE2 expands counted repetitions: Fogbank bounds their sum (145 x .{1000} cost seconds per message).
  await expectError(logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: `%${'.{1000}'.repeat(145)}%` })), 'InvalidParameterException', /repeats more than 1000 times/);
  assert.deepEqual(await q('%\\d{1,3}=\\d{1,3}|status=[0-9]{3}$%'), ['user=bob status=500', 'user=amy status=200']);
  // At most two regexes in one pattern; at most 1024 characters.
  await expectError(logs.send(new CW.FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '{ $.a = %x% || $.b = %y% || $.c = %z% }' })), 'InvalidParameterException', /at most 2 regular expressions/);
  await expectError(logs.send(new CW.TestMetricFilterCommand({ filterPattern: `{ ${'('.repeat(5000)}$.a = 1 }`, logEventMessages: ['x'] })), 'InvalidParameterException', /length less than or equal to 1024/);
  // At most five regex filters per log group, metric and subscription filters together.
  const once = fb.client(CW.CloudWatchLogsClient, { maxAttempts: 1 });
  for (let i = 1; i <= 4; i++) {
    await logs.send(new CW.PutMetricFilterCommand({ logGroupName: 'g', filterName: `r${i}`, filterPattern: `%r${i}%`, metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] }));
  }
  await logs.send(new CW.PutMetricFilterCommand({ logGroupName: 'g', filterName: 'r1', filterPattern: '%again%', metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] }));
  await logs.send(new CW.PutMetricFilterCommand({ logGroupName: 'g', filterName: 'plain', filterPattern: 'ERROR', metricTransformations: [{ metricName: 'm', metricNamespace: 'n', metricValue: '1' }] }));
  const dest = 'arn:aws:lambda:us-east-1:000000000000:function:f';
  await expectError(once.send(new CW.PutSubscriptionFilterCommand({ logGroupName: 'g', filterName: 'sixth', filterPattern: '%six%', destinationArn: dest })), 'LimitExceededException');
});

test('filter pattern compiler: JSON selectors and operators', () => {
  const m = (p: string, s: string) => compileFilterPattern(p).matches(s);
  assert.ok(m('{ $.a[1] = 2 }', '{"a":[1,2]}'));
  assert.ok(m('{ $.x IS NULL }', '{"x":null}'));
  assert.ok(m('{ $.x NOT EXISTS }', '{"y":1}'));
  assert.ok(m('{ $.ok IS TRUE }', '{"ok":true}'));
  assert.ok(!m('{ $.ok IS TRUE }', '{"ok":false}'));
  assert.ok(m('{ $.n != 3 }', '{"n":4}'));
  assert.ok(m('{ ($.a = 1 || $.b = 1) && $.c = "z" }', '{"b":1,"c":"z"}'));
  assert.ok(!m('{ $.a = 1 }', 'not json'));
  assert.ok(m('%[Ee]rror%', 'an Error happened'));
  assert.throws(() => compileFilterPattern('{ a = 1 }'));
});

for (const client of boto3Clients()) {
  test(`boto3 ${client.boto3Version}: groups, events and filtering`, async () => {
    const r = await python(client, fb.endpoint, `
import boto3, os, time, json
logs = boto3.client('logs', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
logs.create_log_group(logGroupName='py')
logs.create_log_stream(logGroupName='py', logStreamName='s')
now = int(time.time() * 1000)
logs.put_log_events(logGroupName='py', logStreamName='s', logEvents=[{'timestamp': now, 'message': 'hello ERROR'}, {'timestamp': now + 1, 'message': 'fine'}])
got = logs.filter_log_events(logGroupName='py', filterPattern='ERROR')
try:
    logs.create_log_group(logGroupName='py')
    err = None
except logs.exceptions.ResourceAlreadyExistsException as e:
    err = e.response['Error']['Code']
print(json.dumps({'events': [e['message'] for e in got['events']], 'err': err}))
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { events: ['hello ERROR'], err: 'ResourceAlreadyExistsException' });
  });
}
