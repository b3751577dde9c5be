// Signatures are verified when IAM is enforced (issue 12, "Authentication"): through the real SDKs
// and boto3, a wrong secret, an unknown key, a tampered presigned URL, a stale request and a session
// key without its token each get the service's own error in strict mode, are only logged in soft
// mode, and pass untouched with --iam off (the default).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
import * as S from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startFogbank, type TestFogbank } from '../src/testing/index.ts';
import { parseStartOptions } from '../src/cli.ts';

let strict: TestFogbank;
let soft: TestFogbank;
let off: TestFogbank;
before(async () => {
  [strict, soft, off] = await Promise.all([startFogbank({ iam: 'strict' }), startFogbank({ iam: 'soft' }), startFogbank()]);
});
after(() => Promise.all([strict.stop(), soft.stop(), off.stop()]));

const base = (fb: TestFogbank, secretAccessKey = 'test', accessKeyId = 'test', sessionToken?: string) => ({
  endpoint: fb.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  forcePathStyle: true,
  maxAttempts: 1,
});

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  assert.fail('the call succeeded');
}

test('strict: the root keys (test/test, an account id with secret test) sign and are known', async () => {
  const me = await new STSClient(base(strict)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, '000000000000');
  const other = await new STSClient(base(strict, 'test', '111111111111')).send(new GetCallerIdentityCommand({}));
  assert.equal(other.Arn, 'arn:aws:iam::111111111111:root');
});

test('strict: a wrong secret is each protocol\'s signature error', async () => {
  const sts = await failure(new STSClient(base(strict, 'wrong')).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([sts.name, sts.status], ['SignatureDoesNotMatch', 403]);
  assert.match(sts.message, /^The request signature we calculated does not match the signature you provided/);
  const ddb = await failure(new DynamoDBClient(base(strict, 'wrong')).send(new ListTablesCommand({})));
  assert.deepEqual([ddb.name, ddb.status], ['InvalidSignatureException', 400]);
  const lambda = await failure(new LambdaClient(base(strict, 'wrong')).send(new ListFunctionsCommand({})));
  assert.deepEqual([lambda.name, lambda.status], ['InvalidSignatureException', 403]);
  const s3 = await failure(new S.S3Client(base(strict, 'wrong')).send(new S.ListBucketsCommand({})));
  assert.deepEqual([s3.name, s3.status], ['SignatureDoesNotMatch', 403]);
  assert.equal(s3.message, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
});

test('strict: an access key Fogbank never issued is unknown', async () => {
  const sts = await failure(new STSClient(base(strict, 'x', 'AKIAIOSFODNN7EXAMPLE')).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([sts.name, sts.status, sts.message], ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']);
  const ddb = await failure(new DynamoDBClient(base(strict, 'x', 'AKIAIOSFODNN7EXAMPLE')).send(new ListTablesCommand({})));
  assert.deepEqual([ddb.name, ddb.status], ['UnrecognizedClientException', 400]);
  const s3 = await failure(new S.S3Client(base(strict, 'x', 'AKIAIOSFODNN7EXAMPLE')).send(new S.ListBucketsCommand({})));
  assert.deepEqual([s3.name, s3.status], ['InvalidAccessKeyId', 403]);
});

test('strict: session credentials work with their token and not without it', async () => {
  const { Credentials: c } = await new STSClient(base(strict)).send(new GetSessionTokenCommand({}));
  const withToken = await new STSClient(base(strict, c!.SecretAccessKey!, c!.AccessKeyId!, c!.SessionToken!)).send(new GetCallerIdentityCommand({}));
  assert.equal(withToken.Account, '000000000000');
  const without = await failure(new SQSClient(base(strict, c!.SecretAccessKey!, c!.AccessKeyId!)).send(new ListQueuesCommand({})));
  assert.equal(without.status !== undefined && without.status >= 400, true);
  assert.match(without.name, /InvalidClientTokenId|UnrecognizedClientException/);
});

test('strict: a presigned URL works as signed, and not once a byte of it changes or it expires', async () => {
  const s3 = new S.S3Client(base(strict));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'signed' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'signed', Key: 'secret.txt', Body: 'top secret' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'signed', Key: 'other.txt', Body: 'other' }));
  const url = await getSignedUrl(s3, new S.GetObjectCommand({ Bucket: 'signed', Key: 'secret.txt' }), { expiresIn: 60 });
  const ok = await fetch(url);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'top secret');
  const tampered = await fetch(url.replace('secret.txt', 'other.txt'));
  assert.equal(tampered.status, 403);
  assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  const longer = await fetch(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=6000'));
  assert.equal(longer.status, 403);
  // Expiry is measured on Fogbank's clock, so a test can let a URL expire without waiting.
  strict.clock.set(strict.clock.now() + 61_000);
  try {
    const expired = await fetch(url);
    assert.equal(expired.status, 403);
    const body = await expired.text();
    assert.match(body, /<Code>AccessDenied<\/Code>/);
    assert.match(body, /<Message>Request has expired<\/Message>/);
  } finally {
    strict.instance.clock.useRealTime();
  }
});

test('strict: a request signed more than 15 minutes away from now is refused, in each protocol\'s words', async () => {
  // The SDK signs with its clock moved by systemClockOffset (and retries nothing: maxAttempts 1).
  const stale = { ...base(strict), systemClockOffset: -20 * 60_000 };
  const sts = await failure(new STSClient(stale).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([sts.name, sts.status], ['SignatureDoesNotMatch', 403]);
  assert.match(sts.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  const ddb = await failure(new DynamoDBClient({ ...stale }).send(new ListTablesCommand({})));
  assert.deepEqual([ddb.name, ddb.status], ['InvalidSignatureException', 400]);
  const s3 = await failure(new S.S3Client({ ...base(strict), systemClockOffset: 20 * 60_000 }).send(new S.ListBucketsCommand({})));
  assert.deepEqual([s3.name, s3.status], ['RequestTimeTooSkewed', 403]);
  // Within 15 minutes is fine.
  const near = await new STSClient({ ...base(strict), systemClockOffset: -10 * 60_000 }).send(new GetCallerIdentityCommand({}));
  assert.equal(near.Account, '000000000000');
});

test('soft: nothing is denied, and each would-be denial is in the request log with its reason', async () => {
  const me = await new STSClient(base(soft, 'wrong')).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, '000000000000');
  const log = await (await fetch(`${soft.endpoint}/_fogbank/requests?limit=20`)).json() as { requests?: Array<{ operation?: string; access?: string }> } | Array<{ operation?: string; access?: string }>;
  const entries = Array.isArray(log) ? log : log.requests ?? [];
  const entry = entries.find((e) => e.operation === 'GetCallerIdentity');
  assert.ok(entry, 'the call is logged');
  assert.match(entry.access ?? '', /strict would deny: SignatureDoesNotMatch/);
});

test('off (the default): signatures are not checked, as before', async () => {
  const me = await new STSClient(base(off, 'wrong', 'AKIAIOSFODNN7EXAMPLE')).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, '000000000000');
});

test('--iam and FOGBANK_IAM choose the mode; anything else is refused', () => {
  assert.equal(parseStartOptions(['--iam', 'strict'], {}).iam, 'strict');
  assert.equal(parseStartOptions([], { FOGBANK_IAM: 'soft' }).iam, 'soft');
  assert.equal(parseStartOptions([], {}).iam, undefined);
  assert.throws(() => parseStartOptions(['--iam', 'on'], {}), /--iam must be off, soft or strict, not 'on'/);
});

test('the admin API turns strict on for one account while Fogbank runs, and back', async () => {
  const put = (body: unknown) => fetch(`${off.endpoint}/_fogbank/iam`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.deepEqual(await (await fetch(`${off.endpoint}/_fogbank/iam`)).json(), { mode: 'off', accounts: {} });
  assert.deepEqual(await (await put({ accounts: { '222222222222': 'strict' } })).json(), { mode: 'off', accounts: { '222222222222': 'strict' } });
  const denied = await failure(new STSClient(base(off, 'wrong', '222222222222')).send(new GetCallerIdentityCommand({})));
  assert.equal(denied.name, 'SignatureDoesNotMatch');
  // Other accounts keep the instance's mode.
  assert.equal((await new STSClient(base(off, 'wrong', '333333333333')).send(new GetCallerIdentityCommand({}))).Account, '333333333333');
  assert.equal((await put({ mode: 'loud' })).status, 400);
  assert.equal((await put({ accounts: { '22': 'strict' } })).status, 400);
  assert.deepEqual(await (await put({ accounts: { '222222222222': null } })).json(), { mode: 'off', accounts: {} });
  assert.equal((await new STSClient(base(off, 'wrong', '222222222222')).send(new GetCallerIdentityCommand({}))).Account, '222222222222');
});

test('strict: S3 Signature Version 2 (botocore signature_version=s3), header and presigned, verified', async () => {
  const s3 = new S.S3Client(base(strict));
  await s3.send(new S.CreateBucketCommand({ Bucket: 'v2-bucket' }));
  await s3.send(new S.PutObjectCommand({ Bucket: 'v2-bucket', Key: 'k 1.txt', Body: 'v2 body' }));
  const script = `
import boto3, botocore, urllib.request, urllib.error
from botocore.config import Config
def client(secret):
    return boto3.client('s3', endpoint_url='${strict.endpoint}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key=secret,
                        config=Config(signature_version='s3', s3={'addressing_style': 'path'}, retries={'max_attempts': 0}))
good = client('test')
print(good.get_object(Bucket='v2-bucket', Key='k 1.txt')['Body'].read().decode())
print(len(good.list_objects(Bucket='v2-bucket', Prefix='k')['Contents']))
try:
    client('wrong').get_object(Bucket='v2-bucket', Key='k 1.txt')
    print('accepted')
except botocore.exceptions.ClientError as e:
    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])
url = good.generate_presigned_url('get_object', Params={'Bucket': 'v2-bucket', 'Key': 'k 1.txt'}, ExpiresIn=60)
print('AWSAccessKeyId=' in url, urllib.request.urlopen(url).read().decode())
try:
    urllib.request.urlopen(url.replace('k%201.txt', 'other.txt'))
    print('accepted')
except urllib.error.HTTPError as e:
    print(e.code)
`;
  // Asynchronously: Fogbank runs in this process and must go on answering while boto3 waits.
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('python3', ['-c', script], { encoding: 'utf8', timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
  );
  assert.deepEqual(stdout.trim().split('\n'), ['v2 body', '1', 'SignatureDoesNotMatch 403', 'True v2 body', '403']);
});

test('strict: an IAM user\'s key signs as that user; made inactive or deleted, it is an unknown key', async () => {
  const { execFile } = await import('node:child_process');
  const py = (script: string) =>
    new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', `import boto3\niam = boto3.client('iam', endpoint_url='${strict.endpoint}', region_name='us-east-1', aws_access_key_id='444444444444', aws_secret_access_key='test')\n${script}`], { encoding: 'utf8', timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out.trim()),
      ),
    );
  const [id, secret] = (await py("iam.create_user(UserName='signer')\nk = iam.create_access_key(UserName='signer')['AccessKey']\nprint(k['AccessKeyId'], k['SecretAccessKey'])")).split(' ');
  const me = await new STSClient(base(strict, secret, id)).send(new GetCallerIdentityCommand({}));
  assert.deepEqual([me.Account, me.Arn], ['444444444444', 'arn:aws:iam::444444444444:user/signer']);
  assert.equal((await failure(new STSClient(base(strict, 'wrong', id)).send(new GetCallerIdentityCommand({})))).name, 'SignatureDoesNotMatch');
  await py(`iam.update_access_key(UserName='signer', AccessKeyId='${id}', Status='Inactive')`);
  assert.equal((await failure(new STSClient(base(strict, secret, id)).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
  await py(`iam.update_access_key(UserName='signer', AccessKeyId='${id}', Status='Active')`);
  assert.equal((await new STSClient(base(strict, secret, id)).send(new GetCallerIdentityCommand({}))).Account, '444444444444');
  await py(`iam.delete_access_key(UserName='signer', AccessKeyId='${id}')`);
  assert.equal((await failure(new STSClient(base(strict, secret, id)).send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
});
