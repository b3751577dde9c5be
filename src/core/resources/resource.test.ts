import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllableClock } from '../clock.ts';
import { Database } from '../../store/database.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
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
  const store = new SqliteStore(db);
  const clock = new ControllableClock();
  clock.freeze(1_000);
  const ctx = (account = '000000000000', region = 'us-east-1') => ({ env: { store }, clock, service: 'ec2', operation: 'DescribeVpcs', account, region });
  return { db, store, clock, ctx };
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

test('a declared resource gets ids, ARNs, scope, paging, filters, tags and timed states', async () => {
  const { db, store, clock, ctx } = setup();
  const made = await Promise.all(['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16'].map((cidr) => vpcs.create(ctx(), { data: { cidr }, tags: { Name: cidr } })));
  await vpcs.create(ctx('111111111111'), { data: { cidr: '192.168.0.0/16' } });
  assert.match(made[0].id, /^vpc-[0-9a-f]{17}$/);
  assert.equal(made[0].arn, `arn:aws:ec2:us-east-1:000000000000:vpc/${made[0].id}`);
  assert.equal(vpcs.arn.match(made[0].arn)?.values.id, made[0].id);
  assert.equal(made[0].state, 'pending');
  // Scope: the other account's VPC is not listed, and not found by id.
  assert.equal((await vpcs.list(ctx())).items.length, 3);
  await assert.rejects(async () => vpcs.get(ctx('111111111111'), made[0].id), { code: 'InvalidVpcID.NotFound' });
  // Paging with the engine's tokens, bound to the scope.
  const first = (await vpcs.list(ctx(), { maxResults: 2 }));
  assert.equal(first.items.length, 2);
  const second = (await vpcs.list(ctx(), { maxResults: 2, nextToken: first.nextToken }));
  assert.deepEqual([...first.items, ...second.items].map((v) => v.id).sort(), made.map((v) => v.id).sort());
  assert.equal(second.nextToken, undefined);
  await assert.rejects(async () => vpcs.list(ctx(), { nextToken: first.nextToken + 'x' }), { code: 'InvalidPaginationToken' });
  await assert.rejects(async () => vpcs.list(ctx('111111111111'), { nextToken: first.nextToken }), { code: 'InvalidPaginationToken' });
  // Filters, including tags.
  assert.deepEqual((await vpcs.list(ctx(), { filters: [{ Name: 'tag:Name', Values: ['10.1.*'] }] })).items.map((v) => v.id), [made[1].id]);
  await assert.rejects(async () => vpcs.list(ctx(), { filters: [{ Name: 'colour', Values: ['x'] }] }), { code: 'InvalidParameterValue' });
  await assert.rejects(async () => vpcs.list(ctx(), { ids: ['vpc-00000000000000000'] }), { code: 'InvalidVpcID.NotFound' });
  // Tags with the declared rules.
  await vpcs.tag(ctx(), made[0].id, { env: 'prod' });
  assert.deepEqual((await vpcs.get(ctx(), made[0].id)).tags, { Name: '10.0.0.0/16', env: 'prod' });
  await assert.rejects(async () => vpcs.tag(ctx(), made[0].id, { 'AWS:x': 'v' }), /bad tag: reserved/);
  await vpcs.untag(ctx(), made[0].id, ['Name']);
  assert.deepEqual((await vpcs.get(ctx(), made[0].id)).tags, { env: 'prod' });
  // Timed states on the clock.
  const timers = vpcs.stateTimers(store, clock);
  for (const v of made) await timers.resume(v.arn);
  clock.advance(100);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual((await vpcs.list(ctx(), { filters: [{ Name: 'state', Values: ['available'] }] })).items.length, 3);
  timers.stop();
  // Update and delete.
  await vpcs.update(ctx(), made[2].id, (d) => ({ ...d, cidr: '10.9.0.0/16' }));
  assert.equal((await vpcs.get(ctx(), made[2].id)).data.cidr, '10.9.0.0/16');
  await vpcs.delete(ctx(), made[2].id);
  assert.equal((await vpcs.find(ctx(), made[2].id)), undefined);
  db.close();
});

test('idempotency: same token and input answer the first result, a different input is refused', async () => {
  const { db, store, clock } = setup();
  let runs = 0;
  const options = { store, clock, scope: { account: '000000000000', region: 'us-east-1' }, operation: 'RunInstances', mismatch: (t: string) => new Refusal('IdempotentParameterMismatch', `token ${t} reused`) };
  const a = (await idempotent('tok', { image: 'ami-1', count: 1 }, options, async () => ({ id: `i-${++runs}` })));
  const b = (await idempotent('tok', { count: 1, image: 'ami-1' }, options, async () => ({ id: `i-${++runs}` })));
  assert.deepEqual(a, b);
  assert.equal(runs, 1);
  await assert.rejects(async () => idempotent('tok', { image: 'ami-2', count: 1 }, options, async () => ({ id: `i-${++runs}` })), { code: 'IdempotentParameterMismatch' });
  assert.notDeepEqual((await idempotent(undefined, {}, options, async () => ({ id: `i-${++runs}` }))), a);
  // Another scope has its own tokens; tokens expire after a day.
  assert.notDeepEqual((await idempotent('tok', { image: 'ami-2' }, { ...options, scope: { account: '111111111111', region: 'us-east-1' } }, async () => ({ id: `i-${++runs}` }))), a);
  clock.advance(86_400_001);
  assert.notDeepEqual((await idempotent('tok', { image: 'ami-2', count: 1 }, options, async () => ({ id: `i-${++runs}` }))), a);
  db.close();
});

test('resource policies keep the text exactly and honour an expected revision', async () => {
  const { db, store } = setup();
  const arn = 'arn:aws:sqs:us-east-1:000000000000:q';
  const text = '{ "Version":"2012-10-17",\n  "Statement": [] }';
  const first = (await putPolicy(store, arn, text))!;
  assert.equal((await getPolicy(store, arn))?.policy, text);
  assert.equal((await putPolicy(store, arn, '{}', 'stale-revision')), undefined);
  assert.ok((await putPolicy(store, arn, '{}', first.revision)));
  assert.equal((await getPolicy(store, arn))?.policy, '{}');
  assert.equal((await deletePolicy(store, arn)), true);
  assert.equal((await deletePolicy(store, arn)), false);
  assert.equal((await getPolicy(store, arn)), undefined);
  db.close();
});

test('idempotency: a repeat that arrives while the first call is still creating gets its answer', async () => {
  const { db, store, clock } = setup();
  let runs = 0;
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const options = { store, clock, scope: { account: '000000000000', region: 'us-east-1' }, operation: 'RunInstances', mismatch: (t: string) => new Refusal('IdempotentParameterMismatch', `token ${t} reused`) };
  const create = async () => {
    runs++;
    await gate;
    return { id: `i-${runs}` };
  };
  const first = idempotent('slow', { image: 'ami-1' }, options, create);
  const repeat = idempotent('slow', { image: 'ami-1' }, options, create);
  await assert.rejects(idempotent('slow', { image: 'ami-2' }, options, create), { code: 'IdempotentParameterMismatch' });
  finish();
  assert.deepEqual(await first, { id: 'i-1' });
  assert.deepEqual(await repeat, { id: 'i-1' });
  assert.equal(runs, 1);
  db.close();
});
