// AWS managed policies through boto3 and the AWS CLI: the catalogue's real documents, paths, versions and
// dates; ListPolicies by scope, path and use; AttachmentCount per account; unknown names refused; and
// AWS's policies are not the account's to delete or version.
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

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const LAMBDA_BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const PRELUDE = `
ADMIN = '${ADMIN}'
LAMBDA_BASIC = '${LAMBDA_BASIC}'
TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
other = boto3.client('iam', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1', aws_access_key_id='111111111111', aws_secret_access_key='test')
`;

test('AWS managed policies: attach to a role, read the real document and dates, one default version', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
raw = {}
def keep(http_response, **kw):
    raw['body'] = http_response.text
c.meta.events.register('after-call.iam.GetPolicyVersion', keep)
c.create_role(RoleName='fn', AssumeRolePolicyDocument=TRUST)
c.attach_role_policy(RoleName='fn', PolicyArn=LAMBDA_BASIC)
c.attach_role_policy(RoleName='fn', PolicyArn=ADMIN)
out['attached'] = c.list_attached_role_policies(RoleName='fn')['AttachedPolicies']
out['basic'] = c.get_policy(PolicyArn=LAMBDA_BASIC)['Policy']
out['admin'] = c.get_policy(PolicyArn=ADMIN)['Policy']
out['basicDoc'] = c.get_policy_version(PolicyArn=LAMBDA_BASIC, VersionId='v1')['PolicyVersion']
out['adminDoc'] = c.get_policy_version(PolicyArn=ADMIN, VersionId='v1')['PolicyVersion']
out['raw'] = raw['body']
out['versions'] = c.list_policy_versions(PolicyArn=ADMIN)['Versions']
out['v2'] = err(c.get_policy_version, PolicyArn=ADMIN, VersionId='v2')
out['again'] = c.get_policy(PolicyArn=ADMIN)['Policy']['PolicyId']
`);
  assert.deepEqual(out.attached, [
    { PolicyName: 'AdministratorAccess', PolicyArn: ADMIN },
    { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: LAMBDA_BASIC },
  ]);
  assert.equal(out.basic.PolicyName, 'AWSLambdaBasicExecutionRole');
  assert.equal(out.basic.Arn, LAMBDA_BASIC);
  assert.equal(out.basic.Path, '/service-role/');
  assert.equal(out.basic.DefaultVersionId, 'v1');
  assert.equal(out.basic.AttachmentCount, 1);
  assert.equal(out.basic.PermissionsBoundaryUsageCount, 0);
  assert.equal(out.basic.IsAttachable, true);
  assert.match(out.basic.PolicyId, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(out.again, out.admin.PolicyId, 'a policy keeps its id');
  assert.notEqual(out.basic.PolicyId, out.admin.PolicyId);
  // AWS published both in 2015 and has not changed them since.
  assert.equal(new Date(out.basic.CreateDate).toISOString(), '2015-04-09T15:03:43.000Z');
  assert.equal(new Date(out.admin.CreateDate).toISOString(), '2015-02-06T18:39:46.000Z');
  assert.equal(new Date(out.admin.UpdateDate).toISOString(), '2015-02-06T18:39:46.000Z');
  assert.deepEqual(out.basicDoc.Document, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  });
  assert.equal(out.basicDoc.IsDefaultVersion, true);
  assert.deepEqual(out.adminDoc.Document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  // On the wire the document is URL-encoded, as IAM sends it (boto3 decoded it above).
  const wire = /<Document>([^<]*)<\/Document>/.exec(out.raw)?.[1];
  assert.ok(wire?.startsWith('%7B%22Version%22%3A%222012-10-17%22'), out.raw);
  assert.deepEqual(JSON.parse(decodeURIComponent(wire!)), out.adminDoc.Document);
  assert.deepEqual(out.versions.map((v: any) => [v.VersionId, v.IsDefaultVersion]), [['v1', true]]);
  assert.deepEqual(out.v2, [404, 'NoSuchEntity', `Policy ${ADMIN} version v2 does not exist or is not attachable.`]);
});

test('AWS managed policies: AttachmentCount and ListEntitiesForPolicy count this account only', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.create_user(UserName='u'); c.create_group(GroupName='g')
for f, k, n in [(c.attach_role_policy, 'RoleName', 'r'), (c.attach_user_policy, 'UserName', 'u'), (c.attach_group_policy, 'GroupName', 'g')]:
    f(PolicyArn=ADMIN, **{k: n})
c.put_user_permissions_boundary(UserName='u', PermissionsBoundary=LAMBDA_BASIC)
other.create_role(RoleName='elsewhere', AssumeRolePolicyDocument=TRUST)
out['otherBefore'] = other.get_policy(PolicyArn=ADMIN)['Policy']['AttachmentCount']
other.attach_role_policy(RoleName='elsewhere', PolicyArn=ADMIN)
out['here'] = c.get_policy(PolicyArn=ADMIN)['Policy']['AttachmentCount']
out['there'] = other.get_policy(PolicyArn=ADMIN)['Policy']['AttachmentCount']
out['boundary'] = c.get_policy(PolicyArn=LAMBDA_BASIC)['Policy']
e = c.list_entities_for_policy(PolicyArn=ADMIN)
out['entities'] = [[x['UserName'] for x in e['PolicyUsers']], [x['GroupName'] for x in e['PolicyGroups']], [x['RoleName'] for x in e['PolicyRoles']]]
out['otherEntities'] = [x['RoleName'] for x in other.list_entities_for_policy(PolicyArn=ADMIN)['PolicyRoles']]
out['details'] = c.get_account_authorization_details(Filter=['AWSManagedPolicy'])['Policies']
c.detach_group_policy(GroupName='g', PolicyArn=ADMIN)
out['afterDetach'] = c.get_policy(PolicyArn=ADMIN)['Policy']['AttachmentCount']
`);
  assert.equal(out.otherBefore, 0);
  assert.equal(out.here, 3);
  assert.equal(out.there, 1);
  assert.deepEqual([out.boundary.AttachmentCount, out.boundary.PermissionsBoundaryUsageCount], [0, 1]);
  assert.deepEqual(out.entities, [['u'], ['g'], ['r']]);
  assert.deepEqual(out.otherEntities, ['elsewhere']);
  assert.deepEqual(out.details.map((p: any) => [p.PolicyName, p.AttachmentCount, p.PolicyVersionList.map((v: any) => v.VersionId)]), [
    ['AdministratorAccess', 3, ['v1']],
    ['AWSLambdaBasicExecutionRole', 0, ['v1']],
  ]);
  assert.deepEqual(out.details[0].PolicyVersionList[0].Document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  assert.equal(out.afterDetach, 2);
});

test('ListPolicies: Scope AWS pages through the catalogue; All, Local, OnlyAttached, PathPrefix and PolicyUsageFilter', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]})
mine = c.create_policy(PolicyName='AdministratorAccess', PolicyDocument=doc)['Policy']['Arn']
c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.attach_role_policy(RoleName='r', PolicyArn=ADMIN)
c.attach_role_policy(RoleName='r', PolicyArn=mine)
c.put_role_permissions_boundary(RoleName='r', PermissionsBoundary=LAMBDA_BASIC)
first = c.list_policies(Scope='AWS')
out['firstPage'] = [len(first['Policies']), first['IsTruncated'], 'Marker' in first]
arns = []
pages = 0
for p in c.get_paginator('list_policies').paginate(Scope='AWS', PaginationConfig={'PageSize': 400}):
    pages += 1
    arns += [(x['PolicyName'], x['Arn'], x['Path'], x['AttachmentCount']) for x in p['Policies']]
out['aws'] = arns
out['pages'] = pages
out['all'] = [x['Arn'] for x in c.list_policies(OnlyAttached=True)['Policies']]
out['local'] = [x['Arn'] for x in c.list_policies(Scope='Local')['Policies']]
out['attachedAws'] = [x['PolicyName'] for x in c.list_policies(Scope='AWS', OnlyAttached=True)['Policies']]
out['permissions'] = [x['PolicyName'] for x in c.list_policies(Scope='AWS', OnlyAttached=True, PolicyUsageFilter='PermissionsPolicy')['Policies']]
out['boundaries'] = [x['PolicyName'] for x in c.list_policies(Scope='AWS', OnlyAttached=True, PolicyUsageFilter='PermissionsBoundary')['Policies']]
out['jobFunction'] = [(x['PolicyName'], x['Path']) for x in c.list_policies(Scope='AWS', PathPrefix='/job-function/')['Policies']]
`);
  assert.deepEqual(out.firstPage, [100, true, true]);
  const names = out.aws.map((p: [string]) => p[0]);
  assert.ok(names.length > 1000, `AWS publishes over a thousand managed policies (got ${names.length})`);
  assert.equal(out.pages, Math.ceil(names.length / 400));
  assert.equal(new Set(out.aws.map((p: string[]) => p[1])).size, names.length, 'no policy twice across pages');
  assert.deepEqual(names, [...names].sort((a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)), 'by name');
  for (const [name, arn, path] of out.aws) assert.equal(arn, `arn:aws:iam::aws:policy${path}${name}`);
  for (const want of ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'AWSLambdaBasicExecutionRole', 'AmazonS3FullAccess']) {
    assert.ok(names.includes(want), want);
  }
  assert.deepEqual(out.aws.filter((p: any[]) => p[3] > 0).map((p: any[]) => p[0]), ['AdministratorAccess']);
  assert.deepEqual(out.all, ['arn:aws:iam::000000000000:policy/AdministratorAccess', ADMIN, LAMBDA_BASIC], 'a name shared with an AWS policy: both listed');
  assert.deepEqual(out.local, ['arn:aws:iam::000000000000:policy/AdministratorAccess']);
  assert.deepEqual(out.attachedAws, ['AdministratorAccess', 'AWSLambdaBasicExecutionRole']);
  assert.deepEqual(out.permissions, ['AdministratorAccess']);
  assert.deepEqual(out.boundaries, ['AWSLambdaBasicExecutionRole']);
  assert.ok(out.jobFunction.length > 0);
  assert.ok(out.jobFunction.every(([, path]: string[]) => path === '/job-function/'));
  assert.ok(out.jobFunction.some(([name]: string[]) => name === 'ViewOnlyAccess'));
});

test('AWS managed policies: unknown names refused, and AWS policies cannot be deleted or versioned', async () => {
  const out = await boto3(fb.endpoint, PRELUDE + `
GHOST = 'arn:aws:iam::aws:policy/NoSuchManagedPolicy'
c.create_role(RoleName='r', AssumeRolePolicyDocument=TRUST)
c.create_user(UserName='u')
out['attach'] = err(c.attach_role_policy, RoleName='r', PolicyArn=GHOST)
out['wrongPath'] = err(c.attach_role_policy, RoleName='r', PolicyArn='arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole')
out['boundary'] = err(c.put_user_permissions_boundary, UserName='u', PermissionsBoundary=GHOST)
out['get'] = err(c.get_policy, PolicyArn=GHOST)
out['entities'] = err(c.list_entities_for_policy, PolicyArn=GHOST)
doc = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': '*', 'Resource': '*'}]})
out['delete'] = err(c.delete_policy, PolicyArn=ADMIN)
out['version'] = err(c.create_policy_version, PolicyArn=ADMIN, PolicyDocument=doc, SetAsDefault=True)
out['deleteVersion'] = err(c.delete_policy_version, PolicyArn=ADMIN, VersionId='v1')
out['setDefault'] = err(c.set_default_policy_version, PolicyArn=ADMIN, VersionId='v1')
out['still'] = c.get_policy_version(PolicyArn=ADMIN, VersionId='v1')['PolicyVersion']['Document']
out['attachedRole'] = c.list_attached_role_policies(RoleName='r')['AttachedPolicies']
`);
  assert.deepEqual(out.attach, [404, 'NoSuchEntity', 'Policy arn:aws:iam::aws:policy/NoSuchManagedPolicy does not exist or is not attachable.']);
  assert.deepEqual(out.wrongPath, [404, 'NoSuchEntity', 'Policy arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole does not exist or is not attachable.'], 'the path is part of the ARN');
  assert.deepEqual(out.boundary, out.attach);
  assert.deepEqual(out.get, [404, 'NoSuchEntity', 'Policy arn:aws:iam::aws:policy/NoSuchManagedPolicy was not found.']);
  assert.equal(out.entities[1], 'NoSuchEntity');
  for (const [key, action] of [['delete', 'DeletePolicy'], ['version', 'CreatePolicyVersion'], ['deleteVersion', 'DeletePolicyVersion'], ['setDefault', 'SetDefaultPolicyVersion']]) {
    assert.deepEqual(out[key], [403, 'AccessDenied',
      `User: arn:aws:iam::000000000000:root is not authorized to perform: iam:${action} on resource: policy ${ADMIN} because no resource-based policy allows the iam:${action} action`], key);
  }
  assert.deepEqual(out.still, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  assert.deepEqual(out.attachedRole, []);
});

test('AWS CLI: list-policies --scope AWS walks every page (1000 a page); get-policy-version shows the document', async () => {
  const cli = awsCliClients()[0];
  assert.ok(cli, 'the AWS CLI is installed');
  const listed = await aws(cli, fb.endpoint, ['iam', 'list-policies', '--scope', 'AWS', '--page-size', '1000', '--query', 'Policies[].Arn']);
  assert.equal(listed.code, 0, listed.stderr);
  const arns: string[] = JSON.parse(listed.stdout);
  assert.ok(arns.length > 1000, `${arns.length}`);
  assert.ok(arns.includes(LAMBDA_BASIC));
  const version = await aws(cli, fb.endpoint, ['iam', 'get-policy-version', '--policy-arn', LAMBDA_BASIC, '--version-id', 'v1']);
  assert.equal(version.code, 0, version.stderr);
  assert.deepEqual(JSON.parse(version.stdout).PolicyVersion.Document.Statement[0].Action, ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = await aws(cli, fb.endpoint, ['iam', 'create-role', '--role-name', 'fn', '--assume-role-policy-document', trust]);
  assert.equal(role.code, 0, role.stderr);
  const unknown = await aws(cli, fb.endpoint, ['iam', 'attach-role-policy', '--role-name', 'fn', '--policy-arn', 'arn:aws:iam::aws:policy/Nope']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /\(NoSuchEntity\).*Policy arn:aws:iam::aws:policy\/Nope does not exist or is not attachable\./);
});
