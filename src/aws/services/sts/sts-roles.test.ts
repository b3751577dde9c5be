// STS meets IAM: AssumeRole acts on roles that exist in IAM (made here through boto3), with IAM's
// RoleId and MaxSessionDuration, and their trust policy decided by the policy engine in soft/strict.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import {
  STSClient, AssumeRoleCommand, GetCallerIdentityCommand, AssumeRoleWithWebIdentityCommand, GetWebIdentityTokenCommand, GetDelegatedAccessTokenCommand,
} from '@aws-sdk/client-sts';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, python } from '../../../../test/support/clients.ts';

let fb: TestFogbank;

before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  fb.instance.env.iam.clear('off');
});

const USER_ACCOUNT = '111111111111';
const ROLE_ACCOUNT = '222222222222';

/** Runs boto3 setup: `iam(account)` is an IAM client acting as that account's root; `out` comes back. */
async function boto3(script: string): Promise<any> {
  const client = boto3Clients()[0];
  assert.ok(client, 'boto3 is installed');
  const prelude = [
    'import os, json, boto3',
    "def iam(account): return boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id=account, aws_secret_access_key='test')",
    'out = {}',
  ].join('\n');
  const r = await python(client, fb.endpoint, `${prelude}\n${script}\nprint(json.dumps(out, default=str))`);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

function trust(principal: Record<string, unknown>, condition?: Record<string, unknown>, actions: string[] = ['sts:AssumeRole']) {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: actions, ...(condition ? { Condition: condition } : {}) }] });
}

/** An IAM user `alice` in USER_ACCOUNT with an access key, and roles in ROLE_ACCOUNT; SDK v3 clients for both. */
async function setup(roles: Record<string, { trust: string; maxSession?: number }>) {
  const made = await boto3(`
u = iam('${USER_ACCOUNT}')
u.create_user(UserName='alice')
out['key'] = u.create_access_key(UserName='alice')['AccessKey']
r = iam('${ROLE_ACCOUNT}')
out['roles'] = {}
for name, spec in json.loads(${JSON.stringify(JSON.stringify(roles))}).items():
    kw = {'MaxSessionDuration': spec['maxSession']} if spec.get('maxSession') else {}
    out['roles'][name] = r.create_role(RoleName=name, AssumeRolePolicyDocument=spec['trust'], **kw)['Role']
`);
  const alice = fb.client(STSClient, { credentials: { accessKeyId: made.key.AccessKeyId, secretAccessKey: made.key.SecretAccessKey } });
  return { alice, roles: made.roles as Record<string, { RoleId: string; Arn: string }> };
}

const roleArn = (name: string) => `arn:aws:iam::${ROLE_ACCOUNT}:role/${name}`;
const ALICE = `arn:aws:iam::${USER_ACCOUNT}:user/alice`;

function lastAssumeRole() {
  return fb.instance.env.requests.entries().filter((e) => e.operation === 'AssumeRole').at(-1)!;
}

test('a role that does not exist cannot be assumed; the session id is IAM RoleId', async () => {
  const { alice, roles } = await setup({ Real: { trust: trust({ AWS: USER_ACCOUNT }) } });
  await assert.rejects(alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Missing'), RoleSessionName: 's1' })), (e: any) => {
    assert.equal(e.name, 'AccessDenied');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, `User: ${ALICE} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('Missing')}`);
    return true;
  });
  // The path is part of the ARN: the right name on the wrong path is another role.
  await assert.rejects(alice.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ROLE_ACCOUNT}:role/ops/Real`, RoleSessionName: 's1' })), { name: 'AccessDenied' });
  const out = await alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Real'), RoleSessionName: 'ci' }));
  assert.equal(out.AssumedRoleUser!.AssumedRoleId, `${roles.Real.RoleId}:ci`);
  assert.match(roles.Real.RoleId, /^AROA/);
  const asRole = fb.client(STSClient, { credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! } });
  assert.equal((await asRole.send(new GetCallerIdentityCommand({}))).UserId, `${roles.Real.RoleId}:ci`);
});

test("DurationSeconds is bounded by the role's MaxSessionDuration, and by one hour when chaining", async () => {
  const { alice } = await setup({ Short: { trust: trust({ AWS: '*' }) }, Long: { trust: trust({ AWS: '*' }), maxSession: 7200 } });
  await assert.rejects(alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Short'), RoleSessionName: 'sess', DurationSeconds: 3601 })), {
    name: 'ValidationError',
    message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  });
  const long = await alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Long'), RoleSessionName: 'sess', DurationSeconds: 7200 }));
  const lifetime = long.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 7190_000 && lifetime <= 7200_000, `expires in ${lifetime} ms`);
  await assert.rejects(alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Long'), RoleSessionName: 'sess', DurationSeconds: 7201 })), {
    message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  });
  const c = long.Credentials!;
  const chained = fb.client(STSClient, { credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
  await assert.rejects(chained.send(new AssumeRoleCommand({ RoleArn: roleArn('Long'), RoleSessionName: 'chain', DurationSeconds: 7200 })), {
    message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  });
});

test('a trust policy that trusts only another account: strict denies, soft allows and logs, off allows', async () => {
  const { alice } = await setup({ OnlyOther: { trust: trust({ AWS: 'arn:aws:iam::333333333333:root' }) }, Mine: { trust: trust({ AWS: `arn:aws:iam::${USER_ACCOUNT}:root` }) } });
  const assume = (name: string) => alice.send(new AssumeRoleCommand({ RoleArn: roleArn(name), RoleSessionName: 'trust' }));

  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'strict');
  await assert.rejects(assume('OnlyOther'), (e: any) => {
    assert.equal(e.name, 'AccessDenied');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, `User: ${ALICE} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('OnlyOther')}`);
    return true;
  });
  assert.equal((await assume('Mine')).AssumedRoleUser!.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Mine/trust`);
  assert.match(lastAssumeRole().access ?? '', /sts:AssumeRole: .*allowed by role trust policy arn:aws:iam::222222222222:role\/Mine/);

  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'soft');
  const soft = await assume('OnlyOther');
  assert.match(soft.Credentials!.AccessKeyId!, /^ASIA/);
  const entry = lastAssumeRole();
  assert.equal(entry.status, 200);
  assert.match(entry.access ?? '', /^soft: strict would deny: AccessDenied: User: arn:aws:iam::111111111111:user\/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/OnlyOther \(sts:AssumeRole: no role trust policy allows sts:AssumeRole\)$/);

  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'off');
  assert.match((await assume('OnlyOther')).Credentials!.AccessKeyId!, /^ASIA/);
  assert.equal(lastAssumeRole().access, undefined, 'off does not evaluate the trust policy');

  // Root credentials never assume roles (enforced where the trust policy is).
  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'strict');
  const root = fb.client(STSClient, { credentials: { accessKeyId: USER_ACCOUNT, secretAccessKey: 'test' } });
  await assert.rejects(root.send(new AssumeRoleCommand({ RoleArn: roleArn('Mine'), RoleSessionName: 'root' })), {
    name: 'AccessDenied',
    message: 'Roles may not be assumed by root accounts.',
  });
});

test('a trust policy condition on sts:ExternalId', async () => {
  const { alice } = await setup({ Vendor: { trust: trust({ AWS: USER_ACCOUNT }, { StringEquals: { 'sts:ExternalId': 'secret-42' } }) } });
  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'strict');
  const assume = (ExternalId?: string) => alice.send(new AssumeRoleCommand({ RoleArn: roleArn('Vendor'), RoleSessionName: 'vendor', ExternalId }));
  const denied = `User: ${ALICE} is not authorized to perform: sts:AssumeRole on resource: ${roleArn('Vendor')}`;
  await assert.rejects(assume(), { name: 'AccessDenied', message: denied });
  await assert.rejects(assume('wrong-id'), { name: 'AccessDenied', message: denied });
  assert.equal((await assume('secret-42')).AssumedRoleUser!.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Vendor/vendor`);
});

test('aws:PrincipalArn and sts:TagSession in the trust policy', async () => {
  const byArn = trust({ AWS: '*' }, { ArnEquals: { 'aws:PrincipalArn': ALICE } });
  const { alice } = await setup({ ByArn: { trust: byArn }, NoTags: { trust: trust({ AWS: USER_ACCOUNT }) } });
  fb.instance.env.iam.setAccount(USER_ACCOUNT, 'strict');
  assert.ok((await alice.send(new AssumeRoleCommand({ RoleArn: roleArn('ByArn'), RoleSessionName: 'aa' }))).Credentials);
  // Passing tags needs sts:TagSession too, which NoTags' trust policy does not grant.
  await assert.rejects(alice.send(new AssumeRoleCommand({ RoleArn: roleArn('NoTags'), RoleSessionName: 'aa', Tags: [{ Key: 'team', Value: 'blue' }] })), {
    name: 'AccessDenied',
    message: `User: ${ALICE} is not authorized to perform: sts:TagSession on resource: ${roleArn('NoTags')}`,
  });
});

test('the session keeps its role, session policies and tags; transitive tags pass to chained sessions', async () => {
  const { alice } = await setup({ Tagged: { trust: trust({ AWS: '*' }, undefined, ['sts:AssumeRole', 'sts:TagSession']) } });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  const out = await alice.send(new AssumeRoleCommand({
    RoleArn: roleArn('Tagged'), RoleSessionName: 'tags', Policy: policy,
    PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'cost', Value: '42' }], TransitiveTagKeys: ['team'],
  }));
  assert.ok(out.PackedPolicySize! >= 1 && out.PackedPolicySize! <= 100, `PackedPolicySize ${out.PackedPolicySize}`);
  const facts = await fb.instance.env.accounts.sessionOf(out.Credentials!.AccessKeyId!);
  assert.deepEqual(facts, {
    roleArn: roleArn('Tagged'), policy, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    tags: { team: 'blue', cost: '42' }, transitiveTagKeys: ['team'], sourceIdentity: undefined,
  });
  const c = out.Credentials!;
  const session = fb.client(STSClient, { credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
  const chained = await session.send(new AssumeRoleCommand({ RoleArn: roleArn('Tagged'), RoleSessionName: 'next' }));
  const next = await fb.instance.env.accounts.sessionOf(chained.Credentials!.AccessKeyId!);
  assert.deepEqual(next?.tags, { team: 'blue' });
  assert.deepEqual(next?.transitiveTagKeys, ['team']);
  await assert.rejects(session.send(new AssumeRoleCommand({ RoleArn: roleArn('Tagged'), RoleSessionName: 'next', Tags: [{ Key: 'TEAM', Value: 'red' }] })), {
    name: 'InvalidParameterValue',
  });
});

test('session policies and tags are validated: malformed policy, bad ARN, duplicate keys, PackedPolicyTooLarge', async () => {
  const { alice } = await setup({ R: { trust: trust({ AWS: '*' }) } });
  const assume = (extra: Record<string, unknown>) => alice.send(new AssumeRoleCommand({ RoleArn: roleArn('R'), RoleSessionName: 'vv', ...extra }));
  await assert.rejects(assume({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }) }), {
    name: 'MalformedPolicyDocumentException',
  });
  await assert.rejects(assume({ PolicyArns: [{ arn: 'arn:aws:s3:::not-a-policy-at-all' }] }), { name: 'ValidationError' });
  await assert.rejects(assume({ Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }), {
    name: 'InvalidParameterValue',
    message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  });
  const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}-${randomBytes(40).toString('hex')}`, Value: randomBytes(120).toString('hex') }));
  await assert.rejects(assume({ Tags: tags }), (e: any) => {
    assert.equal(e.name, 'PackedPolicyTooLargeException');
    assert.match(e.message, /^Packed size of session tags consumes \d+% of allotted space\.$/);
    return true;
  });
});

test('AssumeRoleWithWebIdentity: the role must exist, and its trust policy names the OIDC provider', async () => {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = (sub: string) => `${part({ alg: 'RS256' })}.${part({ sub, aud: 'sts.amazonaws.com', iss: 'https://token.actions.githubusercontent.com', exp: Math.floor(Date.now() / 1000) + 600 })}.c2ln`;
  const provider = `arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
  await setup({ Gh: { trust: trust({ Federated: provider }, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }, ['sts:AssumeRoleWithWebIdentity']) } });
  const anon = fb.client(STSClient);
  await assert.rejects(anon.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn('Nope'), RoleSessionName: 'gh', WebIdentityToken: token('repo:acme/app:ref:main') })), {
    name: 'AccessDenied',
    message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
  });
  fb.instance.env.iam.setAccount(ROLE_ACCOUNT, 'strict');
  const ok = await anon.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn('Gh'), RoleSessionName: 'gh', WebIdentityToken: token('repo:acme/app:ref:main') }));
  assert.equal(ok.AssumedRoleUser!.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/Gh/gh`);
  await assert.rejects(anon.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn('Gh'), RoleSessionName: 'gh', WebIdentityToken: token('repo:evil/app:ref:main') })), {
    name: 'AccessDenied',
    message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
  });
});

test('GetWebIdentityToken signs a JWT naming the caller, verifiable with the published keys', async () => {
  const { alice } = await setup({});
  for (const alg of ['RS256', 'ES384'] as const) {
    const out = await alice.send(new GetWebIdentityTokenCommand({ Audience: ['https://api.example.com'], SigningAlgorithm: alg, Tags: [{ Key: 'team', Value: 'blue' }] }));
    const [head, body, sig] = out.WebIdentityToken!.split('.');
    const header = JSON.parse(Buffer.from(head, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    assert.equal(header.alg, alg);
    assert.equal(claims.sub, ALICE);
    assert.equal(claims.aud, 'https://api.example.com');
    assert.equal(claims.exp - claims.iat, 300, 'five minutes by default');
    assert.equal(Math.floor(out.Expiration!.getTime() / 1000), claims.exp);
    assert.match(claims.iss, /^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    assert.equal(claims['https://sts.amazonaws.com/'].aws_account, USER_ACCOUNT);
    assert.deepEqual(claims['https://sts.amazonaws.com/'].request_tags, { team: 'blue' });
    const jwks = await (await fetch(`${fb.endpoint}/_fogbank/sts/jwks`)).json() as { keys: Array<Record<string, string>> };
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    const key = createPublicKey({ key: jwk as any, format: 'jwk' });
    const data = Buffer.from(`${head}.${body}`);
    const ok = alg === 'RS256' ? verify('sha256', data, key, Buffer.from(sig, 'base64url')) : verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
    assert.ok(ok, `${alg} signature verifies`);
    assert.ok(!verify(alg === 'RS256' ? 'sha256' : 'sha384', Buffer.from(`${head}.${body}x`), alg === 'RS256' ? key : { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url')));
  }
  await assert.rejects(alice.send(new GetWebIdentityTokenCommand({ Audience: ['a'], SigningAlgorithm: 'HS256' })), { name: 'ValidationError' });
  await assert.rejects(alice.send(new GetWebIdentityTokenCommand({ Audience: ['a'], SigningAlgorithm: 'RS256', DurationSeconds: 3601 })), {
    name: 'ValidationError',
    message: "1 validation error detected: Value '3601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600",
  });
});

test('GetDelegatedAccessToken refuses trade-in tokens Fogbank never handed out', async () => {
  const sts = fb.client(STSClient);
  await assert.rejects(sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: 'not-issued-here' })), (e: any) => {
    assert.equal(e.name, 'ExpiredTradeInTokenException');
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
});
