import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SchedulerClient, CreateScheduleCommand, GetScheduleCommand, UpdateScheduleCommand, DeleteScheduleCommand, ListSchedulesCommand,
  CreateScheduleGroupCommand, GetScheduleGroupCommand, DeleteScheduleGroupCommand, ListScheduleGroupsCommand, TagResourceCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-scheduler';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';

let fb: TestFogbank;
let scheduler: SchedulerClient;
let sqs: SQSClient;
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';

before(async () => {
  fb = await startFogbank();
  scheduler = fb.client(SchedulerClient);
  sqs = fb.client(SQSClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function queue(client: SQSClient, name: string) {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function receive(url: string, n = 1, client = sqs) {
  const out = [];
  for (let i = 0; i < 5 && out.length < n; i++) {
    const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    out.push(...(r.Messages ?? []));
  }
  return out;
}

test('schedule groups and schedules: create, get, update, list, delete, errors', async () => {
  const q = await queue(sqs, 'crud');
  const g = await scheduler.send(new CreateScheduleGroupCommand({ Name: 'reports', Tags: [{ Key: 'team', Value: 'bi' }] }));
  assert.equal(g.ScheduleGroupArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/reports');
  await assert.rejects(scheduler.send(new CreateScheduleGroupCommand({ Name: 'reports' })), { name: 'ConflictException' });
  assert.deepEqual((await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups!.map((x) => x.Name), ['default', 'reports']);
  assert.deepEqual((await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: g.ScheduleGroupArn }))).Tags, [{ Key: 'team', Value: 'bi' }]);
  await scheduler.send(new TagResourceCommand({ ResourceArn: g.ScheduleGroupArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
  const target = { Arn: q.arn, RoleArn: ROLE, Input: '{"report":"daily"}' };
  const s = await scheduler.send(new CreateScheduleCommand({ Name: 'daily', GroupName: 'reports', ScheduleExpression: 'cron(0 6 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }));
  assert.equal(s.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/reports/daily');
  await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'daily', GroupName: 'reports', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })), { name: 'ConflictException' });
  await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 hours)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })), { name: 'ValidationException' });
  await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 hour)', ScheduleExpressionTimezone: 'Mars/Olympus', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })), { name: 'ValidationException' });
  await assert.rejects(scheduler.send(new CreateScheduleCommand({ Name: 'bad', GroupName: 'nope', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target })), { name: 'ResourceNotFoundException' });
  const got = await scheduler.send(new GetScheduleCommand({ Name: 'daily', GroupName: 'reports' }));
  assert.deepEqual([got.ScheduleExpression, got.ScheduleExpressionTimezone, got.State, got.ActionAfterCompletion, got.Target!.Input], ['cron(0 6 * * ? *)', 'Europe/Paris', 'ENABLED', 'NONE', '{"report":"daily"}']);
  await scheduler.send(new UpdateScheduleCommand({ Name: 'daily', GroupName: 'reports', ScheduleExpression: 'rate(12 hours)', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 }, State: 'DISABLED', Target: target }));
  const updated = await scheduler.send(new GetScheduleCommand({ Name: 'daily', GroupName: 'reports' }));
  assert.deepEqual([updated.ScheduleExpression, updated.State, updated.ScheduleExpressionTimezone], ['rate(12 hours)', 'DISABLED', undefined]);
  assert.deepEqual((await scheduler.send(new ListSchedulesCommand({ GroupName: "reports" }))).Schedules!.map((x) => [x.Name, x.State, x.Target!.Arn]), [['daily', 'DISABLED', q.arn]]);
  await scheduler.send(new DeleteScheduleCommand({ Name: 'daily', GroupName: 'reports' }));
  await assert.rejects(scheduler.send(new GetScheduleCommand({ Name: 'daily', GroupName: 'reports' })), { name: 'ResourceNotFoundException' });
  await scheduler.send(new DeleteScheduleGroupCommand({ Name: 'reports' }));
  await assert.rejects(scheduler.send(new GetScheduleGroupCommand({ Name: 'reports' })), { name: 'ResourceNotFoundException' });
  await assert.rejects(scheduler.send(new DeleteScheduleGroupCommand({ Name: 'default' })), { name: 'ValidationException' });
});

test('rate, cron (in a time zone) and at() schedules fire on the clock into SQS; at() deletes itself after completion', async () => {
  const q = await queue(sqs, 'fired');
  fb.clock.freeze(Date.parse('2030-01-01T00:00:00Z'));
  const common = { FlexibleTimeWindow: { Mode: 'OFF' as const } };
  await scheduler.send(new CreateScheduleCommand({ ...common, Name: 'rate', ScheduleExpression: 'rate(10 minutes)', Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"kind":"rate","at":"<aws.scheduler.scheduled-time>"}' } }));
  // 09:00 in Tokyo is 00:00 UTC.
  await scheduler.send(new CreateScheduleCommand({ ...common, Name: 'cron', ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo', Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"kind":"cron"}' } }));
  await scheduler.send(new CreateScheduleCommand({ ...common, Name: 'once', ScheduleExpression: 'at(2030-01-01T00:25:00)', ActionAfterCompletion: 'DELETE', Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"kind":"at"}' } }));
  await scheduler.send(new CreateScheduleCommand({ ...common, Name: 'ended', ScheduleExpression: 'rate(1 minute)', EndDate: new Date('2030-01-01T00:02:30Z'), Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"kind":"ended"}' } }));
  for (let i = 0; i < 6; i++) fb.clock.advance(10 * 60_000);
  fb.clock.unfreeze();
  const bodies = (await receive(q.url, 9)).map((m) => JSON.parse(m.Body!));
  const kinds = (k: string) => bodies.filter((b) => b.kind === k);
  assert.equal(kinds('rate').length, 6);
  assert.equal(kinds('rate')[0].at, '2030-01-01T00:10:00Z', 'context attributes are filled in');
  assert.equal(kinds('cron').length, 0, 'the next 09:00 in Tokyo is a day away');
  assert.equal(kinds('at').length, 1);
  assert.equal(kinds('ended').length, 2, 'nothing after EndDate');
  await assert.rejects(scheduler.send(new GetScheduleCommand({ Name: 'once' })), { name: 'ResourceNotFoundException' }, 'ActionAfterCompletion DELETE');
  await scheduler.send(new DeleteScheduleCommand({ Name: 'rate' }));
  fb.clock.freeze();
  fb.clock.advance(24 * 3600_000);
  fb.clock.unfreeze();
  // (The messages received above are visible again: their visibility timeout ran out on the same clock.)
  const later = (await receive(q.url, 10)).map((m) => JSON.parse(m.Body!));
  assert.equal(later.length, 10);
  assert.equal(later.filter((b) => b.kind === 'cron').length, 1);
});

test('universal targets call the service API; failures go to the DLQ; the admin API fires a schedule now', async () => {
  const q = await queue(sqs, 'universal');
  const dlq = await queue(sqs, 'schedule-dlq');
  await scheduler.send(new CreateScheduleCommand({
    Name: 'send', ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage', RoleArn: ROLE, Input: JSON.stringify({ QueueUrl: q.url, MessageBody: 'via the SDK action' }) },
  }));
  await scheduler.send(new CreateScheduleCommand({
    Name: 'broken', ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:no-such-queue', RoleArn: ROLE, Input: '{"lost":true}', DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 2 } },
  }));
  const fire = async (name: string) => (await fetch(`${fb.endpoint}/_fogbank/scheduler/schedules/${name}/fire`, { method: 'POST', body: '{}' })).json() as Promise<{ executionId: string }>;
  await fire('send');
  assert.equal((await receive(q.url))[0].Body, 'via the SDK action');
  const { executionId } = await fire('broken');
  const [dead] = await receive(dlq.url);
  assert.equal(dead.Body, '{"lost":true}');
  assert.equal(dead.MessageAttributes!['X-Amz-Scheduler-Schedule-Arn'].StringValue, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/broken');
  assert.equal(dead.MessageAttributes!['X-Amz-Scheduler-Execution-Id'].StringValue, executionId);
  assert.ok(dead.MessageAttributes!.ERROR_CODE.StringValue);
  const inv = (await (await fetch(`${fb.endpoint}/_fogbank/scheduler/invocations`)).json()) as { invocations: Array<{ status: string }> };
  assert.deepEqual(inv.invocations.map((i) => i.status), ['succeeded', 'dead-lettered']);
});

test('schedules are re-armed when Fogbank restarts', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fogbank-scheduler-'));
  try {
    const first = await startFogbank({ ephemeral: false, dataDir });
    const q = await queue(first.client(SQSClient), 'durable');
    await first.client(SchedulerClient).send(new CreateScheduleCommand({ Name: 'survivor', ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: q.arn, RoleArn: ROLE, Input: '{"alive":true}' } }));
    await first.stop();

    const second = await startFogbank({ ephemeral: false, dataDir });
    try {
      // Nothing asks the scheduler anything: it must resume by itself.
      for (let i = 0; i < 100 && second.instance.env.clock.pendingTimers === 0; i++) await new Promise((r) => setTimeout(r, 20));
      second.clock.freeze();
      second.clock.advance(3 * 60_000);
      second.clock.unfreeze();
      const got = await receive(q.url, 3, second.client(SQSClient));
      assert.ok(got.length >= 3, `fired ${got.length} times after the restart`);
      assert.deepEqual(JSON.parse(got[0].Body!), { alive: true });
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('boto3 (every installed version) and the AWS CLI', async () => {
  const q = await queue(sqs, 'clients');
  for (const client of boto3Clients()) {
    const script = `
import boto3, json, os
s = boto3.client('scheduler', endpoint_url=os.environ['ENDPOINT'])
name = 'py-' + os.environ['N']
arn = s.create_schedule(Name=name, ScheduleExpression='rate(5 minutes)', FlexibleTimeWindow={'Mode': 'OFF'}, Target={'Arn': os.environ['QUEUE_ARN'], 'RoleArn': '${ROLE}', 'Input': '{}'})['ScheduleArn']
got = s.get_schedule(Name=name)
try:
    s.get_schedule(Name='missing')
    err = None
except s.exceptions.ResourceNotFoundException as e:
    err = e.response['Error']['Code']
print(json.dumps({'arn': arn, 'expr': got['ScheduleExpression'], 'err': err}))
`;
    const n = client.boto3Version.replace(/\W/g, '');
    const out = await python(client, fb.endpoint, script, { QUEUE_ARN: q.arn, N: n });
    assert.equal(out.code, 0, `${client.label}: ${out.stderr}`);
    assert.deepEqual(JSON.parse(out.stdout), { arn: `arn:aws:scheduler:us-east-1:000000000000:schedule/default/py-${n}`, expr: 'rate(5 minutes)', err: 'ResourceNotFoundException' }, client.label);
  }
  for (const cli of awsCliClients()) {
    const name = `cli-${cli.label.replace(/\W/g, '')}`;
    const created = await aws(cli, fb.endpoint, ['scheduler', 'create-schedule', '--name', name, '--schedule-expression', 'cron(0 12 * * ? *)', '--flexible-time-window', 'Mode=OFF', '--target', JSON.stringify({ Arn: q.arn, RoleArn: ROLE })]);
    assert.equal(created.code, 0, `${cli.label}: ${created.stderr}`);
    const list = JSON.parse((await aws(cli, fb.endpoint, ['scheduler', 'list-schedules', '--name-prefix', name])).stdout);
    assert.equal(list.Schedules[0].Name, name, cli.label);
  }
});

// Races the store port could open (issue 11 §7): run with a networked driver's latency, so that
// concurrent requests interleave between a handler's awaits.
test('concurrent requests on one resource: one create wins, tag merges lose no tag, the timer follows the last write', async () => {
  const undo = withStoreLatency(fb.instance.env.store);
  try {
    const creates = await Promise.allSettled(Array.from({ length: 8 }, () => scheduler.send(new CreateScheduleGroupCommand({ Name: 'contended' }))));
    assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1, 'one CreateScheduleGroup succeeds');
    for (const r of creates) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'ConflictException');

    const arn = (await scheduler.send(new GetScheduleGroupCommand({ Name: 'contended' }))).Arn!;
    await Promise.all(Array.from({ length: 12 }, (_, i) => scheduler.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: `k${i}`, Value: `v${i}` }] }))));
    const { Tags } = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    assert.equal(Tags!.length, 12, 'every concurrent TagResource kept its tag');

    const q = await queue(sqs, 'contended');
    const schedule = { Name: 's', GroupName: 'contended', ScheduleExpression: 'rate(1 minute)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: { Arn: q.arn, RoleArn: ROLE, Input: '{}' } };
    const made = await Promise.allSettled(Array.from({ length: 6 }, () => scheduler.send(new CreateScheduleCommand(schedule))));
    assert.equal(made.filter((r) => r.status === 'fulfilled').length, 1, 'one CreateSchedule succeeds');
    // Concurrent updates, half enabling and half disabling: whichever the table keeps, the timer agrees.
    await Promise.all(Array.from({ length: 10 }, (_, i) => scheduler.send(new UpdateScheduleCommand({ ...schedule, State: i % 2 ? 'ENABLED' : 'DISABLED' }))));
    const { State } = await scheduler.send(new GetScheduleCommand({ Name: 's', GroupName: 'contended' }));
    fb.clock.freeze();
    fb.clock.advance(2 * 60_000);
    fb.clock.unfreeze();
    const got = await receive(q.url, State === 'ENABLED' ? 2 : 1);
    assert.equal(got.length, State === 'ENABLED' ? 2 : 0, `the schedule is ${State} and fired ${got.length} times`);
  } finally {
    undo();
  }
});
