// The credential report (through the AWS CLI: STARTED then COMPLETE, the documented CSV, base64 on the
// wire, expiry after four hours) and ChangePassword (through boto3, signed as the user itself).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { awsCliClients, aws } from '../../../../test/support/clients.ts';
import { boto3 } from './boto3.test-support.ts';
import { CERT_A } from './certificates.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const HEADER = 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,'
  + 'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,'
  + 'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,'
  + 'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

test('credential report through the AWS CLI: not present, STARTED then COMPLETE, one line per user, expired after four hours', async () => {
  const cli = awsCliClients()[0];
  assert.ok(cli, 'the AWS CLI is installed');
  const at = Date.UTC(2026, 5, 1, 12, 0, 0);
  fb.clock.freeze(at);
  const run = async (args: string[]) => {
    const r = await aws(cli, fb.endpoint, ['iam', ...args]);
    return { code: r.code, out: r.code === 0 ? JSON.parse(r.stdout || '{}') : undefined, err: r.stderr };
  };
  const missing = await run(['get-credential-report']);
  assert.match(missing.err, /ReportNotPresent.*The request was rejected because the credential report does not exist/);

  await boto3(fb.endpoint, `
c.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=90)
c.create_user(UserName='alice'); c.create_user(UserName='bob')
c.create_login_profile(UserName='alice', Password='Alice-Passw0rd')
k = c.create_access_key(UserName='alice')['AccessKey']
c.update_access_key(UserName='alice', AccessKeyId=k['AccessKeyId'], Status='Inactive')
`);
  // A minute later: alice's second key and bob's certificate.
  fb.clock.advance(60_000);
  await boto3(fb.endpoint, `
c.create_access_key(UserName='alice')
c.upload_signing_certificate(UserName='bob', CertificateBody=os.environ['CERT_A'])
`, { CERT_A });

  const first = await run(['generate-credential-report']);
  assert.deepEqual(first.out, { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' });
  assert.deepEqual((await run(['generate-credential-report'])).out, { State: 'COMPLETE' });
  const report = (await run(['get-credential-report'])).out;
  assert.equal(report.ReportFormat, 'text/csv');
  assert.equal(new Date(report.GeneratedTime).getTime(), at + 60_000);
  const lines = Buffer.from(report.Content, 'base64').toString().split('\n');
  assert.equal(lines[0], HEADER);
  const t = '2026-06-01T12:00:00+00:00';
  const t1 = '2026-06-01T12:01:00+00:00';
  const nextRotation = '2026-08-30T12:00:00+00:00';
  assert.match(lines[1], /^<root_account>,arn:aws:iam::000000000000:root,[^,]+,not_supported,/);
  assert.equal(lines[2], `alice,arn:aws:iam::000000000000:user/alice,${t},true,no_information,${t},${nextRotation},false,`
    + `false,${t},N/A,N/A,N/A,true,${t1},N/A,N/A,N/A,false,N/A,false,N/A`);
  assert.equal(lines[3], `bob,arn:aws:iam::000000000000:user/bob,${t},false,N/A,N/A,N/A,false,`
    + `false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,true,${t1},false,N/A`);
  assert.equal(lines.length, 4);

  fb.clock.advance(4 * 3600 * 1000);
  const expired = await run(['get-credential-report']);
  assert.match(expired.err, /ReportExpired/);
  assert.equal((await run(['generate-credential-report'])).out.State, 'STARTED', 'an expired report is generated anew');
});

test('ChangePassword: the calling user changes its own password, under the password policy; the root user cannot', async () => {
  const out = await boto3(fb.endpoint, `
c.update_account_password_policy(MinimumPasswordLength=10, RequireNumbers=True, AllowUsersToChangePassword=True)
c.create_user(UserName='carol')
c.create_login_profile(UserName='carol', Password='first-password-1', PasswordResetRequired=True)
k = c.create_access_key(UserName='carol')['AccessKey']
u = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id=k['AccessKeyId'], aws_secret_access_key=k['SecretAccessKey'])
out['root'] = err(c.change_password, OldPassword='first-password-1', NewPassword='second-password-2')
out['wrongOld'] = err(u.change_password, OldPassword='not-my-password', NewPassword='second-password-2')
out['weak'] = err(u.change_password, OldPassword='first-password-1', NewPassword='short1')
u.change_password(OldPassword='first-password-1', NewPassword='second-password-2')
out['resetCleared'] = c.get_login_profile(UserName='carol')['LoginProfile']['PasswordResetRequired']
out['oldNoLonger'] = err(u.change_password, OldPassword='first-password-1', NewPassword='third-password-3')
u.change_password(OldPassword='second-password-2', NewPassword='third-password-3')
c.delete_login_profile(UserName='carol')
out['noProfile'] = err(u.change_password, OldPassword='third-password-3', NewPassword='fourth-password-4')
`);
  assert.deepEqual(out.root, [400, 'InvalidUserType', 'The request was rejected because the type of user for the transaction was incorrect.']);
  assert.deepEqual(out.wrongOld, [403, 'AccessDenied', 'The old password is incorrect.']);
  assert.deepEqual(out.weak, [400, 'PasswordPolicyViolation', 'Password does not conform to the account password policy.']);
  assert.equal(out.resetCleared, false);
  assert.equal(out.oldNoLonger[1], 'AccessDenied', 'the password did change');
  assert.deepEqual(out.noProfile, [404, 'NoSuchEntity', 'Login Profile for User carol cannot be found.']);
});
