// IAM identities through real clients: users, groups and membership, roles with validated trust
// policies, GetUser answering the caller, tags, paging and path filters, with IAM's codes and words.
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

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

test('users: create, read, list with paging and path prefix, rename, delete; names ignore case', async () => {
  const out = await boto3(fb.endpoint, `
u = c.create_user(UserName='alice', Path='/eng/', Tags=[{'Key': 'team', 'Value': 'core'}])['User']
out['created'] = u
out['dup'] = err(c.create_user, UserName='ALICE')
out['missing'] = err(c.get_user, UserName='bob')
out['got'] = c.get_user(UserName='alice')['User']
for n in ['carol', 'dave', 'erin', 'frank']:
    c.create_user(UserName=n)
p1 = c.list_users(MaxItems=2)
p2 = c.list_users(MaxItems=2, Marker=p1['Marker'])
p3 = c.list_users(MaxItems=2, Marker=p2['Marker'])
out['pages'] = [[u['UserName'] for u in p['Users']] for p in (p1, p2, p3)]
out['truncated'] = [p['IsTruncated'] for p in (p1, p2, p3)]
out['listedKeys'] = sorted(p1['Users'][0].keys())
out['eng'] = [u['UserName'] for u in c.list_users(PathPrefix='/eng/')['Users']]
out['badMarker'] = err(c.list_users, Marker='bm90LWEtbWFya2Vy')
out['badName'] = err(c.create_user, UserName='no spaces')
c.update_user(UserName='alice', NewUserName='alicia', NewPath='/ops/')
out['renamed'] = c.get_user(UserName='alicia')['User']
out['oldGone'] = err(c.get_user, UserName='alice')
out['renameClash'] = err(c.update_user, UserName='alicia', NewUserName='Carol')
c.delete_user(UserName='alicia')
out['deleted'] = err(c.get_user, UserName='alicia')
out['deleteMissing'] = err(c.delete_user, UserName='alicia')
`);
  assert.match(out.created.UserId, /^AIDA[A-Z2-7]{17}$/);
  assert.equal(out.created.Arn, 'arn:aws:iam::000000000000:user/eng/alice');
  assert.equal(out.created.Path, '/eng/');
  assert.deepEqual(out.created.Tags, [{ Key: 'team', Value: 'core' }]);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'User with name ALICE already exists.']);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'The user with name bob cannot be found.']);
  assert.equal(out.got.UserId, out.created.UserId);
  assert.deepEqual(out.pages, [['alice', 'carol'], ['dave', 'erin'], ['frank']]);
  assert.deepEqual(out.truncated, [true, true, false]);
  assert.deepEqual(out.listedKeys, ['Arn', 'CreateDate', 'Path', 'UserId', 'UserName'], 'ListUsers leaves out tags and boundary');
  assert.deepEqual(out.eng, ['alice']);
  assert.equal(out.badMarker[0], 400);
  assert.equal(out.badMarker[1], 'ValidationError');
  assert.equal(out.badName[1], 'ValidationError');
  assert.match(out.badName[2], /userName.*regular expression pattern/);
  assert.equal(out.renamed.Arn, 'arn:aws:iam::000000000000:user/ops/alicia');
  assert.equal(out.renamed.UserId, out.created.UserId, 'a rename keeps the unique id');
  assert.equal(out.oldGone[1], 'NoSuchEntity');
  assert.deepEqual(out.renameClash, [409, 'EntityAlreadyExists', 'User with name Carol already exists.']);
  assert.deepEqual(out.deleted, [404, 'NoSuchEntity', 'The user with name alicia cannot be found.']);
  assert.equal(out.deleteMissing[1], 'NoSuchEntity');
});

test('GetUser without a name answers the caller: the root user, or the IAM user whose key signed; a role session must name the user', async () => {
  const out = await boto3(fb.endpoint, `
out['root'] = c.get_user()['User']
u = c.create_user(UserName='builder')['User']
k = c.create_access_key(UserName='builder')['AccessKey']
me = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1',
                  aws_access_key_id=k['AccessKeyId'], aws_secret_access_key=k['SecretAccessKey'])
out['self'] = me.get_user()['User']
c.create_role(RoleName='r', AssumeRolePolicyDocument=${JSON.stringify(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] }))})
s = sts.assume_role(RoleArn='arn:aws:iam::000000000000:role/r', RoleSessionName='ci-run')['Credentials']
session = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id=s['AccessKeyId'],
                       aws_secret_access_key=s['SecretAccessKey'], aws_session_token=s['SessionToken'])
out['session'] = err(session.get_user)
`);
  assert.equal(out.root.Arn, 'arn:aws:iam::000000000000:root');
  assert.equal(out.root.UserId, '000000000000');
  assert.equal(out.self.UserName, 'builder');
  assert.equal(out.self.Arn, 'arn:aws:iam::000000000000:user/builder');
  assert.deepEqual(out.session, [400, 'ValidationError', 'Must specify userName when calling with non-User credentials']);
});

test('groups and membership: members listed both ways, removal, DeleteConflict while members remain', async () => {
  const out = await boto3(fb.endpoint, `
g = c.create_group(GroupName='devs', Path='/eng/')['Group']
out['group'] = g
out['dup'] = err(c.create_group, GroupName='DEVS')
c.create_group(GroupName='ops')
for n in ['zed', 'amy']:
    c.create_user(UserName=n)
    c.add_user_to_group(GroupName='devs', UserName=n)
c.add_user_to_group(GroupName='ops', UserName='amy')
c.add_user_to_group(GroupName='ops', UserName='amy')
got = c.get_group(GroupName='devs')
out['members'] = [u['UserName'] for u in got['Users']]
out['forAmy'] = [x['GroupName'] for x in c.list_groups_for_user(UserName='amy')['Groups']]
out['groups'] = [x['GroupName'] for x in c.list_groups()['Groups']]
out['addMissingUser'] = err(c.add_user_to_group, GroupName='devs', UserName='nobody')
out['addMissingGroup'] = err(c.add_user_to_group, GroupName='nogroup', UserName='amy')
out['deleteGroupWithMembers'] = err(c.delete_group, GroupName='devs')
out['deleteUserInGroup'] = err(c.delete_user, UserName='zed')
c.remove_user_from_group(GroupName='devs', UserName='zed')
c.remove_user_from_group(GroupName='devs', UserName='amy')
out['removeAgain'] = err(c.remove_user_from_group, GroupName='devs', UserName='amy')
c.update_group(GroupName='devs', NewGroupName='developers')
out['renamed'] = c.get_group(GroupName='developers')['Group']
c.delete_group(GroupName='developers')
out['gone'] = err(c.get_group, GroupName='developers')
c.delete_user(UserName='zed')
for i in range(10):
    c.create_group(GroupName=f'g{i}')
    if i < 9: c.add_user_to_group(GroupName=f'g{i}', UserName='amy')
out['eleventh'] = err(c.add_user_to_group, GroupName='g9', UserName='amy')
`);
  assert.match(out.group.GroupId, /^AGPA[A-Z2-7]{17}$/);
  assert.equal(out.group.Arn, 'arn:aws:iam::000000000000:group/eng/devs');
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'Group with name DEVS already exists.']);
  assert.deepEqual(out.members, ['amy', 'zed']);
  assert.deepEqual(out.forAmy, ['devs', 'ops']);
  assert.deepEqual(out.groups, ['devs', 'ops']);
  assert.deepEqual(out.addMissingUser, [404, 'NoSuchEntity', 'The user with name nobody cannot be found.']);
  assert.deepEqual(out.addMissingGroup, [404, 'NoSuchEntity', 'The group with name nogroup cannot be found.']);
  assert.deepEqual(out.deleteGroupWithMembers, [409, 'DeleteConflict', 'Cannot delete entity, must remove users from group first.']);
  assert.deepEqual(out.deleteUserInGroup, [409, 'DeleteConflict', 'Cannot delete entity, must remove users from group first.']);
  assert.equal(out.removeAgain[1], 'NoSuchEntity');
  assert.equal(out.renamed.GroupId, out.group.GroupId);
  assert.equal(out.renamed.Arn, 'arn:aws:iam::000000000000:group/eng/developers');
  assert.equal(out.gone[1], 'NoSuchEntity');
  assert.deepEqual(out.eleventh, [409, 'LimitExceeded', 'Cannot exceed quota for GroupsPerUser: 10']);
});

test('roles: the trust policy is validated with IAM\'s messages and handed back URL-encoded', async () => {
  const out = await boto3(fb.endpoint, `
import urllib.parse
r = c.create_role(RoleName='fn-role', Path='/service/', AssumeRolePolicyDocument=${JSON.stringify(TRUST)}, Description='runs fn', MaxSessionDuration=7200)['Role']
out['created'] = r
out['got'] = c.get_role(RoleName='FN-ROLE')['Role']
out['dup'] = err(c.create_role, RoleName='fn-role', AssumeRolePolicyDocument=${JSON.stringify(TRUST)})
out['noPrincipal'] = err(c.create_role, RoleName='x', AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}')
out['notJson'] = err(c.create_role, RoleName='x', AssumeRolePolicyDocument='{not json')
out['resource'] = err(c.create_role, RoleName='x', AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}')
out['big'] = err(c.create_role, RoleName='x', AssumeRolePolicyDocument=json.dumps({'Version':'2012-10-17','Statement':[{'Sid':'S%d' % i,'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'} for i in range(40)]}))
out['longSession'] = err(c.create_role, RoleName='x', AssumeRolePolicyDocument=${JSON.stringify(TRUST)}, MaxSessionDuration=50000)
out['missing'] = err(c.get_role, RoleName='nope')
c.update_role(RoleName='fn-role', Description='changed', MaxSessionDuration=3600)
c.update_assume_role_policy(RoleName='fn-role', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}')
out['badUpdate'] = err(c.update_assume_role_policy, RoleName='fn-role', PolicyDocument='{"Statement":[]}')
out['updated'] = c.get_role(RoleName='fn-role')['Role']
out['listed'] = c.list_roles(PathPrefix='/service/')['Roles']
out['none'] = c.list_roles(PathPrefix='/other/')['Roles']
c.delete_role(RoleName='fn-role')
out['deleted'] = err(c.get_role, RoleName='fn-role')
`);
  const doc = JSON.parse(TRUST);
  assert.match(out.created.RoleId, /^AROA[A-Z2-7]{17}$/);
  assert.equal(out.created.Arn, 'arn:aws:iam::000000000000:role/service/fn-role');
  assert.deepEqual(out.created.AssumeRolePolicyDocument, doc, 'botocore decoded the URL-encoded document');
  assert.equal(out.got.RoleName, 'fn-role');
  assert.equal(out.got.Description, 'runs fn');
  assert.equal(out.got.MaxSessionDuration, 7200);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'Role with name fn-role already exists.']);
  assert.deepEqual(out.noPrincipal, [400, 'MalformedPolicyDocument', 'Missing required field Principal']);
  assert.deepEqual(out.notJson, [400, 'MalformedPolicyDocument', 'Syntax errors in policy.']);
  assert.deepEqual(out.resource, [400, 'MalformedPolicyDocument', 'Has prohibited field Resource']);
  assert.deepEqual(out.big, [409, 'LimitExceeded', 'Cannot exceed quota for ACLSizePerRole: 2048']);
  assert.equal(out.longSession[1], 'ValidationError');
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'The role with name nope cannot be found.']);
  assert.equal(out.badUpdate[1], 'MalformedPolicyDocument');
  assert.equal(out.updated.Description, 'changed');
  assert.equal(out.updated.MaxSessionDuration, 3600);
  assert.equal(out.updated.AssumeRolePolicyDocument.Statement[0].Principal.AWS, 'arn:aws:iam::123456789012:root');
  assert.deepEqual(out.listed.map((r: any) => r.RoleName), ['fn-role']);
  assert.deepEqual(out.none, []);
  assert.equal(out.deleted[1], 'NoSuchEntity');
});

test('the wire form: policy documents are URL-encoded in the XML, and a role lives in the account of the key', async () => {
  const res = await fetch(fb.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'wire', AssumeRolePolicyDocument: TRUST }).toString(),
  });
  const xml = await res.text();
  assert.equal(res.status, 200, xml);
  assert.match(xml, /<Arn>arn:aws:iam::123456789012:role\/wire<\/Arn>/);
  assert.ok(xml.includes(`<AssumeRolePolicyDocument>${encodeURIComponent(TRUST)}</AssumeRolePolicyDocument>`), xml);
});

test('tags on users and roles: merge without case, untag, list, 50 at most, duplicates refused', async () => {
  const out = await boto3(fb.endpoint, `
c.create_user(UserName='t')
c.create_role(RoleName='r', AssumeRolePolicyDocument=${JSON.stringify(TRUST)}, Tags=[{'Key': 'env', 'Value': 'dev'}])
c.tag_user(UserName='t', Tags=[{'Key': 'Env', 'Value': 'dev'}, {'Key': 'team', 'Value': 'a'}])
c.tag_user(UserName='t', Tags=[{'Key': 'ENV', 'Value': 'prod'}])
out['user'] = c.list_user_tags(UserName='t')['Tags']
c.untag_user(UserName='t', TagKeys=['TEAM', 'absent'])
out['afterUntag'] = c.list_user_tags(UserName='t')['Tags']
out['inGetUser'] = c.get_user(UserName='t')['User']['Tags']
out['dupKeys'] = err(c.tag_user, UserName='t', Tags=[{'Key': 'a', 'Value': '1'}, {'Key': 'A', 'Value': '2'}])
c.tag_role(RoleName='r', Tags=[{'Key': 'k%d' % i, 'Value': 'v'} for i in range(49)])
out['role50'] = len(c.list_role_tags(RoleName='r')['Tags'])
out['role51'] = err(c.tag_role, RoleName='r', Tags=[{'Key': 'one-more', 'Value': 'v'}])
out['request51'] = err(c.tag_user, UserName='t', Tags=[{'Key': 'k%d' % i, 'Value': 'v'} for i in range(51)])
p = c.list_role_tags(RoleName='r', MaxItems=30)
out['tagPages'] = [len(p['Tags']), p['IsTruncated'], len(c.list_role_tags(RoleName='r', Marker=p['Marker'])['Tags'])]
c.untag_role(RoleName='r', TagKeys=['env'])
out['roleTags'] = len(c.get_role(RoleName='r')['Role']['Tags'])
out['missingUser'] = err(c.tag_user, UserName='ghost', Tags=[{'Key': 'a', 'Value': 'b'}])
out['badKey'] = err(c.tag_user, UserName='t', Tags=[{'Key': 'bad#key', 'Value': 'b'}])
`);
  assert.deepEqual(out.user, [{ Key: 'team', Value: 'a' }, { Key: 'ENV', Value: 'prod' }]);
  assert.deepEqual(out.afterUntag, [{ Key: 'ENV', Value: 'prod' }]);
  assert.deepEqual(out.inGetUser, [{ Key: 'ENV', Value: 'prod' }]);
  assert.deepEqual(out.dupKeys, [400, 'InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.']);
  assert.equal(out.role50, 50);
  assert.deepEqual(out.role51, [409, 'LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50']);
  assert.equal(out.request51[1], 'ValidationError');
  assert.deepEqual(out.tagPages, [30, true, 20]);
  assert.equal(out.roleTags, 49);
  assert.deepEqual(out.missingUser, [404, 'NoSuchEntity', 'The user with name ghost cannot be found.']);
  assert.equal(out.badKey[1], 'ValidationError');
});

test('the AWS CLI creates a role from a file, reads it back decoded, and gets IAM\'s error on a second create', async (t) => {
  const cli = awsCliClients()[0];
  if (!cli) return t.skip('no AWS CLI on this machine');
  const created = await aws(cli, fb.endpoint, ['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', TRUST]);
  assert.equal(created.code, 0, created.stderr);
  const role = JSON.parse(created.stdout).Role;
  assert.equal(role.Arn, 'arn:aws:iam::000000000000:role/cli-role');
  assert.deepEqual(role.AssumeRolePolicyDocument, JSON.parse(TRUST));
  const again = await aws(cli, fb.endpoint, ['iam', 'create-role', '--role-name', 'cli-role', '--assume-role-policy-document', TRUST]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /\(EntityAlreadyExists\) when calling the CreateRole operation: Role with name cli-role already exists\./);
});
