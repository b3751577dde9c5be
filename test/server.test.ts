// The listener, the admin API and the gateway's guarantees, through plain HTTP/1.1 and HTTP/2 clients.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());

const SIGNED = 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00';

function request(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request(fb.endpoint + path, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), socket: req.socket! }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

test('GET /_fogbank/health reports running services and the version', async () => {
  const r = await request('/_fogbank/health');
  assert.equal(r.status, 200);
  const body = JSON.parse(r.body);
  assert.equal(body.status, 'running');
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.ok(['available', 'running'].includes(body.services.sts));
});

test('GET /_localstack/health answers the LocalStack shape', async () => {
  await fb.client(STSClient).send(new GetCallerIdentityCommand({}));
  const body = JSON.parse((await request('/_localstack/health')).body);
  assert.equal(body.services.sts, 'running');
  assert.equal(typeof body.edition, 'string');
  assert.equal(typeof body.version, 'string');
});

test('HTTP/1.1 keep-alive serves many requests on one connection, each with a request id', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<net.Socket>();
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const r = await request('/', {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(r.status, 200);
    assert.match(r.body, /<Account>000000000000<\/Account>/);
    ids.add(String(r.headers['x-amzn-requestid']));
    sockets.add(r.socket);
  }
  agent.destroy();
  assert.equal(sockets.size, 1);
  assert.equal(ids.size, 5);
});

test('HTTP/2 with prior knowledge works on the same port', async () => {
  const session = http2.connect(fb.endpoint);
  try {
    const call = (headers: http2.OutgoingHttpHeaders, body?: string) =>
      new Promise<{ status: number; body: string; headers: http2.IncomingHttpHeaders }>((resolve, reject) => {
        const s = session.request(headers);
        let data = '';
        let h: http2.IncomingHttpHeaders = {};
        s.on('response', (rh) => (h = rh));
        s.on('data', (c) => (data += c));
        s.on('end', () => resolve({ status: Number(h[':status']), body: data, headers: h }));
        s.on('error', reject);
        s.end(body);
      });
    const health = await call({ ':path': '/_fogbank/health' });
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).status, 'running');
    const sts = await call(
      { ':method': 'POST', ':path': '/', 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED },
      'Action=GetCallerIdentity&Version=2011-06-15',
    );
    assert.equal(sts.status, 200);
    assert.match(sts.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
    assert.ok(sts.headers['x-amzn-requestid']);
  } finally {
    session.close();
  }
});

test('an unsigned query request is identified by its Action and Version (and needs a signature there)', async () => {
  const r = await request('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  assert.equal(r.status, 403);
  assert.match(r.body, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
  assert.match(r.body, /<Code>MissingAuthenticationToken<\/Code>/);
  const last = fb.instance.env.requests.entries().at(-1)!;
  assert.equal(last.service, 'sts');
  assert.equal(last.operation, 'GetCallerIdentity');
});

test('the Host name identifies the service: sts.<region>.localhost', async () => {
  // A SigV2 header names no region, so the host name's region is the one used.
  const r = await request('/?Action=GetCallerIdentity&Version=2011-06-15', { headers: { host: 'sts.eu-central-1.localhost:4566', authorization: 'AWS test:c2ln' } });
  assert.equal(r.status, 200);
  assert.equal(fb.instance.env.requests.entries().at(-1)!.region, 'eu-central-1');
});

test('a presigned URL (query-string SigV4, as `aws eks get-token` makes) is identified and resolves its account', async () => {
  const url = new URL(fb.endpoint);
  const signer = new SignatureV4({
    service: 'sts',
    region: 'us-west-2',
    credentials: { accessKeyId: '210987654321', secretAccessKey: 'x' },
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: url.host },
    },
    { expiresIn: 60 },
  );
  const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
  assert.match(qs, /X-Amz-Credential=210987654321/);
  const r = await request(`/?${qs}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /<Account>210987654321<\/Account>/);
  const last = fb.instance.env.requests.entries().at(-1)!;
  assert.equal(last.region, 'us-west-2');
  assert.equal(last.operation, 'GetCallerIdentity');
});

test('a request no service claims gets a clear error, not a crash', async () => {
  // Unsigned requests with no other clue go to S3; one signed for an unknown service is unclaimed.
  const r = await request('/what/is/this', {
    headers: { authorization: SIGNED.replace('/sts/', '/nosuchservice/') },
  });
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).__type, 'UnrecognizedClientException');
  assert.ok(r.headers['x-amzn-requestid']);
});

test('an unknown action answers InvalidAction in the query protocol', async () => {
  const r = await request('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED },
    body: 'Action=MakeCoffee&Version=2011-06-15',
  });
  assert.equal(r.status, 400);
  assert.match(r.body, /<Code>InvalidAction<\/Code>/);
});

test('an operation in the model without a handler answers 501 NotImplemented naming it', async () => {
  const sts = (await fb.instance.registry.load('sts')).definition;
  const missing = Object.keys(sts.model.operations).find((op) => !sts.handlers[op]);
  if (!missing) {
    // Every STS operation is implemented: prove the rule on a handler removed for this test.
    const handlers = sts.handlers as Record<string, unknown>;
    const saved = handlers.GetAccessKeyInfo;
    delete handlers.GetAccessKeyInfo;
    try {
      await expectNotImplemented('GetAccessKeyInfo', '&AccessKeyId=ASIAY34FZKBOKMUTVV7A');
    } finally {
      handlers.GetAccessKeyInfo = saved;
    }
  } else {
    await expectNotImplemented(missing, '');
  }
  async function expectNotImplemented(op: string, extra: string) {
    const r = await request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED },
      body: `Action=${op}&Version=2011-06-15${extra}`,
    });
    assert.equal(r.status, 501);
    assert.match(r.body, /<Code>NotImplemented<\/Code>/);
    assert.match(r.body, new RegExp(`The operation ${op} of service STS is not implemented`));
  }
});

test('the request log streams live as Server-Sent Events', async () => {
  const events: any[] = [];
  const got = new Promise<void>((resolve, reject) => {
    const req = http.get(fb.endpoint + '/_fogbank/requests?follow=1', (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream');
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        for (let i; (i = buf.indexOf('\n\n')) >= 0; ) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
          if (events.some((e) => e.operation === 'GetCallerIdentity' && e.region === 'ap-south-1')) {
            req.destroy();
            resolve();
          }
        }
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
  });
  await new Promise((r) => setTimeout(r, 50));
  await fb.client(STSClient, { region: 'ap-south-1' }).send(new GetCallerIdentityCommand({}));
  await got;
  const e = events.find((x) => x.region === 'ap-south-1');
  assert.equal(e.service, 'sts');
  assert.equal(e.status, 200);
  assert.equal(e.account, '000000000000');
  assert.equal(typeof e.durationMs, 'number');
  const list = JSON.parse((await request('/_fogbank/requests')).body);
  assert.ok(list.some((x: any) => x.requestId === e.requestId));
});

test('the clock can be frozen, advanced and released through the admin API', async () => {
  const post = (body: unknown) =>
    request('/_fogbank/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const frozen = JSON.parse((await post({ freeze: true, set: '2030-01-01T00:00:00Z' })).body);
  assert.equal(frozen.frozen, true);
  assert.equal(frozen.iso, '2030-01-01T00:00:00.000Z');
  const advanced = JSON.parse((await post({ advance: 90_000 })).body);
  assert.equal(advanced.iso, '2030-01-01T00:01:30.000Z');
  const bad = await post({ advance: 'soon' });
  assert.equal(bad.status, 400);
  const notJson = await request('/_fogbank/clock', { method: 'POST', body: '{oops' });
  assert.equal(notJson.status, 400);
  const released = JSON.parse((await post({ freeze: false })).body);
  assert.equal(released.frozen, false);
  fb.clock.set(Date.now());
});

test('GET /_fogbank/services lists implemented and total operations', async () => {
  const services = JSON.parse((await request('/_fogbank/services')).body);
  const sts = services.find((s: any) => s.name === 'sts');
  assert.equal(sts.protocol, 'query');
  assert.ok(sts.implemented >= 9);
  assert.equal(sts.total, Object.keys(sts.operations).length);
  assert.equal(sts.operations.GetCallerIdentity, true);
});

test('garbage on the wire never takes the server down', async () => {
  const payloads: Array<{ headers: Record<string, string>; body: Buffer | string; path?: string; method?: string }> = [
    { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED }, body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x25, 0x25]) },
    { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED }, body: 'Action=AssumeRole&Version=2011-06-15&DurationSeconds=abc&RoleArn=x&RoleSessionName=y' },
    { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED }, body: 'Action=AssumeRole&Version=2011-06-15&PolicyArns.member.99999999999.arn=x' },
    { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED }, body: '%%%&&&===' },
    { headers: { 'content-type': 'application/json', 'x-amz-target': 'AWSSecurityTokenServiceV20110615.GetCallerIdentity' }, body: '{"a":' },
    { headers: { authorization: 'AWS4-HMAC-SHA256 garbage' }, body: 'x'.repeat(10000), path: '/../../etc/passwd' },
    { headers: { authorization: SIGNED }, body: '', path: '/%zz%/\u0000', method: 'DELETE' },
  ];
  for (const p of payloads) {
    const r = await request(p.path ?? '/', { method: p.method ?? 'POST', headers: p.headers, body: p.body });
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status} for ${JSON.stringify(p.body).slice(0, 60)}: ${r.body}`);
  }
  // Raw bytes that are not HTTP at all.
  await new Promise<void>((resolve) => {
    const s = net.connect(fb.instance.port, '127.0.0.1', () => s.end(Buffer.from('\x16\x03\x01garbage\r\n\r\n')));
    s.on('close', () => resolve());
    s.on('error', () => resolve());
    s.resume();
  });
  const ok = await request('/_fogbank/health');
  assert.equal(ok.status, 200);
});

test('deliveries to an ARN no service accepts fail with InvalidTarget and are logged with their cause', async () => {
  const { env } = fb.instance;
  await assert.rejects(
    env.deliver({ target: 'arn:aws:nothing:us-east-1:000000000000:x', body: '{}', source: { service: 'test', requestId: 'cause-1' } }),
    { code: 'InvalidTarget' },
  );
  await assert.rejects(
    env.deliver({ target: 'arn:aws:sts:us-east-1:000000000000:x', body: '{}', source: { service: 'test', requestId: 'cause-2' } }),
    { code: 'InvalidTarget', message: /STS does not accept deliveries/ },
  );
  const logged = env.requests.entries().filter((e) => e.kind === 'delivery');
  assert.deepEqual(
    logged.slice(-2).map((e) => [e.causedBy, e.errorCode, e.target]),
    [
      ['cause-1', 'InvalidTarget', 'arn:aws:nothing:us-east-1:000000000000:x'],
      ['cause-2', 'InvalidTarget', 'arn:aws:sts:us-east-1:000000000000:x'],
    ],
  );
});

test('internal calls run the handler and are logged as internal, linked to their cause', async () => {
  const out = await fb.instance.env.invoke<{ Account: string }>('sts', 'GetCallerIdentity', {}, { account: '999988887777', region: 'eu-north-1' }, 'cause-3');
  assert.equal(out.Account, '999988887777');
  const e = fb.instance.env.requests.entries().at(-1)!;
  assert.deepEqual([e.kind, e.service, e.operation, e.causedBy, e.region], ['internal', 'sts', 'GetCallerIdentity', 'cause-3', 'eu-north-1']);
  await assert.rejects(fb.instance.env.invoke('sts', 'AssumeRole', {}, { account: '999988887777', region: 'eu-north-1' }), { code: 'ValidationError' });
});

test('an admin route no service registers is a JSON 404', async () => {
  const r = await request('/_fogbank/sts/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.body).error, 'NotFound');
  const aws = await request('/_aws/unknown/thing');
  assert.equal(aws.status, 404);
});

test('a write is committed to disk before the client gets its answer', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-durable-'));
  const durable = await startFogbank({ ephemeral: false, dataDir: dir });
  t.after(async () => {
    await durable.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  // AssumeRole needs the role to exist in IAM.
  await durable.instance.env.invoke('iam', 'CreateRole', { RoleName: 'Durable', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) }, { account: '123412341234', region: 'us-east-1' });
  // Commits are made slow, so an answer sent before its commit would be seen to race ahead of it.
  const db = durable.instance.database;
  const commit = db.commit.bind(db);
  db.commit = () => void setTimeout(commit, 30);
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
  const reader = new DatabaseSync(join(dir, 'fogbank.db'), { readOnly: true });
  try {
    const sts = durable.client(STSClient);
    for (let i = 0; i < 5; i++) {
      const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123412341234:role/Durable', RoleSessionName: `s${i}` }));
      // Another connection sees it at once: the gateway answered only after the group commit.
      const row = reader.prepare('SELECT account FROM access_keys WHERE access_key_id = ?').get(Credentials!.AccessKeyId!) as { account: string } | undefined;
      assert.equal(row?.account, '123412341234');
    }
  } finally {
    reader.close();
    db.commit = commit;
  }
});
