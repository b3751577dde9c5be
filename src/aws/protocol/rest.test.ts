import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceModel, ShapeRef } from './model.ts';
import type { HttpRequest } from '../../core/http.ts';
import { ServiceError } from '../../core/errors.ts';
import { matchRoute, parseQueryString, readBoundInput, routeOperation, shapeBindings, splitHeaderList, writeBoundMembers } from './rest.ts';

// A slice of S3's routing, where many operations share one template and only query literals,
// required query parameters or required headers tell them apart.
const s3Ops: Array<[string, string, string, Record<string, ShapeRef>?, string[]?, boolean?]> = [
  ['ListBuckets', 'GET', '/'],
  ['ListObjects', 'GET', '/{Bucket}', { Bucket: { shape: 'S', location: 'uri', locationName: 'Bucket' } }, ['Bucket']],
  ['ListObjectsV2', 'GET', '/{Bucket}?list-type=2'],
  ['GetBucketTagging', 'GET', '/{Bucket}?tagging'],
  ['GetBucketLifecycle', 'GET', '/{Bucket}?lifecycle', undefined, undefined, true],
  ['GetBucketLifecycleConfiguration', 'GET', '/{Bucket}?lifecycle'],
  ['ListMultipartUploads', 'GET', '/{Bucket}?uploads'],
  ['CreateBucket', 'PUT', '/{Bucket}'],
  ['GetObject', 'GET', '/{Bucket}/{Key+}?x-id=GetObject', {
    Bucket: { shape: 'S', location: 'uri', locationName: 'Bucket' },
    Key: { shape: 'S', location: 'uri', locationName: 'Key' },
    PartNumber: { shape: 'I', location: 'querystring', locationName: 'partNumber' },
    Range: { shape: 'S', location: 'header', locationName: 'Range' },
  }, ['Bucket', 'Key']],
  ['ListParts', 'GET', '/{Bucket}/{Key+}?x-id=ListParts', {
    UploadId: { shape: 'S', location: 'querystring', locationName: 'uploadId' },
  }, ['UploadId']],
  ['GetObjectTagging', 'GET', '/{Bucket}/{Key+}?tagging'],
  ['PutObject', 'PUT', '/{Bucket}/{Key+}'],
  ['CopyObject', 'PUT', '/{Bucket}/{Key+}', { CopySource: { shape: 'S', location: 'header', locationName: 'x-amz-copy-source' } }, ['CopySource']],
  ['UploadPart', 'PUT', '/{Bucket}/{Key+}', {
    PartNumber: { shape: 'I', location: 'querystring', locationName: 'partNumber' },
    UploadId: { shape: 'S', location: 'querystring', locationName: 'uploadId' },
  }, ['PartNumber', 'UploadId']],
  ['UploadPartCopy', 'PUT', '/{Bucket}/{Key+}', {
    CopySource: { shape: 'S', location: 'header', locationName: 'x-amz-copy-source' },
    PartNumber: { shape: 'I', location: 'querystring', locationName: 'partNumber' },
    UploadId: { shape: 'S', location: 'querystring', locationName: 'uploadId' },
  }, ['CopySource', 'PartNumber', 'UploadId']],
  ['CreateMultipartUpload', 'POST', '/{Bucket}/{Key+}?uploads'],
];

// Lambda-style templates: literal prefixes, trailing slashes, a greedy label with segments after it.
const otherOps: typeof s3Ops = [
  ['Functions', 'GET', '/2015-03-31/functions/'],
  ['Invoke', 'POST', '/2015-03-31/functions/{FunctionName}/invocations'],
  ['GetFunction', 'GET', '/2015-03-31/functions/{FunctionName}'],
  ['GetAlias', 'GET', '/2015-03-31/functions/{FunctionName}/aliases/{Name}'],
  ['GreedyMiddle', 'GET', '/files/{Path+}/meta'],
  ['RegexLiteral', 'GET', '/ReDosLiteral/{str}/(a+)+'],
];

function buildModel(ops: typeof s3Ops): ServiceModel {
  const model: ServiceModel = {
    metadata: { apiVersion: '2006-03-01', protocol: 'rest-xml' },
    operations: {},
    shapes: { S: { type: 'string' }, I: { type: 'integer' } },
  };
  for (const [name, method, requestUri, members, required, deprecated] of ops) {
    model.shapes[`${name}Input`] = { type: 'structure', members: members ?? {}, required };
    model.operations[name] = { name, http: { method, requestUri }, input: { shape: `${name}Input` }, deprecated };
  }
  return model;
}

const model = buildModel(s3Ops);
const other = buildModel(otherOps);

function req(method: string, url: string, headers: Record<string, string> = {}): HttpRequest {
  const q = url.indexOf('?');
  return { method, path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers, body: Buffer.alloc(0) };
}

const route = (method: string, url: string, headers?: Record<string, string>) => routeOperation(model, req(method, url, headers));
const routeOther = (method: string, url: string) => routeOperation(other, req(method, url));

test('query literals pick the most specific bucket operation', () => {
  assert.equal(route('GET', '/'), 'ListBuckets');
  assert.equal(route('GET', '/my-bucket'), 'ListObjects');
  assert.equal(route('GET', '/my-bucket?prefix=a&delimiter=%2F'), 'ListObjects');
  assert.equal(route('GET', '/my-bucket?list-type=2&prefix=a'), 'ListObjectsV2');
  assert.equal(route('GET', '/my-bucket?list-type=1'), 'ListObjects', 'a literal value must match, not just the key');
  assert.equal(route('GET', '/my-bucket?tagging'), 'GetBucketTagging');
  assert.equal(route('GET', '/my-bucket?tagging='), 'GetBucketTagging');
  assert.equal(route('GET', '/my-bucket?uploads&max-uploads=3'), 'ListMultipartUploads');
  assert.equal(route('PUT', '/my-bucket'), 'CreateBucket');
  assert.equal(route('DELETE', '/my-bucket'), undefined);
});

// The delete routes of S3, where falling through to the plain operation loses data.
const deleteOps: typeof s3Ops = [
  ['DeleteBucket', 'DELETE', '/{Bucket}'],
  ['DeleteBucketAnalyticsConfiguration', 'DELETE', '/{Bucket}?analytics', { Id: { shape: 'S', location: 'querystring', locationName: 'id' } }, ['Id']],
  ['DeleteBucketTagging', 'DELETE', '/{Bucket}?tagging'],
  ['GetBucketVersioning', 'GET', '/{Bucket}?versioning'],
  ['DeleteObject', 'DELETE', '/{Bucket}/{Key+}?x-id=DeleteObject', { VersionId: { shape: 'S', location: 'querystring', locationName: 'versionId' } }],
  ['AbortMultipartUpload', 'DELETE', '/{Bucket}/{Key+}', { UploadId: { shape: 'S', location: 'querystring', locationName: 'uploadId' } }, ['UploadId']],
  ...s3Ops,
];
const deletes = buildModel(deleteOps);
const routeDelete = (method: string, url: string) => routeOperation(deletes, req(method, url));

test('a sub-resource key is never ignored: the plain bucket or object operation does not take it', () => {
  assert.equal(routeDelete('DELETE', '/b'), 'DeleteBucket');
  assert.equal(routeDelete('DELETE', '/b?analytics&id=a'), 'DeleteBucketAnalyticsConfiguration');
  // Without its required id the sub-resource's operation still wins, so its handler answers the error.
  assert.equal(routeDelete('DELETE', '/b?analytics'), 'DeleteBucketAnalyticsConfiguration');
  // A sub-resource with no DELETE route is no route at all (the codec answers MethodNotAllowed).
  assert.equal(routeDelete('DELETE', '/b?versioning'), undefined);
  assert.equal(routeDelete('DELETE', '/b/k?versioning'), undefined);
  assert.equal(routeDelete('DELETE', '/b/k?uploads'), undefined);
  assert.equal(routeDelete('DELETE', '/b/k'), 'DeleteObject');
  assert.equal(routeDelete('DELETE', '/b/k?versionId=3'), 'DeleteObject');
  assert.equal(routeDelete('DELETE', '/b/k?uploadId=u'), 'AbortMultipartUpload');
  // uploadId tells UploadPart from PutObject: with only one of its two members it is not PutObject.
  assert.equal(routeDelete('PUT', '/b/k?uploadId=u'), 'UploadPart');
  assert.equal(routeDelete('PUT', '/b/k?partNumber=1'), 'UploadPart');
  assert.equal(routeDelete('PUT', '/b/k'), 'PutObject');
  // Keys a route binds stay its own: GetObject reads one part.
  assert.equal(routeDelete('GET', '/b/k?partNumber=1'), 'GetObject');
  // A key=value literal is a variant, not a sub-resource; unknown keys stay ignored.
  assert.equal(routeDelete('GET', '/b?list-type=1'), 'ListObjects');
  assert.equal(routeDelete('GET', '/b?id=3&foo'), 'ListObjects');
});

test('a deprecated twin loses to its replacement', () => {
  assert.equal(route('GET', '/b?lifecycle'), 'GetBucketLifecycleConfiguration');
});

test('greedy labels keep slashes and are percent-decoded', () => {
  const m = matchRoute(model, req('GET', '/my-bucket/photos/2024/a%20b%2Bc.jpg'));
  assert.deepEqual(m, { operation: 'GetObject', labels: { Bucket: 'my-bucket', Key: 'photos/2024/a b+c.jpg' } });
  assert.equal(matchRoute(model, req('GET', '/b/dir/'))?.labels.Key, 'dir/', 'a trailing slash belongs to the key');
  assert.equal(matchRoute(model, req('GET', '/b/a//b'))?.labels.Key, 'a//b');
  assert.equal(matchRoute(model, req('GET', '/b/%2Fleading'))?.labels.Key, '/leading');
  // An empty greedy label is no match: "/bucket/" lists the bucket.
  assert.equal(route('GET', '/my-bucket/'), 'ListObjects');
});

test('a greedy label in the middle of a template', () => {
  assert.deepEqual(matchRoute(other, req('GET', '/files/a/b/c/meta')), { operation: 'GreedyMiddle', labels: { Path: 'a/b/c' } });
  assert.equal(routeOther('GET', '/files/meta'), undefined);
});

test('plain labels take one segment, percent-decoded, and are never empty', () => {
  assert.deepEqual(matchRoute(other, req('GET', '/2015-03-31/functions/my%3Afn/aliases/live')), {
    operation: 'GetAlias', labels: { FunctionName: 'my:fn', Name: 'live' },
  });
  assert.equal(routeOther('POST', '/2015-03-31/functions/fn/invocations'), 'Invoke');
  assert.equal(routeOther('GET', '/2015-03-31/functions/a%2Fb'), 'GetFunction');
  assert.equal(routeOther('GET', '/2015-03-31/functions//aliases/x'), undefined);
  assert.equal(routeOther('GET', '/ReDosLiteral/abc/(a+)+'), 'RegexLiteral');
});

test('a missing or extra trailing slash still routes', () => {
  assert.equal(routeOther('GET', '/2015-03-31/functions/'), 'Functions');
  assert.equal(routeOther('GET', '/2015-03-31/functions'), 'Functions');
  assert.equal(routeOther('GET', '/2015-03-31/functions/fn/'), 'GetFunction');
});

test('required query parameters and headers tell apart operations sharing a template', () => {
  assert.equal(route('GET', '/b/k'), 'GetObject');
  assert.equal(route('GET', '/b/k?partNumber=2'), 'GetObject');
  assert.equal(route('GET', '/b/k?uploadId=u1&max-parts=5'), 'ListParts');
  assert.equal(route('GET', '/b/k?tagging'), 'GetObjectTagging');
  assert.equal(route('PUT', '/b/k'), 'PutObject');
  assert.equal(route('PUT', '/b/k', { 'x-amz-copy-source': '/src/key' }), 'CopyObject');
  assert.equal(route('PUT', '/b/k?partNumber=1&uploadId=u1'), 'UploadPart');
  assert.equal(route('PUT', '/b/k?partNumber=1&uploadId=u1', { 'x-amz-copy-source': '/src/key' }), 'UploadPartCopy');
  assert.equal(route('POST', '/b/k?uploads'), 'CreateMultipartUpload');
});

test('x-id is optional but must agree when sent', () => {
  assert.equal(route('GET', '/b/k?x-id=GetObject'), 'GetObject');
  assert.equal(route('GET', '/b/k?x-id=ListParts&uploadId=u'), 'ListParts');
  assert.equal(route('GET', '/b/k?x-id=Nonsense'), undefined);
});

test('routing is cached per model and per request object', () => {
  const r = req('GET', '/b/k?uploadId=1');
  const first = matchRoute(model, r);
  assert.equal(matchRoute(model, r), first);
  r.query = '';
  assert.equal(matchRoute(model, r)?.operation, 'GetObject', 'a changed request is matched again');
});

test('query strings decode keys and values, + as space, repeated keys in order', () => {
  const q = parseQueryString('a=1&b=x%20y+z&a=2&flag&empty=');
  assert.deepEqual([...q], [['a', ['1', '2']], ['b', ['x y z']], ['flag', ['']], ['empty', ['']]]);
});

test('bound input members: labels, query, headers, prefix headers', () => {
  const m: ServiceModel = {
    metadata: { apiVersion: '1', protocol: 'rest-json' },
    operations: { Op: { name: 'Op', http: { method: 'POST', requestUri: '/things/{Id}' }, input: { shape: 'In' } } },
    shapes: {
      In: {
        type: 'structure',
        members: {
          Id: { shape: 'S', location: 'uri', locationName: 'Id' },
          Limit: { shape: 'I', location: 'querystring', locationName: 'limit' },
          Tags: { shape: 'L', location: 'querystring', locationName: 'tag' },
          Since: { shape: 'T', location: 'querystring', locationName: 'since' },
          Rest: { shape: 'M', location: 'querystring' },
          When: { shape: 'T', location: 'header', locationName: 'X-When' },
          Names: { shape: 'L', location: 'header', locationName: 'X-Names' },
          Meta: { shape: 'M', location: 'headers', locationName: 'x-meta-' },
          Body: { shape: 'S' },
        },
      },
      S: { type: 'string' }, I: { type: 'integer' }, T: { type: 'timestamp' },
      L: { type: 'list', member: { shape: 'S' } }, M: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
    },
  };
  const r = req('POST', '/things/a%2Fb?limit=5&tag=x&tag=y&since=2020-01-02T03%3A04%3A05Z', {
    'x-when': 'Thu, 02 Jan 2020 03:04:05 GMT', 'x-names': '"a,b", c', 'x-meta-color': 'red', 'x-other': '1',
  });
  const input = readBoundInput(m, 'Op', r);
  assert.deepEqual(input, {
    Id: 'a/b', Limit: 5, Tags: ['x', 'y'], Since: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)),
    Rest: { limit: '5', tag: 'x', since: '2020-01-02T03:04:05Z' },
    When: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), Names: ['a,b', 'c'], Meta: { color: 'red' },
  });
  assert.deepEqual(shapeBindings(m, 'In').body.map((b) => b.name), ['Body']);
  assert.throws(() => readBoundInput(m, 'Op', req('POST', '/things/x?limit=many')),
    (e: unknown) => e instanceof ServiceError && e.code === 'SerializationException');
});

test('bound output members: headers, lists, prefix maps and status code', () => {
  const m: ServiceModel = {
    metadata: { apiVersion: '1', protocol: 'rest-json' },
    operations: {},
    shapes: {
      Out: {
        type: 'structure',
        members: {
          ETag: { shape: 'S', location: 'header', locationName: 'ETag' },
          Modified: { shape: 'T', location: 'header', locationName: 'Last-Modified' },
          Names: { shape: 'L', location: 'header', locationName: 'X-Names' },
          Meta: { shape: 'M', location: 'headers', locationName: 'x-amz-meta-' },
          Status: { shape: 'I', location: 'statusCode' },
        },
      },
      S: { type: 'string' }, I: { type: 'integer' }, T: { type: 'timestamp' },
      L: { type: 'list', member: { shape: 'S' } }, M: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
    },
  };
  const headers: Record<string, string | string[]> = {};
  const status = writeBoundMembers(m, 'Out', {
    ETag: '"abc"', Modified: new Date(Date.UTC(2019, 11, 16, 23, 48, 18)), Names: ['a,b', 'c'], Meta: { k: 'v' }, Status: 206,
  }, headers);
  assert.equal(status, 206);
  assert.deepEqual(headers, {
    ETag: '"abc"', 'Last-Modified': 'Mon, 16 Dec 2019 23:48:18 GMT', 'X-Names': '"a,b", c', 'x-amz-meta-k': 'v',
  });
  assert.deepEqual(splitHeaderList(headers['X-Names'] as string), ['a,b', 'c']);
});

// Every operation of every REST model in the aws-sdk package must route to itself from a request
// built from its own template, except the few pairs S3 itself cannot tell apart by the request line.
test('every REST operation of the aws-sdk models routes to itself', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const dir = createRequire(import.meta.url).resolve('aws-sdk/package.json').replace(/package\.json$/, 'apis/');
  const indistinguishable = new Set([
    's3 GetBucketLifecycle', 's3 PutBucketLifecycle', 's3 GetBucketNotification', 's3 PutBucketNotification', // deprecated twins
    's3 ListDirectoryBuckets', // same request line as ListBuckets; told apart by the S3 Express endpoint
  ]);
  const wrong: string[] = [];
  let checked = 0;
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.min.json')) continue;
    const raw = JSON.parse(readFileSync(dir + file, 'utf8'));
    if (raw.metadata.protocol !== 'rest-json' && raw.metadata.protocol !== 'rest-xml') continue;
    const model = fromMinified(raw);
    for (const [name, op] of Object.entries(model.operations)) {
      const uri = op.http?.requestUri ?? '/';
      const [path, literals] = uri.split('?');
      const query = literals ? literals.split('&') : [];
      const headers: Record<string, string> = {};
      const input = op.input && model.shapes[op.input.shape];
      for (const member of input?.required ?? []) {
        const ref = input!.members![member];
        if (ref.location === 'querystring' && model.shapes[ref.shape].type !== 'map') query.push(`${ref.locationName ?? member}=1`);
        if (ref.location === 'header') headers[(ref.locationName ?? member).toLowerCase()] = '1';
      }
      const url = path.replace(/\{[^}]+\+\}/g, 'a/b%20c').replace(/\{[^}]+\}/g, 'x') + (query.length ? `?${query.join('&')}` : '');
      const got = routeOperation(model, req(op.http?.method ?? 'POST', url, headers));
      checked++;
      if (got !== name && !indistinguishable.has(`${raw.metadata.endpointPrefix} ${name}`)) wrong.push(`${file} ${name} → ${got}`);
    }
  }
  assert.ok(checked > 5000, `only ${checked} operations found`);
  assert.deepEqual(wrong, []);
});

/** The aws-sdk's minified models inline shapes in operations and members; give them names. */
function fromMinified(raw: { metadata: ServiceModel['metadata']; shapes?: Record<string, any>; operations: Record<string, any> }): ServiceModel {
  const shapes: ServiceModel['shapes'] = { ...raw.shapes };
  let n = 0;
  const name = (ref: any): ShapeRef => {
    if (!ref || ref.shape) return ref;
    const { location, locationName, ...shape } = ref;
    const id = `__inline${n++}`;
    if (shape.members) shape.members = Object.fromEntries(Object.entries(shape.members).map(([k, v]) => [k, name(v)]));
    shapes[id] = { type: shape.type ?? (shape.members ? 'structure' : 'string'), ...shape };
    return { shape: id, ...(location ? { location } : {}), ...(locationName ? { locationName } : {}) };
  };
  for (const s of Object.values(shapes)) if (s.members) s.members = Object.fromEntries(Object.entries(s.members).map(([k, v]) => [k, name(v)]));
  const operations: ServiceModel['operations'] = {};
  for (const [op, def] of Object.entries(raw.operations)) operations[op] = { ...def, name: op, input: def.input && name(def.input) };
  return { metadata: raw.metadata, shapes, operations };
}
