// The S3 pages in a real Chromium: buckets, the object browser (folders, pages, versions), uploads by
// file picker and by drag and drop with progress, downloads, metadata and tags, presigned URLs, and
// bucket settings — each checked through the AWS SDK, and the services' errors shown as they come.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import * as S from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { launch, screenshot } from './support/browser.ts';
import { presignGet, plainHashing, hashing, sha256Sync } from '../ui/src/pages/S3Presign.ts';
import { createHash } from 'node:crypto';

let fb: TestFogbank;
let browser: Browser;
let page: Page;
let s3: S.S3Client;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? 'reports' : undefined));
});
after(async () => {
  await browser?.close();
  await fb?.stop();
});

const ui = (path = '') => `${fb.endpoint}/_fogbank/ui/${path}`;
const text = async (bucket: string, key: string, VersionId?: string) => (await s3.send(new S.GetObjectCommand({ Bucket: bucket, Key: key, VersionId }))).Body!.transformToString();

test('the presigned URL signer is real SigV4 (WebCrypto and the fallback agree with the SDK signer)', async () => {
  for (const n of [0, 3, 55, 56, 64, 65, 1000]) {
    const b = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 255);
    assert.equal(Buffer.from(sha256Sync(b)).toString('hex'), createHash('sha256').update(b).digest('hex'));
  }
  const now = new Date('2030-01-02T03:04:05Z');
  const input = { host: '127.0.0.1:4566', protocol: 'http:', bucket: 'b', key: "dir/a b(1)!.txt", account: '111122223333', region: 'eu-west-1', expires: 300, now, versionId: 'v1+x' };
  const url = new URL(await presignGet(input, plainHashing));
  assert.equal(url.href, (await presignGet(input, hashing())));
  const signer = new SignatureV4({
    credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' }, region: 'eu-west-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false,
  });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: url.pathname, query: { versionId: 'v1+x' }, headers: { host: '127.0.0.1:4566', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } } as never,
    { expiresIn: 300, signingDate: now, unsignableHeaders: new Set(['x-amz-content-sha256']), unhoistableHeaders: new Set(['x-amz-content-sha256']) },
  );
  assert.equal(url.searchParams.get('X-Amz-Signature'), signed.query?.['X-Amz-Signature']);
});

test('creating a bucket validates the form and shows S3 errors', async () => {
  await page.goto(ui('s3'));
  await page.getByText('No buckets in this account yet.').waitFor();
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await page.getByRole('alert').getByText('Enter a bucket name.').waitFor();
  await page.getByLabel('Bucket name').fill('Bad_Name');
  await page.getByRole('button', { name: 'Create bucket' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('InvalidBucketName').waitFor();
  assert.match(await alert.innerText(), /InvalidBucketName: The specified bucket is not valid\./);
  await screenshot(page, 's3-create-error');
});

test('a bucket created and a file uploaded in the UI (file picker and drag and drop) read back with the SDK', async () => {
  await page.goto(ui('s3'));
  await page.getByLabel('Bucket name').fill('ui-bucket');
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await page.getByRole('link', { name: 'ui-bucket' }).click();
  await page.getByRole('heading', { name: 'ui-bucket' }).waitFor();
  await page.getByText('This bucket is empty.').waitFor();
  const { Buckets } = await s3.send(new S.ListBucketsCommand({}));
  assert.deepEqual(Buckets?.map((b) => b.Name), ['ui-bucket']);

  // File picker: a 3 MB file, so the progress bar has something to show.
  const big = Buffer.alloc(3 * 1024 * 1024, 'fogbank ');
  await page.getByLabel('Files to upload').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: big });
  const progress = page.getByLabel('Upload of big.txt');
  await page.getByRole('list', { name: 'Uploads' }).getByText('uploaded').waitFor();
  assert.equal(await progress.getAttribute('value'), String(big.length));
  assert.equal(await progress.getAttribute('max'), String(big.length));
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'ui-bucket', Key: 'big.txt' }));
  assert.equal(got.ContentType, 'text/plain');
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(big));

  // A folder, then drag and drop into it.
  await page.getByRole('button', { name: 'New folder' }).click(); // the prompt answers 'reports'
  await page.getByRole('link', { name: '📁 reports/' }).click();
  await page.getByText('Drop files here to upload them to reports/').waitFor();
  const dataTransfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"dropped": true}'], 'dropped.json', { type: 'application/json' }));
    return dt;
  })()`);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
  await page.getByRole('link', { name: 'dropped.json' }).waitFor();
  assert.equal(await text('ui-bucket', 'reports/dropped.json'), '{"dropped": true}');
  await screenshot(page, 's3-objects');

  // Download through the S3 API.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('row', { name: /dropped\.json/ }).getByRole('button', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), 'dropped.json');
  assert.equal(await readFile((await download.path())!, 'utf8'), '{"dropped": true}');
});

test('the object browser pages through a prefix and shows folders by delimiter', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'many' }));
  await Promise.all(Array.from({ length: 25 }, (_, i) => s3.send(new S.PutObjectCommand({ Bucket: 'many', Key: `logs/${String(i).padStart(2, '0')}.log`, Body: `line ${i}` }))));
  await s3.send(new S.PutObjectCommand({ Bucket: 'many', Key: 'logs/2024/old.log', Body: 'old' }));
  await page.goto(ui('s3/many'));
  await page.getByRole('link', { name: '📁 logs/' }).click();
  await page.getByLabel('Objects per page').selectOption('20');
  // The first page (100 per page) shows 20.log too; with 20 per page it must go.
  await page.getByRole('link', { name: '20.log', exact: true }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: '19.log', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Next →' }).click();
  // Keys and common prefixes interleave in key order: logs/20.log < logs/2024/ < logs/21.log.
  await page.getByRole('link', { name: '24.log', exact: true }).waitFor();
  assert.deepEqual(await page.locator('table.objects tbody tr td:first-child').allInnerTexts(), ['📁 2024/', '20.log', '21.log', '22.log', '23.log', '24.log']);
  assert.equal(await page.getByRole('link', { name: '00.log', exact: true }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Next →' }).isDisabled(), true);
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.getByRole('link', { name: '00.log', exact: true }).waitFor();
  // Breadcrumbs lead back up.
  await page.getByLabel('Prefix').getByRole('link', { name: 'many' }).click();
  await page.getByRole('link', { name: '📁 logs/' }).waitFor();
});

test('object detail: metadata, tags (edited in the UI), versions, delete markers and a presigned URL', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'docs' }));
  await page.goto(ui('s3/docs?tab=settings'));
  await page.getByRole('button', { name: 'Enable versioning' }).click();
  await page.getByTestId('versioning-status').getByText('Enabled').waitFor();
  assert.equal((await s3.send(new S.GetBucketVersioningCommand({ Bucket: 'docs' }))).Status, 'Enabled');
  const v1 = await s3.send(new S.PutObjectCommand({ Bucket: 'docs', Key: 'notes/readme.md', Body: 'first', ContentType: 'text/markdown', Metadata: { owner: 'ana' }, Tagging: 'team=docs' }));
  const v2 = await s3.send(new S.PutObjectCommand({ Bucket: 'docs', Key: 'notes/readme.md', Body: 'second version', ContentType: 'text/plain', Metadata: { owner: 'bo' } }));

  await page.goto(ui('s3/docs?prefix=notes%2F'));
  await page.getByRole('link', { name: 'readme.md' }).click();
  const pane = page.getByRole('complementary', { name: 'Object detail' });
  await pane.getByText('x-amz-meta-owner').waitFor();
  assert.match(await pane.innerText(), /Content type\s+text\/plain/);
  assert.match(await pane.innerText(), /x-amz-meta-owner\s+bo/);
  await pane.getByText('second version').waitFor(); // the text preview
  assert.equal(await pane.locator('table.versions tbody tr').count(), 2);

  // Tags: edit them here, see them through the SDK.
  await pane.getByRole('button', { name: 'edit' }).click();
  await pane.getByLabel('Tags (key=value per line)').fill('stage=final\nbroken line');
  await pane.getByRole('button', { name: 'Save tags' }).click();
  await pane.getByRole('alert').getByText('Line 2: write each tag as key=value.').waitFor();
  await pane.getByLabel('Tags (key=value per line)').fill('stage=final\nreviewer=cy');
  await pane.getByRole('button', { name: 'Save tags' }).click();
  await pane.getByRole('rowheader', { name: 'reviewer' }).waitFor();
  const tagging = await s3.send(new S.GetObjectTaggingCommand({ Bucket: 'docs', Key: 'notes/readme.md' }));
  assert.deepEqual(tagging.TagSet, [{ Key: 'stage', Value: 'final' }, { Key: 'reviewer', Value: 'cy' }]);

  // The older version, with its own metadata and tags.
  await pane.getByRole('link', { name: v1.VersionId! }).click();
  await pane.getByText('x-amz-meta-owner').waitFor();
  await pane.getByRole('rowheader', { name: 'team' }).waitFor();
  assert.match(await pane.innerText(), /x-amz-meta-owner\s+ana/);

  // A presigned URL for it, which plain fetch can read until it expires.
  await pane.getByLabel('Expires in').selectOption('300');
  await pane.getByRole('button', { name: 'Make URL' }).click();
  const url = await pane.getByLabel('Presigned URL').inputValue();
  assert.match(url, /X-Amz-Credential=000000000000%2F\d{8}%2Fus-east-1%2Fs3%2Faws4_request/);
  assert.match(url, new RegExp(`versionId=${encodeURIComponent(v1.VersionId!)}`));
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'first');
  await pane.evaluate((el) => el.scrollTo(0, 0));
  await screenshot(page, 's3-object-detail');
  fb.clock.set(Date.now() + 301_000);
  assert.equal((await fetch(url)).status, 403);
  fb.clock.unfreeze();

  // Deleting the current object leaves a delete marker; deleting the marker brings it back.
  await pane.getByRole('link', { name: v2.VersionId! }).click();
  await pane.getByRole('button', { name: 'Delete', exact: true }).click();
  await pane.getByText('delete marker', { exact: true }).waitFor();
  await assert.rejects(s3.send(new S.HeadObjectCommand({ Bucket: 'docs', Key: 'notes/readme.md' })), { name: 'NotFound' });
  await page.getByLabel('Show versions').check();
  await page.getByRole('table').first().getByText('delete marker').waitFor();
  await screenshot(page, 's3-versions');
  const marker = (await s3.send(new S.ListObjectVersionsCommand({ Bucket: 'docs' }))).DeleteMarkers![0].VersionId!;
  await pane.getByRole('button', { name: `Delete version ${marker}` }).click();
  await pane.getByText('delete marker', { exact: true }).waitFor({ state: 'detached' });
  assert.equal(await text('docs', 'notes/readme.md'), 'second version');
});

test('bucket settings: CORS, policy and notifications as JSON, with validation and S3 errors', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'configured' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'configured', Key: 'keep', Body: 'x' }));
  await page.goto(ui('s3/configured?tab=settings'));
  const cors = page.locator('section', { has: page.getByRole('heading', { name: 'CORS' }) });
  await cors.getByText('Not configured.').waitFor();
  await cors.getByRole('button', { name: 'Add' }).click();
  await cors.getByLabel('CORS JSON').fill('{ nope');
  await cors.getByRole('button', { name: 'Save CORS' }).click();
  await cors.getByRole('alert').getByText('The CORS configuration must be a JSON object.').waitFor();
  await cors.getByLabel('CORS JSON').fill(JSON.stringify({ CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] }));
  await cors.getByRole('button', { name: 'Save CORS' }).click();
  await cors.getByText('Saved.').waitFor();
  const got = await s3.send(new S.GetBucketCorsCommand({ Bucket: 'configured' }));
  assert.deepEqual(got.CORSRules?.[0].AllowedMethods, ['GET']);

  const policy = page.locator('section', { has: page.getByRole('heading', { name: 'Bucket policy' }) });
  await policy.getByRole('button', { name: 'Add' }).click();
  await policy.getByLabel('Bucket policy JSON').fill('{"Statement": "nonsense"}');
  await policy.getByRole('button', { name: 'Save Bucket policy' }).click();
  await policy.getByRole('alert').getByText(/MalformedPolicy/).waitFor();
  await policy.getByRole('button', { name: 'Cancel' }).click();
  await screenshot(page, 's3-settings');

  // Deleting a bucket that still has objects shows S3's refusal.
  await page.goto(ui('s3'));
  await page.getByRole('button', { name: 'Delete bucket configured' }).click();
  await page.getByRole('alert').getByText(/BucketNotEmpty/).waitFor();
  await screenshot(page, 's3-buckets');
});
