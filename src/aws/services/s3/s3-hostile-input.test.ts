// S3 against input that used to end in an empty 500 or be stored as given: header values with CR/LF
// or beyond ISO-8859-1 that would be echoed (response-* overrides, stored Content-Type, metadata
// keys, CORS rules, website redirects), paths with broken percent-escapes or bytes that are not
// UTF-8, GetObjectAttributes without its header, ListDirectoryBuckets. Each answers S3's 4xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as S from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';

const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';
const BUCKET = 'hostile';
const KEY = 'k.txt';

let fb: TestFogbank;
let s3: S.S3Client;
let port: number;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  port = Number(new URL(fb.endpoint).port);
  await s3.send(new S.CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'body', ContentType: 'text/plain' }));
});
after(() => fb.stop());

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { authorization: AUTH, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const code = (body: string) => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

async function keys(): Promise<string[]> {
  const listed = await s3.send(new S.ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((c) => c.Key!);
}

const OVERRIDES = ['response-content-type', 'response-content-disposition', 'response-cache-control', 'response-content-language', 'response-content-encoding'];

test('response-* overrides that no header can carry answer 400 InvalidArgument naming the parameter', async () => {
  for (const name of OVERRIDES) {
    for (const value of ['text/html\r\nSet-Cookie: owned=1', 'a\nb', 'nul\u0000', 'attachment; filename="D\u2019Arcy"']) {
      const got = await raw('GET', `/${BUCKET}/${KEY}?${name}=${encodeURIComponent(value)}`);
      assert.equal(got.status, 400, `${name}=${JSON.stringify(value)}: ${got.body}`);
      assert.equal(code(got.body), 'InvalidArgument');
      assert.match(got.body, new RegExp(`<ArgumentName>${name}</ArgumentName>`));
      assert.equal(got.headers['set-cookie'], undefined);
      const head = await raw('HEAD', `/${BUCKET}/${KEY}?${name}=${encodeURIComponent(value)}`);
      assert.equal(head.status, 400, `HEAD ${name}`);
    }
  }
  // A value with latin-1 characters is a header like any other.
  const fine = await raw('GET', `/${BUCKET}/${KEY}?response-content-disposition=${encodeURIComponent('attachment; filename="café.txt"')}`);
  assert.equal(fine.status, 200);
  assert.equal(Buffer.from(fine.headers['content-disposition']!, 'latin1').toString('latin1'), 'attachment; filename="café.txt"');
  // Through the SDK: the same error, parsed.
  const err = await s3.send(new S.GetObjectCommand({ Bucket: BUCKET, Key: KEY, ResponseContentType: 'text/html\r\nX-Injected: 1' }))
    .then(() => undefined, (e: S.S3ServiceException) => e);
  assert.equal(err?.name, 'InvalidArgument');
  assert.equal(err?.$metadata.httpStatusCode, 400);
});

test('a browser POST whose Content-Type or metadata key no header can carry is refused and nothing is stored', async () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('file', new Blob(['posted']), 'f.txt');
    return f;
  };
  const typed = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'posted-type', Expires: 60, Conditions: [['starts-with', '$Content-Type', '']] });
  const badType = await fetch(typed.url, { method: 'POST', body: form({ ...typed.fields, 'Content-Type': 'text/html\r\nSet-Cookie: owned=1' }) });
  assert.equal(badType.status, 400);
  assert.equal(code(await badType.text()), 'InvalidArgument');
  const meta = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'posted-meta', Expires: 60, Conditions: [['starts-with', '$x-amz-meta-a b', '']] });
  const badKey = await fetch(meta.url, { method: 'POST', body: form({ ...meta.fields, 'x-amz-meta-a b': 'v' }) });
  assert.equal(badKey.status, 400, await badKey.clone().text());
  assert.equal(code(await badKey.text()), 'InvalidArgument');
  assert.deepEqual(await keys(), [KEY]);
});

test('CORS rules that would be echoed with CR/LF are malformed; a stored website redirect host with CR/LF answers 400, not 500', async () => {
  const cors = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x&#13;&#10;Set-Cookie: owned=1</ExposeHeader></CORSRule></CORSConfiguration>`;
  const put = await raw('PUT', `/${BUCKET}?cors`, { 'content-type': 'application/xml' }, cors);
  assert.equal(put.status, 400);
  assert.equal(code(put.body), 'MalformedXML');
  await s3.send(new S.CreateBucketCommand({ Bucket: 'hostile-site' }));
  await s3.send(new S.PutBucketWebsiteCommand({ Bucket: 'hostile-site', WebsiteConfiguration: { RedirectAllRequestsTo: { HostName: 'example.com\r\nSet-Cookie: owned=1' } } }));
  const site = await raw('GET', '/page', { host: `hostile-site.s3-website.localhost:${port}` });
  assert.equal(site.status, 400);
  assert.equal(site.headers['set-cookie'], undefined);
  assert.equal(code(site.body), 'InvalidArgument');
  // The server is still answering.
  assert.equal((await raw('GET', `/${BUCKET}/${KEY}`)).status, 200);
});

test('paths with broken percent-escapes or bytes that are not UTF-8 answer 400 InvalidURI and store nothing', async () => {
  for (const path of [`/${BUCKET}/%ff%fe`, `/${BUCKET}/%zz`, `/${BUCKET}/a%`, `/${BUCKET}/ok/%C3%28`, `/${BUCKET}/%ED%A0%80`, '/%ff', '/hostile%zz/k']) {
    for (const method of ['PUT', 'GET', 'DELETE', 'HEAD']) {
      const got = await raw(method, path, {}, method === 'PUT' ? 'stored?' : undefined);
      assert.equal(got.status, 400, `${method} ${path}: ${got.status} ${got.body}`);
      if (method !== 'HEAD') {
        assert.equal(code(got.body), 'InvalidURI', `${method} ${path}`);
        assert.match(got.body, /<Message>Couldn't parse the specified URI.<\/Message>/);
      }
    }
  }
  // Virtual-hosted style: the bucket comes from the Host name.
  const virtual = await raw('PUT', '/k', { host: `%ff.s3.localhost:${port}` }, 'x');
  assert.equal(virtual.status, 400);
  assert.equal(code(virtual.body), 'InvalidURI');
  // Well-formed escapes still name keys.
  assert.equal((await raw('PUT', `/${BUCKET}/caf%C3%A9%20%2B`, {}, 'ok')).status, 200);
  assert.deepEqual((await keys()).sort(), ['café +', KEY].sort());
  await s3.send(new S.DeleteObjectCommand({ Bucket: BUCKET, Key: 'café +' }));
});

test('GetObjectAttributes without (or with an empty) x-amz-object-attributes answers InvalidRequest', async () => {
  for (const headers of [{}, { 'x-amz-object-attributes': '' }, { 'x-amz-object-attributes': ' , ' }] as Array<Record<string, string>>) {
    const got = await raw('GET', `/${BUCKET}/${KEY}?attributes`, headers);
    assert.equal(got.status, 400, JSON.stringify(headers));
    assert.equal(code(got.body), 'InvalidRequest');
    assert.match(got.body, /The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty/);
  }
  const bogus = await raw('GET', `/${BUCKET}/${KEY}?attributes`, { 'x-amz-object-attributes': 'Bogus' });
  assert.equal(code(bogus.body), 'InvalidArgument');
  const err = await s3.send(new S.GetObjectAttributesCommand({ Bucket: BUCKET, Key: KEY, ObjectAttributes: [] })).then(() => undefined, (e: S.S3ServiceException) => e);
  assert.equal(err?.name, 'InvalidRequest');
  const ok = await s3.send(new S.GetObjectAttributesCommand({ Bucket: BUCKET, Key: KEY, ObjectAttributes: ['ObjectSize'] }));
  assert.equal(ok.ObjectSize, 4);
});

test('ListDirectoryBuckets, signed for s3express by the SDK, answers an empty list', async () => {
  const out = await s3.send(new S.ListDirectoryBucketsCommand({}));
  assert.deepEqual(out.Buckets ?? [], []);
  assert.equal(out.$metadata.httpStatusCode, 200);
});
