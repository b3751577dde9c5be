// The SQS pages in a real Chromium: queues with counters, create (standard, FIFO, with a dead-letter
// queue), send from the UI and receive with the SDK, peek without changing visibility, receive and
// delete, purge, and redrive from a dead-letter queue — with validation and SQS's own errors shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as Q from '@aws-sdk/client-sqs';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let sqs: Q.SQSClient;

before(async () => {
  fb = await startFogbank();
  sqs = fb.client(Q.SQSClient);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;
const urlOf = async (QueueName: string) => (await sqs.send(new Q.GetQueueUrlCommand({ QueueName }))).QueueUrl!;
const stat = (label: string) => page.getByLabel(label, { exact: true }).locator('.stat-value');

test('queues are created in the UI (standard, FIFO, with a dead-letter queue), with validation and SQS errors', async () => {
  await page.goto(ui('sqs'));
  await page.getByText('No queues in this account and region yet.').waitFor();
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('alert').getByText('Enter a queue name.').waitFor();
  await page.getByLabel('Queue name').fill('bad name!');
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('alert').getByText(/A queue name has 1 to 80 characters/).waitFor();

  await page.getByLabel('Queue name').fill('orders-dlq');
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('link', { name: 'orders-dlq' }).waitFor();
  await page.getByLabel('Queue name').fill('orders');
  await page.getByLabel('Dead-letter queue').selectOption({ label: 'orders-dlq' });
  await page.getByLabel('Maximum receives').fill('1');
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('link', { name: 'orders', exact: true }).waitFor();
  await page.getByLabel('Queue name').fill('jobs');
  await page.getByRole('checkbox', { name: 'FIFO' }).check();
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('link', { name: 'jobs.fifo' }).waitFor();

  const attrs = (await sqs.send(new Q.GetQueueAttributesCommand({ QueueUrl: await urlOf('orders'), AttributeNames: ['RedrivePolicy'] }))).Attributes!;
  assert.deepEqual(JSON.parse(attrs.RedrivePolicy!), { deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 1 });
  assert.equal((await sqs.send(new Q.GetQueueAttributesCommand({ QueueUrl: await urlOf('jobs.fifo'), AttributeNames: ['FifoQueue'] }))).Attributes!.FifoQueue, 'true');

  // The same name with other attributes: SQS's own error.
  await page.getByRole('checkbox', { name: 'FIFO' }).uncheck();
  await page.getByLabel('Queue name').fill('orders-dlq');
  await page.getByLabel('Visibility timeout (s)').fill('5');
  await page.getByRole('button', { name: 'Create queue' }).click();
  await page.getByRole('alert').getByText('QueueNameExists').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /a different value for attribute VisibilityTimeout/);
  const row = page.getByRole('row', { name: /^orders\s/ });
  assert.match(await row.innerText(), /orders\s+Standard\s+0\s+0\s+0\s+orders-dlq after 1 receives/);
  await screenshot(page, 'sqs-queues');
});

test('a message sent from the UI (body and attributes) is received with the SDK; peeking changes nothing', async () => {
  await page.goto(ui('sqs/orders'));
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByRole('alert').getByText('Enter a message body.').waitFor();
  await page.getByLabel('Message body').fill('{"orderId": 42, "items": ["tea"]}');
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.getByLabel('Attribute 1 name').fill('priority');
  await page.getByLabel('Attribute 1 type').selectOption('Number');
  await page.getByLabel('Attribute 1 value').fill('high');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByRole('alert').getByText('Attribute priority: "high" is not a number.').waitFor();
  await page.getByLabel('Attribute 1 value').fill('7');
  await page.getByRole('button', { name: 'Add attribute' }).click();
  await page.getByLabel('Attribute 2 name').fill('source');
  await page.getByLabel('Attribute 2 value').fill('admin-ui');
  await page.getByRole('button', { name: 'Send message' }).click();
  const id = await page.locator('.notice code').innerText();
  await stat('Available').getByText('1').waitFor();
  const peek = page.getByRole('table', { name: 'Messages in the queue' });
  await peek.getByText('priority').waitFor();
  assert.match(await peek.innerText(), /visible/);
  await screenshot(page, 'sqs-queue');

  const got = await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl: await urlOf('orders'), MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
  assert.equal(got.Messages?.length, 1);
  const [m] = got.Messages!;
  assert.equal(m.MessageId, id);
  assert.equal(m.Body, '{"orderId": 42, "items": ["tea"]}');
  assert.deepEqual(m.MessageAttributes, { priority: { DataType: 'Number', StringValue: '7' }, source: { DataType: 'String', StringValue: 'admin-ui' } });
  assert.equal(m.Attributes?.ApproximateReceiveCount, '1'); // the page's peeks did not count
  await sqs.send(new Q.DeleteMessageCommand({ QueueUrl: await urlOf('orders'), ReceiptHandle: m.ReceiptHandle! }));
});

test('FIFO sends need a group id (and a deduplication id without content-based deduplication)', async () => {
  await page.goto(ui('sqs/jobs.fifo'));
  await page.getByLabel('Message body').fill('job 1');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByRole('alert').getByText('A FIFO queue needs a message group id.').waitFor();
  await page.getByLabel('Message group id').fill('tenant-a');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.getByRole('alert').getByText(/enter a deduplication id/).waitFor();
  await page.getByLabel('Deduplication id').fill('job-1');
  await page.getByRole('button', { name: 'Send message' }).click();
  await page.locator('.notice code').waitFor();
  const got = await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl: await urlOf('jobs.fifo'), MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'] }));
  assert.equal(got.Messages?.[0].Body, 'job 1');
  assert.equal(got.Messages?.[0].Attributes?.MessageGroupId, 'tenant-a');
  assert.equal(got.Messages?.[0].Attributes?.MessageDeduplicationId, 'job-1');
});

test('receive, make visible and delete in the UI; purge, and its 60-second rule', async () => {
  const QueueUrl = await urlOf('orders-dlq');
  for (const body of ['one', 'two', 'three']) await sqs.send(new Q.SendMessageCommand({ QueueUrl, MessageBody: body }));
  await page.goto(ui('sqs/orders-dlq'));
  await stat('Available').getByText('3').waitFor();
  await page.getByLabel('Messages to receive').fill('11');
  await page.getByRole('button', { name: 'Receive messages' }).click();
  await page.getByRole('alert').getByText('Receive 1 to 10 messages at a time.').waitFor();
  await page.getByLabel('Messages to receive').fill('2');
  await page.getByRole('button', { name: 'Receive messages' }).click();
  const received = page.getByRole('table', { name: 'Received messages' });
  await received.getByText('one').waitFor();
  await received.getByText('two').waitFor();
  await stat('In flight').getByText('2').waitFor();
  assert.equal(await page.getByRole('table', { name: 'Messages in the queue' }).getByText('in flight').count(), 2);
  await received.getByRole('row', { name: /two/ }).getByRole('button', { name: 'Make visible' }).click();
  await stat('Available').getByText('2').waitFor();
  const first = received.getByRole('row', { name: /one/ });
  await first.getByRole('button', { name: /Delete message/ }).click();
  await first.getByText('deleted').waitFor();
  await stat('In flight').getByText('0').waitFor();
  const left = await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  assert.deepEqual(left.Messages?.map((m) => m.Body).sort(), ['three', 'two']);

  await page.getByRole('button', { name: 'Purge' }).click();
  await stat('Available').getByText('0').waitFor();
  await page.getByRole('button', { name: 'Purge' }).click();
  await page.getByRole('alert').getByText('PurgeQueueInProgress').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Only one PurgeQueue operation on orders-dlq is allowed every 60 seconds\./);
});

test('dead-letter links both ways, and redrive moves messages back to their source queue', async () => {
  fb.clock.advance(61_000); // past the purge above
  const source = await urlOf('orders');
  await sqs.send(new Q.SendMessageCommand({ QueueUrl: source, MessageBody: 'poison' }));
  // maxReceiveCount 1: the second receive moves it to the dead-letter queue.
  await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0 }));
  assert.equal((await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl: source, VisibilityTimeout: 0 }))).Messages, undefined);

  await page.goto(ui('sqs/orders'));
  await page.getByRole('link', { name: 'orders-dlq' }).click();
  await page.getByRole('heading', { name: 'orders-dlq' }).waitFor();
  await stat('Available').getByText('1').waitFor();
  const facts = page.locator('dl.facts');
  await facts.getByRole('link', { name: 'orders' }).waitFor();
  await page.getByText('No redrive has run from this queue yet.').waitFor();
  await page.getByLabel('Messages per second').fill('0');
  await page.getByRole('button', { name: 'Start redrive to source queues' }).click();
  await page.getByRole('alert').getByText('The rate is 1 to 500 messages per second.').waitFor();
  await page.getByLabel('Messages per second').fill('');
  await page.getByRole('button', { name: 'Start redrive to source queues' }).click();
  const tasks = page.getByRole('table', { name: 'Message move tasks' });
  await tasks.getByText('RUNNING').waitFor();
  fb.clock.advance(1000);
  fb.clock.unfreeze();
  await tasks.getByText('COMPLETED').waitFor();
  await stat('Available').getByText('0').waitFor();
  assert.match(await tasks.innerText(), /COMPLETED\s+1\s+1\s+source queues/);
  await screenshot(page, 'sqs-dlq-redrive');
  const back = await sqs.send(new Q.ReceiveMessageCommand({ QueueUrl: source }));
  assert.equal(back.Messages?.[0].Body, 'poison');
});
