// Condition operators and policy variables through the engine: a statement allows s3:GetObject only
// when its Condition holds (or its Resource matches), so each case is one documented rule from "IAM JSON
// policy elements: Condition operators", "Conditions with multiple context keys or values" and "IAM
// policy elements: Variables and tags".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, evaluate, principalContext } from './index.ts';
import type { ContextValue, RequestPrincipal } from './index.ts';

const ACCT = '111122223333';
const alice: RequestPrincipal = { type: 'user', arn: `arn:aws:iam::${ACCT}:user/alice`, account: ACCT };
const OBJ = 'arn:aws:s3:::bucket/key.txt';

function allowed(statement: object, context: Record<string, ContextValue>, resource = OBJ, version: string | null = '2012-10-17'): boolean {
  const doc = version === null ? { Statement: [statement] } : { Version: version, Statement: [statement] };
  const policy = compilePolicy(JSON.stringify(doc), 'identity');
  return evaluate({ principal: alice, action: 's3:GetObject', resource, context, identityPolicies: [{ id: 'p', policy }] }).decision === 'Allow';
}
const when = (Condition: object) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition });

type Row = [name: string, condition: object, context: Record<string, ContextValue>, holds: boolean];
const SRC = `arn:aws:sns:us-east-1:${ACCT}:topic`;
const bytes = new Uint8Array([0x42, 0x69, 0x6e]);

const rows: Row[] = [
  ['StringEquals matches exactly', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'alice' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'Alice' }, false],
  ['StringEqualsIgnoreCase ignores case', { StringEqualsIgnoreCase: { 'aws:username': 'alice' } }, { 'aws:username': 'ALICE' }, true],
  ['StringNotEquals with another value', { StringNotEquals: { 'aws:username': 'bob' } }, { 'aws:username': 'alice' }, true],
  ['StringNotEquals with the same value', { StringNotEquals: { 'aws:username': 'alice' } }, { 'aws:username': 'alice' }, false],
  ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, { 'aws:username': 'alice' }, false],
  ['StringLike with *', { StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/docs' }, true],
  ['StringLike with ? is one character', { StringLike: { 's3:prefix': 'home/?' } }, { 's3:prefix': 'home/ab' }, false],
  ['StringLike needs wildcards for partial matches', { StringLike: { 's3:prefix': 'home' } }, { 's3:prefix': 'home/alice' }, false],
  ['StringNotLike', { StringNotLike: { 's3:prefix': 'private/*' } }, { 's3:prefix': 'home/x' }, true],
  ['condition key names are case-insensitive', { StringEquals: { 'AWS:PrincipalTag/Team': 'blue' } }, { 'aws:principaltag/team': 'blue' }, true],
  ['missing key: positive operator is false', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, {}, false],
  ['missing key: negated operator is true', { StringNotEquals: { 'aws:PrincipalTag/team': 'blue' } }, {}, true],
  ['missing key: …IfExists is true', { StringLikeIfExists: { 'ec2:InstanceType': 't2.*' } }, {}, true],
  ['present key: …IfExists still tests it', { StringLikeIfExists: { 'ec2:InstanceType': 't2.*' } }, { 'ec2:InstanceType': 'm5.large' }, false],
  ['missing key: negated …IfExists is true', { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }, {}, true],
  ['Null true: key absent', { Null: { 'aws:TokenIssueTime': 'true' } }, {}, true],
  ['Null true: key present', { Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, false],
  ['Null false: key present', { Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, true],
  ['NumericLessThanEquals at the limit', { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10' }, true],
  ['NumericLessThanEquals above it', { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 11 }, false],
  ['Numeric with a non-number request value', { NumericLessThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' }, false],
  ['NumericEquals with decimals', { NumericEquals: { 'x:n': '1.50' } }, { 'x:n': 1.5 }, true],
  ['NumericNotEquals', { NumericNotEquals: { 'x:n': ['1', '2'] } }, { 'x:n': 3 }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } }, { 'aws:MultiFactorAuthAge': 60 }, false],
  ['DateGreaterThan with a Date', { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } }, { 'aws:CurrentTime': new Date('2021-06-01T00:00:00Z') }, true],
  ['DateGreaterThan with an earlier ISO string', { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:01Z' } }, { 'aws:CurrentTime': '2019-12-31T23:59:59Z' }, false],
  ['DateLessThan with epoch seconds in the policy', { DateLessThan: { 'aws:EpochTime': '1577836800' } }, { 'aws:EpochTime': 1577836799 }, true],
  ['DateEquals across time zones', { DateEquals: { 'aws:CurrentTime': '2020-01-01T02:00:00+02:00' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, true],
  ['DateLessThanEquals with a date only', { DateLessThanEquals: { 'aws:CurrentTime': '2020-01-02' } }, { 'aws:CurrentTime': '2020-01-01T23:00:00Z' }, true],
  ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2020-01-01' } }, { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, false],
  ['Bool false against false', { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': false }, true],
  ['Bool with a JSON boolean value', { Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' }, true],
  ['Bool mismatch', { Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': true }, false],
  ['BinaryEquals with bytes', { BinaryEquals: { 'x:bin': Buffer.from(bytes).toString('base64') } }, { 'x:bin': bytes }, true],
  ['BinaryEquals with other bytes', { BinaryEquals: { 'x:bin': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, { 'x:bin': bytes }, false],
  ['IpAddress inside a v4 block', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.77' }, true],
  ['IpAddress outside it', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.114.1' }, false],
  ['IpAddress without a prefix means /32', { IpAddress: { 'aws:SourceIp': '203.0.113.5' } }, { 'aws:SourceIp': '203.0.113.6' }, false],
  ['IpAddress in a v6 block', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }, { 'aws:SourceIp': '2001:db8:1234:5678::9' }, true],
  ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { 'aws:SourceIp': '192.168.1.1' }, true],
  ['ArnLike with wildcards', { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:top*' } }, { 'aws:SourceArn': SRC }, true],
  ['ArnLike matches segment by segment', { ArnLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCT}:finance/*` } }, { 'aws:SourceArn': `arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCT}:finance/document.txt` }, false],
  ['StringLike matches that across segments', { StringLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCT}:finance/*` } }, { 'aws:SourceArn': `arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCT}:finance/document.txt` }, true],
  ['ArnNotEquals', { ArnNotEquals: { 'aws:SourceArn': SRC } }, { 'aws:SourceArn': SRC }, false],
  ['ForAllValues: every request value listed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team', 'cost'] } }, { 'aws:TagKeys': ['env', 'team'] }, true],
  ['ForAllValues: one value not listed', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } }, { 'aws:TagKeys': ['env', 'owner'] }, false],
  ['ForAllValues: key missing is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, {}, true],
  ['ForAllValues: empty set is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, { 'aws:TagKeys': [] }, true],
  ['ForAnyValue: one value listed', { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } }, { 'dynamodb:Attributes': ['PostDateTime', 'Message'] }, true],
  ['ForAnyValue: none listed', { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } }, { 'dynamodb:Attributes': ['UserName'] }, false],
  ['ForAnyValue: key missing is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, {}, false],
  ['ForAllValues with a negated operator', { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } }, { 'aws:TagKeys': ['env', 'secret'] }, false],
  ['ForAnyValue with a negated operator', { 'ForAnyValue:StringNotLike': { 'aws:TagKeys': ['team*'] } }, { 'aws:TagKeys': ['team-a', 'env'] }, true],
  ['ForAnyValue:StringLike with wildcards', { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['cost*'] } }, { 'aws:TagKeys': ['env', 'costcenter'] }, true],
  ['a multivalued key without a set operator: any value', { StringEquals: { 'aws:TagKeys': 'env' } }, { 'aws:TagKeys': ['team', 'env'] }, true],
  ['several values for a key: OR', { StringEquals: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'] } }, { 'aws:PrincipalTag/department': 'hr' }, true],
  ['several values, negated: NOR', { StringNotEquals: { 'aws:PrincipalAccount': ['111111111111', ACCT] } }, { 'aws:PrincipalAccount': ACCT }, false],
  ['several keys: AND', { StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'audit' } }, { 'aws:PrincipalTag/department': 'HR', 'aws:PrincipalTag/role': 'dev' }, false],
  ['several operators: AND', { StringEquals: { 'aws:PrincipalAccount': ACCT }, Bool: { 'aws:SecureTransport': 'true' } }, { 'aws:PrincipalAccount': ACCT, 'aws:SecureTransport': true }, true],
];

test('condition operators: each documented rule', () => {
  const wrong = rows.filter(([, condition, context, holds]) => allowed(when(condition), context) !== holds).map(([name]) => name);
  assert.deepEqual(wrong, []);
  assert.ok(rows.length >= 55);
});

test('condition operators: a Deny with a negated …IfExists still denies when the key is missing', () => {
  const policy = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:ResourceTag/team': 'blue' } } }] }), 'identity');
  const decide = (context: Record<string, ContextValue>) => evaluate({ principal: alice, action: 's3:GetObject', resource: OBJ, context, identityPolicies: [{ id: 'p', policy }] }).decision;
  assert.equal(decide({}), 'ExplicitDeny', 'a missing key makes the …IfExists condition true, so the Deny applies');
  assert.equal(decide({ 'aws:ResourceTag/team': 'red' }), 'ExplicitDeny');
  assert.equal(decide({ 'aws:ResourceTag/team': 'blue' }), 'Allow');
});

const home = (r: string) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: r });

test('policy variables: substitution, defaults, missing values, escapes, versions', () => {
  const tagged = { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'yellow' };
  const cases: Array<[string, boolean]> = [
    ['own folder', allowed(home('arn:aws:s3:::bucket/home/${aws:username}/*'), tagged, 'arn:aws:s3:::bucket/home/alice/a.txt')],
    ['another user’s folder', !allowed(home('arn:aws:s3:::bucket/home/${aws:username}/*'), tagged, 'arn:aws:s3:::bucket/home/bob/a.txt')],
    ['key names in variables are case-insensitive', allowed(home('arn:aws:s3:::bucket/home/${AWS:UserName}/*'), tagged, 'arn:aws:s3:::bucket/home/alice/a.txt')],
    ['a tag variable', allowed(home("arn:aws:s3:::team-${aws:PrincipalTag/team, 'company-wide'}/*"), tagged, 'arn:aws:s3:::team-yellow/x')],
    ['the default when the tag is missing', allowed(home("arn:aws:s3:::team-${aws:PrincipalTag/team, 'company-wide'}/*"), {}, 'arn:aws:s3:::team-company-wide/x')],
    ['no value and no default: the resource matches nothing', !allowed(home('arn:aws:s3:::team-${aws:PrincipalTag/team}/*'), {}, 'arn:aws:s3:::team-/x')],
    ['${*} is a literal star', allowed(home('arn:aws:s3:::bucket/${*}'), {}, 'arn:aws:s3:::bucket/*')],
    ['${*} is not a wildcard', !allowed(home('arn:aws:s3:::bucket/${*}'), {}, 'arn:aws:s3:::bucket/x')],
    ['${?} and ${$}', allowed(home('arn:aws:s3:::bucket/a${?}b${$}'), {}, 'arn:aws:s3:::bucket/a?b$')],
    ['a * in a variable value is literal', !allowed(home('arn:aws:s3:::bucket/${aws:PrincipalTag/team}/x'), { 'aws:PrincipalTag/team': '*' }, 'arn:aws:s3:::bucket/yellow/x')],
    ['Version 2008-10-17: variables are literal text', allowed(home('arn:aws:s3:::bucket/${aws:username}'), tagged, 'arn:aws:s3:::bucket/${aws:username}', '2008-10-17')],
    ['Version 2008-10-17: not substituted', !allowed(home('arn:aws:s3:::bucket/${aws:username}'), tagged, 'arn:aws:s3:::bucket/alice', '2008-10-17')],
    ['no Version: not substituted', !allowed(home('arn:aws:s3:::bucket/${aws:username}'), tagged, 'arn:aws:s3:::bucket/alice', null)],
    ['only after the fifth colon', !allowed(home('arn:aws:s3:::${aws:username}'.replace(':::', '::${aws:username}:')), tagged, 'arn:aws:s3::alice:alice')],
    ['in a StringLike condition', allowed(when({ StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } }), { ...tagged, 's3:prefix': 'home/alice/docs' })],
    ['in a StringLike condition, someone else', !allowed(when({ StringLike: { 's3:prefix': 'home/${aws:username}/*' } }), { ...tagged, 's3:prefix': 'home/bob/docs' })],
    ['a variable compared with another key', allowed(when({ StringEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/team}' } }), { ...tagged, 's3:ExistingObjectTag/Team': 'yellow' })],
    ['a variable with no value equals nothing', !allowed(when({ StringEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/team}' } }), { 's3:ExistingObjectTag/Team': 'yellow' })],
    ['…and a negated operator holds against it', allowed(when({ StringNotEquals: { 's3:ExistingObjectTag/Team': '${aws:PrincipalTag/team}' } }), { 's3:ExistingObjectTag/Team': 'yellow' })],
    ['in an ArnEquals condition', allowed(when({ ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:${aws:PrincipalAccount}:topic' } }), { 'aws:PrincipalAccount': ACCT, 'aws:SourceArn': SRC })],
    ['not in Numeric conditions', !allowed(when({ NumericEquals: { 's3:max-keys': '${x:limit}' } }), { 'x:limit': '5', 's3:max-keys': 5 })],
    ['a multivalued key is not a variable', !allowed(home('arn:aws:s3:::bucket/${aws:TagKeys}'), { 'aws:TagKeys': ['a'] }, 'arn:aws:s3:::bucket/a')],
  ];
  assert.deepEqual(cases.filter(([, ok]) => !ok).map(([name]) => name), []);
});

test('principal context: the aws:* keys AWS derives from the caller, usable in policies', () => {
  const now = new Date('2026-12-07T19:00:00.123Z');
  const u = principalContext(alice, { now, uniqueId: 'AIDAEXAMPLE123456789', tags: { team: 'blue' } });
  assert.deepEqual(u, {
    'aws:CurrentTime': '2026-12-07T19:00:00Z', 'aws:EpochTime': 1796670000, 'aws:PrincipalIsAWSService': false, 'aws:PrincipalType': 'User',
    'aws:PrincipalArn': alice.arn, 'aws:PrincipalAccount': ACCT, 'aws:username': 'alice', 'aws:userid': 'AIDAEXAMPLE123456789', 'aws:PrincipalTag/team': 'blue',
  });
  const s: RequestPrincipal = { type: 'role-session', arn: `arn:aws:sts::${ACCT}:assumed-role/app/i-0abc`, account: ACCT, roleArn: `arn:aws:iam::${ACCT}:role/svc/app` };
  const sc = principalContext(s, { now, uniqueId: 'AROAEXAMPLE123456789' });
  assert.equal(sc['aws:PrincipalArn'], `arn:aws:iam::${ACCT}:role/svc/app`, 'a session is known by its role’s ARN');
  assert.equal(sc['aws:userid'], 'AROAEXAMPLE123456789:i-0abc');
  assert.equal(sc['aws:username'], undefined, 'only IAM users have aws:username');
  assert.equal(principalContext({ type: 'anonymous', arn: '*' }, { now })['aws:PrincipalType'], 'Anonymous');
  assert.equal(principalContext({ type: 'root', arn: `arn:aws:iam::${ACCT}:root`, account: ACCT }, { now })['aws:userid'], ACCT);
  // Through a policy: a date window and the role's ARN.
  const policy = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/svc/*` }, DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' }, NumericGreaterThan: { 'aws:EpochTime': 1796669999 } } }] }), 'identity');
  const decide = (at: Date) => evaluate({ principal: s, action: 'sqs:SendMessage', resource: '*', context: principalContext(s, { now: at }), identityPolicies: [{ id: 'p', policy }] }).decision;
  assert.equal(decide(now), 'Allow');
  assert.equal(decide(new Date('2027-02-01T00:00:00Z')), 'ImplicitDeny');
});
