// The matchers against simple oracles: ARN patterns segment by segment (random patterns and values
// against a regex translation per segment), actions case-insensitively, principals by level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileActions, compileArnPattern, addAwsPrincipal, emptyPrincipalSpec, principalLevel, notPrincipalApplies, ACCOUNT, DIRECT, ENTITY, NO_MATCH } from './match.ts';
import type { RequestPrincipal } from './types.ts';

/** Documented semantics, written the slow obvious way: six segments, the last one the rest; `*`/`?` per segment. */
function arnOracle(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const split = (s: string, n: number) => {
    const parts = s.split(':');
    return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(':')];
  };
  const p = split(pattern, 6);
  const v = split(value, p.length);
  if (v.length !== p.length) return false;
  return p.every((seg, i) => new RegExp(`^${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`, 's').test(v[i]));
}

test('ARN patterns agree with the per-segment oracle on 20,000 random cases', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[rand(alphabet.length)]).join('');
  let matches = 0;
  for (let i = 0; i < 20_000; i++) {
    const pattern = pick('ab:*?', 1 + rand(12));
    const value = pick('ab:', rand(14));
    const expected = arnOracle(pattern, value);
    matches += expected ? 1 : 0;
    assert.equal(compileArnPattern(pattern).test(value), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(value)}`);
  }
  assert.ok(matches > 1000, `the cases exercise matches too (${matches})`);
});

test('ARN patterns: the documented examples', () => {
  const p = compileArnPattern('arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*');
  for (const key of ['1/test/object.jpg', '1/2/test/object.jpg', '1/2/3/test/4/object.jpg', '1///test///object.jpg', '1/test/.jpg', '/test/object.jpg']) assert.ok(p.test(`arn:aws:s3:::DOC-EXAMPLE-BUCKET/${key}`), key);
  assert.ok(!p.test('arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/object.jpg'));
  assert.ok(compileArnPattern('arn:aws:codebuild:*').test('arn:aws:codebuild:us-east-1:111122223333:project/p'), 'a short pattern’s last segment covers the rest');
  assert.ok(!compileArnPattern('arn:aws:iam::*:user/*').test('arn:aws:iam::111122223333:role/user/x'));
});

test('actions: case-insensitive, wildcards, exact names', () => {
  const m = compileActions(['s3:GetObject', 'SQS:Send*', 'ec2:Describe?nstances']);
  assert.ok(m.test('s3:getobject') && m.test('sqs:sendmessagebatch') && m.test('ec2:describeinstances'));
  assert.ok(!m.test('s3:getobjectacl') && !m.test('sqs:receivemessage') && !m.test('ec2:describeinstance'));
  assert.ok(compileActions(['*']).test('anything:at-all'));
});

test('principals: the level at which a statement names the caller', () => {
  const spec = emptyPrincipalSpec();
  for (const v of ['111122223333', 'arn:aws:iam::444455556666:role/app', 'arn:aws:iam::777788889999:user/bob', 'arn:aws:sts::777788889999:assumed-role/x/s']) assert.ok(addAwsPrincipal(spec, v), v);
  for (const v of ['bob', 'arn:aws:iam::111122223333:user/*', 'arn:aws:s3:::bucket', '11112222333']) assert.ok(!addAwsPrincipal(emptyPrincipalSpec(), v), v);
  const user = (acct: string, name: string): RequestPrincipal => ({ type: 'user', arn: `arn:aws:iam::${acct}:user/${name}`, account: acct });
  assert.equal(principalLevel(spec, user('777788889999', 'bob')), DIRECT);
  assert.equal(principalLevel(spec, user('111122223333', 'anyone')), ACCOUNT, 'an account id names every principal of it');
  assert.equal(principalLevel(spec, user('777788889999', 'carol')), NO_MATCH);
  const session = (acct: string, role: string, s: string): RequestPrincipal => ({ type: 'role-session', arn: `arn:aws:sts::${acct}:assumed-role/${role}/${s}`, account: acct, roleArn: `arn:aws:iam::${acct}:role/${role}` });
  assert.equal(principalLevel(spec, session('444455556666', 'app', 'any')), ENTITY, 'a role ARN names its sessions');
  assert.equal(principalLevel(spec, session('777788889999', 'x', 's')), DIRECT);
  assert.equal(principalLevel(spec, session('777788889999', 'x', 'other')), NO_MATCH, 'a session ARN names that session only');
  assert.equal(principalLevel(spec, { type: 'anonymous', arn: '*' }), NO_MATCH);
  assert.equal(principalLevel(spec, { type: 'root', arn: 'arn:aws:iam::111122223333:root', account: '111122223333' }), DIRECT);
  assert.ok(notPrincipalApplies(spec, user('555555555555', 'x')));
  assert.ok(notPrincipalApplies(spec, user('777788889999', 'bob')), 'bob is named but his account is not');
});
