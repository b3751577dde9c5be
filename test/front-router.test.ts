// The front router (issue 11 §1): which provider answers, in a fixed order — admin routes, Google
// Cloud (a stub answering Google's own UNIMPLEMENTED shapes), AWS — and AWS requests for a service
// Fogbank does not register answered with that service's NotImplemented, never S3's error. Through
// boto3, the AWS CLI, SigV4-signed requests as SDK v3 signs them, node:http2 for gRPC, and plain HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import * as S from '@aws-sdk/client-s3';
import { PubSub } from '@google-cloud/pubsub';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { chooseProvider } from '../src/server/front-router.ts';
import { boto3Clients, awsCliClients, aws, python } from './support/clients.ts';

let fb: TestFogbank;
let port: number;
before(async () => {
  fb = await startFogbank();
  port = Number(new URL(fb.endpoint).port);
});
after(() => fb.stop());

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request to 127.0.0.1 with full control of the Host and other headers. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A SigV4-signed request, signed the way the SDKs sign it, sent to this Fogbank. */
async function signedRequest(service: string, method: string, path: string, headers: Record<string, string>, body: string, host = `localhost:${port}`): Promise<Raw> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({ method, protocol: 'http:', hostname: host.split(':')[0], port, path, headers: { host, ...headers }, body });
  return raw(method, path, signed.headers as Record<string, string>, body);
}

const BOTO3_SCRIPT = `
import json, os, boto3, botocore.config
cfg = botocore.config.Config(retries={'max_attempts': 1})
out = {}
for name, call in [('cloudformation', lambda c: c.list_stacks()), ('kms', lambda c: c.list_keys()), ('ec2', lambda c: c.describe_instances())]:
    client = boto3.client(name, endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', config=cfg)
    try:
        call(client)
        out[name] = {'ok': True}
    except client.exceptions.ClientError as e:
        out[name] = {'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message', ''), 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
print(json.dumps(out))
`;

for (const py of boto3Clients()) {
  test(`${py.label}: CloudFormation (query), KMS (JSON) and EC2 get NotImplemented naming the service, HTTP 501`, async () => {
    const r = await python(py, fb.endpoint, BOTO3_SCRIPT);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, { code: string; message: string; status: number }>;
    assert.deepEqual(out.cloudformation, { code: 'NotImplemented', message: 'Fogbank does not implement the CloudFormation API yet', status: 501 });
    assert.deepEqual(out.kms, { code: 'NotImplemented', message: 'Fogbank does not implement the KMS API yet', status: 501 });
    assert.deepEqual(out.ec2, { code: 'NotImplemented', message: 'Fogbank does not implement the EC2 API yet', status: 501 });
    const cfnEntry = fb.instance.env.requests.entries().find((e) => e.service === 'cloudformation');
    assert.equal(cfnEntry?.errorCode, 'NotImplemented');
  });
}

for (const cli of awsCliClients()) {
  test(`${cli.label}: aws cloudformation list-stacks names CloudFormation in a NotImplemented error`, async () => {
    const r = await aws(cli, fb.endpoint, ['cloudformation', 'list-stacks'], { AWS_MAX_ATTEMPTS: '1' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(NotImplemented\).*Fogbank does not implement the CloudFormation API yet/);
  });
}

test('SigV4-signed CloudFormation (query) and KMS (JSON, X-Amz-Target) requests, as SDK v3 sends them, get 501 NotImplemented in their protocol', async () => {
  const cfn = await signedRequest('cloudformation', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, 'Action=ListStacks&Version=2010-05-15');
  assert.equal(cfn.status, 501);
  assert.match(cfn.headers['content-type']!, /xml/);
  assert.match(cfn.body, /<ErrorResponse xmlns="http:\/\/cloudformation\.amazonaws\.com\/doc\/2010-05-15\/"><Error><Type>Receiver<\/Type><Code>NotImplemented<\/Code><Message>Fogbank does not implement the CloudFormation API yet<\/Message>/);

  const kms = await signedRequest('kms', 'POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, '{}');
  assert.equal(kms.status, 501);
  assert.equal(kms.headers['x-amzn-errortype'], 'NotImplemented');
  assert.deepEqual(JSON.parse(kms.body), { __type: 'NotImplemented', message: 'Fogbank does not implement the KMS API yet' });
});

test('the host name or Action/Version alone names the service: CloudFormation by cloudformation.us-east-1.amazonaws.com, EC2 by its API version', async () => {
  const cfn = await raw('GET', '/?Action=ListStacks&Version=2010-05-15', { host: 'cloudformation.us-east-1.amazonaws.com' });
  assert.equal(cfn.status, 501);
  assert.match(cfn.body, /<Code>NotImplemented<\/Code><Message>Fogbank does not implement the CloudFormation API yet<\/Message>/);
  // Unsigned, on localhost: before the front router this was S3's ListBuckets.
  const ec2 = await raw('GET', '/?Action=DescribeInstances&Version=2016-11-15');
  assert.equal(ec2.status, 501);
  assert.match(ec2.body, /^<\?xml[^>]*>\s*<Response><Errors><Error><Code>NotImplemented<\/Code><Message>Fogbank does not implement the EC2 API yet<\/Message>/);
  // A signed request for a service no table knows still gets the gateway's own error, not S3's.
  const unknown = await signedRequest('nosuchservice', 'POST', '/', { 'content-type': 'application/json' }, '{}');
  assert.equal(unknown.status, 400);
  assert.equal(JSON.parse(unknown.body).__type, 'UnrecognizedClientException');
});

test('a Pub/Sub REST request with a Bearer token gets Google\'s UNIMPLEMENTED status, and an unknown Google path NOT_FOUND', async () => {
  const r = await raw('POST', '/v1/projects/p/topics/t:publish', { authorization: 'Bearer x', 'content-type': 'application/json' }, '{"messages":[{"data":"aGk="}]}');
  assert.equal(r.status, 501);
  assert.match(r.headers['content-type']!, /^application\/json/);
  assert.deepEqual(JSON.parse(r.body), { error: { code: 501, message: 'Fogbank does not implement the Pub/Sub API yet', status: 'UNIMPLEMENTED' } });

  const storage = await raw('GET', '/storage/v1/b?project=p', { host: 'storage.googleapis.com' });
  assert.equal(storage.status, 501);
  assert.equal(JSON.parse(storage.body).error.status, 'UNIMPLEMENTED');
  assert.match(JSON.parse(storage.body).error.message, /Cloud Storage/);

  const upload = await raw('POST', '/upload/storage/v1/b/bkt/o?uploadType=media&name=x', { 'content-type': 'text/plain' }, 'hello');
  assert.equal(upload.status, 501);

  const nowhere = await raw('GET', '/no/such/api', { host: 'example.googleapis.localhost' });
  assert.equal(nowhere.status, 501, 'the host names the API');
  assert.match(JSON.parse(nowhere.body).error.message, /example/);
  const bearerRoot = await raw('GET', '/something', { authorization: 'Bearer ya29.token' });
  assert.equal(bearerRoot.status, 404);
  assert.deepEqual(JSON.parse(bearerRoot.body).error, { code: 404, message: 'Fogbank does not implement a Google Cloud API at GET /something', status: 'NOT_FOUND' });
  const entry = fb.instance.env.requests.entries().findLast((e) => e.service === 'gcp');
  assert.equal(entry?.status, 404);
});

interface GrpcAnswer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
}

/** One unary gRPC call over h2c, as @grpc/grpc-js sends it: a length-prefixed message, then read trailers. */
function grpcCall(path: string, extra: Record<string, string> = {}): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': path, ':authority': `localhost:${port}`, 'content-type': 'application/grpc', te: 'trailers', ...extra });
    let headers: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (trailers) => {
      resolve({ headers, trailers });
    });
    stream.on('end', () => session.close());
    stream.on('error', reject);
    stream.resume();
    // name: "projects/p/topics/t" as protobuf (field 1, length-delimited), framed: flag 0 + 4-byte length.
    const name = Buffer.from('projects/p/topics/t');
    const message = Buffer.concat([Buffer.from([0x0a, name.length]), name]);
    const frame = Buffer.alloc(5);
    frame.writeUInt32BE(message.length, 1);
    stream.end(Buffer.concat([frame, message]));
  });
}

test('@google-cloud/pubsub with PUBSUB_EMULATOR_HOST gets UNIMPLEMENTED naming the API, not an AWS error', async () => {
  const saved = process.env.PUBSUB_EMULATOR_HOST;
  process.env.PUBSUB_EMULATOR_HOST = `localhost:${port}`;
  const pubsub = new PubSub({ projectId: 'fogbank-test' });
  try {
    await assert.rejects(pubsub.createTopic('orders'), (err: { code?: number; details?: string }) => {
      assert.equal(err.code, 12, `grpc status ${err.code}: ${err.details}`);
      assert.equal(err.details, 'Fogbank does not implement the Google Cloud API google.pubsub.v1.Publisher yet (method CreateTopic)');
      return true;
    });
  } finally {
    await pubsub.close();
    if (saved === undefined) delete process.env.PUBSUB_EMULATOR_HOST;
    else process.env.PUBSUB_EMULATOR_HOST = saved;
  }
});

test('a gRPC call over h2c gets HTTP 200 with grpc-status 12 (UNIMPLEMENTED) and a grpc-message in trailers', async () => {
  const r = await grpcCall('/google.pubsub.v1.Publisher/CreateTopic');
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.headers['content-type'], 'application/grpc');
  assert.equal(r.trailers['grpc-status'], '12');
  assert.equal(r.trailers['grpc-message'], 'Fogbank does not implement the Google Cloud API google.pubsub.v1.Publisher yet (method CreateTopic)');
});

test('the Host check and the browser-origin policy apply to the Google Cloud provider too', async () => {
  const rebound = await raw('POST', '/v1/projects/p/topics/t:publish', { host: `evil.example:${port}`, authorization: 'Bearer x' }, '{}');
  assert.equal(rebound.status, 403);
  assert.equal(JSON.parse(rebound.body).error.status, 'PERMISSION_DENIED');
  assert.match(JSON.parse(rebound.body).error.message, /evil\.example/);

  const grpc = await grpcCall('/google.pubsub.v1.Publisher/CreateTopic', { ':authority': `evil.example:${port}` });
  assert.equal(grpc.trailers['grpc-status'], '7');

  const crossSite = await raw('POST', '/v1/projects/p/topics/t:publish', { origin: 'https://evil.example', 'content-type': 'application/json' }, '{}');
  assert.equal(crossSite.status, 403);
  assert.equal(JSON.parse(crossSite.body).error.status, 'PERMISSION_DENIED');

  const local = await raw('POST', '/v1/projects/p/topics/t:publish', { origin: 'http://localhost:3000', 'content-type': 'application/json' }, '{}');
  assert.equal(local.status, 501);
  assert.equal(local.headers['access-control-allow-origin'], 'http://localhost:3000');

  // And to an AWS service Fogbank does not register.
  const iamRebound = await raw('GET', '/?Action=ListUsers&Version=2010-05-08', { host: `evil.example:${port}` });
  assert.equal(iamRebound.status, 403);
  assert.match(iamRebound.body, /<Code>AccessDenied<\/Code>/);
});

test('S3 stays the last resort for what looks like S3: path-style and virtual-host requests still work', async () => {
  const s3 = new S.S3Client({ endpoint: fb.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: fb.credentials });
  await s3.send(new S.CreateBucketCommand({ Bucket: 'front-router' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'front-router', Key: 'v1/projects/x', Body: 'path-style' }));
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'front-router', Key: 'v1/projects/x' }));
  assert.equal(await got.Body!.transformToString(), 'path-style');
  // Virtual-host style, signed as the SDK signs it for the bucket's own host name.
  const virtual = await signedRequest('s3', 'GET', '/v1/projects/x', { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, '', 'front-router.s3.us-east-1.amazonaws.com');
  assert.equal(virtual.status, 200);
  assert.equal(virtual.body, 'path-style');
  s3.destroy();
});

test('chooseProvider: the documented order', () => {
  const none = () => false;
  const lambdaPaths = (path: string) => path.startsWith('/2015-03-31/');
  const h = (headers: Record<string, string>) => headers;
  // Admin first, whatever else the request carries.
  assert.equal(chooseProvider({ query: '', path: '/_fogbank/health', headers: h({ 'content-type': 'application/grpc' }) }, none), 'admin');
  assert.equal(chooseProvider({ query: '', path: '/_aws/sqs/messages', hostname: 'pubsub.googleapis.com', headers: {} }, none), 'admin');
  // Google Cloud by host, path shape, gRPC, or a Bearer token on a path AWS does not claim.
  assert.equal(chooseProvider({ query: '', path: '/', hostname: 'pubsub.googleapis.com', headers: {} }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/batch/storage/v1', headers: {} }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/download/storage/v1/b/x/o/y', headers: {} }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/x', headers: h({ 'content-type': 'application/grpc+proto' }) }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/x', headers: h({ authorization: 'Bearer t' }) }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/2015-03-31/functions', headers: h({ authorization: 'Bearer t' }) }, lambdaPaths), 'aws');
  // Everything else is AWS's: signed requests, S3 paths that merely resemble Google's.
  assert.equal(chooseProvider({ query: '', path: '/bucket/v1/projects/x', headers: h({ authorization: 'AWS4-HMAC-SHA256 Credential=…' }) }, none), 'aws');
  assert.equal(chooseProvider({ query: 'X-Amz-Credential=k%2F20260101%2Fus-east-1%2Fs3%2Faws4_request', path: '/bucket/storage/v1/x', headers: {} }, none), 'aws');
  assert.equal(chooseProvider({ query: '', path: '/v1/projects/x', hostname: 'bucket.s3.amazonaws.com', headers: {} }, (_p, host) => host?.endsWith('.amazonaws.com') ?? false), 'aws');
  assert.equal(chooseProvider({ query: '', path: '/v1/projects/p/topics/t', headers: {} }, none), 'gcp');
  assert.equal(chooseProvider({ query: '', path: '/', hostname: 'sqs.us-east-1.localhost', headers: {} }, none), 'aws');
});
