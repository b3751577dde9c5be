// The admin UI in a real Chromium: it must show what runs, stream the request log live, manage
// accounts, drive any service through the admin API, and demand a login beyond loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;

before(async () => {
  fb = await startFogbank();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;

test('home shows the version, the data dir and every service with its coverage', async () => {
  await page.goto(ui());
  await page.getByRole('heading', { name: 'Fogbank' }).waitFor();
  await page.getByText('in memory (ephemeral)').waitFor();
  const row = page.getByRole('row', { name: /STS/ });
  await row.waitFor();
  assert.match(await row.innerText(), /query\s+\d+ \/ \d+/);
  await screenshot(page, 'home');
});

test('a request appears live in the request log, with its detail', async () => {
  await page.goto(ui('requests'));
  await page.getByText('live', { exact: true }).waitFor();
  const sts = fb.client(STSClient, { region: 'ca-central-1' });
  const { $metadata } = await sts.send(new GetCallerIdentityCommand({}));
  const row = page.getByRole('row', { name: /ca-central-1\s+sts\s+GetCallerIdentity\s+200/ });
  await row.waitFor({ timeout: 5000 });
  await row.click();
  const detail = page.getByRole('complementary', { name: 'Request detail' });
  await detail.locator("p", { hasText: `request id ${$metadata.requestId}` }).waitFor();
  await detail.getByText('<Account>000000000000</Account>', { exact: false }).first().waitFor();
  await screenshot(page, 'request-log');
  // Filters narrow the table; pause holds new entries back until resumed.
  await page.getByLabel('Status').selectOption('errors');
  assert.equal(await page.getByRole('row', { name: /GetCallerIdentity/ }).count(), 0);
  await page.getByLabel('Status').selectOption('');
  await page.getByRole('button', { name: 'Pause' }).click();
  await sts.send(new GetCallerIdentityCommand({}));
  await page.getByRole('button', { name: 'Resume (1 waiting)' }).waitFor();
  await page.getByRole('button', { name: /Resume/ }).click();
  // Functions, not strings: a string predicate is eval'd in the page, which the UI's CSP forbids.
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table.log tbody tr').length >= 2);
});

test('an account created in the UI gets keys that act in it, and can be switched to', async () => {
  await page.goto(ui('accounts'));
  await page.getByLabel('Account id').fill('12345');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').getByText('An account id is 12 digits').waitFor();
  await page.getByLabel('Account id').fill('555566667777');
  await page.getByLabel('Account name').fill('Staging');
  await page.getByRole('button', { name: 'Create' }).click();
  const keys = await page.locator('.notice pre').innerText();
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(keys)![1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(keys)![1];
  const id = await fb.client(STSClient, { credentials: { accessKeyId, secretAccessKey } }).send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '555566667777');
  const row = page.getByRole('row', { name: /555566667777\s+Staging/ });
  await row.getByRole('button', { name: 'Switch to' }).click();
  assert.equal(await page.getByLabel('Account', { exact: true }).inputValue(), '555566667777');
  await screenshot(page, 'accounts');
  await page.getByRole('button', { name: 'Create' }).waitFor();
  await page.getByLabel('Account id').fill('555566667777');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('alert').getByText('account 555566667777 already exists').waitFor();
});

test('the generic service view runs an operation as the selected account and shows service errors', async () => {
  await page.goto(ui('services/sts'));
  await page.getByLabel('Operation').selectOption('GetCallerIdentity');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByText('"Account": "555566667777"').waitFor();
  await page.getByLabel('Operation').selectOption('AssumeRole');
  await page.getByLabel('Input JSON').fill('{"RoleArn": "arn:aws:iam::111122223333:role/x"}');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('alert').getByText("Value null at 'roleSessionName' failed to satisfy constraint").waitFor();
  await page.getByLabel('Input JSON').fill('not json');
  await page.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('alert').getByText('The input must be a JSON object.').waitFor();
  await screenshot(page, 'service-sts');
});

test('beyond loopback the admin API and UI need a login; cross-site requests are refused', async () => {
  const open = await startFogbank({ host: '0.0.0.0', adminPassword: 'correct horse' });
  try {
    const base = open.endpoint;
    assert.equal((await fetch(`${base}/_fogbank/info`)).status, 401);
    assert.equal((await fetch(`${base}/_fogbank/health`)).status, 200);
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/_fogbank/ui/`);
    await p.getByRole('button', { name: 'Log in' }).waitFor();
    await p.getByLabel('Password').fill('wrong');
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('alert').getByText('Wrong user name or password').waitFor();
    await screenshot(p, 'login');
    await p.getByLabel('Password').fill('correct horse');
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('heading', { name: 'Fogbank' }).waitFor();
    await p.getByRole('button', { name: 'Log out' }).waitFor();
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'fogbank_session')!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    // The session works for the API too; a forged or cross-site request does not.
    assert.equal((await fetch(`${base}/_fogbank/info`, { headers: { cookie: `fogbank_session=${session.value}` } })).status, 200);
    assert.equal((await fetch(`${base}/_fogbank/info`, { headers: { cookie: `fogbank_session=${session.value}x` } })).status, 401);
    const cross = await fetch(`${base}/_fogbank/reset`, { method: 'POST', headers: { cookie: `fogbank_session=${session.value}`, origin: 'http://evil.example' } });
    assert.equal(cross.status, 403);
    // The one-click URL's token becomes the session cookie and leaves the address bar.
    const fresh = await browser.newContext();
    const q = await fresh.newPage();
    await q.goto(open.instance.adminUrl.replace('0.0.0.0', '127.0.0.1').replace(/^http:\/\/localhost/, 'http://127.0.0.1'));
    await q.getByRole('heading', { name: 'Fogbank' }).waitFor();
    assert.ok(!q.url().includes('token='));
    await fresh.close();
    await ctx.close();
  } finally {
    await open.stop();
  }
});

test('cross-site requests are refused on loopback too', async () => {
  const r = await fetch(`${fb.endpoint}/_fogbank/reset`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(r.status, 403);
  assert.equal(((await r.json()) as { error: string }).error, 'CrossSiteRequest');
});
