// The policy engine against the documented evaluation logic (IAM User Guide: "Policy evaluation
// logic", "Cross-account policy evaluation logic", "Permissions boundaries", "Session policies",
// "NotPrincipal", "All principals", SCP evaluation). Each case is one request and the decision AWS
// documents for it, with the policy type AWS would name in its AccessDenied message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, evaluate, message, simulationDecision } from './index.ts';
import type { AuthorizationRequest, Decision, PolicyKind, PolicyRef, PolicyType, RequestPrincipal } from './index.ts';

const ACCT = '111122223333';
const OTHER = '444455556666';

let serial = 0;
function pol(kind: PolicyKind, statements: object[], version: string | undefined = '2012-10-17'): PolicyRef {
  const doc = version === undefined ? { Statement: statements } : { Version: version, Statement: statements };
  return { id: `${kind}-${++serial}`, policy: compilePolicy(JSON.stringify(doc), kind) };
}
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const denyS = (Action: string | string[], Resource: string | string[] = '*', extra: object = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });
const grant = (Principal: unknown, Action: string | string[], extra: object = {}) => ({ Effect: 'Allow', Principal, Action, ...extra });
const refuse = (Principal: unknown, Action: string | string[], extra: object = {}) => ({ Effect: 'Deny', Principal, Action, ...extra });

function user(name = 'alice', account = ACCT, extra: Partial<RequestPrincipal> = {}): RequestPrincipal {
  return { type: 'user', arn: `arn:aws:iam::${account}:user/${name}`, account, ...extra };
}
function session(role = 'app', name = 's1', account = ACCT, extra: Partial<RequestPrincipal> = {}): RequestPrincipal {
  return { type: 'role-session', arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`, account, roleArn: `arn:aws:iam::${account}:role/${role}`, ...extra };
}
function federated(name = 'fed', account = ACCT): RequestPrincipal {
  return { type: 'federated-user', arn: `arn:aws:sts::${account}:federated-user/${name}`, account, userArn: `arn:aws:iam::${account}:user/broker` };
}
const root = (account = ACCT): RequestPrincipal => ({ type: 'root', arn: `arn:aws:iam::${account}:root`, account });
const anonymous: RequestPrincipal = { type: 'anonymous', arn: '*' };
const service = (name: string): RequestPrincipal => ({ type: 'service', arn: name });

const OBJ = 'arn:aws:s3:::bucket/key.txt';
const get = (principal: RequestPrincipal, extra: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({ principal, action: 's3:GetObject', resource: OBJ, ...extra });
const fullAccess = () => pol('scp', [allow('*')]);

interface Case {
  name: string;
  req: AuthorizationRequest;
  want: Decision['decision'];
  by?: PolicyType;
  /** Exact AccessDenied text, where the case is about the wording. */
  msg?: string;
}

const cases: Case[] = [
  // Identity-based policies.
  { name: 'identity allow, exact action', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:GetObject')])] }), want: 'Allow' },
  { name: 'actions compare case-insensitively', req: get(user(), { identityPolicies: [pol('identity', [allow('S3:getobject')])] }), want: 'Allow' },
  { name: 'no policy: implicit deny', req: get(user()), want: 'ImplicitDeny', by: 'identity', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:GetObject on resource: ${OBJ} because no identity-based policy allows the s3:GetObject action` },
  { name: 'action wildcard matches', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:Get*')])] }), want: 'Allow' },
  { name: 'action wildcard does not match another action', req: get(user(), { action: 's3:PutObject', identityPolicies: [pol('identity', [allow('s3:Get*')])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: '? matches exactly one character', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:?etObject'), allow('s3:G?Object')])] }), want: 'Allow' },
  { name: 'explicit deny beats allow in the same policy', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*'), denyS('s3:GetObject', 'arn:aws:s3:::bucket/*')])] }), want: 'ExplicitDeny', by: 'identity', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:GetObject on resource: ${OBJ} with an explicit deny in an identity-based policy` },
  { name: 'explicit deny in another policy wins', req: get(user(), { identityPolicies: [pol('identity', [allow('*')]), pol('identity', [denyS('s3:*')])] }), want: 'ExplicitDeny', by: 'identity' },
  { name: 'NotAction allows everything else', req: get(user(), { identityPolicies: [pol('identity', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }])] }), want: 'Allow' },
  { name: 'NotAction excludes its actions', req: get(user(), { action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCT}:user/bob`, identityPolicies: [pol('identity', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'NotResource deny spares the named resource', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'] }])] }), want: 'Allow' },
  { name: 'NotResource deny covers other resources', req: get(user(), { resource: 'arn:aws:s3:::elsewhere/k', identityPolicies: [pol('identity', [allow('s3:*'), { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/*'] }])] }), want: 'ExplicitDeny', by: 'identity' },
  { name: 'resource wildcards stay inside their segment', req: get(user(), { action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCT}:queue1`, identityPolicies: [pol('identity', [allow('sqs:*', `arn:aws:sqs:*:${ACCT}:q*`)])] }), want: 'Allow' },
  { name: 'a segment wildcard does not swallow the account', req: get(user(), { action: 'logs:PutLogEvents', resource: `arn:aws:logs:us-east-2:999999999999:store/abc:${ACCT}:finance/x`, identityPolicies: [pol('identity', [allow('logs:*', `arn:aws:logs:*:${ACCT}:finance/*`)])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'the resource part wildcard spans colons', req: get(user(), { action: 'logs:PutLogEvents', resource: `arn:aws:logs:us-east-1:${ACCT}:log-group:g:log-stream:s`, identityPolicies: [pol('identity', [allow('logs:*', 'arn:aws:logs:*:*:*')])] }), want: 'Allow' },
  { name: 'resource ARNs are case-sensitive', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*', 'arn:aws:s3:::Bucket/*')])] }), want: 'ImplicitDeny', by: 'identity' },

  // Resource-based policies within one account.
  { name: 'bucket policy naming the user grants alone', req: get(user(), { resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'bucket policy naming the account delegates to identity policies', req: get(user(), { resourcePolicies: [pol('resource', [grant({ AWS: ACCT }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'account delegation plus identity allow', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:GetObject')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:root` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'Principal * grants a same-account user with no identity policy', req: get(user(), { resourcePolicies: [pol('resource', [grant('*', 's3:GetObject')])] }), want: 'Allow' },
  { name: 'explicit deny in the bucket policy beats the identity allow', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*')])], resourcePolicies: [pol('resource', [refuse({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, 's3:GetObject')])] }), want: 'ExplicitDeny', by: 'resource', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:GetObject on resource: ${OBJ} with an explicit deny in a resource-based policy` },
  { name: 'an account-level Deny covers every principal of the account', req: get(session(), { identityPolicies: [pol('identity', [allow('s3:*')])], resourcePolicies: [pol('resource', [refuse({ AWS: ACCT }, 's3:*')])] }), want: 'ExplicitDeny', by: 'resource' },
  { name: 'session ARN in the resource policy is not limited by the boundary', req: get(session('app', 's1', ACCT, { hasBoundary: true }), { boundary: pol('boundary', [allow('sqs:*')]), resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:sts::${ACCT}:assumed-role/app/s1` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'role ARN in the resource policy grants its sessions without identity policy', req: get(session(), { resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:role/app` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'role ARN grant is limited by the boundary', req: get(session('app', 's1', ACCT, { hasBoundary: true }), { boundary: pol('boundary', [allow('sqs:*')]), resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:role/app` }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'role ARN grant is limited by the session policy', req: get(session(), { identityPolicies: [pol('identity', [allow('s3:*')])], sessionPolicies: [pol('session', [allow('sqs:*')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:role/app` }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'session' },
  { name: 'session ARN grant is not limited by the session policy', req: get(session(), { sessionPolicies: [pol('session', [allow('sqs:*')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:sts::${ACCT}:assumed-role/app/s1` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'user ARN grant is not limited by the user’s boundary', req: get(user('alice', ACCT, { hasBoundary: true }), { boundary: pol('boundary', [allow('sqs:*')]), resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'federated-user ARN grant applies to the session directly', req: get(federated(), { resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:sts::${ACCT}:federated-user/fed` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'grant to the federating IAM user is limited by the session policy', req: get(federated(), { sessionPolicies: [pol('session', [allow('sqs:*')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${ACCT}:user/broker` }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'identity' },

  // Cross-account.
  { name: 'cross-account without a resource policy', req: get(user('bob', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])] }), want: 'ImplicitDeny', by: 'resource', msg: `User: arn:aws:iam::${OTHER}:user/bob is not authorized to perform: s3:GetObject on resource: ${OBJ} because no resource-based policy allows the s3:GetObject action` },
  { name: 'cross-account resource allow without identity allow', req: get(user('bob', OTHER), { resourceAccount: ACCT, resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'cross-account needs both sides, and has them', req: get(user('bob', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:GetObject', 'arn:aws:s3:::bucket/*')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${OTHER}:root` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'cross-account role named in the resource policy', req: get(session('reader', 'x', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:GetObject')])], resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${OTHER}:role/reader` }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'cross-account principal limited by its boundary', req: get(user('bob', OTHER, { hasBoundary: true }), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])], boundary: pol('boundary', [allow('sqs:*')]), resourcePolicies: [pol('resource', [grant({ AWS: `arn:aws:iam::${OTHER}:user/bob` }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'boundary', msg: `User: arn:aws:iam::${OTHER}:user/bob is not authorized to perform: s3:GetObject on resource: ${OBJ} because no permissions boundary allows the s3:GetObject action` },
  { name: 'cross-account Principal * still needs the identity side', req: get(user('bob', OTHER), { resourceAccount: ACCT, resourcePolicies: [pol('resource', [grant('*', 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'identity' },
  { name: 'cross-account root needs no identity policy', req: get(root(OTHER), { resourceAccount: ACCT, resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'another account’s resource policy naming a third account grants nothing', req: get(user('bob', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('*')])], resourcePolicies: [pol('resource', [grant({ AWS: '999988887777' }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'resource' },

  // Role trust policies (sts:AssumeRole).
  { name: 'trust naming the account needs the caller’s identity allow', req: { principal: user(), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourcePolicies: [pol('trust', [grant({ AWS: ACCT }, 'sts:AssumeRole')])] }, want: 'ImplicitDeny', by: 'identity' },
  { name: 'trust naming the account plus identity allow', req: { principal: user(), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, identityPolicies: [pol('identity', [allow('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/*`)])], resourcePolicies: [pol('trust', [grant({ AWS: ACCT }, 'sts:AssumeRole')])] }, want: 'Allow' },
  { name: 'trust naming the user grants alone in the same account', req: { principal: user(), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourcePolicies: [pol('trust', [grant({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, 'sts:AssumeRole')])] }, want: 'Allow' },
  { name: 'trust not naming the caller', req: { principal: user(), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, identityPolicies: [pol('identity', [allow('*')])], resourcePolicies: [pol('trust', [grant({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRole')])] }, want: 'ImplicitDeny', by: 'trust', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCT}:role/app because no role trust policy allows the sts:AssumeRole action` },
  { name: 'trust explicit deny', req: { principal: user(), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, identityPolicies: [pol('identity', [allow('*')])], resourcePolicies: [pol('trust', [grant({ AWS: ACCT }, 'sts:AssumeRole'), refuse({ AWS: `arn:aws:iam::${ACCT}:user/alice` }, 'sts:AssumeRole')])] }, want: 'ExplicitDeny', by: 'trust', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCT}:role/app with an explicit deny in the role trust policy` },
  { name: 'service principal named in the trust policy', req: { principal: service('lambda.amazonaws.com'), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourcePolicies: [pol('trust', [grant({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRole')])] }, want: 'Allow' },
  { name: 'service principal not named', req: { principal: service('ec2.amazonaws.com'), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourcePolicies: [pol('trust', [grant({ Service: 'lambda.amazonaws.com' }, 'sts:AssumeRole')])] }, want: 'ImplicitDeny', by: 'trust' },
  { name: 'web identity provider named by Federated', req: { principal: session('web', 'u', ACCT, { federatedProvider: 'cognito-identity.amazonaws.com' }), action: 'sts:AssumeRoleWithWebIdentity', resource: `arn:aws:iam::${ACCT}:role/web`, resourcePolicies: [pol('trust', [grant({ Federated: 'cognito-identity.amazonaws.com' }, 'sts:AssumeRoleWithWebIdentity')])] }, want: 'Allow' },
  { name: 'SNS delivering to a queue its policy allows for that topic', req: { principal: service('sns.amazonaws.com'), action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCT}:q`, context: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:t` }, resourcePolicies: [pol('resource', [grant({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage', { Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:t` } } })])] }, want: 'Allow' },
  { name: 'SNS delivering for another topic', req: { principal: service('sns.amazonaws.com'), action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCT}:q`, context: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:other` }, resourcePolicies: [pol('resource', [grant({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage', { Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCT}:t` } } })])] }, want: 'ImplicitDeny', by: 'resource' },

  { name: 'cross-account AssumeRole needs the trust policy and the caller’s identity policy', req: { principal: user('bob', OTHER), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('sts:AssumeRole', `arn:aws:iam::${ACCT}:role/app`)])], resourcePolicies: [pol('trust', [grant({ AWS: `arn:aws:iam::${OTHER}:user/bob` }, 'sts:AssumeRole')])] }, want: 'Allow' },
  { name: 'cross-account AssumeRole without the identity side', req: { principal: user('bob', OTHER), action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourceAccount: ACCT, resourcePolicies: [pol('trust', [grant({ AWS: `arn:aws:iam::${OTHER}:user/bob` }, 'sts:AssumeRole')])] }, want: 'ImplicitDeny', by: 'identity' },
  { name: 'anonymous callers cannot assume a role trusted to everyone in an account', req: { principal: anonymous, action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/app`, resourcePolicies: [pol('trust', [grant({ AWS: ACCT }, 'sts:AssumeRole')])] }, want: 'ImplicitDeny', by: 'trust' },

  // Permissions boundaries.
  { name: 'identity and boundary both allow', req: get(user('a', ACCT, { hasBoundary: true }), { identityPolicies: [pol('identity', [allow('s3:*')])], boundary: pol('boundary', [allow('s3:Get*')]) }), want: 'Allow' },
  { name: 'boundary limits the identity policy', req: get(user('a', ACCT, { hasBoundary: true }), { action: 's3:PutObject', identityPolicies: [pol('identity', [allow('s3:*')])], boundary: pol('boundary', [allow('s3:Get*')]) }), want: 'ImplicitDeny', by: 'boundary' },
  { name: 'explicit deny in the boundary', req: get(user('a', ACCT, { hasBoundary: true }), { identityPolicies: [pol('identity', [allow('s3:*')])], boundary: pol('boundary', [allow('*'), denyS('s3:GetObject')]) }), want: 'ExplicitDeny', by: 'boundary', msg: `User: arn:aws:iam::${ACCT}:user/a is not authorized to perform: s3:GetObject on resource: ${OBJ} with an explicit deny in a permissions boundary` },
  { name: 'boundary alone grants nothing', req: get(user('a', ACCT, { hasBoundary: true }), { boundary: pol('boundary', [allow('*')]) }), want: 'ImplicitDeny', by: 'identity' },

  // Session policies.
  { name: 'session policy intersects the role’s permissions (inside)', req: get(session(), { identityPolicies: [pol('identity', [allow('s3:*')])], sessionPolicies: [pol('session', [allow('s3:GetObject')])] }), want: 'Allow' },
  { name: 'session policy intersects the role’s permissions (outside)', req: get(session(), { action: 's3:DeleteObject', identityPolicies: [pol('identity', [allow('s3:*')])], sessionPolicies: [pol('session', [allow('s3:GetObject')])] }), want: 'ImplicitDeny', by: 'session', msg: `User: arn:aws:sts::${ACCT}:assumed-role/app/s1 is not authorized to perform: s3:DeleteObject on resource: ${OBJ} because no session policy allows the s3:DeleteObject action` },
  { name: 'a role session without session policy has the role’s permissions', req: get(session(), { identityPolicies: [pol('identity', [allow('s3:*')])] }), want: 'Allow' },
  { name: 'a federated user without session policy has none', req: get(federated(), { identityPolicies: [pol('identity', [allow('s3:*')])] }), want: 'ImplicitDeny', by: 'session' },

  // Service control policies.
  { name: 'FullAWSAccess at every level', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*')])], scps: [[fullAccess()], [fullAccess()], [fullAccess()]] }), want: 'Allow' },
  { name: 'an OU without an Allow denies everything below it', req: get(user(), { identityPolicies: [pol('identity', [allow('s3:*')])], scps: [[fullAccess()], [pol('scp', [allow('ec2:*')])], [fullAccess()]] }), want: 'ExplicitDeny', by: 'scp', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:GetObject on resource: ${OBJ} with an explicit deny in a service control policy` },
  { name: 'SCP denying a region', req: get(user(), { context: { 'aws:RequestedRegion': 'us-west-2' }, identityPolicies: [pol('identity', [allow('*')])], scps: [[fullAccess(), pol('scp', [denyS('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } })])]] }), want: 'ExplicitDeny', by: 'scp' },
  { name: 'SCP region guard lets the allowed region through', req: get(user(), { context: { 'aws:RequestedRegion': 'eu-west-1' }, identityPolicies: [pol('identity', [allow('*')])], scps: [[fullAccess(), pol('scp', [denyS('*', '*', { Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } })])]] }), want: 'Allow' },
  { name: 'SCPs bind the root user of a member account', req: get(root(), { scps: [[pol('scp', [allow('ec2:*')])]] }), want: 'ExplicitDeny', by: 'scp' },
  { name: 'the root user needs no policy in its own account', req: get(root()), want: 'Allow' },
  { name: 'a bucket policy can deny the root user', req: get(root(), { resourcePolicies: [pol('resource', [refuse({ AWS: ACCT }, 's3:GetObject')])] }), want: 'ExplicitDeny', by: 'resource' },
  { name: 'a resource control policy level without an Allow', req: get(user(), { identityPolicies: [pol('identity', [allow('*')])], rcps: [[pol('rcp', [grant('*', '*', { Resource: '*' })])], [pol('rcp', [refuse('*', 'kms:*', { Resource: '*' })])]] }), want: 'ExplicitDeny', by: 'rcp', msg: `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:GetObject on resource: ${OBJ} with an explicit deny in a resource control policy` },
  { name: 'SCPs do not bind service principals', req: { principal: service('sns.amazonaws.com'), action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-east-1:${ACCT}:q`, scps: [[pol('scp', [allow('ec2:*')])]], resourcePolicies: [pol('resource', [grant({ Service: 'sns.amazonaws.com' }, 'sqs:SendMessage')])] }, want: 'Allow' },
  { name: 'a resource control policy denying outsiders', req: get(user('bob', OTHER), { resourceAccount: ACCT, context: { 'aws:PrincipalOrgID': 'o-other' }, identityPolicies: [pol('identity', [allow('*')])], resourcePolicies: [pol('resource', [grant('*', 's3:GetObject')])], rcps: [[pol('rcp', [grant('*', '*', { Resource: '*' }), refuse('*', 's3:*', { Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-mine' } } })])]] }), want: 'ExplicitDeny', by: 'rcp' },

  // NotPrincipal.
  { name: 'NotPrincipal Deny spares the user named with its account', req: get(user('bob', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])], resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject'), { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${OTHER}:user/bob`, `arn:aws:iam::${OTHER}:root`] }, Action: 's3:*' }])] }), want: 'Allow' },
  { name: 'NotPrincipal Deny naming only the user still denies via its account', req: get(user('bob', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])], resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject'), { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${OTHER}:user/bob`] }, Action: 's3:*' }])] }), want: 'ExplicitDeny', by: 'resource' },
  { name: 'NotPrincipal Deny always covers a principal with a boundary', req: get(user('bob', OTHER, { hasBoundary: true }), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])], boundary: pol('boundary', [allow('*')]), resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject'), { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${OTHER}:user/bob`, `arn:aws:iam::${OTHER}:root`] }, Action: 's3:*' }])] }), want: 'ExplicitDeny', by: 'resource' },
  { name: 'NotPrincipal naming account, role and session spares the session', req: get(session('audit', 'app', OTHER), { resourceAccount: ACCT, identityPolicies: [pol('identity', [allow('s3:*')])], resourcePolicies: [pol('resource', [grant({ AWS: OTHER }, 's3:GetObject'), { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:sts::${OTHER}:assumed-role/audit/app`, `arn:aws:iam::${OTHER}:role/audit`, `arn:aws:iam::${OTHER}:root`] }, Action: 's3:*' }])] }), want: 'Allow' },

  // Anonymous access.
  { name: 'anonymous read through Principal *', req: get(anonymous, { resourcePolicies: [pol('resource', [grant('*', 's3:GetObject')])] }), want: 'Allow' },
  { name: 'anonymous read through {"AWS":"*"}', req: get(anonymous, { resourcePolicies: [pol('resource', [grant({ AWS: '*' }, 's3:GetObject')])] }), want: 'Allow' },
  { name: 'anonymous caller and an account grant', req: get(anonymous, { resourcePolicies: [pol('resource', [grant({ AWS: ACCT }, 's3:GetObject')])] }), want: 'ImplicitDeny', by: 'resource', msg: `User: anonymous is not authorized to perform: s3:GetObject on resource: ${OBJ} because no resource-based policy allows the s3:GetObject action` },
];

test('policy evaluation: the documented decisions, with the policy type AWS names', () => {
  assert.ok(cases.length >= 60, `a table of at least 60 cases (${cases.length})`);
  const wrong: string[] = [];
  for (const c of cases) {
    const d = evaluate(c.req);
    if (d.decision !== c.want) wrong.push(`${c.name}: ${d.decision} (${d.reason}), expected ${c.want}`);
    else if (c.by && d.deniedBy !== c.by) wrong.push(`${c.name}: denied by ${d.deniedBy}, expected ${c.by}`);
    else if (c.msg && message(c.req, d) !== c.msg) wrong.push(`${c.name}: message ${JSON.stringify(message(c.req, d))}`);
  }
  assert.deepEqual(wrong, []);
});

test('policy evaluation: decisions name the statements that applied', () => {
  const idp = pol('identity', [{ Sid: 'ReadAll', ...allow('s3:Get*') }, { Sid: 'NoSecrets', ...denyS('s3:*', 'arn:aws:s3:::bucket/secret/*') }]);
  const ok = evaluate(get(user(), { identityPolicies: [idp] }));
  assert.deepEqual(ok.matched, [{ policyId: idp.id, policyType: 'identity', index: 0, sid: 'ReadAll', effect: 'Allow' }]);
  assert.match(ok.reason, /allowed by identity-based policy identity-\d+ \(statement ReadAll\)/);
  const no = evaluate(get(user(), { resource: 'arn:aws:s3:::bucket/secret/x', identityPolicies: [idp] }));
  assert.equal(no.matched.length, 2);
  assert.match(no.reason, /explicit deny in identity-based policy identity-\d+ \(statement NoSecrets\)/);
  assert.deepEqual([ok, no, evaluate(get(user()))].map(simulationDecision), ['allowed', 'explicitDeny', 'implicitDeny']);
  const none = { principal: user(), action: 's3:ListAllMyBuckets', resource: '*' };
  assert.equal(message(none, evaluate(none)), `User: arn:aws:iam::${ACCT}:user/alice is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`, 'no "on resource" for *');
});


