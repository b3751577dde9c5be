// The verifier against the SDK's own signer (@smithy/signature-v4, what SDK v3 clients sign with):
// whatever a client signs must verify, and any change to what was signed must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';

/** SHA-256 as the signer wants it: a constructor taking an optional HMAC key. */
class Sha256 extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret);
  }
}
import type { HttpRequest } from '../../core/http.ts';
import { readV4, verifyV4, type V4Signature } from './sigv4-verify.ts';

const credentials = { accessKeyId: 'AKIAFOGBANKEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

interface Plain {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

async function sign(service: string, r: Plain, presign = false): Promise<HttpRequest> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256, uriEscapePath: service !== 's3', applyChecksum: service === 's3' });
  const request = { protocol: 'http:', hostname: 'localhost', port: 4566, method: r.method, path: r.path, query: r.query ?? {}, headers: { host: 'localhost:4566', ...r.headers }, body: r.body };
  const signed = presign
    ? await signer.presign(request, { signingDate: new Date(NOW), expiresIn: 300 })
    : await signer.sign(request, { signingDate: new Date(NOW) });
  // As the server receives it: the query string as the SDK serialises it, header names lower-case.
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(String(v))}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
  return { method: r.method, path: r.path, query, headers, body: Buffer.from(r.body ?? '') };
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function check(req: HttpRequest, s3: boolean, secret = credentials.secretAccessKey, now = NOW) {
  const sig = readV4(req, new URLSearchParams(req.query));
  assert.ok(sig && !('kind' in sig), `a signature is read: ${JSON.stringify(sig)}`);
  return verifyV4(req, sig as V4Signature, { secret, now, s3 });
}

test('what the SDK signs verifies: JSON, query, REST paths with encoded labels, S3 keys with spaces and unicode', async () => {
  const cases: Array<[string, Plain]> = [
    ['dynamodb', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' }],
    ['sts', { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }],
    ['lambda', { method: 'POST', path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations', headers: {}, body: '{"a":1}' }],
    ['sqs', { method: 'GET', path: '/000000000000/q', query: { Action: 'ReceiveMessage', 'AttributeName.1': 'All', empty: '' }, headers: {} }],
    ['s3', { method: 'PUT', path: '/bucket/a%20key/%E2%9C%93%2Bplus', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-meta-note': '  two   spaces ' }, body: 'data' }],
    ['s3', { method: 'GET', path: '/bucket', query: { 'list-type': '2', prefix: 'a b/', 'continuation-token': 'x+y=' }, headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }],
  ];
  for (const [service, plain] of cases) {
    const req = await sign(service, plain);
    assert.equal(check(req, service === 's3'), undefined, `${service} ${plain.method} ${plain.path}`);
  }
});

test('a change to anything signed, or the wrong secret, is a signature mismatch', async () => {
  const req = await sign('dynamodb', { method: 'POST', path: '/', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{"Limit":1}' });
  assert.equal(check(req, false), undefined);
  assert.equal(check(req, false, 'not-the-secret')?.kind, 'signature');
  assert.equal(check({ ...req, body: Buffer.from('{"Limit":2}') }, false)?.kind, 'signature');
  assert.equal(check({ ...req, headers: { ...req.headers, 'x-amz-target': 'DynamoDB_20120810.DeleteTable' } }, false)?.kind, 'signature');
  assert.equal(check({ ...req, path: '/other' }, false)?.kind, 'signature');
  const problem = check({ ...req, method: 'PUT' }, false);
  assert.equal(problem?.kind, 'signature');
  assert.match((problem as { canonicalRequest: string }).canonicalRequest, /^PUT\n\/\n/);
});

test('header signatures older or newer than 15 minutes are refused with AWS\'s message', async () => {
  const req = await sign('sts', { method: 'POST', path: '/', headers: {}, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  assert.equal(check(req, false, credentials.secretAccessKey, NOW + 14 * 60_000), undefined);
  const late = check(req, false, credentials.secretAccessKey, NOW + 16 * 60_000);
  assert.equal(late?.kind, 'skewed');
  assert.equal(late?.message, 'Signature expired: 20261207T120000Z is now earlier than 20261207T120100Z (20261207T121600Z - 15 min.)');
  assert.equal(check(req, false, credentials.secretAccessKey, NOW - 16 * 60_000)?.kind, 'skewed');
});

test('presigned URLs: verified, tamper-proof, and expire after X-Amz-Expires', async () => {
  // As @aws-sdk/s3-request-presigner prepares it: the payload unsigned (the header is hoisted into the query).
  const req = await sign('s3', { method: 'GET', path: '/bucket/secret.txt', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, true);
  assert.match(req.query, /X-Amz-Content-Sha256=UNSIGNED-PAYLOAD/);
  assert.match(req.query, /X-Amz-Signature=/);
  assert.equal(check(req, true), undefined);
  assert.equal(check(req, true, credentials.secretAccessKey, NOW + 299_000), undefined);
  assert.equal(check(req, true, credentials.secretAccessKey, NOW + 301_000)?.kind, 'expired');
  assert.equal(check({ ...req, path: '/bucket/other.txt' }, true)?.kind, 'signature');
  assert.equal(check({ ...req, query: req.query.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000') }, true)?.kind, 'signature');
  const week = readV4({ ...req, query: req.query.replace('X-Amz-Expires=300', 'X-Amz-Expires=604801') }, new URLSearchParams(req.query.replace('X-Amz-Expires=300', 'X-Amz-Expires=604801')));
  assert.equal(week && 'kind' in week ? week.kind : undefined, 'malformed');
});

test('malformed Authorization headers are named, not crashed on', () => {
  const base: HttpRequest = { method: 'GET', path: '/', query: '', headers: { 'x-amz-date': '20261207T120000Z' }, body: Buffer.alloc(0) };
  for (const auth of ['AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256 Credential=a/b', 'AWS4-HMAC-SHA256 Credential=AKID/2026/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00']) {
    const r = readV4({ ...base, headers: { ...base.headers, authorization: auth } }, new URLSearchParams());
    assert.ok(r && 'kind' in r && r.kind === 'malformed', auth);
  }
});
