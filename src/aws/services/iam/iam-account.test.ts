// IAM's other resources and account views through boto3: instance profiles, login profiles, the
// account alias and password policy, service-linked roles, GetAccountSummary and
// GetAccountAuthorizationDetails.
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

const TRUST = `TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})\n`;

test('instance profiles: create, add one role, list both ways, conflicts on delete', async () => {
  const out = await boto3(fb.endpoint, TRUST + `
c.create_role(RoleName='web', AssumeRolePolicyDocument=TRUST); c.create_role(RoleName='other', AssumeRolePolicyDocument=TRUST)
p = c.create_instance_profile(InstanceProfileName='web-profile', Path='/ec2/')['InstanceProfile']
out['created'] = p
out['dup'] = err(c.create_instance_profile, InstanceProfileName='web-profile')
c.add_role_to_instance_profile(InstanceProfileName='web-profile', RoleName='web')
out['second'] = err(c.add_role_to_instance_profile, InstanceProfileName='web-profile', RoleName='other')
out['got'] = c.get_instance_profile(InstanceProfileName='web-profile')['InstanceProfile']
out['forRole'] = [x['InstanceProfileName'] for x in c.list_instance_profiles_for_role(RoleName='web')['InstanceProfiles']]
out['listed'] = [x['InstanceProfileName'] for x in c.list_instance_profiles(PathPrefix='/ec2/')['InstanceProfiles']]
out['missing'] = err(c.get_instance_profile, InstanceProfileName='nope')
out['deleteRole'] = err(c.delete_role, RoleName='web')
out['deleteProfile'] = err(c.delete_instance_profile, InstanceProfileName='web-profile')
c.remove_role_from_instance_profile(InstanceProfileName='web-profile', RoleName='web')
out['removeAgain'] = err(c.remove_role_from_instance_profile, InstanceProfileName='web-profile', RoleName='web')
c.delete_instance_profile(InstanceProfileName='web-profile')
c.delete_role(RoleName='web')
out['gone'] = err(c.get_instance_profile, InstanceProfileName='web-profile')
`);
  assert.match(out.created.InstanceProfileId, /^AIPA[A-Z2-7]{17}$/);
  assert.equal(out.created.Arn, 'arn:aws:iam::000000000000:instance-profile/ec2/web-profile');
  assert.deepEqual(out.created.Roles, []);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'Instance Profile web-profile already exists.']);
  assert.deepEqual(out.second, [409, 'LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1']);
  assert.deepEqual(out.got.Roles.map((r: any) => r.RoleName), ['web']);
  assert.equal(out.got.Roles[0].AssumeRolePolicyDocument.Statement[0].Principal.Service, 'ec2.amazonaws.com');
  assert.deepEqual(out.forRole, ['web-profile']);
  assert.deepEqual(out.listed, ['web-profile']);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'Instance Profile nope cannot be found.']);
  assert.deepEqual(out.deleteRole, [409, 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.']);
  assert.deepEqual(out.deleteProfile, [409, 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.']);
  assert.equal(out.removeAgain[1], 'NoSuchEntity');
  assert.equal(out.gone[1], 'NoSuchEntity');
});

test('login profiles and the password policy: the policy is enforced, profiles block DeleteUser', async () => {
  const out = await boto3(fb.endpoint, `
c.create_user(UserName='u')
out['noPolicy'] = err(c.get_account_password_policy)
out['weakDefault'] = err(c.create_login_profile, UserName='u', Password='password')
lp = c.create_login_profile(UserName='u', Password='Passw0rd!', PasswordResetRequired=True)['LoginProfile']
out['created'] = [lp['UserName'], lp['PasswordResetRequired']]
out['dup'] = err(c.create_login_profile, UserName='u', Password='Passw0rd!')
out['deleteUser'] = err(c.delete_user, UserName='u')
c.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90)
out['policy'] = c.get_account_password_policy()['PasswordPolicy']
out['short'] = err(c.update_login_profile, UserName='u', Password='Sh0rt!')
c.update_login_profile(UserName='u', Password='a-long-enough-password', PasswordResetRequired=False)
out['got'] = c.get_login_profile(UserName='u')['LoginProfile']['PasswordResetRequired']
c.delete_login_profile(UserName='u')
out['missing'] = err(c.get_login_profile, UserName='u')
c.delete_account_password_policy()
out['deletedPolicy'] = err(c.delete_account_password_policy)
c.delete_user(UserName='u')
`);
  assert.deepEqual(out.noPolicy, [404, 'NoSuchEntity', 'The Password Policy with domain name 000000000000 cannot be found.']);
  assert.deepEqual(out.weakDefault, [400, 'PasswordPolicyViolation', 'Password does not conform to the account password policy.']);
  assert.deepEqual(out.created, ['u', true]);
  assert.deepEqual(out.dup, [409, 'EntityAlreadyExists', 'Login Profile for user u already exists.']);
  assert.deepEqual(out.deleteUser, [409, 'DeleteConflict', 'Cannot delete entity, must delete login profile first.']);
  assert.deepEqual(out.policy, {
    MinimumPasswordLength: 12, RequireSymbols: true, RequireNumbers: false, RequireUppercaseCharacters: false,
    RequireLowercaseCharacters: false, AllowUsersToChangePassword: false, ExpirePasswords: true, MaxPasswordAge: 90, HardExpiry: false,
  });
  assert.equal(out.short[1], 'PasswordPolicyViolation');
  assert.equal(out.got, false);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'Login Profile for User u cannot be found.']);
  assert.equal(out.deletedPolicy[1], 'NoSuchEntity');
});

test('account aliases are one per account and unique across accounts', async () => {
  const out = await boto3(fb.endpoint, `
c.create_account_alias(AccountAlias='my-company')
out['listed'] = c.list_account_aliases()['AccountAliases']
other = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id='123456789012', aws_secret_access_key='x')
out['taken'] = err(other.create_account_alias, AccountAlias='my-company')
out['bad'] = err(c.create_account_alias, AccountAlias='Not_Valid')
c.create_account_alias(AccountAlias='renamed-company')
out['replaced'] = c.list_account_aliases()['AccountAliases']
out['deleteWrong'] = err(c.delete_account_alias, AccountAlias='my-company')
other.create_account_alias(AccountAlias='my-company')
c.delete_account_alias(AccountAlias='renamed-company')
out['after'] = c.list_account_aliases()['AccountAliases']
`);
  assert.deepEqual(out.listed, ['my-company']);
  assert.deepEqual(out.taken, [409, 'EntityAlreadyExists', 'The account alias my-company already exists.']);
  assert.equal(out.bad[1], 'ValidationError');
  assert.deepEqual(out.replaced, ['renamed-company']);
  assert.deepEqual(out.deleteWrong, [404, 'NoSuchEntity', 'The account alias my-company cannot be found.']);
  assert.deepEqual(out.after, []);
});

test('service-linked roles: named by the service, under /aws-service-role/<service>/, only deleted their own way', async () => {
  const out = await boto3(fb.endpoint, `
r = c.create_service_linked_role(AWSServiceName='autoscaling.amazonaws.com', Description='asg')['Role']
out['role'] = r
out['again'] = err(c.create_service_linked_role, AWSServiceName='autoscaling.amazonaws.com')
out['suffixed'] = c.create_service_linked_role(AWSServiceName='autoscaling.amazonaws.com', CustomSuffix='blue')['Role']['RoleName']
out['unknown'] = c.create_service_linked_role(AWSServiceName='widgets.amazonaws.com')['Role']['RoleName']
out['notAService'] = err(c.create_service_linked_role, AWSServiceName='..amazonaws.com')
out['deleteRole'] = err(c.delete_role, RoleName='AWSServiceRoleForAutoScaling')
out['attach'] = err(c.attach_role_policy, RoleName='AWSServiceRoleForAutoScaling', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
task = c.delete_service_linked_role(RoleName='AWSServiceRoleForAutoScaling')['DeletionTaskId']
out['task'] = task
out['status'] = c.get_service_linked_role_deletion_status(DeletionTaskId=task)['Status']
out['gone'] = err(c.get_role, RoleName='AWSServiceRoleForAutoScaling')
`);
  assert.equal(out.role.RoleName, 'AWSServiceRoleForAutoScaling');
  assert.equal(out.role.Path, '/aws-service-role/autoscaling.amazonaws.com/');
  assert.equal(out.role.Arn, 'arn:aws:iam::000000000000:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
  assert.deepEqual(out.role.AssumeRolePolicyDocument.Statement[0].Principal, { Service: ['autoscaling.amazonaws.com'] });
  assert.equal(out.role.Description, 'asg');
  assert.deepEqual(out.again, [400, 'InvalidInput', 'Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix.']);
  assert.equal(out.suffixed, 'AWSServiceRoleForAutoScaling_blue');
  assert.equal(out.unknown, 'AWSServiceRoleForWidgets');
  assert.deepEqual(out.notAService, [400, 'InvalidInput', 'Invalid service name: ..amazonaws.com']);
  const protectedRole = [400, 'UnmodifiableEntity', "Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS"];
  assert.deepEqual(out.deleteRole, protectedRole);
  assert.deepEqual(out.attach, protectedRole);
  assert.match(out.task, /^task\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling\/[0-9a-f-]{36}$/);
  assert.equal(out.status, 'SUCCEEDED');
  assert.equal(out.gone[1], 'NoSuchEntity');
});

test('GetAccountSummary counts what the account holds; GetAccountAuthorizationDetails shows all of it, filtered and paged', async () => {
  const out = await boto3(fb.endpoint, TRUST + `
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]})
arn = c.create_policy(PolicyName='p', PolicyDocument=doc)['Policy']['Arn']
c.create_policy_version(PolicyArn=arn, PolicyDocument=doc, SetAsDefault=True)
c.create_user(UserName='u'); c.create_group(GroupName='g'); c.add_user_to_group(GroupName='g', UserName='u')
c.put_user_policy(UserName='u', PolicyName='inline', PolicyDocument=doc)
c.attach_group_policy(GroupName='g', PolicyArn=arn)
c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.create_instance_profile(InstanceProfileName='ip'); c.add_role_to_instance_profile(InstanceProfileName='ip', RoleName='r')
out['summary'] = c.get_account_summary()['SummaryMap']
d = c.get_account_authorization_details()
out['users'] = d['UserDetailList']
out['groups'] = d['GroupDetailList']
out['roles'] = d['RoleDetailList']
out['policies'] = d['Policies']
out['rolesOnly'] = [len(x) for x in (lambda d: (d['UserDetailList'], d['RoleDetailList'], d['Policies']))(c.get_account_authorization_details(Filter=['Role']))]
p1 = c.get_account_authorization_details(MaxItems=2)
p2 = c.get_account_authorization_details(MaxItems=2, Marker=p1['Marker'])
out['pages'] = [[len(p['UserDetailList']), len(p['GroupDetailList']), len(p['RoleDetailList']), len(p['Policies']), p['IsTruncated']] for p in (p1, p2)]
`);
  const s = out.summary;
  assert.deepEqual([s.Users, s.Groups, s.Roles, s.Policies, s.InstanceProfiles, s.PolicyVersionsInUse], [1, 1, 1, 1, 1, 2]);
  assert.equal(s.AccessKeysPerUserQuota, 2);
  assert.equal(s.AttachedPoliciesPerRoleQuota, 10);
  assert.equal(out.users[0].UserName, 'u');
  assert.deepEqual(out.users[0].GroupList, ['g']);
  assert.equal(out.users[0].UserPolicyList[0].PolicyName, 'inline');
  assert.equal(out.users[0].UserPolicyList[0].PolicyDocument.Statement[0].Action, 's3:*');
  assert.deepEqual(out.groups[0].AttachedManagedPolicies, [{ PolicyName: 'p', PolicyArn: 'arn:aws:iam::000000000000:policy/p' }]);
  assert.deepEqual(out.roles[0].InstanceProfileList.map((p: any) => p.InstanceProfileName), ['ip']);
  assert.equal(out.roles[0].AssumeRolePolicyDocument.Statement[0].Action, 'sts:AssumeRole');
  assert.equal(out.policies[0].DefaultVersionId, 'v2');
  assert.equal(out.policies[0].AttachmentCount, 1);
  assert.deepEqual(out.policies[0].PolicyVersionList.map((v: any) => [v.VersionId, v.IsDefaultVersion]), [['v1', false], ['v2', true]]);
  assert.equal(out.policies[0].PolicyVersionList[1].Document.Statement[0].Effect, 'Allow');
  assert.deepEqual(out.rolesOnly, [0, 1, 0]);
  assert.deepEqual(out.pages, [[1, 1, 0, 0, true], [0, 0, 1, 1, false]]);
});

test('DeleteUser names what still hangs off the user, one DeleteConflict at a time, until it can go', async () => {
  const out = await boto3(fb.endpoint, `
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]})
arn = c.create_policy(PolicyName='p', PolicyDocument=doc)['Policy']['Arn']
c.create_user(UserName='u'); c.create_group(GroupName='g')
c.create_login_profile(UserName='u', Password='Passw0rd!')
key = c.create_access_key(UserName='u')['AccessKey']['AccessKeyId']
c.add_user_to_group(GroupName='g', UserName='u')
c.put_user_policy(UserName='u', PolicyName='inline', PolicyDocument=doc)
c.attach_user_policy(UserName='u', PolicyArn=arn)
steps = [
    lambda: c.delete_login_profile(UserName='u'),
    lambda: c.delete_access_key(UserName='u', AccessKeyId=key),
    lambda: c.remove_user_from_group(GroupName='g', UserName='u'),
    lambda: c.delete_user_policy(UserName='u', PolicyName='inline'),
    lambda: c.detach_user_policy(UserName='u', PolicyArn=arn),
]
out['conflicts'] = []
for step in steps:
    out['conflicts'].append(err(c.delete_user, UserName='u'))
    step()
out['last'] = err(c.delete_user, UserName='u')
out['gone'] = err(c.get_user, UserName='u')
`);
  assert.deepEqual(out.conflicts.map((e: any) => [e[0], e[1]]), Array(5).fill([409, 'DeleteConflict']));
  assert.deepEqual(out.conflicts.map((e: any) => e[2]), [
    'Cannot delete entity, must delete login profile first.',
    'Cannot delete entity, must delete access keys first.',
    'Cannot delete entity, must remove users from group first.',
    'Cannot delete entity, must delete policies first.',
    'Cannot delete entity, must detach all policies first.',
  ]);
  assert.equal(out.last, null);
  assert.equal(out.gone[1], 'NoSuchEntity');
});

test('each account has its own IAM: same names in two accounts, neither sees the other\'s', async () => {
  const out = await boto3(fb.endpoint, `
a = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id='111111111111', aws_secret_access_key='x')
b = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='eu-west-1', aws_access_key_id='222222222222', aws_secret_access_key='x')
out['a'] = a.create_user(UserName='same')['User']['Arn']
out['b'] = b.create_user(UserName='same')['User']['Arn']
a.create_user(UserName='only-a')
out['bSees'] = [u['UserName'] for u in b.list_users()['Users']]
out['bGet'] = err(b.get_user, UserName='only-a')
p = a.list_users(MaxItems=1)
out['foreignMarker'] = err(b.list_users, Marker=p['Marker'])
`);
  assert.equal(out.a, 'arn:aws:iam::111111111111:user/same');
  assert.equal(out.b, 'arn:aws:iam::222222222222:user/same');
  assert.deepEqual(out.bSees, ['same']);
  assert.equal(out.bGet[1], 'NoSuchEntity');
  assert.equal(out.foreignMarker[1], 'ValidationError', 'a Marker is bound to its account');
});
