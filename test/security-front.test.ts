// The front's security rules (issue 10): the Host check against DNS rebinding, the browser-origin
// policy for the cloud APIs, and signatures required where AWS requires them — each through plain
// HTTP as an attacker or a script would send it, and through the real SDKs for what must keep working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { createServer, type Server } from 'node:http';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { STSClient, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { SNSClient, CreateTopicCommand, SubscribeCommand, ListSubscriptionsByTopicCommand, ConfirmSubscriptionCommand } from '@aws-sdk/client-sns';
import * as S from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { parseStartOptions } from '../src/cli.ts';

let fb: TestFogbank;
let port: number;
before(async () => {
  fb = await startFogbank();
  port = Number(new URL(fb.endpoint).port);
});
after(() => fb.stop());

const signed = (service: string) => `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request to `target` (default: this suite's Fogbank) with full control of Host and headers. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string, target = fb): Promise<Raw> {
  const url = new URL(target.endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(url.port), method, path, headers: { host: url.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function functionNames(target = fb): Promise<string[]> {
  const out = await target.client(LambdaClient).send(new ListFunctionsCommand({}));
  return (out.Functions ?? []).map((f) => f.FunctionName!);
}

const CREATE_FUNCTION = JSON.stringify({
  FunctionName: 'pwned', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler',
  Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
});

// ---- Host check (DNS rebinding) -------------------------------------------------------------

test('rebinding: a foreign Host is refused on loopback for the admin API, the UI and the cloud APIs', async () => {
  const evil = { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json' };
  const call = await raw('POST', '/_fogbank/call', evil, JSON.stringify({ service: 'sts', operation: 'GetCallerIdentity', input: {} }));
  assert.equal(call.status, 403);
  assert.match(call.headers['content-type']!, /^application\/json/);
  assert.equal(JSON.parse(call.body).error, 'HostNotAllowed');
  assert.match(JSON.parse(call.body).message, /'evil\.example' is not allowed/);
  assert.match(call.body, /--allowed-hosts evil\.example/);
  assert.equal((await raw('POST', '/_fogbank/accounts', evil, '{}')).status, 403);
  assert.equal((await raw('POST', '/_fogbank/reset', evil)).status, 403);
  assert.equal((await raw('GET', '/_fogbank/ui/', { host: `evil.example:${port}` })).status, 403);
  assert.equal((await raw('GET', '/_fogbank/health', { host: `evil.example:${port}` })).status, 403);
  // A signed cloud API call is refused as well: a rebinding page can sign with any key.
  const cloud = await raw('GET', '/2015-03-31/functions/', { host: `evil.example:${port}`, authorization: signed('lambda') });
  assert.equal(cloud.status, 403);
  assert.match(cloud.body, /--allowed-hosts/);
  // In the client's own protocol: Lambda's JSON error, SQS's query XML.
  assert.equal(String(cloud.headers['x-amzn-errortype']).split(':')[0], 'AccessDeniedException');
  const query = await raw('POST', '/', { host: `evil.example:${port}`, 'content-type': 'application/x-www-form-urlencoded', authorization: signed('sqs') }, 'Action=ListQueues&Version=2012-11-05');
  assert.equal(query.status, 403);
  assert.match(query.body, /<Code>AccessDenied<\/Code>/);
  // A trailing dot or upper case changes nothing.
  assert.equal((await raw('GET', '/_fogbank/health', { host: `EVIL.example.:${port}` })).status, 403);
  assert.equal((await fb.instance.env.accounts.list()).length <= 1, true);
});

test('rebinding: loopback, localhost, *.localhost and the cloud host names are answered', async () => {
  for (const host of [
    `127.0.0.1:${port}`, `127.9.8.7:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`, `app.localhost:${port}`,
    `sqs.us-east-1.localhost.localstack.cloud:${port}`, `localhost.localstack.cloud:${port}`, `sqs.us-east-1.amazonaws.com`,
    `bucket.s3.amazonaws.com.cn`, `storage.googleapis.com`, 'd111111abcdef8.cloudfront.net', `localhost`,
  ]) {
    const r = await raw('GET', '/_fogbank/health', { host });
    assert.equal(r.status, 200, host);
  }
  // Look-alikes are not.
  for (const host of ['localhost.evil.example', 'amazonaws.com.evil.example', 'evilamazonaws.com', '127.0.0.1.nip.io', '10.0.0.1']) {
    assert.equal((await raw('GET', '/_fogbank/health', { host })).status, 403, host);
  }
});

test('rebinding: an HTTP/1.0 request with no Host is answered on loopback', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /_fogbank/health HTTP/1.0\r\n\r\n'));
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 200 /);
});

test('rebinding: HTTP/2 :authority is checked the same way', async () => {
  const session = http2.connect(fb.endpoint);
  try {
    const ask = (authority: string) =>
      new Promise<number>((resolve, reject) => {
        const s = session.request({ ':path': '/_fogbank/health', ':authority': authority });
        s.on('response', (h) => resolve(Number(h[':status'])));
        s.on('error', reject);
        s.resume();
        s.end();
      });
    assert.equal(await ask(`evil.example:${port}`), 403);
    assert.equal(await ask(`localhost:${port}`), 200);
  } finally {
    session.close();
  }
});

test('rebinding: --allowed-hosts admits the names it lists, exact or *.domain', async () => {
  const other = await startFogbank({ allowedHosts: ['evil.example', '*.corp.test'] });
  try {
    const port2 = new URL(other.endpoint).port;
    const call = await raw('POST', '/_fogbank/call', { host: `evil.example:${port2}`, origin: `http://evil.example:${port2}`, 'content-type': 'application/json' },
      JSON.stringify({ service: 'sts', operation: 'GetCallerIdentity', input: {} }), other);
    assert.equal(call.status, 200, call.body);
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'fogbank.corp.test' }, undefined, other)).status, 200);
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'corp.test.evil' }, undefined, other)).status, 403);
    // The built-in names stay allowed.
    assert.equal((await raw('GET', '/_fogbank/health', { host: `localhost:${port2}` }, undefined, other)).status, 200);
  } finally {
    await other.stop();
  }
  const any = await startFogbank({ allowedHosts: ['*'] });
  try {
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'anything.example' }, undefined, any)).status, 200);
  } finally {
    await any.stop();
  }
});

test('rebinding: beyond loopback any Host is accepted, unless --allowed-hosts narrows it', async () => {
  const open = await startFogbank({ host: '0.0.0.0', adminPassword: 'pw' });
  try {
    const cloud = await raw('GET', '/2015-03-31/functions/', { host: 'fogbank:4566', authorization: signed('lambda') }, undefined, open);
    assert.equal(cloud.status, 200, cloud.body);
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'evil.example' }, undefined, open)).status, 200);
    // The admin API keeps its login there.
    assert.equal((await raw('GET', '/_fogbank/info', { host: 'fogbank:4566' }, undefined, open)).status, 401);
  } finally {
    await open.stop();
  }
  const narrow = await startFogbank({ host: '0.0.0.0', adminPassword: 'pw', allowedHosts: ['fogbank'] });
  try {
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'fogbank:4566' }, undefined, narrow)).status, 200);
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'evil.example' }, undefined, narrow)).status, 403);
    assert.equal((await raw('GET', '/_fogbank/health', { host: 'localhost' }, undefined, narrow)).status, 200);
  } finally {
    await narrow.stop();
  }
});

// ---- Browser-origin policy --------------------------------------------------------------------

test('origin: a cross-origin simple request to Lambda (text/plain, no credentials) is refused and creates nothing', async () => {
  const r = await raw('POST', '/2015-03-31/functions', { origin: 'http://evil.example', 'content-type': 'text/plain' }, CREATE_FUNCTION);
  assert.equal(r.status, 403);
  assert.equal(r.headers['x-amzn-errortype'], 'AccessDeniedException');
  assert.match(JSON.parse(r.body).message, /--cors-allowed-origins/);
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  // Even signed: a page cannot be let in by a header it made up.
  const signedToo = await raw('POST', '/2015-03-31/functions', { origin: 'http://evil.example', 'content-type': 'text/plain', authorization: signed('lambda') }, CREATE_FUNCTION);
  assert.equal(signedToo.status, 403);
  const invoke = await raw('POST', '/2015-03-31/functions/pwned/invocations', { origin: 'null', 'content-type': 'text/plain' }, '{}');
  assert.equal(invoke.status, 403);
  assert.deepEqual(await functionNames(), []);
});

test('origin: cross-site GETs on the query protocol are refused in its XML, with or without Origin', async () => {
  const path = '/?Action=CreateQueue&QueueName=fromapage&Version=2012-11-05';
  const bySite = await raw('GET', path, { 'sec-fetch-site': 'cross-site', authorization: signed('sqs') });
  assert.equal(bySite.status, 403);
  assert.match(bySite.body, /<Code>AccessDenied<\/Code>/);
  assert.match(bySite.body, /--cors-allowed-origins/);
  const byOrigin = await raw('GET', path, { origin: 'https://evil.example', authorization: signed('sqs') });
  assert.equal(byOrigin.status, 403);
  const queues = await fb.client(SQSClient).send(new ListQueuesCommand({}));
  assert.equal(queues.QueueUrls, undefined);
});

test('origin: preflights are answered for allowed origins only; allowed pages can read responses', async () => {
  const preflight = (origin: string) =>
    raw('OPTIONS', '/', { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,authorization,content-type' });
  const evil = await preflight('http://evil.example');
  assert.equal(evil.status, 403);
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  for (const origin of ['http://localhost:3000', 'http://127.0.0.1:5173', 'https://app.localhost', 'http://[::1]:8080']) {
    const ok = await preflight(origin);
    assert.equal(ok.status, 204, origin);
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    assert.equal(ok.headers['access-control-allow-headers'], 'x-amz-target,authorization,content-type');
    assert.match(String(ok.headers['access-control-allow-methods']), /POST/);
  }
  const lambdaPreflight = await raw('OPTIONS', '/2015-03-31/functions', { origin: 'http://evil.example', 'access-control-request-method': 'POST' });
  assert.equal(lambdaPreflight.status, 403);
  const actual = await raw('GET', '/2015-03-31/functions/', { origin: 'http://localhost:3000', authorization: signed('lambda') });
  assert.equal(actual.status, 200);
  assert.equal(actual.headers['access-control-allow-origin'], 'http://localhost:3000');
  assert.match(String(actual.headers['access-control-expose-headers']), /x-amzn-RequestId/);
  // The request's own origin (the admin UI's) is always allowed.
  const same = await raw('GET', '/2015-03-31/functions/', { origin: fb.endpoint, authorization: signed('lambda') });
  assert.equal(same.status, 200);
});

test('origin: --cors-allowed-origins replaces the localhost default', async () => {
  const other = await startFogbank({ corsAllowedOrigins: ['https://app.example.com', 'https://*.corp.test'] });
  try {
    const get = (origin: string) => raw('GET', '/2015-03-31/functions/', { origin, authorization: signed('lambda') }, undefined, other);
    assert.equal((await get('https://app.example.com')).status, 200);
    assert.equal((await get('https://ui.corp.test')).status, 200);
    assert.equal((await get('http://app.example.com')).status, 403);
    assert.equal((await get('https://app.example.com:8443')).status, 403);
    assert.equal((await get('http://localhost:3000')).status, 403);
  } finally {
    await other.stop();
  }
});

test('origin: S3 applies its own CORS (a presigned PUT from another origin works) and function URLs theirs', async () => {
  const s3 = fb.client(S.S3Client);
  await s3.send(new S.CreateBucketCommand({ Bucket: 'uploads' }));
  await s3.send(new S.PutBucketCorsCommand({ Bucket: 'uploads', CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['http://evil.example'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }] } }));
  const pre = await raw('OPTIONS', '/uploads/file.txt', { origin: 'http://evil.example', 'access-control-request-method': 'PUT' });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers['access-control-allow-origin'], 'http://evil.example');
  const url = new URL(await getSignedUrl(s3, new S.PutObjectCommand({ Bucket: 'uploads', Key: 'file.txt' }), { expiresIn: 60 }));
  const put = await raw('PUT', url.pathname + url.search, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, 'from a page');
  assert.equal(put.status, 200, put.body);
  assert.equal(put.headers['access-control-allow-origin'], 'http://evil.example');
  const got = await s3.send(new S.GetObjectCommand({ Bucket: 'uploads', Key: 'file.txt' }));
  assert.equal(await got.Body!.transformToString(), 'from a page');
  // A function URL host is Lambda's, and Lambda answers it (403 Forbidden for an unknown URL, not the policy's refusal).
  const fnUrl = await raw('GET', '/', { host: `${'0'.repeat(32)}.lambda-url.us-east-1.localhost:${port}`, origin: 'http://evil.example' });
  assert.equal(fnUrl.status, 403);
  assert.equal(JSON.parse(fnUrl.body).Message, 'Forbidden');
});

test('origin: the admin API keeps refusing cross-site requests', async () => {
  const r = await raw('POST', '/_fogbank/reset', { origin: 'http://evil.example' });
  assert.equal(r.status, 403);
  assert.equal(JSON.parse(r.body).error, 'CrossSiteRequest');
  const bySite = await raw('POST', '/_fogbank/call', { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, '{}');
  assert.equal(bySite.status, 403);
});

// ---- Signatures required ----------------------------------------------------------------------

test('unsigned: Lambda, SQS and DynamoDB answer their MissingAuthenticationToken errors and do nothing', async () => {
  const lambda = await raw('POST', '/2015-03-31/functions', { 'content-type': 'application/json' }, CREATE_FUNCTION);
  assert.equal(lambda.status, 403);
  assert.equal(lambda.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
  assert.deepEqual(JSON.parse(lambda.body), { message: 'Missing Authentication Token' });
  assert.deepEqual(await functionNames(), []);

  const sqs = await raw('GET', '/?Action=CreateQueue&QueueName=unsigned&Version=2012-11-05');
  assert.equal(sqs.status, 403);
  assert.match(sqs.body, /<Code>MissingAuthenticationToken<\/Code>/);
  assert.equal((await fb.client(SQSClient).send(new ListQueuesCommand({}))).QueueUrls, undefined);

  const ddb = await raw('POST', '/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, '{}');
  assert.equal(ddb.status, 400);
  assert.equal(JSON.parse(ddb.body).__type, 'com.amazon.coral.service#MissingAuthenticationTokenException');
  assert.equal(JSON.parse(ddb.body).message, 'Request is missing Authentication Token');

  // A SigV2 signature in a form body (old query clients) counts as present.
  const v2 = await raw('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=ListQueues&Version=2012-11-05&AWSAccessKeyId=test&Signature=c2ln&SignatureVersion=2');
  assert.equal(v2.status, 200, v2.body);
});

test('unsigned: STS AssumeRoleWithWebIdentity works, as in AWS', async () => {
  // The role must exist in IAM.
  await fb.instance.env.invoke('iam', 'CreateRole', {
    RoleName: 'web',
    AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/issuer.example' }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
  }, { account: '111122223333', region: 'us-east-1' });
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'RS256' })}.${part({ sub: 'u1', aud: 'app', iss: 'https://issuer.example', exp: Math.floor(Date.now() / 1000) + 600 })}.c2ln`;
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::111122223333:role/web', RoleSessionName: 'web-session', WebIdentityToken: token,
  }).toString();
  const r = await raw('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, body);
  assert.equal(r.status, 200, r.body);
  assert.match(r.body, /<AccessKeyId>ASIA/);
  // The SDK sends this operation unsigned itself (its auth scheme is noAuth first): no credentials needed.
  const anon = new STSClient({ endpoint: fb.endpoint, region: 'us-east-1' });
  let sentAuthorization: string | undefined = 'not seen';
  anon.middlewareStack.add((next) => async (args) => {
    sentAuthorization = (args.request as { headers: Record<string, string> }).headers.authorization;
    return next(args);
  }, { step: 'finalizeRequest', priority: 'low' });
  const out = await anon.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::111122223333:role/web', RoleSessionName: 'web-sdk', WebIdentityToken: token }));
  assert.equal(sentAuthorization, undefined);
  assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
});

test('unsigned: the SNS SubscribeURL and UnsubscribeURL links work; AuthenticateOnUnsubscribe protects the latter', async () => {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      received.push(b);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const sns = fb.client(SNSClient);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'links' }));
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const next = async (n: number) => {
      for (let i = 0; i < 100 && received.length < n; i++) await new Promise((r) => setTimeout(r, 20));
      return JSON.parse(received[n - 1]);
    };
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: endpoint }));
    const confirmation = await next(1);
    const link = new URL(confirmation.SubscribeURL);
    const confirmed = await raw('GET', link.pathname + link.search);
    assert.equal(confirmed.status, 200, confirmed.body);
    const subs = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!;
    assert.match(subs[0].SubscriptionArn!, /^arn:aws:sns:/);
    const unsub = new URL(`${fb.endpoint}/?Action=Unsubscribe&Version=2010-03-31&SubscriptionArn=${encodeURIComponent(subs[0].SubscriptionArn!)}`);
    assert.equal((await raw('GET', unsub.pathname + unsub.search)).status, 200);
    assert.deepEqual((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions, []);

    // Confirmed with a signed ConfirmSubscription and AuthenticateOnUnsubscribe: the link no longer unsubscribes.
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${endpoint}two` }));
    const second = await next(received.length + 1);
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: second.Token, AuthenticateOnUnsubscribe: 'true' }));
    const refused = await raw('GET', `/?Action=Unsubscribe&Version=2010-03-31&SubscriptionArn=${encodeURIComponent(SubscriptionArn!)}`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /<Code>AuthorizationError<\/Code>/);
    assert.equal((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.length, 1);
    // Other SNS operations need a signature.
    const list = await raw('GET', '/?Action=ListTopics&Version=2010-03-31');
    assert.equal(list.status, 403);
    assert.match(list.body, /<Code>MissingAuthenticationToken<\/Code>/);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('unsigned: S3 answers anonymous requests by the bucket policy and ACL', async () => {
  const s3 = fb.client(S.S3Client);
  await s3.send(new S.CreateBucketCommand({ Bucket: 'private-b' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'private-b', Key: 'secret.txt', Body: 'secret' }));
  const denied = await raw('GET', '/private-b/secret.txt');
  assert.equal(denied.status, 403);
  assert.match(denied.body, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
  assert.equal((await raw('GET', '/private-b')).status, 403);
  assert.equal((await raw('PUT', '/private-b/new.txt', {}, 'x')).status, 403);
  assert.equal((await raw('PUT', '/anon-created')).status, 403);
  assert.equal((await raw('GET', '/')).status, 403);
  // A bucket that does not exist is named as such, as S3 does for anonymous callers.
  assert.match((await raw('GET', '/no-such-bucket/k')).body, /NoSuchBucket/);

  // A presigned URL is signed.
  const url = new URL(await getSignedUrl(s3, new S.GetObjectCommand({ Bucket: 'private-b', Key: 'secret.txt' }), { expiresIn: 60 }));
  const presigned = await raw('GET', url.pathname + url.search);
  assert.equal(presigned.status, 200);
  assert.equal(presigned.body, 'secret');

  // Public by policy: objects under public/ readable by anyone, nothing else.
  await s3.send(new S.CreateBucketCommand({ Bucket: 'public-b' }));
  await s3.send(new S.DeletePublicAccessBlockCommand({ Bucket: 'public-b' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'public-b', Key: 'public/a.txt', Body: 'hello' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'public-b', Key: 'private/b.txt', Body: 'no' }));
  await s3.send(new S.PutBucketPolicyCommand({
    Bucket: 'public-b',
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-b/public/*' }] }),
  }));
  const pub = await raw('GET', '/public-b/public/a.txt');
  assert.equal(pub.status, 200);
  assert.equal(pub.body, 'hello');
  assert.equal((await raw('HEAD', '/public-b/public/a.txt')).status, 200);
  assert.equal((await raw('GET', '/public-b/private/b.txt')).status, 403);
  assert.equal((await raw('GET', '/public-b?list-type=2')).status, 403);
  assert.equal((await raw('PUT', '/public-b/public/new.txt', {}, 'x')).status, 403);
  // Turning the public access block back on takes the policy's public grant away.
  await s3.send(new S.PutPublicAccessBlockCommand({ Bucket: 'public-b', PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }));
  assert.equal((await raw('GET', '/public-b/public/a.txt')).status, 403);

  // Public by ACL: a public-read object in a bucket with ACLs enabled.
  await s3.send(new S.CreateBucketCommand({ Bucket: 'acl-b' }));
  await s3.send(new S.DeletePublicAccessBlockCommand({ Bucket: 'acl-b' }));
  await s3.send(new S.PutBucketOwnershipControlsCommand({ Bucket: 'acl-b', OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'acl-b', Key: 'open.txt', Body: 'open', ACL: 'public-read' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'acl-b', Key: 'closed.txt', Body: 'closed' }));
  assert.equal((await raw('GET', '/acl-b/open.txt')).body, 'open');
  assert.equal((await raw('GET', '/acl-b/closed.txt')).status, 403);
  assert.equal((await raw('GET', '/acl-b')).status, 403);
  await s3.send(new S.PutBucketAclCommand({ Bucket: 'acl-b', ACL: 'public-read-write' }));
  assert.equal((await raw('GET', '/acl-b')).status, 200);
  assert.equal((await raw('PUT', '/acl-b/dropped.txt', {}, 'dropped')).status, 200);
});

test('options: --allowed-hosts and --cors-allowed-origins parse, with one-line errors for bad values', () => {
  const o = parseStartOptions(['--allowed-hosts', 'fogbank, *.corp.test,[fe80::1]', '--cors-allowed-origins', 'https://app.example.com,http://localhost:*'], {});
  assert.deepEqual(o.allowedHosts, ['fogbank', '*.corp.test', '[fe80::1]']);
  assert.deepEqual(o.corsAllowedOrigins, ['https://app.example.com', 'http://localhost:*']);
  const env = parseStartOptions([], { FOGBANK_ALLOWED_HOSTS: '*', FOGBANK_CORS_ALLOWED_ORIGINS: '*' });
  assert.deepEqual(env.allowedHosts, ['*']);
  assert.deepEqual(env.corsAllowedOrigins, ['*']);
  assert.equal(parseStartOptions([], {}).allowedHosts, undefined);
  assert.equal(parseStartOptions([], { FOGBANK_ALLOWED_HOSTS: '', FOGBANK_CORS_ALLOWED_ORIGINS: ' ' }).allowedHosts, undefined);
  assert.equal(parseStartOptions([], { FOGBANK_CORS_ALLOWED_ORIGINS: ' ' }).corsAllowedOrigins, undefined);
  assert.throws(() => parseStartOptions(['--allowed-hosts', 'http://x'], {}), /^Error: --allowed-hosts: 'http:\/\/x' is not a host name/);
  assert.throws(() => parseStartOptions([], { FOGBANK_CORS_ALLOWED_ORIGINS: 'app.example.com' }), /^Error: FOGBANK_CORS_ALLOWED_ORIGINS: 'app\.example\.com' is not an origin/);
});
