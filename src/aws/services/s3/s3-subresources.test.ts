// S3's sub-resources at the HTTP level: a request naming a sub-resource (`?analytics`, `?tagging`,
// `?uploadId`, ...) must never be handled as the plain bucket or object operation. Generated from the
// model, so an operation added by codegen is covered the day it appears: every route with a query
// literal, sent without its required members; every sub-resource key sent with every method to both a
// bucket and an object; every key that tells operations apart on one template, alone. After each
// request the empty bucket still exists and the object still holds its bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import * as S from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import type { ServiceModel } from '../../protocol/model.ts';
import { resolveRef } from '../../protocol/model.ts';
import s3Service from './index.ts';
import { boto3Clients, python } from '../../../../test/support/clients.ts';

const model: ServiceModel = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8'));
const handled = new Set(Object.keys(s3Service.handlers ?? {}));
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0';
const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
const BUCKET = 'victim';
const EMPTY = 'empty-victim';
const KEY = 'precious.txt';
const BYTES = 'do not lose me';

let fb: TestFogbank;
let s3: S.S3Client;
let port: number;

before(async () => {
  fb = await startFogbank();
  s3 = fb.client(S.S3Client);
  port = Number(new URL(fb.endpoint).port);
  await s3.send(new S.CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new S.CreateBucketCommand({ Bucket: EMPTY }));
  await s3.send(new S.PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: BYTES }));
});
after(() => fb.stop());

interface Sent {
  status: number;
  body: string;
}

function send(method: string, path: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { authorization: AUTH, 'content-length': 0 } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Fails when anything the requests must not touch was touched. */
async function assertIntact(what: string): Promise<void> {
  assert.equal((await send('HEAD', `/${EMPTY}`)).status, 200, `${what}: the empty bucket was deleted`);
  const got = await send('GET', `/${BUCKET}/${KEY}`);
  assert.equal(got.status, 200, `${what}: the object is gone`);
  assert.equal(got.body, BYTES, `${what}: the object was overwritten`);
  const list = await send('GET', `/${BUCKET}`);
  assert.equal([...list.body.matchAll(/<Key>/g)].length, 1, `${what}: the bucket's listing changed: ${list.body}`);
}

interface Route {
  operation: string;
  method: string;
  objectLevel: boolean;
  /** The query literals as written in the template, x-id left out. */
  literals: Array<[string, string | undefined]>;
  requiredQuery: string[];
  /** Whether the input has required members beyond the URI labels (query, header or body). */
  requiresMore: boolean;
}

const routes: Route[] = Object.entries(model.operations).map(([operation, op]) => {
  const uri = op.http?.requestUri ?? '/';
  const q = uri.indexOf('?');
  const literals: Array<[string, string | undefined]> = [];
  if (q >= 0) {
    for (const pair of uri.slice(q + 1).split('&')) {
      const [k, v] = pair.split('=');
      if (k && k !== 'x-id') literals.push([k, v]);
    }
  }
  const shape = op.input ? model.shapes[op.input.shape] : undefined;
  const requiredQuery: string[] = [];
  let requiresMore = false;
  for (const name of shape?.required ?? []) {
    const view = resolveRef(model, shape!.members![name]);
    if (view.location === 'uri') continue;
    requiresMore = true;
    if (view.location === 'querystring') requiredQuery.push(view.locationName ?? name);
  }
  return { operation, method: (op.http?.method ?? 'POST').toUpperCase(), objectLevel: uri.includes('{Key+}'), literals, requiredQuery, requiresMore };
}).filter((r) => !r.operation.includes('Directory') && r.operation !== 'WriteGetObjectResponse' && r.operation !== 'ListBuckets');

const pathOf = (objectLevel: boolean) => (objectLevel ? `/${BUCKET}/${KEY}` : `/${EMPTY}`);
const queryOf = (pairs: Array<[string, string | undefined]>) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&');

function assertAnswered(r: Sent, what: string, operation: string | undefined, mustFail: boolean): void {
  assert.ok(r.status < 500 || (r.status === 501 && operation !== undefined && !handled.has(operation)), `${what}: answered ${r.status} ${r.body}`);
  if (mustFail) assert.ok(r.status >= 400 && r.status < 500 || r.status === 501, `${what}: expected a 4xx, got ${r.status} ${r.body}`);
  if (r.status >= 400 && r.status !== 405 || r.body.includes('<Error>')) {
    // HEAD answers carry no body; every other error is S3's <Error> document.
    assert.ok(r.body === '' || /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>\w+<\/Code>/.test(r.body), `${what}: not an S3 error: ${r.body}`);
  }
}

test('every sub-resource route sent without its required members answers an error and touches nothing', async () => {
  const withLiterals = routes.filter((r) => r.literals.some(([, v]) => v === undefined));
  assert.ok(withLiterals.length > 80, `the model has S3's sub-resource routes (${withLiterals.length})`);
  for (const route of withLiterals) {
    const what = `${route.operation} (${route.method} ?${queryOf(route.literals)})`;
    const r = await send(route.method, `${pathOf(route.objectLevel)}?${queryOf(route.literals)}`);
    // GET ?analytics without an id is ListBucketAnalyticsConfigurations, a sibling needing nothing more.
    const sibling = routes.some((o) => o !== route && o.method === route.method && o.objectLevel === route.objectLevel &&
      queryOf(o.literals) === queryOf(route.literals) && !o.requiresMore);
    assertAnswered(r, what, route.operation, route.requiresMore && !sibling);
    await assertIntact(what);
  }
});

test('a sub-resource key sent with a method that has no such operation is refused, whatever the method', async () => {
  const keys = new Set(routes.flatMap((r) => r.literals.filter(([, v]) => v === undefined).map(([k]) => k)));
  let refused = 0;
  for (const key of keys) {
    for (const objectLevel of [false, true]) {
      for (const method of METHODS) {
        if (routes.some((r) => r.method === method && r.objectLevel === objectLevel && r.literals.some(([k]) => k === key))) continue;
        const what = `${method} ${objectLevel ? 'object' : 'bucket'}?${key}`;
        const r = await send(method, `${pathOf(objectLevel)}?${key}`);
        assert.equal(r.status, 405, `${what}: answered ${r.status} ${r.body}`);
        if (method !== 'HEAD') {
          assert.match(r.body, /<Code>MethodNotAllowed<\/Code><Message>The specified method is not allowed against this resource.<\/Message>/, what);
          assert.match(r.body, new RegExp(`<Method>${method}</Method><ResourceType>${objectLevel ? 'OBJECT' : 'BUCKET'}</ResourceType>`), what);
        }
        refused++;
        await assertIntact(what);
      }
    }
  }
  assert.ok(refused > 200, `refused ${refused} requests`);
});

test('a key that names the operation on a template (uploadId, partNumber) is never dropped', async () => {
  // Routes without literals, told apart by required query members: UploadPart, ListParts, ...
  const told = routes.filter((r) => r.literals.length === 0 && r.requiredQuery.length > 0);
  assert.ok(told.some((r) => r.operation === 'UploadPart'));
  for (const route of told) {
    for (const key of route.requiredQuery) {
      const what = `${route.operation} with only ${key}`;
      const r = await send(route.method, `${pathOf(route.objectLevel)}?${key}=1`);
      assertAnswered(r, what, undefined, route.method !== 'GET' || route.requiredQuery.length > 1);
      await assertIntact(what);
    }
  }
});

test('POST on an object without uploadId is not CompleteMultipartUpload: 405 naming the method and resource', async () => {
  const r = await send('POST', `/${BUCKET}/${KEY}`);
  assert.equal(r.status, 405);
  assert.match(r.body, /<Code>MethodNotAllowed<\/Code>.*<Method>POST<\/Method><ResourceType>OBJECT<\/ResourceType>/s);
  await assertIntact('POST object');
});

test('DeleteBucketAnalyticsConfiguration without its id, through the AWS SDK v3, keeps the bucket', async () => {
  const bucket = 'analytics-victim';
  await s3.send(new S.CreateBucketCommand({ Bucket: bucket }));
  const client = fb.client(S.S3Client);
  // A client that loses the id on the way (a bug, a proxy) must not delete the bucket.
  client.middlewareStack.add((next) => async (args) => {
    const request = args.request as { query?: Record<string, unknown> };
    if (request.query) delete request.query.id;
    return next(args);
  }, { step: 'build', name: 'dropId' });
  for (const Command of [S.DeleteBucketAnalyticsConfigurationCommand, S.DeleteBucketInventoryConfigurationCommand,
    S.DeleteBucketMetricsConfigurationCommand, S.DeleteBucketIntelligentTieringConfigurationCommand]) {
    const err = await client.send(new Command({ Bucket: bucket, Id: 'x' })).then(() => undefined, (e: S.S3ServiceException) => e);
    assert.ok(err, `${Command.name} succeeded without its id`);
    assert.equal(err.name, 'InvalidArgument', Command.name);
    assert.equal(err.$metadata.httpStatusCode, 400);
    await s3.send(new S.HeadBucketCommand({ Bucket: bucket }));
  }
});

for (const py of boto3Clients()) {
  test(`${py.label}: a sub-resource request whose id was dropped keeps the bucket`, async () => {
    const script = String.raw`
import boto3, os, json
from botocore.exceptions import ClientError
s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
s3.create_bucket(Bucket='boto-victim')
def drop_id(request, **kwargs):
    request.url = request.url.replace('&id=x', '')
s3.meta.events.register('before-sign.s3.DeleteBucketInventoryConfiguration', drop_id)
out = {}
try:
    s3.delete_bucket_inventory_configuration(Bucket='boto-victim', Id='x')
    out['error'] = None
except ClientError as e:
    out['error'] = e.response['Error']['Code']
    out['status'] = e.response['ResponseMetadata']['HTTPStatusCode']
out['exists'] = s3.head_bucket(Bucket='boto-victim')['ResponseMetadata']['HTTPStatusCode']
print(json.dumps(out))
`;
    const r = await python(py, fb.endpoint, script);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { error: 'InvalidArgument', status: 400, exists: 200 });
  });
}
