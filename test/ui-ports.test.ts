// The admin UI's Ports page in a real Chromium: allocated ports with their resources, and the
// supervised engines with state, pid and their last lines of output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';
import { freeRange } from './support/engine-host-process.ts';

const LISTENER = new URL('./support/engines/listener.js', import.meta.url).pathname;
let fb: TestFogbank | undefined;
let browser: Browser | undefined;

after(async () => {
  await browser?.close();
  await fb?.stop();
});

test('the Ports page lists each allocated port with its resource, and each engine with its state and output', async () => {
  const range = await freeRange(3);
  fb = await startFogbank({ portRange: range });
  const env = fb.instance.env;
  const owner = { kind: 'test:cache', resource: 'arn:aws:elasticache:us-east-1:000000000000:cluster:ui-cache', account: '000000000000' };
  const port = await env.ports.acquire(owner);
  const engine = env.engines.start({ ...owner, process: { command: process.execPath, args: [LISTENER, String(port)] }, port });
  await engine.whenAvailable();

  browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(`${fb.endpoint}/_fogbank/ui/`);
  await page.getByRole('link', { name: 'Ports' }).click();
  await page.getByRole('heading', { name: 'Ports', exact: true }).waitFor();
  await page.getByText(`from the range ${range.first}-${range.last}`).waitFor();

  const portRow = page.getByRole('table', { name: 'Allocated ports' }).getByRole('row', { name: new RegExp(`^${port}\\s+test:cache\\s+${owner.resource}`) });
  await portRow.waitFor();
  assert.match(await portRow.innerText(), /across restarts/);

  const engineRow = page.getByRole('table', { name: 'Engines' }).getByRole('row', { name: /test:cache/ });
  await engineRow.waitFor();
  assert.match(await engineRow.innerText(), new RegExp(`available\\s+${engine.pid}\\s+${port}\\s+0`));
  await engineRow.getByRole('button', { name: '1 line' }).click();
  assert.equal(await page.getByLabel('Engine output').innerText(), `listening on ${port}`);
  await screenshot(page, 'ports');

  // Deleting the resource: the page follows (it refreshes on its own).
  await env.engines.stop(engine);
  await env.ports.release(owner);
  await page.getByText('No port is allocated.').waitFor({ timeout: 10_000 });
  await page.getByText('No engine is running.').waitFor({ timeout: 10_000 });
});
