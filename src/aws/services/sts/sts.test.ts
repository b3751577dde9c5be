import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  STSClient,
  GetCallerIdentityCommand,
  AssumeRoleCommand,
  GetSessionTokenCommand,
  GetAccessKeyInfoCommand,
  AssumeRoleWithWebIdentityCommand,
  GetFederationTokenCommand,
  DecodeAuthorizationMessageCommand,
  AssumeRoleWithSAMLCommand,
} from '@aws-sdk/client-sts';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3Clients, awsCliClients, aws, python } from '../../../../test/support/clients.ts';

let fb: TestFogbank;
let sts: STSClient;

before(async () => {
  fb = await startFogbank();
  sts = fb.client(STSClient);
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  // AssumeRole needs the role to exist in IAM, as in AWS.
  await createRole('111122223333', 'Deployer', '/deploy/', { AWS: '*' }, 43200);
});

const ROLE = 'arn:aws:iam::111122223333:role/deploy/Deployer';

/** Setup for tests of other things: the role, made in-process (the trust tests below make theirs through boto3). */
async function createRole(account: string, name: string, path: string, principal: Record<string, unknown>, maxSession = 3600) {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:TagSession'] }] });
  await fb.instance.env.invoke('iam', 'CreateRole', { RoleName: name, Path: path, AssumeRolePolicyDocument: trust, MaxSessionDuration: maxSession }, { account, region: 'us-east-1' });
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

test('GetCallerIdentity answers the default account for an arbitrary key', async () => {
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '000000000000');
  assert.equal(id.Arn, 'arn:aws:iam::000000000000:root');
  assert.equal(id.UserId, '000000000000');
  assert.match(id.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
});

test('a 12-digit access key id selects that account', async () => {
  const other = fb.client(STSClient, { credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  const id = await other.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '123456789012');
  assert.equal(id.Arn, 'arn:aws:iam::123456789012:root');
});

test('the region comes from the credential scope', async () => {
  const west = fb.client(STSClient, { region: 'eu-west-3' });
  await west.send(new GetCallerIdentityCommand({}));
  const last = fb.instance.env.requests.entries().at(-1)!;
  assert.equal(last.region, 'eu-west-3');
  assert.equal(last.service, 'sts');
  assert.equal(last.operation, 'GetCallerIdentity');
});

test('AssumeRole issues credentials that act as the role in its account', async () => {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci-run', DurationSeconds: 1800 }));
  const c = out.Credentials!;
  assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(c.SecretAccessKey && c.SessionToken);
  const lifetime = c.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 1790_000 && lifetime <= 1800_000, `expires in ${lifetime} ms`);
  assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::111122223333:assumed-role/Deployer/ci-run');
  assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:ci-run$/);

  const asRole = fb.client(STSClient, {
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
  const id = await asRole.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '111122223333');
  assert.equal(id.Arn, 'arn:aws:sts::111122223333:assumed-role/Deployer/ci-run');
  assert.equal(id.UserId, out.AssumedRoleUser!.AssumedRoleId);

  // The same role gets the same role id every time.
  const again = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'other' }));
  assert.equal(again.AssumedRoleUser!.AssumedRoleId!.split(':')[0], out.AssumedRoleUser!.AssumedRoleId!.split(':')[0]);

  // Role chaining is limited to one hour.
  await assert.rejects(asRole.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'chain', DurationSeconds: 7200 })), {
    name: 'ValidationError',
    message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
  });
});

test('issued credentials survive in the store and expire on the clock', async () => {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'short', DurationSeconds: 900 }));
  const c = out.Credentials!;
  const asRole = fb.client(STSClient, {
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
  assert.equal((await asRole.send(new GetCallerIdentityCommand({}))).Account, '111122223333');
  fb.clock.advance(901_000);
  await assert.rejects(asRole.send(new GetCallerIdentityCommand({})), (e: any) => {
    assert.equal(e.name, 'ExpiredToken');
    assert.equal(e.message, 'The security token included in the request is expired');
    assert.equal(e.$metadata.httpStatusCode, 403);
    return true;
  });
});

test('AssumeRole validates its input the way STS does', async () => {
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role', RoleSessionName: 'x1' })), {
    name: 'ValidationError',
    message: "1 validation error detected: Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
  });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:s3:::not-a-role-at-all', RoleSessionName: 'ok' })), {
    name: 'ValidationError',
    message: 'Request ARN is invalid',
  });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space', DurationSeconds: 100 })), {
    name: 'ValidationError',
    message:
      "2 validation errors detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
      "Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
  });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE } as any)), {
    name: 'ValidationError',
    message: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
  });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'p', Policy: '{not json' } as any)), {
    name: 'ValidationError',
  });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'pp', Policy: '{not json' })), {
    // The wire code is MalformedPolicyDocument; SDK v3 names the modelled error class.
    name: 'MalformedPolicyDocumentException',
    message: 'The policy is not in the valid JSON format.',
  });
});

test('GetSessionToken credentials act as the caller and cannot chain', async () => {
  const user = fb.client(STSClient, { credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } });
  const out = await user.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  const c = out.Credentials!;
  const session = fb.client(STSClient, {
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
  const id = await session.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '444455556666');
  assert.equal(id.Arn, 'arn:aws:iam::444455556666:root');
  const fed = await user.send(new GetFederationTokenCommand({ Name: 'alice' }));
  assert.equal(fed.FederatedUser!.Arn, 'arn:aws:sts::444455556666:federated-user/alice');
  assert.equal(fed.FederatedUser!.FederatedUserId, '444455556666:alice');
  const asFed = fb.client(STSClient, {
    credentials: { accessKeyId: fed.Credentials!.AccessKeyId!, secretAccessKey: fed.Credentials!.SecretAccessKey!, sessionToken: fed.Credentials!.SessionToken! },
  });
  await assert.rejects(asFed.send(new GetSessionTokenCommand({})), { name: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials' });
});

test('GetAccessKeyInfo names the account of issued keys and of AWS-format keys', async () => {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'k1' }));
  const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: out.Credentials!.AccessKeyId! }));
  assert.equal(info.Account, '111122223333');
  // An AWS example key of account 609629065308 (its account is encoded in the id).
  const decoded = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'ASIAY34FZKBOKMUTVV7A' }));
  assert.equal(decoded.Account, '609629065308');
  await assert.rejects(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'short' })), { name: 'ValidationError' });
});

test('AssumeRoleWithWebIdentity reads the token claims and rejects non-tokens and expired ones', async () => {
  const token = jwt({ sub: 'user-42', aud: 'my-app', iss: 'https://issuer.example.com', exp: Math.floor(Date.now() / 1000) + 600 });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'web', WebIdentityToken: token }),
  );
  assert.equal(out.SubjectFromWebIdentityToken, 'user-42');
  assert.equal(out.Audience, 'my-app');
  assert.equal(out.Provider, 'issuer.example.com');
  assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::111122223333:assumed-role/Deployer/web');
  await assert.rejects(
    sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'web', WebIdentityToken: 'not-a-token' })),
    { name: 'InvalidIdentityTokenException' },
  );
  const expired = jwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 10 });
  await assert.rejects(
    sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'web', WebIdentityToken: expired })),
    { name: 'ExpiredTokenException' },
  );
});

test('AssumeRoleWithSAML names the session from the assertion', async () => {
  const saml = Buffer.from(
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
      <saml:Issuer>https://idp.example.com</saml:Issuer>
      <saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">jdoe</saml:NameID></saml:Subject>
      <saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>
      <saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>jane.doe</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
      </saml:Assertion></samlp:Response>`,
  ).toString('base64');
  const out = await sts.send(
    new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: 'arn:aws:iam::111122223333:saml-provider/corp', SAMLAssertion: saml }),
  );
  assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::111122223333:assumed-role/Deployer/jane.doe');
  assert.equal(out.Subject, 'jdoe');
  assert.equal(out.SubjectType, 'persistent');
  assert.equal(out.Issuer, 'https://idp.example.com');
  assert.equal(out.Audience, 'https://signin.aws.amazon.com/saml');
});

test('DecodeAuthorizationMessage rejects messages Fogbank did not encode', async () => {
  await assert.rejects(sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: '!!!' })), {
    name: 'InvalidAuthorizationMessageException',
    message: 'The encoded message provided is invalid.',
  });
  const message = Buffer.from(JSON.stringify({ allowed: false })).toString('base64url');
  const out = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: message }));
  assert.deepEqual(JSON.parse(out.DecodedMessage!), { allowed: false });
});

for (const client of boto3Clients()) {
  test(`boto3 (${client.label}) gets its identity and uses assumed-role credentials`, async () => {
    const r = await python(
      client,
      fb.endpoint,
      `
import boto3, json, os
sts = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
me = sts.get_caller_identity()
creds = sts.assume_role(RoleArn='${ROLE}', RoleSessionName='py')['Credentials']
role = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1',
    aws_access_key_id=creds['AccessKeyId'], aws_secret_access_key=creds['SecretAccessKey'], aws_session_token=creds['SessionToken'])
them = role.get_caller_identity()
try:
    sts.assume_role(RoleArn='arn:aws:s3:::not-a-role-at-all', RoleSessionName='py')
    err = None
except sts.exceptions.ClientError as e:
    err = e.response['Error']
print(json.dumps({'me': me['Account'], 'them': them['Arn'], 'expiration': creds['Expiration'].isoformat(), 'err': err}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.me, '000000000000');
    assert.equal(out.them, 'arn:aws:sts::111122223333:assumed-role/Deployer/py');
    assert.match(out.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.equal(out.err.Code, 'ValidationError');
    assert.equal(out.err.Type, 'Sender');
    assert.equal(out.err.Message, 'Request ARN is invalid');
  });
}

for (const cli of awsCliClients()) {
  test(`AWS CLI (${cli.label}) sts get-caller-identity and errors`, async () => {
    const r = await aws(cli, fb.endpoint, ['sts', 'get-caller-identity']);
    assert.equal(r.code, 0, r.stderr);
    const id = JSON.parse(r.stdout);
    assert.equal(id.Account, '000000000000');
    assert.equal(id.Arn, 'arn:aws:iam::000000000000:root');
    const bad = await aws(cli, fb.endpoint, ['sts', 'assume-role', '--role-arn', 'arn:aws:s3:::nope-nope-nope', '--role-session-name', 'cli']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /\(ValidationError\) when calling the AssumeRole operation: Request ARN is invalid/);
  });
}
