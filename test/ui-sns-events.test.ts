// The SNS / EventBridge page in a real Chromium: topics, subscriptions and publishing (received with
// the SDK from a subscribed queue), delivery history and outboxes; rules, targets, PutEvents with
// per-entry results, TestEventPattern and its errors, match history, "fire now"; Scheduler schedules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { EventBridgeClient, DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { SchedulerClient, CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let sqs: SQSClient;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(SQSClient);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
  page.setDefaultTimeout(8000);
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

async function receiveOne(url: string): Promise<Message> {
  for (let i = 0; i < 10; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    if (r.Messages?.length) return r.Messages[0];
  }
  throw new Error(`nothing arrived in ${url}`);
}

test('a topic created in the UI delivers a message published in the UI to a subscribed SQS queue', async () => {
  const q = await queue('orders-q');
  await page.goto(ui('sns-events/topics'));
  // Validation before sending.
  await page.getByLabel('Topic name').fill('bad name!');
  await page.getByRole('button', { name: 'Create topic' }).click();
  await page.getByRole('alert').getByText('A topic name has up to 256 letters').waitFor();
  await page.getByLabel('Topic name').fill('orders');
  await page.getByLabel('Display name').fill('Orders');
  await page.getByRole('button', { name: 'Create topic' }).click();
  await page.getByRole('link', { name: 'orders', exact: true }).click();
  await page.getByText('0 confirmed, 0 pending, 0 deleted').waitFor();

  // Subscribe the queue (bad endpoint first), and an email address (pending until confirmed).
  await page.getByLabel('Endpoint').fill('orders-q');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page.getByRole('alert').getByText('The endpoint of a sqs subscription must be a queue ARN').waitFor();
  await page.getByLabel('Endpoint').fill(q.arn);
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page.locator('.notice', { hasText: 'Subscribed: arn:aws:sns:us-east-1:000000000000:orders:' }).waitFor();
  await page.getByLabel('Protocol').selectOption('email');
  await page.getByLabel('Endpoint').fill('ops@example.com');
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await page.getByRole('row', { name: /email\s+ops@example\.com\s+pending confirmation/ }).waitFor();

  // Publish with a message attribute; an empty message is refused before sending.
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('alert').getByText('A message is required.').waitFor();
  await page.getByLabel('Subject').fill('New order');
  await page.getByLabel('Message', { exact: true }).fill('hello from the UI');
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.getByLabel('Attribute 1 name').fill('kind');
  await page.getByLabel('Attribute 1 value').fill('order');
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.getByLabel('Attribute 2 name').fill('amount');
  await page.getByLabel('Attribute 2 type').selectOption('Number');
  await page.getByLabel('Attribute 2 value').fill('forty');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('alert').getByText('Attribute "amount" is a Number but "forty" is not a number.').waitFor();
  await page.getByLabel('Attribute 2 value').fill('42');
  await page.getByRole('button', { name: 'Publish' }).click();
  const notice = await page.locator('.notice', { hasText: 'Published message' }).innerText();
  const messageId = /Published message (\S+)/.exec(notice)![1];

  const m = await receiveOne(q.url);
  const body = JSON.parse(m.Body!);
  assert.equal(body.Message, 'hello from the UI');
  assert.equal(body.Subject, 'New order');
  assert.equal(body.MessageId, messageId);
  assert.deepEqual(body.MessageAttributes, { kind: { Type: 'String', Value: 'order' }, amount: { Type: 'Number', Value: '42' } });

  // The delivery history of the queue's subscription.
  await page.getByRole('row', { name: /sqs\s+arn:aws:sqs/ }).getByRole('button', { name: 'Deliveries' }).click();
  const history = page.getByRole('table', { name: 'Delivery history' });
  await history.getByRole('row', { name: new RegExp(`${messageId}\\s+delivered\\s+1`) }).waitFor();
  await screenshot(page, 'sns-topic');

  // The email confirmation sits in the outbox.
  await page.getByRole('link', { name: 'SMS / email outbox' }).click();
  await page.getByRole('table', { name: 'Email outbox' }).getByText('ops@example.com').waitFor();
  await page.getByText('AWS Notification - Subscription Confirmation').waitFor();
  await screenshot(page, 'sns-outbox');

  await page.getByRole('link', { name: 'SNS topics' }).click();
  await page.getByRole('row', { name: /orders — Orders\s+Standard\s+1\s+1/ }).waitFor();
  await screenshot(page, 'sns-topics');
});

test('an event put in the UI is routed by a rule to SQS and shows in the rule\'s match history', async () => {
  const q = await queue('events-q');
  await page.goto(ui('sns-events/buses'));
  await page.getByLabel('Bus name').fill('billing');
  await page.getByRole('button', { name: 'Create bus' }).click();
  await page.getByRole('row', { name: /billing\s+.*arn:aws:events:us-east-1:000000000000:event-bus\/billing/ }).waitFor();
  await screenshot(page, 'events-buses');
  await page.getByRole('link', { name: 'default', exact: true }).click();

  // A rule with an event pattern; bad JSON is refused before sending.
  await page.getByLabel('Rule name').fill('order-placed');
  await page.getByLabel('Event pattern', { exact: true }).fill('{"source": ["shop"]');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByRole('alert').getByText('The event pattern is not valid JSON').waitFor();
  await page.getByLabel('Event pattern', { exact: true }).fill('{"source": ["shop"], "detail-type": ["Order Placed"]}');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByRole('heading', { name: 'Targets' }).waitFor();
  await page.getByLabel('Target id').fill('queue');
  await page.getByLabel('Target ARN').fill(q.arn);
  await page.getByRole('button', { name: 'Add target' }).click();
  await page.getByRole('row', { name: /queue\s+arn:aws:sqs:us-east-1:000000000000:events-q\s+the event/ }).waitFor();
  await page.getByText('No event has matched this rule yet.').waitFor();

  // Put two events on the bus: one the rule matches, one it does not; both are accepted.
  await page.locator('.breadcrumbs').getByRole('link', { name: 'default' }).click();
  await page.getByLabel('Entry 1 source').fill('shop');
  await page.getByLabel('Entry 1 detail', { exact: true }).fill('{"orderId": "o-7", "amount": 99}');
  await page.getByRole('button', { name: 'Add entry' }).click();
  await page.getByLabel('Entry 2 source').fill('warehouse');
  await page.getByRole('button', { name: 'Put 2 events' }).click();
  await page.getByText('2 of 2 accepted.').waitFor();
  const results = page.getByRole('table', { name: 'PutEvents results' });
  const first = await results.getByRole('row', { name: /^1\s+shop · Order Placed\s+ok event id/ }).innerText();
  const eventId = /event id\s+(\S+)/.exec(first)![1];
  await results.getByRole('row', { name: /^2\s+warehouse · Order Placed\s+ok event id/ }).waitFor();

  const m = await receiveOne(q.url);
  const event = JSON.parse(m.Body!);
  assert.equal(event.id, eventId);
  assert.deepEqual(event.detail, { orderId: 'o-7', amount: 99 });

  // TestEventPattern: a match, a miss, and the service's error for an invalid pattern.
  await page.getByRole('button', { name: 'Test pattern' }).click();
  await page.getByRole('status').getByText('The pattern matches this event.').waitFor();
  await page.getByLabel('Pattern to test').fill('{"detail": {"amount": [{"numeric": [">", 100]}]}}');
  await page.getByRole('button', { name: 'Test pattern' }).click();
  await page.getByRole('status').getByText('The pattern does not match this event.').waitFor();
  await page.getByLabel('Pattern to test').fill('{"source": "shop"}');
  await page.getByRole('button', { name: 'Test pattern' }).click();
  await page.getByRole('alert').getByText('InvalidEventPatternException').waitFor();
  await screenshot(page, 'events-bus');

  // The rule's match history shows the event and what became of it; "fire now" adds another.
  await page.getByRole('link', { name: 'order-placed' }).click();
  const matches = page.getByRole('table', { name: 'Match history' });
  const row = matches.locator('tbody tr', { hasText: `shop · Order Placed ${eventId.slice(0, 8)}` });
  await row.waitFor();
  assert.match(await row.innerText(), /\tqueue\tdelivered\t1\t/);
  await page.getByRole('button', { name: 'Fire now' }).click();
  await page.getByText('Fired — the event sent').waitFor();
  await matches.locator('tbody tr').nth(1).waitFor();
  assert.equal(await matches.locator('tbody tr').count(), 2);
  assert.equal(JSON.parse((await receiveOne(q.url)).Body!).source, 'my.app');

  // Disable the rule from the UI; the SDK sees it.
  await page.getByRole('button', { name: 'Disable rule' }).click();
  await page.getByRole('button', { name: 'Enable rule' }).waitFor();
  const rule = await fb.client(EventBridgeClient).send(new DescribeRuleCommand({ Name: 'order-placed' }));
  assert.equal(rule.State, 'DISABLED');
  await screenshot(page, 'events-rule');
});

test('a schedule fires now from the UI, its target receives the input, and the invocation is listed', async () => {
  const q = await queue('sched-q');
  await fb.client(SchedulerClient).send(
    new CreateScheduleCommand({
      Name: 'nightly-report',
      ScheduleExpression: 'cron(0 3 * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: q.arn, RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: '{"job":"report"}' },
    }),
  );
  await page.goto(ui('sns-events/schedules'));
  // The create form validates before sending.
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await page.getByRole('alert').getByText('A schedule name has 1 to 64 letters').waitFor();
  await page.getByRole('row', { name: /nightly-report\s+default\s+ENABLED/ }).getByRole('button', { name: 'Fire now' }).click();
  await page.getByText(/default\/nightly-report fired: execution/).waitFor();
  assert.equal((await receiveOne(q.url)).Body, '{"job":"report"}');

  await page.getByRole('link', { name: 'nightly-report' }).click();
  await page.getByText('cron(0 3 * * ? *)').waitFor();
  await page.getByRole('table', { name: 'Invocations' }).getByRole('row', { name: /succeeded\s+1/ }).waitFor();
  await screenshot(page, 'scheduler-schedule');
  await page.getByRole('link', { name: 'Schedules' }).click();
  await page.getByRole('table', { name: 'Invocations' }).getByRole('row', { name: /default\/nightly-report/ }).waitFor();
  await screenshot(page, 'scheduler');
});
