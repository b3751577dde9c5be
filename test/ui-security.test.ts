// Issue 10's browser attack, in a real Chromium: a page from another origin tries to create and
// invoke a Lambda function on the developer's Fogbank with "simple" requests (text/plain, no
// credentials, no preflight). It must be refused and create nothing, while the admin UI and an S3
// upload the bucket's CORS configuration allows from that page keep working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { LambdaClient, CreateFunctionCommand, ListFunctionsCommand, GetFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import * as S from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { zipOf, ROLE } from './support/lambda-kit.ts';
import { launch, screenshot } from './support/browser.ts';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let site: Server;
let pageOrigin: string;

before(async () => {
  // The page's origin (127.0.0.1 on another port) is not among the allowed origins here.
  fb = await startFogbank({ corsAllowedOrigins: ['https://app.example.com'] });
  site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p>another site</p>'));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launch();
  page = await browser.newPage();
  await page.goto(`${pageOrigin}/`);
});
after(async () => {
  await browser?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
  await fb?.stop();
});

const ZIP = Buffer.from(zipOf({ 'index.mjs': 'export const handler = async () => "ran";' })).toString('base64');

test('a page on another origin cannot create or invoke a Lambda function with simple requests', async () => {
  const lambda = fb.client(LambdaClient);
  // A function that exists, so that a working Invoke would be seen.
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'victim', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: Buffer.from(ZIP, 'base64') } }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'victim' });

  const logged = fb.instance.env.requests.entries().length;
  const outcome = await page.evaluate(async ({ endpoint, zip }) => {
    const create = JSON.stringify({ FunctionName: 'pwned', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: zip } });
    // What an attacker sends: no-cors simple requests need no preflight and no readable answer.
    await fetch(`${endpoint}/2015-03-31/functions`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: create });
    await fetch(`${endpoint}/2015-03-31/functions/victim/invocations`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    // A CORS-mode attempt fails in the browser as well (no Access-Control-Allow-Origin).
    let corsError = '';
    try {
      await fetch(`${endpoint}/2015-03-31/functions/victim/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    } catch (e) {
      corsError = String(e);
    }
    return { corsError };
  }, { endpoint: fb.endpoint, zip: ZIP });
  assert.match(outcome.corsError, /TypeError/);

  const names = ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName);
  assert.deepEqual(names, ['victim']);
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'pwned' })), { name: 'ResourceNotFoundException' });
  // Every request the page sent was refused before any handler ran: no Invoke reached Lambda.
  const fromPage = fb.instance.env.requests.entries().slice(logged).filter((e) => e.kind === 'request' && e.path.startsWith('/2015-03-31/functions') && e.method === 'POST');
  assert.equal(fromPage.length, 3);
  for (const e of fromPage) {
    assert.equal(e.status, 403);
    assert.equal(e.errorCode, 'AccessDeniedException');
  }
  assert.ok(!fb.instance.env.requests.entries().some((e) => e.operation === 'Invoke'));
});

test('the admin UI still works in the same browser', async () => {
  const ui = await browser.newPage();
  await ui.goto(fb.instance.adminUrl);
  await ui.getByRole('heading', { name: 'Fogbank' }).waitFor();
  await ui.getByRole('row', { name: /Lambda/ }).waitFor();
  await screenshot(ui, 'security-admin-ui');
  await ui.close();
});

test('an S3 upload from that page works when the bucket CORS configuration allows its origin', async () => {
  const s3 = fb.client(S.S3Client);
  await s3.send(new S.CreateBucketCommand({ Bucket: 'page-uploads' }));
  await s3.send(new S.PutBucketCorsCommand({
    Bucket: 'page-uploads',
    CORSConfiguration: { CORSRules: [{ AllowedOrigins: [pageOrigin], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
  }));
  const url = await getSignedUrl(s3, new S.PutObjectCommand({ Bucket: 'page-uploads', Key: 'from-page.txt' }), { expiresIn: 300 });
  const result = await page.evaluate(async (u) => {
    const r = await fetch(u, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'uploaded by a page' });
    return { status: r.status, etag: r.headers.get('ETag') };
  }, url);
  assert.equal(result.status, 200);
  assert.match(result.etag ?? '', /^"[0-9a-f]{32}"$/);
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'page-uploads', Key: 'from-page.txt' }));
  assert.equal(await got.Body!.transformToString(), 'uploaded by a page');
});

test('a page on an allowed origin can call the cloud APIs (preflight answered, response readable)', async () => {
  // By default, pages on localhost and loopback origins of any port are allowed.
  const local = await startFogbank();
  try {
    const result = await page.evaluate(async (endpoint) => {
      const auth = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0';
      const r = await fetch(`${endpoint}/2015-03-31/functions/`, { headers: { Authorization: auth } });
      return { status: r.status, body: (await r.json()) as { Functions?: unknown[] }, requestId: r.headers.get('x-amzn-RequestId') };
    }, local.endpoint);
    assert.equal(result.status, 200);
    assert.deepEqual(result.body.Functions, []);
    assert.ok(result.requestId);
  } finally {
    await local.stop();
  }
});
