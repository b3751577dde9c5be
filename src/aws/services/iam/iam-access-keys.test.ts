// IAM access keys: issued through the core's accounts, so a request signed with a user's key acts as
// that user in that user's account; deactivating or deleting the key stops that.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { awsCliClients, aws } from '../../../../test/support/clients.ts';
import { boto3 } from './boto3.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

test('a user of account 111111111111 gets a key; sts get-caller-identity with it names the user, until it is deactivated or deleted', async () => {
  const cli = awsCliClients()[0];
  assert.ok(cli, 'the AWS CLI is installed');
  const asAccount = { AWS_ACCESS_KEY_ID: '111111111111' };
  const run = async (args: string[], env: Record<string, string> = asAccount) => {
    const r = await aws(cli, fb.endpoint, args, env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout || '{}');
  };
  const user = (await run(['iam', 'create-user', '--user-name', 'deployer', '--path', '/ci/'])).User;
  assert.equal(user.Arn, 'arn:aws:iam::111111111111:user/ci/deployer');
  const key = (await run(['iam', 'create-access-key', '--user-name', 'deployer'])).AccessKey;
  assert.match(key.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.match(key.SecretAccessKey, /^[A-Za-z0-9+/]{40}$/);
  assert.equal(key.Status, 'Active');
  const asUser = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };

  const me = await run(['sts', 'get-caller-identity'], asUser);
  assert.deepEqual(me, { UserId: user.UserId, Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/ci/deployer' });
  assert.equal((await run(['iam', 'get-user'], asUser)).User.UserName, 'deployer', 'GetUser without a name answers the signing user');
  assert.equal((await run(['iam', 'list-access-keys'], asUser)).AccessKeyMetadata.length, 1, 'a user lists its own keys without naming itself');

  // A rename moves the key to the user's new ARN.
  await run(['iam', 'update-user', '--user-name', 'deployer', '--new-user-name', 'releaser']);
  assert.equal((await run(['sts', 'get-caller-identity'], asUser)).Arn, 'arn:aws:iam::111111111111:user/ci/releaser');

  await run(['iam', 'update-access-key', '--user-name', 'releaser', '--access-key-id', key.AccessKeyId, '--status', 'Inactive']);
  const listed = (await run(['iam', 'list-access-keys', '--user-name', 'releaser'])).AccessKeyMetadata;
  assert.deepEqual(listed.map((k: any) => [k.AccessKeyId, k.Status, k.UserName]), [[key.AccessKeyId, 'Inactive', 'releaser']]);
  const inactive = await run(['sts', 'get-caller-identity'], asUser);
  assert.notEqual(inactive.Arn, me.Arn.replace('deployer', 'releaser'), 'an inactive key no longer names the user');
  assert.notEqual(inactive.Account, '111111111111');

  await run(['iam', 'update-access-key', '--user-name', 'releaser', '--access-key-id', key.AccessKeyId, '--status', 'Active']);
  assert.equal((await run(['sts', 'get-caller-identity'], asUser)).Arn, 'arn:aws:iam::111111111111:user/ci/releaser');

  await run(['iam', 'delete-access-key', '--user-name', 'releaser', '--access-key-id', key.AccessKeyId]);
  const deleted = await run(['sts', 'get-caller-identity'], asUser);
  assert.notEqual(deleted.Account, '111111111111', 'a deleted key no longer names the user');
  assert.deepEqual((await run(['iam', 'list-access-keys', '--user-name', 'releaser'])).AccessKeyMetadata, []);
});

test('access keys: two per user, NoSuchEntity for another user\'s key, last used, DeleteConflict while keys remain', async () => {
  const out = await boto3(fb.endpoint, `
c.create_user(UserName='a'); c.create_user(UserName='b')
k1 = c.create_access_key(UserName='a')['AccessKey']
k2 = c.create_access_key(UserName='a')['AccessKey']
out['third'] = err(c.create_access_key, UserName='a')
out['missingUser'] = err(c.create_access_key, UserName='ghost')
out['rootNoName'] = err(c.list_access_keys)
out['keys'] = sorted(k['AccessKeyId'] for k in c.list_access_keys(UserName='a')['AccessKeyMetadata']) == sorted([k1['AccessKeyId'], k2['AccessKeyId']])
p = c.list_access_keys(UserName='a', MaxItems=1)
out['paged'] = [len(p['AccessKeyMetadata']), p['IsTruncated'], len(c.list_access_keys(UserName='a', Marker=p['Marker'])['AccessKeyMetadata'])]
out['otherUsers'] = err(c.update_access_key, UserName='b', AccessKeyId=k1['AccessKeyId'], Status='Inactive')
out['badStatus'] = err(c.update_access_key, UserName='a', AccessKeyId=k1['AccessKeyId'], Status='Paused')
out['lastUsed'] = c.get_access_key_last_used(AccessKeyId=k1['AccessKeyId'])
out['deleteUser'] = err(c.delete_user, UserName='a')
c.delete_access_key(UserName='a', AccessKeyId=k1['AccessKeyId'])
out['deleteAgain'] = err(c.delete_access_key, UserName='a', AccessKeyId=k1['AccessKeyId'])
c.create_access_key(UserName='a')
out['afterDelete'] = len(c.list_access_keys(UserName='a')['AccessKeyMetadata'])
out['k1'] = k1['AccessKeyId']
`);
  assert.deepEqual(out.third, [409, 'LimitExceeded', 'Cannot exceed quota for AccessKeysPerUser: 2']);
  assert.deepEqual(out.missingUser, [404, 'NoSuchEntity', 'The user with name ghost cannot be found.']);
  assert.deepEqual(out.rootNoName, [400, 'ValidationError', 'Must specify userName when calling with non-User credentials']);
  assert.equal(out.keys, true);
  assert.deepEqual(out.paged, [1, true, 1]);
  assert.deepEqual(out.otherUsers, [404, 'NoSuchEntity', `The Access Key with id ${out.k1} cannot be found.`]);
  assert.equal(out.badStatus[1], 'ValidationError');
  assert.equal(out.lastUsed.UserName, 'a');
  assert.deepEqual(out.lastUsed.AccessKeyLastUsed, { ServiceName: 'N/A', Region: 'N/A' });
  assert.deepEqual(out.deleteUser, [409, 'DeleteConflict', 'Cannot delete entity, must delete access keys first.']);
  assert.deepEqual(out.deleteAgain, [404, 'NoSuchEntity', `The Access Key with id ${out.k1} cannot be found.`]);
  assert.equal(out.afterDelete, 2);
});

test('the admin API lists an account\'s root keys, not its users\' keys', async () => {
  const created = await (await fetch(`${fb.endpoint}/_fogbank/accounts`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '222222222222' }),
  })).json() as { accessKeyId: string };
  const userKey = (await boto3(fb.endpoint, `
c.create_user(UserName='a')
out['key'] = c.create_access_key(UserName='a')['AccessKey']['AccessKeyId']
`, { AWS_ACCESS_KEY_ID: '222222222222' })).key;
  const accounts = await (await fetch(`${fb.endpoint}/_fogbank/accounts`)).json() as Array<{ id: string; accessKeys: string[] }>;
  const account = accounts.find((a) => a.id === '222222222222');
  assert.deepEqual(account?.accessKeys, [created.accessKeyId]);
  assert.notEqual(userKey, created.accessKeyId);
});
