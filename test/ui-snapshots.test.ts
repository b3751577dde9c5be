// The Snapshots page in a real Chromium: save the state under a name, see it listed with its size,
// restore it (the state really goes back), download it, delete it; a bad name is refused.
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
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept());
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;

test('the Snapshots page saves, lists, restores, downloads and deletes', async () => {
  await sqs.send(new Q.CreateQueueCommand({ QueueName: 'before' }));
  await page.goto(ui('snapshots'));
  await page.getByRole('heading', { name: 'Snapshots', exact: true }).waitFor();
  await page.getByText('No snapshots yet.').waitFor();

  await page.getByLabel('Snapshot name').fill('../bad');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('A name is letters, digits').waitFor();

  await page.getByLabel('Snapshot name').fill('one-queue');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(/^Saved one-queue/).waitFor();
  const row = page.getByRole('row', { name: /one-queue/ });
  await row.waitFor();
  await screenshot(page, 'snapshots');

  await sqs.send(new Q.CreateQueueCommand({ QueueName: 'after' }));
  await row.getByRole('button', { name: 'Restore' }).click();
  await page.getByText('Restored one-queue.').waitFor();
  const { QueueUrls } = await sqs.send(new Q.ListQueuesCommand({}));
  assert.deepEqual(QueueUrls?.map((u) => u.split('/').pop()), ['before']);

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), 'one-queue.tar.gz');
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const head = readFileSync(path);
  assert.deepEqual([head[0], head[1]], [0x1f, 0x8b], 'a gzip file');

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No snapshots yet.').waitFor();
  assert.deepEqual(await fb.instance.snapshots.list(), []);
});
