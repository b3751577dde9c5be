// What the protocol test vectors do not cover for the XML-family codecs: bad input becoming the
// protocol's own errors, error codes and envelopes, request ids, compressed and streamed bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Codec } from './codec.ts';
import type { HttpRequest, HttpResponse } from '../../core/http.ts';
import type { ServiceModel } from './model.ts';
import { ServiceError } from '../../core/errors.ts';
import { parseXml, type XmlElement } from './xml.ts';
import { queryCodec } from './query.ts';
import { ec2Codec } from './ec2.ts';
import { restXmlCodec } from './rest-xml.ts';
import { loadCodec } from './index.ts';

const shapes: ServiceModel['shapes'] = {
  PutThingInput: {
    type: 'structure',
    required: ['Name'],
    members: {
      Name: { shape: 'String' },
      Count: { shape: 'Integer', locationName: 'count' },
      When: { shape: 'Timestamp' },
      Tags: { shape: 'TagList' },
      Attributes: { shape: 'AttrMap', locationName: 'Attribute', flattened: true },
    },
  },
  PutThingOutput: { type: 'structure', members: { Id: { shape: 'String' }, Tags: { shape: 'TagList' } } },
  TagList: { type: 'list', member: { shape: 'Tag', locationName: 'Tag' } },
  Tag: { type: 'structure', members: { Key: { shape: 'String' }, Value: { shape: 'String' } } },
  AttrMap: { type: 'map', key: { shape: 'String', locationName: 'Name' }, value: { shape: 'String', locationName: 'Value' } },
  ThingMissing: {
    type: 'structure',
    members: { Message: { shape: 'String' }, ThingName: { shape: 'String' } },
    exception: true,
    error: { code: 'AWS.Things.Missing', httpStatusCode: 404, senderFault: true },
  },
  String: { type: 'string' },
  Integer: { type: 'integer' },
  Timestamp: { type: 'timestamp' },
};

function model(protocol: string): ServiceModel {
  return {
    metadata: { apiVersion: '2020-01-08', protocol, xmlNamespace: 'https://things.example.com/doc/2020-01-08/' },
    operations: {
      PutThing: { name: 'PutThing', http: { method: 'POST', requestUri: '/' }, input: { shape: 'PutThingInput' }, output: { shape: 'PutThingOutput', resultWrapper: 'PutThingResult' } },
    },
    shapes,
  };
}

function formRequest(body: string | Buffer, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    path: '/',
    query: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    ...extra,
  };
}

function xmlOf(res: HttpResponse): XmlElement {
  return parseXml(String(res.body));
}

function child(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  for (const name of path) el = el?.children.find((c) => c.name === name);
  return el;
}

function serviceError(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ServiceError, `expected a ServiceError, got ${e}`);
    return e;
  }
  assert.fail('expected a ServiceError');
}

test('loadCodec maps every protocol name to its codec', async () => {
  assert.equal(await loadCodec('query'), queryCodec);
  assert.equal(await loadCodec('ec2'), ec2Codec);
  assert.equal(await loadCodec('rest-xml'), restXmlCodec);
  assert.equal((await loadCodec('json')).protocol, 'json');
  assert.equal((await loadCodec('rest-json')).protocol, 'rest-json');
  await assert.rejects(loadCodec('smithy-rpc-v2-cbor'));
  await assert.rejects(loadCodec('__proto__'));
});

test('query: parameters from the query string and a form body, + and %-escapes decoded', () => {
  const m = model('query');
  const req = formRequest('Name=a+b%26c&count=7&When=2015-01-25T08%3A00%3A00Z&Tags.Tag.2.Key=k2&Tags.Tag.1.Key=k1&Attribute.1.Name=n&Attribute.1.Value=v', {
    query: 'Action=PutThing&Version=2020-01-08',
  });
  assert.equal(queryCodec.operationOf(m, req), 'PutThing');
  assert.deepEqual(queryCodec.parseInput(m, 'PutThing', req), {
    Name: 'a b&c',
    Count: 7,
    When: new Date('2015-01-25T08:00:00Z'),
    Tags: [{ Key: 'k1' }, { Key: 'k2' }],
    Attributes: { n: 'v' },
  });
});

test('query: a gzip-compressed form body is inflated', () => {
  const req = formRequest(gzipSync('Action=PutThing&Version=2020-01-08&Name=zipped'));
  req.headers['content-encoding'] = 'gzip';
  assert.equal(queryCodec.operationOf(model('query'), req), 'PutThing');
  assert.deepEqual(queryCodec.parseInput(model('query'), 'PutThing', req), { Name: 'zipped' });
});

test('query and ec2: a value of the wrong type is the protocol validation error, not a crash', () => {
  for (const [codec, body, code] of [
    [queryCodec, 'Action=PutThing&count=abc', 'ValidationError'],
    [queryCodec, 'Action=PutThing&When=yesterday', 'ValidationError'],
    [ec2Codec, 'Action=PutThing&Count=1.5', 'InvalidParameterValue'],
  ] as const) {
    const err = serviceError(() => codec.parseInput(model(codec.protocol), 'PutThing', formRequest(body)));
    assert.equal(err.code, code);
    assert.equal(err.status, 400);
    assert.match(err.message, /Value '.*' for parameter \w+ is invalid/);
  }
});

test('query: unknown and missing actions', () => {
  const m = model('query');
  const unknown = formRequest('Action=DeleteThing&Version=2020-01-08');
  assert.equal(queryCodec.operationOf(m, unknown), undefined);
  const err = queryCodec.unknownOperation(m, unknown);
  assert.equal(err.code, 'InvalidAction');
  assert.equal(err.message, 'Could not find operation DeleteThing for version 2020-01-08');
  assert.equal(queryCodec.unknownOperation(m, formRequest('Version=2020-01-08')).code, 'MissingAction');
  assert.equal(ec2Codec.unknownOperation(model('ec2'), unknown).code, 'InvalidAction');
});

test('query: output wrapped in the result element, with the namespace and request id', () => {
  const res = queryCodec.serializeOutput(model('query'), 'PutThing', { Id: 'i-1', Tags: [{ Key: 'k', Value: 'v' }] }, { requestId: 'req-1' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/xml');
  const root = xmlOf(res);
  assert.equal(root.name, 'PutThingResponse');
  assert.equal(root.attributes?.xmlns, 'https://things.example.com/doc/2020-01-08/');
  assert.equal(child(root, 'PutThingResult', 'Id')?.text, 'i-1');
  assert.equal(child(root, 'PutThingResult', 'Tags', 'Tag', 'Value')?.text, 'v');
  assert.equal(child(root, 'ResponseMetadata', 'RequestId')?.text, 'req-1');
});

test('query: errors carry the wire code of the error trait, or the query-compatible code', () => {
  const m = model('query');
  const modelled = queryCodec.serializeError(m, 'PutThing', new ServiceError('ThingMissing', 'no <thing>', { status: 404, fields: { ThingName: 't' } }), { requestId: 'req-2' });
  assert.equal(modelled.status, 404);
  const root = xmlOf(modelled);
  assert.equal(root.name, 'ErrorResponse');
  assert.equal(child(root, 'Error', 'Type')?.text, 'Sender');
  assert.equal(child(root, 'Error', 'Code')?.text, 'AWS.Things.Missing');
  assert.equal(child(root, 'Error', 'Message')?.text, 'no <thing>');
  assert.equal(child(root, 'Error', 'ThingName')?.text, 't');
  assert.equal(child(root, 'RequestId')?.text, 'req-2');

  const compatible = xmlOf(queryCodec.serializeError(m, 'PutThing', new ServiceError('QueueDoesNotExist', 'gone', { queryCode: 'AWS.SimpleQueueService.NonExistentQueue' }), { requestId: 'r' }));
  assert.equal(child(compatible, 'Error', 'Code')?.text, 'AWS.SimpleQueueService.NonExistentQueue');

  const internal = xmlOf(queryCodec.serializeError(m, undefined, new ServiceError('InternalError', 'boom', 500), { requestId: 'r' }));
  assert.equal(child(internal, 'Error', 'Type')?.text, 'Receiver');
});

test('ec2: members straight under the response with requestId, errors in <Response><Errors>', () => {
  const m = model('ec2');
  const out = xmlOf(ec2Codec.serializeOutput(m, 'PutThing', { Id: 'i-1' }, { requestId: 'req-3' }));
  assert.equal(out.name, 'PutThingResponse');
  assert.equal(child(out, 'requestId')?.text, 'req-3');
  assert.equal(child(out, 'Id')?.text, 'i-1');
  const res = ec2Codec.serializeError(m, 'PutThing', new ServiceError('InvalidThing.NotFound', 'nope'), { requestId: 'req-4' });
  assert.equal(res.status, 400);
  const err = xmlOf(res);
  assert.equal(err.name, 'Response');
  assert.equal(child(err, 'Errors', 'Error', 'Code')?.text, 'InvalidThing.NotFound');
  assert.equal(child(err, 'RequestID')?.text, 'req-4');
});

// ── rest-xml ─────────────────────────────────────────────────────────────────────────────────────

const s3: ServiceModel = {
  metadata: { apiVersion: '2006-03-01', protocol: 'rest-xml' },
  operations: {
    PutObject: { name: 'PutObject', http: { method: 'PUT', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'PutObjectRequest' }, output: { shape: 'PutObjectOutput' } },
    GetObject: { name: 'GetObject', http: { method: 'GET', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'GetObjectRequest' }, output: { shape: 'GetObjectOutput' } },
    PutBucketTagging: { name: 'PutBucketTagging', http: { method: 'PUT', requestUri: '/{Bucket}?tagging' }, input: { shape: 'PutBucketTaggingRequest' } },
    GetBucketTagging: { name: 'GetBucketTagging', http: { method: 'GET', requestUri: '/{Bucket}?tagging' }, input: { shape: 'BucketRequest' }, output: { shape: 'GetBucketTaggingOutput' } },
  },
  shapes: {
    PutObjectRequest: {
      type: 'structure',
      required: ['Bucket', 'Key'],
      members: {
        Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'String', location: 'uri', locationName: 'Key' },
        ContentLength: { shape: 'Long', location: 'header', locationName: 'Content-Length' },
        Body: { shape: 'Body', streaming: true },
      },
      payload: 'Body',
    },
    PutObjectOutput: { type: 'structure', members: { ETag: { shape: 'String', location: 'header', locationName: 'ETag' } } },
    GetObjectRequest: {
      type: 'structure',
      members: { Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' }, Key: { shape: 'String', location: 'uri', locationName: 'Key' } },
    },
    GetObjectOutput: {
      type: 'structure',
      members: { Body: { shape: 'Body', streaming: true }, ContentType: { shape: 'String', location: 'header', locationName: 'Content-Type' } },
      payload: 'Body',
    },
    BucketRequest: { type: 'structure', members: { Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' } } },
    PutBucketTaggingRequest: {
      type: 'structure',
      members: {
        Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
        Tagging: { shape: 'Tagging', locationName: 'Tagging', xmlNamespace: { uri: 'http://s3.amazonaws.com/doc/2006-03-01/' } },
      },
      payload: 'Tagging',
    },
    GetBucketTaggingOutput: { type: 'structure', members: { TagSet: { shape: 'TagSet' } }, locationName: 'Tagging' },
    Tagging: { type: 'structure', members: { TagSet: { shape: 'TagSet' } } },
    TagSet: { type: 'list', member: { shape: 'Tag', locationName: 'Tag' } },
    Tag: { type: 'structure', members: { Key: { shape: 'String' }, Value: { shape: 'String' }, Days: { shape: 'Integer' } } },
    NoSuchBucket: { type: 'structure', members: { BucketName: { shape: 'String' } }, exception: true },
    Body: { type: 'blob' },
    String: { type: 'string' },
    Integer: { type: 'integer' },
    Long: { type: 'long' },
  },
};

function restRequest(method: string, path: string, query: string, body = '', headers: Record<string, string> = {}): HttpRequest {
  return { method, path, query, headers, body: Buffer.from(body) };
}

test('rest-xml: a payload document is read into the payload member', () => {
  const req = restRequest('PUT', '/bucket', 'tagging', '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value></Value></Tag></TagSet></Tagging>');
  assert.equal(restXmlCodec.operationOf(s3, req), 'PutBucketTagging');
  assert.deepEqual(restXmlCodec.parseInput(s3, 'PutBucketTagging', req), {
    Bucket: 'bucket',
    Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }] },
  });
});

test('rest-xml: malformed or hostile XML bodies are MalformedXML', () => {
  const bodies = [
    '<Tagging><TagSet>',
    '<Tagging></TagSet>',
    'not xml at all',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Tagging>&e;</Tagging>',
    '<Tagging><TagSet><Tag><Days>many</Days></Tag></TagSet></Tagging>',
    '<Tagging>' + '<a>'.repeat(10_000),
  ];
  for (const body of bodies) {
    const err = serviceError(() => restXmlCodec.parseInput(s3, 'PutBucketTagging', restRequest('PUT', '/bucket', 'tagging', body)));
    assert.equal(err.code, 'MalformedXML', body.slice(0, 40));
    assert.equal(err.status, 400);
  }
});

test('rest-xml: a header of the wrong type is InvalidArgument', () => {
  const req = restRequest('PUT', '/bucket/key', '', 'data', { 'content-length': 'lots' });
  const err = serviceError(() => restXmlCodec.parseInput(s3, 'PutObject', req));
  assert.equal(err.code, 'InvalidArgument');
});

test('rest-xml: streaming payloads pass through unread, both ways', async () => {
  const stream = Readable.from([Buffer.from('hello')]);
  const req = { ...restRequest('PUT', '/bucket/dir/file.txt', ''), stream };
  const input = restXmlCodec.parseInput(s3, 'PutObject', req);
  assert.equal(input.Key, 'dir/file.txt');
  assert.equal(input.Body, stream);

  const body = Readable.from([Buffer.from('data')]);
  const res = restXmlCodec.serializeOutput(s3, 'GetObject', { Body: body, ContentType: 'text/plain' }, { requestId: 'req-5' });
  assert.equal(res.body, body);
  assert.equal(res.headers['Content-Type'], 'text/plain');
  assert.equal(Object.keys(res.headers).filter((h) => h.toLowerCase() === 'content-type').length, 1);
  assert.equal(res.headers['x-amz-request-id'], 'req-5');
});

test('rest-xml: output documents are named after the shape and carry no location-bound members', () => {
  const res = restXmlCodec.serializeOutput(s3, 'GetBucketTagging', { TagSet: [{ Key: 'a', Value: 'b' }] }, { requestId: 'r' });
  assert.equal(res.headers['content-type'], 'application/xml');
  const root = xmlOf(res);
  assert.equal(root.name, 'Tagging');
  assert.equal(child(root, 'TagSet', 'Tag', 'Key')?.text, 'a');
  const put = restXmlCodec.serializeOutput(s3, 'PutObject', { ETag: '"abc"' }, { requestId: 'r' });
  assert.equal(put.headers.ETag, '"abc"');
  assert.equal(put.body, undefined);
});

test('rest-xml: errors are wrapped in <ErrorResponse>, or bare <Error> for S3', () => {
  const err = new ServiceError('NoSuchBucket', 'The specified bucket does not exist', { status: 404, fields: { BucketName: 'b' } });
  const wrapped = xmlOf(restXmlCodec.serializeError(s3, 'GetObject', err, { requestId: 'req-6' }));
  assert.equal(wrapped.name, 'ErrorResponse');
  assert.equal(child(wrapped, 'Error', 'Code')?.text, 'NoSuchBucket');
  assert.equal(child(wrapped, 'RequestId')?.text, 'req-6');

  const res = restXmlCodec.serializeError(s3, 'GetObject', err, { requestId: 'req-7' }, { unwrappedErrors: true });
  assert.equal(res.status, 404);
  assert.equal(res.headers['x-amz-request-id'], 'req-7');
  const bare = xmlOf(res);
  assert.equal(bare.name, 'Error');
  assert.deepEqual(bare.children.map((c) => c.name), ['Code', 'Message', 'BucketName', 'RequestId']);
  assert.equal(child(bare, 'BucketName')?.text, 'b');
});

test('rest-xml: a request no operation claims', () => {
  const req = restRequest('POST', '/bucket/key', '');
  assert.equal(restXmlCodec.operationOf(s3, req), undefined);
  const err = restXmlCodec.unknownOperation(s3, req);
  assert.equal(err.code, 'MethodNotAllowed');
  assert.equal(err.status, 405);
});

test('every codec answers a request id in a header', () => {
  for (const codec of [queryCodec, ec2Codec, restXmlCodec] as Codec[]) {
    const m = codec === restXmlCodec ? s3 : model(codec.protocol);
    const op = codec === restXmlCodec ? 'GetBucketTagging' : 'PutThing';
    const res = codec.serializeOutput(m, op, {}, { requestId: 'rid' });
    assert.ok(Object.entries(res.headers).some(([k, v]) => k.toLowerCase().includes('request') && v === 'rid'), codec.protocol);
  }
});
