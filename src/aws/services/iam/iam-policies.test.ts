// IAM policies through boto3: managed policies and their versions, attachments and their quota,
// ListEntitiesForPolicy, inline policies, permission boundaries, and the conflicts that block deletes.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { boto3 } from './boto3.test-support.ts';

let fb: TestFogbank;
before(async () => {
  fb = await startFogbank();
});
after(() => fb.stop());
beforeEach(() => fb.reset());

const PRELUDE = `
def doc(action, resource='*'):
    return json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': action, 'Resource': resource}]})
TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
`;

test('managed policies: create, get, list, versions up to five, default version, delete rules', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
p = c.create_policy(PolicyName='read', Path='/app/', PolicyDocument=doc('s3:GetObject'), Description='reads', Tags=[{'Key': 'k', 'Value': 'v'}])['Policy']
out['created'] = p
arn = p['Arn']
out['dup'] = err(c.create_policy, PolicyName='READ', PolicyDocument=doc('s3:GetObject'))
out['oldVersion'] = err(c.create_policy, PolicyName='old', PolicyDocument='{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
out['noResource'] = err(c.create_policy, PolicyName='x', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}')
out['principal'] = err(c.create_policy, PolicyName='x', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}')
out['tooBig'] = err(c.create_policy, PolicyName='x', PolicyDocument=doc(['s3:GetObject%04d' % i for i in range(500)]))
out['got'] = c.get_policy(PolicyArn=arn)['Policy']
out['missing'] = err(c.get_policy, PolicyArn='arn:aws:iam::000000000000:policy/nope')
out['badArn'] = err(c.get_policy, PolicyArn='arn:aws:iam::000000000000:user/not-a-policy')
v2 = c.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:PutObject'), SetAsDefault=True)['PolicyVersion']
out['v2'] = v2
c.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:ListBucket'))
c.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:DeleteObject'))
c.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:HeadObject'))
out['sixth'] = err(c.create_policy_version, PolicyArn=arn, PolicyDocument=doc('s3:*'))
out['versions'] = [(v['VersionId'], v['IsDefaultVersion']) for v in c.list_policy_versions(PolicyArn=arn)['Versions']]
out['v2doc'] = c.get_policy_version(PolicyArn=arn, VersionId='v2')['PolicyVersion']
out['defaultNow'] = c.get_policy(PolicyArn=arn)['Policy']['DefaultVersionId']
out['deleteDefault'] = err(c.delete_policy_version, PolicyArn=arn, VersionId='v2')
out['deletePolicyWithVersions'] = err(c.delete_policy, PolicyArn=arn)
c.set_default_policy_version(PolicyArn=arn, VersionId='v4')
c.delete_policy_version(PolicyArn=arn, VersionId='v2')
c.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:*'))
out['afterDelete'] = [v['VersionId'] for v in c.list_policy_versions(PolicyArn=arn)['Versions']]
out['missingVersion'] = err(c.get_policy_version, PolicyArn=arn, VersionId='v2')
out['setMissing'] = err(c.set_default_policy_version, PolicyArn=arn, VersionId='v9')
c.create_policy(PolicyName='other', PolicyDocument=doc('sqs:*'))
out['listed'] = [x['PolicyName'] for x in c.list_policies(Scope='Local')['Policies']]
out['app'] = [x['PolicyName'] for x in c.list_policies(PathPrefix='/app/')['Policies']]
out['aws'] = c.list_policies(Scope='AWS')['Policies']
for v in ['v1', 'v3', 'v5', 'v6']:
    c.delete_policy_version(PolicyArn=arn, VersionId=v)
c.delete_policy(PolicyArn=arn)
out['deleted'] = err(c.get_policy, PolicyArn=arn)
`);
  const arn = 'arn:aws:iam::000000000000:policy/app/read';
  assert.equal(out.created.Arn, arn);
  assert.match(out.created.PolicyId, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(out.created.DefaultVersionId, 'v1');
  assert.equal(out.created.AttachmentCount, 0);
  assert.equal(out.created.IsAttachable, true);
  assert.deepEqual(out.created.Tags, [{ Key: 'k', Value: 'v' }]);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'A policy called READ already exists. Duplicate names are not allowed.']);
  assert.deepEqual(out.oldVersion, [400, 'MalformedPolicyDocument', 'Policy document must be version 2012-10-17 or greater.']);
  assert.deepEqual(out.noResource, [400, 'MalformedPolicyDocument', 'Policy statement must contain resources.']);
  assert.deepEqual(out.principal, [400, 'MalformedPolicyDocument', 'Policy document should not specify a principal.']);
  assert.deepEqual(out.tooBig, [409, 'LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
  assert.equal(out.got.Description, 'reads');
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'Policy arn:aws:iam::000000000000:policy/nope was not found.']);
  assert.deepEqual(out.badArn, [400, 'InvalidInput', 'ARN arn:aws:iam::000000000000:user/not-a-policy is not valid.']);
  assert.deepEqual([out.v2.VersionId, out.v2.IsDefaultVersion], ['v2', true]);
  assert.deepEqual(out.sixth, [409, 'LimitExceeded', 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.']);
  assert.deepEqual(out.versions, [['v1', false], ['v2', true], ['v3', false], ['v4', false], ['v5', false]]);
  assert.deepEqual(out.v2doc.Document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] });
  assert.equal(out.defaultNow, 'v2');
  assert.deepEqual(out.deleteDefault, [409, 'DeleteConflict', 'Cannot delete the default version of a policy.']);
  assert.equal(out.deletePolicyWithVersions[1], 'DeleteConflict');
  assert.match(out.deletePolicyWithVersions[2], /^This policy has more than one version\./);
  assert.deepEqual(out.afterDelete, ['v1', 'v3', 'v4', 'v5', 'v6'], 'version ids are never reused');
  assert.deepEqual(out.missingVersion, [404, 'NoSuchEntity', `Policy ${arn} version v2 does not exist or is not attachable.`]);
  assert.equal(out.setMissing[1], 'NoSuchEntity');
  assert.deepEqual(out.listed, ['other', 'read']);
  assert.deepEqual(out.app, ['read']);
  assert.ok(out.aws.length > 0 && out.aws.every((p: { Arn: string }) => p.Arn.startsWith('arn:aws:iam::aws:policy/')), 'Scope AWS: only AWS managed policies');
  assert.equal(out.deleted[1], 'NoSuchEntity');
});

test('attachments: to users, groups and roles, listed both ways, ten per identity, blocking deletes', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
arn = c.create_policy(PolicyName='p', PolicyDocument=doc('s3:*'))['Policy']['Arn']
c.create_user(UserName='u'); c.create_group(GroupName='g'); c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.attach_user_policy(UserName='u', PolicyArn=arn)
c.attach_user_policy(UserName='u', PolicyArn=arn)
c.attach_group_policy(GroupName='g', PolicyArn=arn)
c.attach_role_policy(RoleName='r', PolicyArn=arn)
c.attach_role_policy(RoleName='r', PolicyArn='arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
out['count'] = c.get_policy(PolicyArn=arn)['Policy']['AttachmentCount']
out['roleAttached'] = c.list_attached_role_policies(RoleName='r')['AttachedPolicies']
out['userAttached'] = c.list_attached_user_policies(UserName='u')['AttachedPolicies']
out['filtered'] = c.list_attached_role_policies(RoleName='r', PathPrefix='/service-role/')['AttachedPolicies']
e = c.list_entities_for_policy(PolicyArn=arn)
out['entities'] = [[x['UserName'] for x in e['PolicyUsers']], [x['GroupName'] for x in e['PolicyGroups']], [x['RoleName'] for x in e['PolicyRoles']]]
out['rolesOnly'] = c.list_entities_for_policy(PolicyArn=arn, EntityFilter='Role')
out['onlyAttached'] = [x['PolicyName'] for x in c.list_policies(OnlyAttached=True)['Policies']]
out['missingPolicy'] = err(c.attach_user_policy, UserName='u', PolicyArn='arn:aws:iam::000000000000:policy/ghost')
out['otherAccount'] = err(c.attach_user_policy, UserName='u', PolicyArn='arn:aws:iam::123456789012:policy/p')
out['badArn'] = err(c.attach_user_policy, UserName='u', PolicyArn='arn:aws:s3:::not-a-policy-arn')
out['missingRole'] = err(c.attach_role_policy, RoleName='ghost', PolicyArn=arn)
out['deletePolicy'] = err(c.delete_policy, PolicyArn=arn)
out['deleteUser'] = err(c.delete_user, UserName='u')
out['deleteGroup'] = err(c.delete_group, GroupName='g')
out['deleteRole'] = err(c.delete_role, RoleName='r')
for i in range(10):
    c.create_policy(PolicyName=f'q{i}', PolicyDocument=doc('sqs:*'))
for i in range(9):
    c.attach_user_policy(UserName='u', PolicyArn=f'arn:aws:iam::000000000000:policy/q{i}')
out['eleventh'] = err(c.attach_user_policy, UserName='u', PolicyArn='arn:aws:iam::000000000000:policy/q9')
p = c.list_attached_user_policies(UserName='u', MaxItems=4)
out['attachedPage'] = [len(p['AttachedPolicies']), p['IsTruncated']]
c.detach_user_policy(UserName='u', PolicyArn=arn)
out['detachAgain'] = err(c.detach_user_policy, UserName='u', PolicyArn=arn)
c.detach_group_policy(GroupName='g', PolicyArn=arn)
c.detach_role_policy(RoleName='r', PolicyArn=arn)
c.detach_role_policy(RoleName='r', PolicyArn='arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')
c.delete_role(RoleName='r'); c.delete_group(GroupName='g')
c.delete_policy(PolicyArn=arn)
out['policyGone'] = err(c.get_policy, PolicyArn=arn)
`);
  const arn = 'arn:aws:iam::000000000000:policy/p';
  const lambdaBasic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
  assert.equal(out.count, 3);
  assert.deepEqual(out.roleAttached, [{ PolicyName: 'p', PolicyArn: arn }, { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: lambdaBasic }]);
  assert.deepEqual(out.userAttached, [{ PolicyName: 'p', PolicyArn: arn }]);
  assert.deepEqual(out.filtered, [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: lambdaBasic }]);
  assert.deepEqual(out.entities, [['u'], ['g'], ['r']]);
  assert.deepEqual([out.rolesOnly.PolicyUsers, out.rolesOnly.PolicyRoles.length], [[], 1]);
  assert.deepEqual(out.onlyAttached, ['AWSLambdaBasicExecutionRole', 'p'], 'Scope defaults to All: the attached AWS managed policy too');
  assert.deepEqual(out.missingPolicy, [404, 'NoSuchEntity', 'Policy arn:aws:iam::000000000000:policy/ghost does not exist or is not attachable.']);
  assert.equal(out.otherAccount[1], 'NoSuchEntity');
  assert.deepEqual(out.badArn, [400, 'InvalidInput', 'ARN arn:aws:s3:::not-a-policy-arn is not valid.']);
  assert.deepEqual(out.missingRole, [404, 'NoSuchEntity', 'The role with name ghost cannot be found.']);
  assert.deepEqual(out.deletePolicy, [409, 'DeleteConflict', 'Cannot delete a policy attached to entities.']);
  for (const k of ['deleteUser', 'deleteGroup', 'deleteRole']) {
    assert.deepEqual(out[k], [409, 'DeleteConflict', 'Cannot delete entity, must detach all policies first.'], k);
  }
  assert.deepEqual(out.eleventh, [409, 'LimitExceeded', 'Cannot exceed quota for PoliciesPerUser: 10']);
  assert.deepEqual(out.attachedPage, [4, true]);
  assert.deepEqual(out.detachAgain, [404, 'NoSuchEntity', `Policy ${arn} was not found.`]);
  assert.equal(out.policyGone[1], 'NoSuchEntity');
});

test('inline policies of users, groups and roles: put, get (URL-encoded), list, delete, size quota', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
c.create_user(UserName='u'); c.create_group(GroupName='g'); c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.put_user_policy(UserName='u', PolicyName='b', PolicyDocument=doc('s3:GetObject'))
c.put_user_policy(UserName='u', PolicyName='a', PolicyDocument=doc('s3:PutObject'))
c.put_user_policy(UserName='u', PolicyName='a', PolicyDocument=doc('s3:DeleteObject'))
out['userNames'] = c.list_user_policies(UserName='u')['PolicyNames']
out['userGet'] = c.get_user_policy(UserName='u', PolicyName='a')
c.put_group_policy(GroupName='g', PolicyName='gp', PolicyDocument='{"Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}}')
out['groupGet'] = c.get_group_policy(GroupName='g', PolicyName='gp')
c.put_role_policy(RoleName='r', PolicyName='rp', PolicyDocument=doc('logs:*'))
out['roleGet'] = c.get_role_policy(RoleName='r', PolicyName='rp')
out['malformed'] = err(c.put_role_policy, RoleName='r', PolicyName='bad', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"nocolon","Resource":"*"}]}')
out['effect'] = err(c.put_user_policy, UserName='u', PolicyName='bad', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}')
out['missing'] = err(c.get_role_policy, RoleName='r', PolicyName='nope')
out['missingUser'] = err(c.put_user_policy, UserName='ghost', PolicyName='p', PolicyDocument=doc('s3:*'))
big = doc(['s3:GetObject%03d' % i for i in range(120)])
out['userQuota'] = err(c.put_user_policy, UserName='u', PolicyName='big', PolicyDocument=big)
c.put_role_policy(RoleName='r', PolicyName='big', PolicyDocument=big)
out['deleteRoleWithInline'] = err(c.delete_role, RoleName='r')
out['deleteUserWithInline'] = err(c.delete_user, UserName='u')
c.delete_user_policy(UserName='u', PolicyName='a')
out['afterDelete'] = c.list_user_policies(UserName='u')['PolicyNames']
out['deleteAgain'] = err(c.delete_user_policy, UserName='u', PolicyName='a')
`);
  assert.deepEqual(out.userNames, ['a', 'b']);
  assert.equal(out.userGet.UserName, 'u');
  assert.equal(out.userGet.PolicyName, 'a');
  assert.deepEqual(out.userGet.PolicyDocument.Statement[0].Action, 's3:DeleteObject');
  assert.equal(out.groupGet.GroupName, 'g');
  assert.equal(out.groupGet.PolicyDocument.Statement.NotAction, 's3:*');
  assert.equal(out.roleGet.RoleName, 'r');
  assert.deepEqual(out.malformed, [400, 'MalformedPolicyDocument', 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.']);
  assert.deepEqual(out.effect, [400, 'MalformedPolicyDocument', 'The policy failed legacy parsing']);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'The role policy with name nope cannot be found.']);
  assert.deepEqual(out.missingUser, [404, 'NoSuchEntity', 'The user with name ghost cannot be found.']);
  assert.deepEqual(out.userQuota, [409, 'LimitExceeded', 'Maximum policy size of 2048 bytes exceeded for user u']);
  assert.deepEqual(out.deleteRoleWithInline, [409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.']);
  assert.deepEqual(out.deleteUserWithInline, [409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.']);
  assert.deepEqual(out.afterDelete, ['b']);
  assert.deepEqual(out.deleteAgain, [404, 'NoSuchEntity', 'The user policy with name a cannot be found.']);
});

test('permission boundaries on users and roles: put, shown by Get, counted on the policy, deleted', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
arn = c.create_policy(PolicyName='boundary', PolicyDocument=doc('s3:*'))['Policy']['Arn']
c.create_user(UserName='u', PermissionsBoundary=arn)
c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.put_role_permissions_boundary(RoleName='r', PermissionsBoundary=arn)
out['user'] = c.get_user(UserName='u')['User'].get('PermissionsBoundary')
out['role'] = c.get_role(RoleName='r')['Role'].get('PermissionsBoundary')
out['usage'] = c.get_policy(PolicyArn=arn)['Policy']['PermissionsBoundaryUsageCount']
e = c.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter='PermissionsBoundary')
out['entities'] = [[x['UserName'] for x in e['PolicyUsers']], [x['RoleName'] for x in e['PolicyRoles']]]
out['asBoundary'] = [x['PolicyName'] for x in c.list_policies(OnlyAttached=True, PolicyUsageFilter='PermissionsBoundary')['Policies']]
out['asPolicy'] = c.list_policies(OnlyAttached=True, PolicyUsageFilter='PermissionsPolicy')['Policies']
out['missing'] = err(c.put_user_permissions_boundary, UserName='u', PermissionsBoundary='arn:aws:iam::000000000000:policy/none')
out['createWithMissing'] = err(c.create_user, UserName='v', PermissionsBoundary='arn:aws:iam::000000000000:policy/none')
c.delete_user_permissions_boundary(UserName='u')
c.delete_role_permissions_boundary(RoleName='r')
out['after'] = [c.get_user(UserName='u')['User'].get('PermissionsBoundary'), c.get_role(RoleName='r')['Role'].get('PermissionsBoundary')]
out['usageAfter'] = c.get_policy(PolicyArn=arn)['Policy']['PermissionsBoundaryUsageCount']
`);
  const arn = 'arn:aws:iam::000000000000:policy/boundary';
  const boundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };
  assert.deepEqual(out.user, boundary);
  assert.deepEqual(out.role, boundary);
  assert.equal(out.usage, 2);
  assert.deepEqual(out.entities, [['u'], ['r']]);
  assert.deepEqual(out.asBoundary, ['boundary']);
  assert.deepEqual(out.asPolicy, []);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'Policy arn:aws:iam::000000000000:policy/none does not exist or is not attachable.']);
  assert.equal(out.createWithMissing[1], 'NoSuchEntity');
  assert.deepEqual(out.after, [null, null]);
  assert.equal(out.usageAfter, 0);
});
