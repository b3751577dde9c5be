// S3 at the HTTP level, through plain fetch and node:http: presigned URLs and their expiry, browser
// POST uploads, CORS, website endpoints, virtual-hosted addressing, aws-chunked bodies written by
// hand, Expect: 100-continue, S3's bare <Error> documents, key safety, the admin routes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import * as S from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { createCrc } from './crc.ts';

let fb: TestFogbank;
let s3: S.S3Client;
let port: number;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  port = Number(new URL(fb.endpoint).port);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A SigV4 Authorization header: Fogbank needs one to be present (it does not verify it yet). */
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';

/** A request with full control of the Host header and body framing; signed unless `anonymous`. */
function raw(method: string, path: string, opts: { host?: string; headers?: Record<string, string | number>; body?: Buffer | string; expect100?: boolean; anonymous?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { host: opts.host ?? `127.0.0.1:${port}`, ...(opts.anonymous ? {} : { authorization: AUTH }), ...opts.headers };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.expect100) {
      req.on('continue', () => req.end(opts.body));
      req.flushHeaders();
    } else req.end(opts.body);
  });
}

test('presigned GET and PUT URLs work with plain fetch and expire on the clock', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'presign' }));
  const putUrl = await getSignedUrl(s3, new S.PutObjectCommand({ Bucket: 'presign', Key: 'up load.txt', ContentType: 'text/plain' }), { expiresIn: 60 });
  const put = await fetch(putUrl, { method: 'PUT', body: 'via presigned put', headers: { 'content-type': 'text/plain' } });
  assert.equal(put.status, 200);
  assert.equal(put.headers.get('etag'), `"${createHash('md5').update('via presigned put').digest('hex')}"`);
  const getUrl = await getSignedUrl(s3, new S.GetObjectCommand({ Bucket: 'presign', Key: 'up load.txt', ResponseContentDisposition: 'attachment' }), { expiresIn: 60 });
  const got = await fetch(getUrl);
  assert.equal(got.status, 200);
  assert.equal(await got.text(), 'via presigned put');
  assert.equal(got.headers.get('content-type'), 'text/plain');
  assert.equal(got.headers.get('content-disposition'), 'attachment');
  // Signed "now"; 61 seconds later it has expired.
  fb.clock.set(Date.now());
  const soon = await getSignedUrl(s3, new S.GetObjectCommand({ Bucket: 'presign', Key: 'up load.txt' }), { expiresIn: 60, signingDate: new Date(fb.clock.now()) });
  assert.equal((await fetch(soon)).status, 200);
  fb.clock.advance(61_000);
  const expired = await fetch(soon);
  assert.equal(expired.status, 403);
  const text = await expired.text();
  assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
  assert.match(text, /<X-Amz-Expires>60<\/X-Amz-Expires>/);
  assert.match(text, /<ServerTime>/);
  // More than a week is refused outright.
  const u = new URL(getUrl);
  u.searchParams.set('X-Amz-Expires', '604801');
  const tooLong = await fetch(u);
  assert.equal(tooLong.status, 400);
  assert.match(await tooLong.text(), /AuthorizationQueryParametersError/);
});

test('SigV2 query-string URLs (AWSAccessKeyId, Expires) expire too', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'sigv2' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'sigv2', Key: 'k', Body: 'v2 body' }));
  const at = (epochSeconds: number) => `${fb.endpoint}/sigv2/k?AWSAccessKeyId=test&Expires=${epochSeconds}&Signature=abc%3D`;
  const now = Math.floor(fb.clock.now() / 1000);
  const ok = await fetch(at(now + 60));
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'v2 body');
  const late = await fetch(at(now - 1));
  assert.equal(late.status, 403);
  assert.match(await late.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
});

test('errors are bare <Error> documents with the request id', async () => {
  const r = await raw('GET', '/no-such-bucket-here/key');
  assert.equal(r.status, 404);
  assert.equal(r.headers['content-type'], 'application/xml');
  assert.match(r.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>no-such-bucket-here<\/BucketName><RequestId>[^<]+<\/RequestId><\/Error>$/);
  assert.equal(r.headers['x-amz-request-id'], /<RequestId>([^<]+)</.exec(r.body)![1]);
  const head = await raw('HEAD', '/no-such-bucket-here/key');
  assert.equal(head.status, 404);
  assert.equal(head.body, '');
  const list = await raw('GET', '/');
  assert.match(list.body, /<ListAllMyBucketsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
});

test('raw PUTs: binary/octet-stream by default, Content-Length required, Expect: 100-continue', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'plain' }));
  const put = await raw('PUT', '/plain/raw', { body: 'abc' });
  assert.equal(put.status, 200);
  assert.equal((await s3.send(new S.HeadObjectCommand({ Bucket: 'plain', Key: 'raw' }))).ContentType, 'binary/octet-stream');
  const chunked = await raw('PUT', '/plain/chunked', { headers: { 'transfer-encoding': 'chunked' }, body: 'abc' });
  assert.equal(chunked.status, 411);
  assert.match(chunked.body, /<Code>MissingContentLength<\/Code>/);
  const cont = await raw('PUT', '/plain/continued', { headers: { expect: '100-continue', 'content-length': 5 }, body: 'hello', expect100: true });
  assert.equal(cont.status, 200);
  assert.equal(await (await s3.send(new S.GetObjectCommand({ Bucket: 'plain', Key: 'continued' }))).Body!.transformToString(), 'hello');
  assert.equal(put.headers['content-length'], '0');
  assert.equal(put.headers['content-type'], undefined);
  // Buffered bodies (DeleteObjects, configurations) are checked against their Content-MD5.
  const xml = '<Delete><Object><Key>raw</Key></Object></Delete>';
  const wrong = await raw('POST', '/plain?delete', { body: xml, headers: { 'content-md5': createHash('md5').update('other').digest('base64') } });
  assert.equal(wrong.status, 400);
  assert.match(wrong.body, /<Code>BadDigest<\/Code>/);
  const right = await raw('POST', '/plain?delete', { body: xml, headers: { 'content-md5': createHash('md5').update(xml).digest('base64') } });
  assert.equal(right.status, 200);
  assert.match(right.body, /<DeleteResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Deleted><Key>raw<\/Key><\/Deleted><\/DeleteResult>/);
  const list = await raw('GET', '/plain?list-type=2');
  assert.match(list.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.match(list.body, /<Key>continued<\/Key><LastModified>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z<\/LastModified>/);
});

function chunkedBody(chunks: Buffer[], opts: { signed: boolean; trailer?: [string, string] }): Buffer {
  const sig = opts.signed ? `;chunk-signature=${'0'.repeat(64)}` : '';
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push(Buffer.from(`${c.length.toString(16)}${sig}\r\n`), c, Buffer.from('\r\n'));
  parts.push(Buffer.from(`0${sig}\r\n`));
  if (opts.trailer) parts.push(Buffer.from(`${opts.trailer[0]}:${opts.trailer[1]}\r\n`));
  if (opts.trailer && opts.signed) parts.push(Buffer.from(`x-amz-trailer-signature:${'0'.repeat(64)}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

test('aws-chunked bodies: signed chunks, unsigned trailers, checksums validated', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'chunks' }));
  const data = [Buffer.alloc(65536, 1), Buffer.from('tail bytes')];
  const whole = Buffer.concat(data);
  const crc = createCrc('CRC32C');
  crc.update(whole);
  const good = crc.digest().toString('base64');
  const signed = chunkedBody(data, { signed: true });
  const r1 = await raw('PUT', '/chunks/signed', {
    headers: {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': whole.length,
      'content-length': signed.length,
    },
    body: signed,
  });
  assert.equal(r1.status, 200, r1.body);
  assert.equal(r1.headers.etag, `"${createHash('md5').update(whole).digest('hex')}"`);
  const trailerHeaders = (body: Buffer) => ({
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked,gzip', 'x-amz-decoded-content-length': whole.length,
    'x-amz-trailer': 'x-amz-checksum-crc32c', 'content-length': body.length,
  });
  const withTrailer = chunkedBody(data, { signed: false, trailer: ['x-amz-checksum-crc32c', good] });
  const r2 = await raw('PUT', '/chunks/trailer', { headers: trailerHeaders(withTrailer), body: withTrailer });
  assert.equal(r2.status, 200, r2.body);
  assert.equal(r2.headers['x-amz-checksum-crc32c'], good);
  const head = await s3.send(new S.HeadObjectCommand({ Bucket: 'chunks', Key: 'trailer', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ChecksumCRC32C, good);
  assert.equal(head.ContentEncoding, 'gzip');
  assert.equal(head.ContentLength, whole.length);
  const bad = chunkedBody(data, { signed: false, trailer: ['x-amz-checksum-crc32c', 'AAAAAA=='] });
  const r3 = await raw('PUT', '/chunks/bad', { headers: trailerHeaders(bad), body: bad });
  assert.equal(r3.status, 400);
  assert.match(r3.body, /<Code>BadDigest<\/Code>/);
  const short = await raw('PUT', '/chunks/short', { headers: { ...trailerHeaders(withTrailer), 'x-amz-decoded-content-length': whole.length + 1 }, body: withTrailer });
  assert.equal(short.status, 400);
  assert.match(short.body, /<Code>IncompleteBody<\/Code>/);
  await assert.rejects(s3.send(new S.HeadObjectCommand({ Bucket: 'chunks', Key: 'bad' })), { name: 'NotFound' });
  // The SDK's own default (a CRC32 trailer on a streamed body) goes through the same path.
  const sdk = await s3.send(new S.PutObjectCommand({ Bucket: 'chunks', Key: 'sdk', Body: whole }));
  assert.ok(sdk.ChecksumCRC32);
});

test('virtual-hosted style: the SDK addressing buckets by host name', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'vhost' }));
  const agent = new http.Agent({ lookup: (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }] as never, 4 as never) });
  const virtual = fb.client(S.S3Client, {
    endpoint: `http://localhost:${port}`, forcePathStyle: false, requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  await virtual.send(new S.PutObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt', Body: 'virtual' }));
  assert.equal(await (await virtual.send(new S.GetObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt' }))).Body!.transformToString(), 'virtual');
  const list = await virtual.send(new S.ListObjectsV2Command({ Bucket: 'vhost' }));
  assert.deepEqual(list.Contents!.map((c) => c.Key), ['dir/file.txt']);
  for (const host of ['vhost.s3.localhost', 'vhost.localhost', 'vhost.s3.us-east-1.amazonaws.com', 'vhost.s3.localhost.localstack.cloud']) {
    const r = await raw('GET', '/dir/file.txt', { host: `${host}:${port}` });
    assert.equal(r.status, 200, host);
    assert.equal(r.body, 'virtual', host);
  }
  agent.destroy();
});

test('browser POST uploads with a presigned policy', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'posts' }));
  const post = await createPresignedPost(s3, {
    Bucket: 'posts', Key: 'uploads/${filename}', Expires: 60,
    Conditions: [['starts-with', '$key', 'uploads/'], ['content-length-range', 1, 100], ['starts-with', '$Content-Type', 'text/']],
    Fields: { 'Content-Type': 'text/plain', 'x-amz-meta-origin': 'browser', success_action_status: '201' },
  });
  const form = (fields: Record<string, string>, file: string, name = 'hello.txt') => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('file', new Blob([file]), name);
    return f;
  };
  const created = await fetch(post.url, { method: 'POST', body: form(post.fields, 'posted body') });
  assert.equal(created.status, 201);
  const xml = await created.text();
  assert.match(xml, /<PostResponse><Location>[^<]+\/posts\/uploads\/hello.txt<\/Location><Bucket>posts<\/Bucket><Key>uploads\/hello.txt<\/Key><ETag>"[0-9a-f]{32}"<\/ETag><\/PostResponse>/);
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'posts', Key: 'uploads/hello.txt' }));
  assert.equal(await got.Body!.transformToString(), 'posted body');
  assert.equal(got.ContentType, 'text/plain');
  assert.deepEqual(got.Metadata, { origin: 'browser' });
  // Too large for content-length-range.
  const big = await fetch(post.url, { method: 'POST', body: form(post.fields, 'x'.repeat(101)) });
  assert.equal(big.status, 400);
  assert.match(await big.text(), /<Code>EntityTooLarge<\/Code>/);
  // A condition broken, and a field the policy does not list.
  const wrongType = await fetch(post.url, { method: 'POST', body: form({ ...post.fields, 'Content-Type': 'image/png' }, 'x') });
  assert.equal(wrongType.status, 403);
  assert.match(await wrongType.text(), /Invalid according to Policy: Policy Condition failed/);
  const extra = await fetch(post.url, { method: 'POST', body: form({ ...post.fields, 'x-amz-meta-other': 'y' }, 'x') });
  assert.equal(extra.status, 403);
  assert.match(await extra.text(), /Extra input fields: x-amz-meta-other/);
  // The default answer is 204; success_action_redirect answers 303 with the object in the query.
  const noStatus = { ...post.fields };
  delete noStatus.success_action_status;
  const plainPost = await createPresignedPost(s3, { Bucket: 'posts', Key: 'plain', Expires: 60 });
  const r204 = await fetch(plainPost.url, { method: 'POST', body: form(plainPost.fields, 'p') });
  assert.equal(r204.status, 204);
  assert.match(r204.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
  const redirectPost = await createPresignedPost(s3, {
    Bucket: 'posts', Key: 'redirected', Expires: 60, Fields: { success_action_redirect: 'http://example.com/done' },
  });
  const r303 = await fetch(redirectPost.url, { method: 'POST', body: form(redirectPost.fields, 'r'), redirect: 'manual' });
  assert.equal(r303.status, 303);
  const loc = new URL(r303.headers.get('location')!);
  assert.equal(loc.origin + loc.pathname, 'http://example.com/done');
  assert.equal(loc.searchParams.get('key'), 'redirected');
  // Expired policies are refused.
  fb.clock.advance(120_000);
  const late = await fetch(plainPost.url, { method: 'POST', body: form(plainPost.fields, 'p') });
  assert.equal(late.status, 403);
  assert.match(await late.text(), /Policy expired/);
});

test('CORS: preflight answered from the rules, headers on actual responses', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cors' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'cors', Key: 'k', Body: 'x' }));
  const preflight = (origin: string, method: string, headers?: string) =>
    fetch(`${fb.endpoint}/cors/k`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
    });
  const none = await preflight('http://app.example', 'GET');
  assert.equal(none.status, 403);
  assert.match(await none.text(), /CORS is not enabled for this bucket/);
  await s3.send(new S.PutBucketCorsCommand({
    Bucket: 'cors',
    CORSConfiguration: {
      CORSRules: [
        { AllowedOrigins: ['http://*.example'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-*', 'x-amz-*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
        { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
      ],
    },
  }));
  const ok = await preflight('http://app.example', 'PUT', 'Content-Type, X-Amz-Date');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://app.example');
  assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, PUT');
  assert.equal(ok.headers.get('access-control-allow-headers'), 'content-type, x-amz-date');
  assert.equal(ok.headers.get('access-control-expose-headers'), 'ETag');
  assert.equal(ok.headers.get('access-control-max-age'), '600');
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  const anyOrigin = await preflight('http://other.test', 'GET');
  assert.equal(anyOrigin.status, 200);
  assert.equal(anyOrigin.headers.get('access-control-allow-origin'), '*');
  const denied = await preflight('http://other.test', 'DELETE');
  assert.equal(denied.status, 403);
  assert.match(await denied.text(), /<Code>AccessForbidden<\/Code>/);
  const badHeader = await preflight('http://app.example', 'PUT', 'authorization2');
  assert.equal(badHeader.status, 403);
  assert.equal((await fetch(`${fb.endpoint}/cors/k`, { method: 'OPTIONS' })).status, 400);
  const actual = await fetch(`${fb.endpoint}/cors/k`, { headers: { origin: 'http://app.example', authorization: AUTH } });
  assert.equal(actual.status, 200);
  assert.equal(actual.headers.get('access-control-allow-origin'), 'http://app.example');
  assert.equal(actual.headers.get('access-control-expose-headers'), 'ETag');
  const noOrigin = await fetch(`${fb.endpoint}/cors/k`, { headers: { authorization: AUTH } });
  assert.equal(noOrigin.headers.get('access-control-allow-origin'), null);
});

test('website endpoints: index and error documents, redirects, routing rules', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'site' }));
  const host = `site.s3-website.localhost:${port}`;
  const noConfig = await raw('GET', '/', { host });
  assert.equal(noConfig.status, 404);
  assert.match(noConfig.body, /<li>Code: NoSuchWebsiteConfiguration<\/li>/);
  for (const [key, body, type] of [['index.html', '<h1>home</h1>', 'text/html'], ['docs/index.html', 'docs home', 'text/html'], ['404.html', 'custom missing', 'text/html'], ['style.css', 'body{}', 'text/css']]) {
    await s3.send(new S.PutObjectCommand({ Bucket: 'site', Key: key, Body: body, ContentType: type }));
  }
  await s3.send(new S.PutObjectCommand({ Bucket: 'site', Key: 'old-page', Body: '', WebsiteRedirectLocation: '/docs/' }));
  await s3.send(new S.PutBucketWebsiteCommand({
    Bucket: 'site',
    WebsiteConfiguration: {
      IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' },
      RoutingRules: [{ Condition: { KeyPrefixEquals: 'legacy/' }, Redirect: { ReplaceKeyPrefixWith: 'docs/', HttpRedirectCode: '302' } }],
    },
  }));
  const home = await raw('GET', '/', { host });
  assert.equal(home.status, 200);
  assert.equal(home.body, '<h1>home</h1>');
  assert.equal(home.headers['content-type'], 'text/html');
  assert.equal((await raw('GET', '/style.css', { host })).headers['content-type'], 'text/css');
  assert.equal((await raw('GET', '/docs/', { host })).body, 'docs home');
  const slash = await raw('GET', '/docs', { host });
  assert.equal(slash.status, 302);
  assert.equal(slash.headers.location, '/docs/');
  const missing = await raw('GET', '/nothing-here', { host });
  assert.equal(missing.status, 404);
  assert.equal(missing.body, 'custom missing');
  const moved = await raw('GET', '/old-page', { host });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.location, '/docs/');
  const routed = await raw('GET', '/legacy/intro.html', { host });
  assert.equal(routed.status, 302);
  assert.equal(routed.headers.location, `http://${host}/docs/intro.html`);
  assert.equal((await raw('GET', '/', { host: `site.s3-website-us-east-1.amazonaws.com:${port}` })).body, '<h1>home</h1>');
  assert.equal((await raw('PUT', '/x', { host, body: 'x' })).status, 405);
  await s3.send(new S.PutBucketWebsiteCommand({ Bucket: 'site', WebsiteConfiguration: { RedirectAllRequestsTo: { HostName: 'example.com', Protocol: 'https' } } }));
  const all = await raw('GET', '/a/b', { host });
  assert.equal(all.status, 301);
  assert.equal(all.headers.location, 'https://example.com/a/b');
});

test('keys never become paths: bodies live under Fogbank-chosen names only', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'safety' }));
  for (const path of ['/safety/..%2F..%2F..%2Fescape', '/safety/%2E%2E/%2E%2E/x', '/safety//abs/path', '/safety/..\\..\\win']) {
    const r = await raw('PUT', path, { body: 'payload' });
    assert.equal(r.status, 200, path);
  }
  const keys = (await s3.send(new S.ListObjectsV2Command({ Bucket: 'safety' }))).Contents!.map((c) => c.Key).sort();
  assert.deepEqual(keys, ['../../../escape', '../../x', '..\\..\\win', '/abs/path']);
  const dir = join(fb.instance.env.dataDir, 'blobs');
  for (const sub of readdirSync(dir)) {
    if (sub === 'tmp') continue;
    assert.match(sub, /^[0-9a-f]{2}$/);
    for (const f of readdirSync(join(dir, sub))) assert.match(f, /^[0-9a-f]{32}$/);
  }
  assert.deepEqual(readdirSync(fb.instance.env.dataDir).sort(), ['blobs']);
});

test('an upload cut off midway leaves no object and no temporary file', async () => {
  await s3.send(new S.CreateBucketCommand({ Bucket: 'cutoff' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'cutoff', Key: 'k', Body: 'previous' }));
  await new Promise<void>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/cutoff/k', headers: { 'content-length': 4 * 1024 * 1024, authorization: AUTH } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(1024 * 1024, 1), () => setTimeout(() => req.destroy(), 100));
    req.on('close', () => resolve());
  });
  // Wait for the server to see the connection go and clean up.
  for (let i = 0; i < 50 && readdirSync(join(fb.instance.env.dataDir, 'blobs', 'tmp')).length; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(readdirSync(join(fb.instance.env.dataDir, 'blobs', 'tmp')), []);
  assert.equal(await (await s3.send(new S.GetObjectCommand({ Bucket: 'cutoff', Key: 'k' }))).Body!.transformToString(), 'previous');
});

test('admin routes list buckets and objects of every account', async () => {
  const other = fb.client(S.S3Client, { credentials: { accessKeyId: '222222222222', secretAccessKey: 'x' } });
  await s3.send(new S.CreateBucketCommand({ Bucket: 'admin-a' }));
  await other.send(new S.CreateBucketCommand({ Bucket: 'admin-b' }));
  for (let i = 0; i < 3; i++) await other.send(new S.PutObjectCommand({ Bucket: 'admin-b', Key: `k${i}`, Body: 'x' }));
  const buckets = await (await fetch(`${fb.endpoint}/_fogbank/s3/buckets`)).json() as { buckets: Array<{ name: string; account: string }> };
  assert.deepEqual(buckets.buckets.map((b) => [b.name, b.account]), [['admin-a', '000000000000'], ['admin-b', '222222222222']]);
  const page = await (await fetch(`${fb.endpoint}/_fogbank/s3/buckets/admin-b/objects?limit=2`)).json() as { objects: Array<{ key: string }>; next?: string };
  assert.deepEqual(page.objects.map((o) => o.key), ['k0', 'k1']);
  const rest = await (await fetch(`${fb.endpoint}/_fogbank/s3/buckets/admin-b/objects?after=${page.next}`)).json() as { objects: Array<{ key: string }> };
  assert.deepEqual(rest.objects.map((o) => o.key), ['k2']);
  const obj = await (await fetch(`${fb.endpoint}/_fogbank/s3/buckets/admin-b/objects/k1`)).json() as { versions: Array<{ size: number }> };
  assert.equal(obj.versions[0].size, 1);
  assert.equal((await fetch(`${fb.endpoint}/_fogbank/s3/buckets/nope`)).status, 404);
});
