// IAM's smaller remaining operations through boto3: service-specific credentials, the condition keys
// policies use (GetContextKeysFor*), and the STS token preference GetAccountSummary reports.
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

test('service-specific credentials: created with a password shown once, reset, status, two per service, block DeleteUser', async () => {
  const out = await boto3(fb.endpoint, `
c.create_user(UserName='git')
a = c.create_service_specific_credential(UserName='git', ServiceName='codecommit.amazonaws.com')['ServiceSpecificCredential']
out['created'] = a
c.create_service_specific_credential(UserName='git', ServiceName='codecommit.amazonaws.com')
out['third'] = err(c.create_service_specific_credential, UserName='git', ServiceName='codecommit.amazonaws.com')
out['other'] = c.create_service_specific_credential(UserName='git', ServiceName='cassandra.amazonaws.com')['ServiceSpecificCredential']['ServiceName']
out['unsupported'] = err(c.create_service_specific_credential, UserName='git', ServiceName='s3.amazonaws.com')
r = c.reset_service_specific_credential(UserName='git', ServiceSpecificCredentialId=a['ServiceSpecificCredentialId'])['ServiceSpecificCredential']
out['reset'] = [r['ServiceSpecificCredentialId'] == a['ServiceSpecificCredentialId'], r['ServicePassword'] != a['ServicePassword'], len(r['ServicePassword'])]
c.update_service_specific_credential(UserName='git', ServiceSpecificCredentialId=a['ServiceSpecificCredentialId'], Status='Inactive')
listed = c.list_service_specific_credentials(UserName='git', ServiceName='codecommit.amazonaws.com')['ServiceSpecificCredentials']
out['listed'] = [[x['Status'], 'ServicePassword' in x] for x in listed]
out['deleteUser'] = err(c.delete_user, UserName='git')
for x in c.list_service_specific_credentials(UserName='git')['ServiceSpecificCredentials']:
    c.delete_service_specific_credential(UserName='git', ServiceSpecificCredentialId=x['ServiceSpecificCredentialId'])
out['deleteAgain'] = err(c.delete_service_specific_credential, UserName='git', ServiceSpecificCredentialId=a['ServiceSpecificCredentialId'])
c.delete_user(UserName='git')
`);
  assert.equal(out.created.ServiceUserName, 'git-at-000000000000');
  assert.match(out.created.ServiceSpecificCredentialId, /^ACCA[A-Z2-7]{17}$/);
  assert.equal(out.created.Status, 'Active');
  assert.ok(out.created.ServicePassword.length >= 40);
  assert.deepEqual(out.third, [409, 'LimitExceeded', 'Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2']);
  assert.equal(out.other, 'cassandra.amazonaws.com');
  assert.equal(out.unsupported[0], 404);
  assert.equal(out.unsupported[1], 'NotSupportedService');
  assert.deepEqual(out.reset, [true, true, 44]);
  assert.deepEqual(out.listed, [['Inactive', false], ['Active', false]]);
  assert.deepEqual(out.deleteUser, [409, 'DeleteConflict', 'Cannot delete entity, must delete service specific credentials first.']);
  assert.equal(out.deleteAgain[1], 'NoSuchEntity');
});

test('GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy read the Condition keys; STS token preference', async () => {
  const out = await boto3(fb.endpoint, `
def pol(cond):
    return json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*', 'Condition': cond}]})
p1 = pol({'StringEquals': {'aws:RequestedRegion': 'eu-west-1', 's3:prefix': 'home/'}})
p2 = pol({'Bool': {'aws:MultiFactorAuthPresent': 'true'}, 'StringLike': {'AWS:REQUESTEDREGION': 'eu-*'}})
out['custom'] = c.get_context_keys_for_custom_policy(PolicyInputList=[p1, p2])['ContextKeyNames']
out['malformed'] = err(c.get_context_keys_for_custom_policy, PolicyInputList=['{"Version": "2012-10-17"'])
c.create_user(UserName='u'); c.create_group(GroupName='g'); c.add_user_to_group(GroupName='g', UserName='u')
c.put_user_policy(UserName='u', PolicyName='own', PolicyDocument=p1)
arn = c.create_policy(PolicyName='managed', PolicyDocument=pol({'IpAddress': {'aws:SourceIp': '10.0.0.0/8'}}))['Policy']['Arn']
c.attach_group_policy(GroupName='g', PolicyArn=arn)
user = c.get_user(UserName='u')['User']['Arn']
out['principal'] = c.get_context_keys_for_principal_policy(PolicySourceArn=user, PolicyInputList=[pol({'NumericLessThan': {'aws:MultiFactorAuthAge': '3600'}})])['ContextKeyNames']
out['missing'] = err(c.get_context_keys_for_principal_policy, PolicySourceArn='arn:aws:iam::000000000000:role/nope')
out['before'] = c.get_account_summary()['SummaryMap']['GlobalEndpointTokenVersion']
c.set_security_token_service_preferences(GlobalEndpointTokenVersion='v2Token')
out['after'] = c.get_account_summary()['SummaryMap']['GlobalEndpointTokenVersion']
`);
  assert.deepEqual(out.custom.map((k: string) => k.toLowerCase()).sort(), ['aws:multifactorauthpresent', 'aws:requestedregion', 's3:prefix']);
  assert.equal(out.malformed[1], 'InvalidInput');
  assert.deepEqual(out.principal.map((k: string) => k.toLowerCase()).sort(), ['aws:multifactorauthage', 'aws:requestedregion', 'aws:sourceip', 's3:prefix']);
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'The role with name nope cannot be found.']);
  assert.equal(out.before, 1);
  assert.equal(out.after, 2);
});

test('SimulateCustomPolicy and SimulatePrincipalPolicy decide with the policy engine: allow, explicit and implicit deny, context, boundary', async () => {
  const out = await boto3(fb.endpoint, `
allow = json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Sid': 'Read', 'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'], 'Resource': '*'},
    {'Sid': 'NoSecrets', 'Effect': 'Deny', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::secrets/*'},
    {'Sid': 'PutFromOffice', 'Effect': 'Allow', 'Action': 's3:PutObject', 'Resource': '*', 'Condition': {'IpAddress': {'aws:SourceIp': '10.0.0.0/8'}}}]})
r = c.simulate_custom_policy(PolicyInputList=[allow], ActionNames=['s3:GetObject', 's3:DeleteObject'], ResourceArns=['arn:aws:s3:::public/a', 'arn:aws:s3:::secrets/b'])['EvaluationResults']
out['custom'] = [[x['EvalActionName'], x['EvalResourceName'], x['EvalDecision'], [m['SourcePolicyId'] for m in x['MatchedStatements']]] for x in r]
ctx = [{'ContextKeyName': 'aws:SourceIp', 'ContextKeyValues': ['10.1.2.3'], 'ContextKeyType': 'ip'}]
out['inOffice'] = c.simulate_custom_policy(PolicyInputList=[allow], ActionNames=['s3:PutObject'], ContextEntries=ctx)['EvaluationResults'][0]['EvalDecision']
away = c.simulate_custom_policy(PolicyInputList=[allow], ActionNames=['s3:PutObject'])['EvaluationResults'][0]
out['away'] = [away['EvalDecision'], away['MissingContextValues']]
out['malformed'] = err(c.simulate_custom_policy, PolicyInputList=['{"Statement": []'], ActionNames=['s3:GetObject'])

c.create_user(UserName='dev'); c.create_group(GroupName='readers'); c.add_user_to_group(GroupName='readers', UserName='dev')
c.put_group_policy(GroupName='readers', PolicyName='read', PolicyDocument=allow)
b = c.create_policy(PolicyName='only-list', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': '*'}]}))['Policy']['Arn']
arn = c.get_user(UserName='dev')['User']['Arn']
before = c.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:ListBucket'])['EvaluationResults']
out['before'] = [[x['EvalDecision'], [[m['SourcePolicyId'], m['SourcePolicyType']] for m in x['MatchedStatements']]] for x in before]
c.put_user_permissions_boundary(UserName='dev', PermissionsBoundary=b)
after = c.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:ListBucket'])['EvaluationResults']
out['after'] = [[x['EvalDecision'], x.get('PermissionsBoundaryDecisionDetail')] for x in after]
paged = c.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:ListBucket', 's3:PutObject'], MaxItems=2)
out['paged'] = [len(paged['EvaluationResults']), paged['IsTruncated'],
    [x['EvalActionName'] for x in c.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:ListBucket', 's3:PutObject'], Marker=paged['Marker'])['EvaluationResults']]]
`);
  assert.deepEqual(out.custom, [
    ['s3:GetObject', 'arn:aws:s3:::public/a', 'allowed', ['PolicyInputList.1']],
    ['s3:GetObject', 'arn:aws:s3:::secrets/b', 'explicitDeny', ['PolicyInputList.1', 'PolicyInputList.1']],
    ['s3:DeleteObject', 'arn:aws:s3:::public/a', 'implicitDeny', []],
    ['s3:DeleteObject', 'arn:aws:s3:::secrets/b', 'implicitDeny', []],
  ]);
  assert.equal(out.inOffice, 'allowed');
  assert.deepEqual(out.away, ['implicitDeny', ['aws:SourceIp']]);
  assert.equal(out.malformed[1], 'InvalidInput');
  assert.deepEqual(out.before, [['allowed', [['read', 'group']]], ['allowed', [['read', 'group']]]]);
  assert.deepEqual(out.after, [['implicitDeny', { AllowedByPermissionsBoundary: false }], ['allowed', { AllowedByPermissionsBoundary: true }]]);
  assert.deepEqual(out.paged, [2, true, ['s3:PutObject']]);
});

test('ListPoliciesGrantingServiceAccess: a user\'s own and its groups\' policies whose Allow reaches each namespace', async () => {
  const out = await boto3(fb.endpoint, `
def pol(stmt):
    return json.dumps({'Version': '2012-10-17', 'Statement': [stmt]})
c.create_user(UserName='u'); c.create_group(GroupName='g'); c.add_user_to_group(GroupName='g', UserName='u')
c.put_user_policy(UserName='u', PolicyName='s3-read', PolicyDocument=pol({'Effect': 'Allow', 'Action': 's3:Get*', 'Resource': '*'}))
c.put_user_policy(UserName='u', PolicyName='deny-sqs', PolicyDocument=pol({'Effect': 'Deny', 'Action': 'sqs:*', 'Resource': '*'}))
arn = c.create_policy(PolicyName='all-but-iam', PolicyDocument=pol({'Effect': 'Allow', 'NotAction': 'iam:*', 'Resource': '*'}))['Policy']['Arn']
c.attach_group_policy(GroupName='g', PolicyArn=arn)
r = c.list_policies_granting_service_access(Arn=c.get_user(UserName='u')['User']['Arn'], ServiceNamespaces=['s3', 'sqs', 'iam'])
out['r'] = {x['ServiceNamespace']: sorted([p['PolicyName'], p['PolicyType'], p.get('EntityType'), p.get('EntityName')] for p in x['Policies']) for x in r['PoliciesGrantingServiceAccess']}
out['missing'] = err(c.list_policies_granting_service_access, Arn='arn:aws:iam::000000000000:user/nope', ServiceNamespaces=['s3'])
`);
  assert.deepEqual(out.r, {
    s3: [['all-but-iam', 'MANAGED', null, null], ['s3-read', 'INLINE', 'USER', 'u']],
    sqs: [['all-but-iam', 'MANAGED', null, null]],
    iam: [],
  });
  assert.deepEqual(out.missing, [404, 'NoSuchEntity', 'The user with name nope cannot be found.']);
});

test('SimulatePrincipalPolicy and ListPoliciesGrantingServiceAccess read AWS managed policies with their real documents (ReadOnlyAccess reads, does not write)', async () => {
  const out = await boto3(fb.endpoint, `
c.create_role(RoleName='reader', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))
c.attach_role_policy(RoleName='reader', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
arn = c.get_role(RoleName='reader')['Role']['Arn']
r = c.simulate_principal_policy(PolicySourceArn=arn, ActionNames=['s3:GetObject', 's3:PutObject', 'dynamodb:Query'])
out['decisions'] = {e['EvalActionName']: e['EvalDecision'] for e in r['EvaluationResults']}
out['source'] = [m['SourcePolicyType'] for e in r['EvaluationResults'] for m in e.get('MatchedStatements', []) if e['EvalActionName'] == 's3:GetObject']
g = c.list_policies_granting_service_access(Arn=arn, ServiceNamespaces=['s3'])
out['granting'] = [(p['PolicyName'], p['PolicyType'], p.get('PolicyArn')) for p in g['PoliciesGrantingServiceAccess'][0]['Policies']]
`);
  assert.deepEqual(out.decisions, { 's3:GetObject': 'allowed', 's3:PutObject': 'implicitDeny', 'dynamodb:Query': 'allowed' });
  assert.deepEqual([...new Set(out.source)], ['aws-managed']);
  assert.deepEqual(out.granting, [['ReadOnlyAccess', 'MANAGED', 'arn:aws:iam::aws:policy/ReadOnlyAccess']]);
});
