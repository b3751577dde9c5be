import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllableClock } from '../clock.ts';
import { Database } from '../../store/database.ts';
import { defineResource } from './resource.ts';
import { idempotent } from './idempotency.ts';
import { deletePolicy, getPolicy, putPolicy } from './policies.ts';

class Refusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function setup() {
  const db = new Database(':memory:');
  const clock = new ControllableClock();
  clock.freeze(1_000);
  const ctx = (account = '000000000000', region = 'us-east-1') => ({ env: { db }, clock, service: 'ec2', operation: 'DescribeVpcs', account, region });
  return { db, clock, ctx };
}

const vpcs = defineResource<{ cidr: string }, 'pending' | 'available'>({
  service: 'ec2',
  kind: 'vpc',
  scope: 'regional',
  id: { kind: 'ec2', prefix: 'vpc' },
  arn: 'vpc/{id}',
  states: { initial: 'pending', transitions: {}, timed: { pending: ['available', 100] } },
  filters: { cidr: (v) => v.data.cidr, state: (v) => v.state },
  errors: {
    notFound: (id) => new Refusal('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
    invalidToken: () => new Refusal('InvalidPaginationToken', 'Invalid pagination token'),
    invalidFilter: (name) => new Refusal('InvalidParameterValue', `The filter '${name}' is invalid`),
  },
  tags: { error: (p) => new Refusal('InvalidParameterValue', `bad tag: ${p.kind}`), reservedIgnoresCase: true },
});

test('a declared resource gets ids, ARNs, scope, paging, filters, tags and timed states', () => {
  const { db, clock, ctx } = setup();
  const made = ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16'].map((cidr) => vpcs.create(ctx(), { data: { cidr }, tags: { Name: cidr } }));
  vpcs.create(ctx('111111111111'), { data: { cidr: '192.168.0.0/16' } });
  assert.match(made[0].id, /^vpc-[0-9a-f]{17}$/);
  assert.equal(made[0].arn, `arn:aws:ec2:us-east-1:000000000000:vpc/${made[0].id}`);
  assert.equal(vpcs.arn.match(made[0].arn)?.values.id, made[0].id);
  assert.equal(made[0].state, 'pending');
  // Scope: the other account's VPC is not listed, and not found by id.
  assert.equal(vpcs.list(ctx()).items.length, 3);
  assert.throws(() => vpcs.get(ctx('111111111111'), made[0].id), { code: 'InvalidVpcID.NotFound' });
  // Paging with the engine's tokens, bound to the scope.
  const first = vpcs.list(ctx(), { maxResults: 2 });
  assert.equal(first.items.length, 2);
  const second = vpcs.list(ctx(), { maxResults: 2, nextToken: first.nextToken });
  assert.deepEqual([...first.items, ...second.items].map((v) => v.id).sort(), made.map((v) => v.id).sort());
  assert.equal(second.nextToken, undefined);
  assert.throws(() => vpcs.list(ctx(), { nextToken: first.nextToken + 'x' }), { code: 'InvalidPaginationToken' });
  assert.throws(() => vpcs.list(ctx('111111111111'), { nextToken: first.nextToken }), { code: 'InvalidPaginationToken' });
  // Filters, including tags.
  assert.deepEqual(vpcs.list(ctx(), { filters: [{ Name: 'tag:Name', Values: ['10.1.*'] }] }).items.map((v) => v.id), [made[1].id]);
  assert.throws(() => vpcs.list(ctx(), { filters: [{ Name: 'colour', Values: ['x'] }] }), { code: 'InvalidParameterValue' });
  assert.throws(() => vpcs.list(ctx(), { ids: ['vpc-00000000000000000'] }), { code: 'InvalidVpcID.NotFound' });
  // Tags with the declared rules.
  vpcs.tag(ctx(), made[0].id, { env: 'prod' });
  assert.deepEqual(vpcs.get(ctx(), made[0].id).tags, { Name: '10.0.0.0/16', env: 'prod' });
  assert.throws(() => vpcs.tag(ctx(), made[0].id, { 'AWS:x': 'v' }), /bad tag: reserved/);
  vpcs.untag(ctx(), made[0].id, ['Name']);
  assert.deepEqual(vpcs.get(ctx(), made[0].id).tags, { env: 'prod' });
  // Timed states on the clock.
  const timers = vpcs.stateTimers(db, clock);
  for (const v of made) timers.resume(v.arn);
  clock.advance(100);
  assert.deepEqual(vpcs.list(ctx(), { filters: [{ Name: 'state', Values: ['available'] }] }).items.length, 3);
  timers.stop();
  // Update and delete.
  vpcs.update(ctx(), made[2].id, (d) => ({ ...d, cidr: '10.9.0.0/16' }));
  assert.equal(vpcs.get(ctx(), made[2].id).data.cidr, '10.9.0.0/16');
  vpcs.delete(ctx(), made[2].id);
  assert.equal(vpcs.find(ctx(), made[2].id), undefined);
  db.close();
});

test('idempotency: same token and input answer the first result, a different input is refused', () => {
  const { db, clock } = setup();
  let runs = 0;
  const options = { db, clock, scope: { account: '000000000000', region: 'us-east-1' }, operation: 'RunInstances', mismatch: (t: string) => new Refusal('IdempotentParameterMismatch', `token ${t} reused`) };
  const a = idempotent('tok', { image: 'ami-1', count: 1 }, options, () => ({ id: `i-${++runs}` }));
  const b = idempotent('tok', { count: 1, image: 'ami-1' }, options, () => ({ id: `i-${++runs}` }));
  assert.deepEqual(a, b);
  assert.equal(runs, 1);
  assert.throws(() => idempotent('tok', { image: 'ami-2', count: 1 }, options, () => ({ id: `i-${++runs}` })), { code: 'IdempotentParameterMismatch' });
  assert.notDeepEqual(idempotent(undefined, {}, options, () => ({ id: `i-${++runs}` })), a);
  // Another scope has its own tokens; tokens expire after a day.
  assert.notDeepEqual(idempotent('tok', { image: 'ami-2' }, { ...options, scope: { account: '111111111111', region: 'us-east-1' } }, () => ({ id: `i-${++runs}` })), a);
  clock.advance(86_400_001);
  assert.notDeepEqual(idempotent('tok', { image: 'ami-2', count: 1 }, options, () => ({ id: `i-${++runs}` })), a);
  db.close();
});

test('resource policies keep the text exactly and honour an expected revision', () => {
  const { db } = setup();
  const arn = 'arn:aws:sqs:us-east-1:000000000000:q';
  const text = '{ "Version":"2012-10-17",\n  "Statement": [] }';
  const first = putPolicy(db, arn, text)!;
  assert.equal(getPolicy(db, arn)?.policy, text);
  assert.equal(putPolicy(db, arn, '{}', 'stale-revision'), undefined);
  assert.ok(putPolicy(db, arn, '{}', first.revision));
  assert.equal(getPolicy(db, arn)?.policy, '{}');
  assert.equal(deletePolicy(db, arn), true);
  assert.equal(deletePolicy(db, arn), false);
  assert.equal(getPolicy(db, arn), undefined);
  db.close();
});
