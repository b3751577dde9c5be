// The Lambda / Logs page in a real Chromium: a function created with the SDK from a zip built here
// is invoked from the UI (result, function error, log tail, history, warm workers); a function is
// created from a .zip uploaded in the UI; a log line written with the SDK appears in the live tail;
// the filter box narrows the tail and an invalid pattern shows the service's error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as L from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { zipOf, ROLE } from './support/lambda-kit.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let lambda: L.LambdaClient;
let logs: CloudWatchLogsClient;

before(async () => {
  fb = await startFogbank();
  lambda = fb.client(L.LambdaClient);
  logs = fb.client(CloudWatchLogsClient);
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

const greeter = zipOf({
  'index.mjs': `export const handler = async (event) => {
  console.log('greeting', event.name);
  if (event.fail) throw new Error('boom: ' + event.name);
  return { greeting: 'hello ' + event.name };
};`,
});

test('a function created with the SDK is invoked from the UI: result, error, logs, history, workers', async () => {
  await lambda.send(new L.CreateFunctionCommand({ FunctionName: 'greeter', Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: greeter }, Description: 'says hello' }));
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'greeter' });

  await page.goto(ui('lambda-logs/functions'));
  await page.getByRole('row', { name: /greeter\s+says hello\s+nodejs22\.x\s+index\.handler\s+Active\s+128 MB\s+3 s/ }).waitFor();
  await screenshot(page, 'lambda-functions');
  await page.getByRole('link', { name: 'greeter' }).click();
  await page.getByText('arn:aws:lambda:us-east-1:000000000000:function:greeter').waitFor();

  // The payload must be JSON.
  await page.getByLabel('Payload', { exact: true }).fill('{"name": ');
  await page.getByRole('button', { name: 'Invoke' }).click();
  await page.getByRole('alert').getByText('The payload is not valid JSON').waitFor();

  await page.getByLabel('Payload', { exact: true }).fill('{"name": "Ada"}');
  await page.getByRole('button', { name: 'Invoke' }).click();
  await page.getByLabel('Result payload').getByText('"greeting": "hello Ada"').waitFor();
  assert.match(await page.getByLabel('Log tail').innerText(), /INFO\s+greeting Ada/);
  assert.match(await page.getByLabel('Log tail').innerText(), /REPORT RequestId: .* Duration:/);

  // A function error: its type and message, the error payload and the logs.
  await page.getByLabel('Payload', { exact: true }).fill('{"name": "Bob", "fail": true}');
  await page.getByRole('button', { name: 'Invoke' }).click();
  await page.getByRole('alert').getByText('Function error (Unhandled): Error: boom: Bob').waitFor();
  assert.match(await page.getByLabel('Log tail').innerText(), /ERROR\s+Invoke Error/);

  // The invocation history (newest first), with request, response and logs.
  const history = page.getByRole('table', { name: 'Invocation history' });
  await history.locator('tbody tr').nth(1).waitFor();
  assert.match(await history.locator('tbody tr').nth(0).innerText(), /RequestResponse\s+\$LATEST\s+error\s+Error/);
  assert.match(await history.locator('tbody tr').nth(1).innerText(), /RequestResponse\s+\$LATEST\s+success/);
  await history.locator('tbody tr').nth(1).click();
  await history.locator('tr.expanded').getByText('greeting Ada').waitFor();

  // One warm worker; evicting it makes the next invocation cold.
  const workers = page.getByRole('table', { name: 'Warm workers' });
  await workers.getByRole('row', { name: /\$LATEST\s+\d+\s+idle\s+2/ }).waitFor();
  await screenshot(page, 'lambda-function');
  await page.getByRole('button', { name: 'Evict' }).click();
  await page.getByText('Evicted 1 worker: the next invocation starts cold.').waitFor();
  await page.getByText('No warm workers: the next invocation starts cold.').waitFor();

  // The function's log group, from its page, tails what it logged.
  await page.getByRole('link', { name: '/aws/lambda/greeter' }).click();
  const tail = page.getByRole('log', { name: 'Log events' });
  await tail.getByText('greeting Bob').waitFor();
  await tail.getByText(/greeting\s+Ada/).waitFor();
});

test('a function is created from a .zip uploaded in the UI and works through the SDK', async () => {
  await page.goto(ui('lambda-logs/functions'));
  await page.getByLabel('Function name').fill('uploaded');
  await page.getByRole('button', { name: 'Create function' }).click();
  await page.getByRole('alert').getByText('Choose a .zip file with the function code.').waitFor();
  await page.getByLabel('Zip file').setInputFiles({ name: 'not.zip', mimeType: 'application/zip', buffer: Buffer.from('plain text') });
  await page.getByRole('button', { name: 'Create function' }).click();
  await page.getByRole('alert').getByText('not.zip is not a zip file.').waitFor();
  const zip = zipOf({ 'index.mjs': `export const handler = async (e) => ({ doubled: e.n * 2 });` });
  await page.getByLabel('Zip file').setInputFiles({ name: 'fn.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await page.getByLabel('Memory').fill('64');
  await page.getByRole('button', { name: 'Create function' }).click();
  await page.getByRole('alert').getByText('Memory is a whole number of MB from 128 to 10240.').waitFor();
  await page.getByLabel('Memory').fill('256');
  await page.getByRole('button', { name: 'Create function' }).click();
  await page.getByText('arn:aws:lambda:us-east-1:000000000000:function:uploaded').waitFor();
  await screenshot(page, 'lambda-create');

  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: 'uploaded' });
  const out = await lambda.send(new L.InvokeCommand({ FunctionName: 'uploaded', Payload: Buffer.from('{"n": 21}') }));
  assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { doubled: 42 });
  const got = await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'uploaded' }));
  assert.equal(got.MemorySize, 256);

  // The SDK's invocation left a warm worker, listed with the others.
  await page.goto(ui('lambda-logs/workers'));
  await page.getByRole('row', { name: /uploaded\s+\$LATEST\s+\d+\s+idle\s+1/ }).waitFor();
  await screenshot(page, 'lambda-workers');

  // The same name again: the service's own error.
  await page.goto(ui('lambda-logs/functions'));
  await page.getByLabel('Function name').fill('uploaded');
  await page.getByLabel('Zip file').setInputFiles({ name: 'fn.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await page.getByRole('button', { name: 'Create function' }).click();
  await page.getByRole('alert').getByText('ResourceConflictException: Function already exist: uploaded').waitFor();
});

test('a log line written with the SDK appears in the live tail; the filter narrows it; a bad pattern shows the error', async () => {
  const group = '/app/web.log';
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'web-1' }));
  const put = (...messages: string[]) =>
    logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'web-1', logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) }));
  await put('boot ok');

  await page.goto(ui('lambda-logs/logs'));
  await page.getByRole('link', { name: group }).click();
  const tail = page.getByRole('log', { name: 'Log events' });
  await tail.getByText('boot ok').waitFor();
  await page.getByLabel('Tail state').getByText('live').waitFor();

  // Written after the page opened: it shows up at the bottom within a poll or two.
  await put('GET /orders 200 12ms');
  await tail.getByText('GET /orders 200 12ms').waitFor({ timeout: 5000 });
  assert.match(await tail.locator('.line').last().innerText(), /GET \/orders 200 12ms/);

  // Many lines: the tail follows the bottom. A reload keeps the group (the name is in the query).
  await put(...Array.from({ length: 80 }, (_, i) => `line ${i + 1} of 80`));
  await tail.getByText('line 80 of 80').waitFor({ timeout: 5000 });
  // A function, not a string: a string predicate is eval'd in the page, which the UI's CSP forbids.
  await page.waitForFunction(() => {
    const el = (globalThis as any).document.querySelector('.tail');
    return el.scrollHeight > el.clientHeight && el.scrollHeight - el.scrollTop - el.clientHeight < 30;
  });
  await page.reload();
  await tail.getByText('line 80 of 80').waitFor();

  // The filter box passes the pattern to FilterLogEvents.
  await page.getByLabel('Filter pattern').fill('?ERROR ?WARN');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('No events match the filter yet.').waitFor();
  await put('INFO all good', 'ERROR payment failed', 'WARN slow query');
  await tail.getByText('ERROR payment failed').waitFor({ timeout: 5000 });
  await tail.getByText('WARN slow query').waitFor();
  assert.equal(await tail.getByText('INFO all good').count(), 0);
  await screenshot(page, 'logs-tail');

  // An invalid pattern: the service's error, and the tail stops until the filter changes.
  await page.getByLabel('Filter pattern').fill('{ $.level = ');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('alert').getByText('InvalidParameterException: Invalid filter pattern: a JSON pattern must end with }').waitFor();
  await page.getByLabel('Tail state').getByText('stopped: fix the filter').waitFor();
  await screenshot(page, 'logs-tail-error');

  // Clearing the filter brings every line back; pausing holds new lines until resumed.
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await tail.getByText('INFO all good').waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await put('written while paused');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await tail.getByText('written while paused').count(), 0);
  await page.getByRole('button', { name: 'Resume' }).click();
  await tail.getByText('written while paused').waitFor({ timeout: 5000 });

  await page.goto(ui('lambda-logs/logs'));
  await page.getByRole('link', { name: group }).waitFor();
  await screenshot(page, 'logs-groups');
});
