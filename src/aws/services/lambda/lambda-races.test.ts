// Races the store port could open (issue 11 §7), through the AWS SDK v3: many concurrent requests on
// one function. The store runs with a networked driver's latency (test/support/store-latency.ts), so
// requests interleave between a handler's awaits; each test fails when its read-decides-write path is
// not one unit of work.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '@aws-sdk/client-lambda';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { ROLE, zipOf } from '../../../../test/support/lambda-kit.ts';
import { withStoreLatency } from '../../../../test/support/store-latency.ts';

let fb: TestFogbank;
let lambda: L.LambdaClient;
let undo: () => void;

before(async () => {
  fb = await startFogbank();
  lambda = fb.client(L.LambdaClient);
});
after(() => fb.stop());
beforeEach(async () => {
  await fb.reset();
  undo = withStoreLatency(fb.instance.env.store);
});
afterEach(() => undo());

const code = zipOf({ 'index.mjs': `export const handler = async (event) => event;` });

function create(name: string, extra: Partial<L.CreateFunctionCommandInput> = {}) {
  return lambda.send(new L.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: code }, ...extra }));
}

/** Sends `n` requests at once; returns the answers and the error names of the refused ones. */
async function together<T>(n: number, send: (i: number) => Promise<T>): Promise<{ ok: T[]; errors: string[] }> {
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => send(i)));
  const ok: T[] = [];
  const errors: string[] = [];
  for (const r of settled) {
    if (r.status === 'fulfilled') ok.push(r.value);
    else errors.push((r.reason as Error).name);
  }
  return { ok, errors };
}

async function active(name: string): Promise<void> {
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: name });
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10, minDelay: 1 }, { FunctionName: name });
}

test('N CreateFunction of one name: one function, the rest ResourceConflictException', async () => {
  const { ok, errors } = await together(8, (i) => create('contended', { Description: `d${i}` }));
  assert.equal(ok.length, 1, `one create succeeds (errors: ${errors.join(', ')})`);
  assert.deepEqual(new Set(errors), new Set(['ResourceConflictException']));
  const listed = await lambda.send(new L.ListFunctionsCommand({}));
  assert.deepEqual(listed.Functions?.map((f) => f.FunctionName), ['contended']);
  const got = await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'contended' }));
  assert.equal(got.Description, ok[0].Description, 'the function is the one whose create succeeded');
});

test('concurrent TagResource and UntagResource on one function lose no tag', async () => {
  const fn = await create('tagged', { Tags: { keep: 'yes', drop: 'soon' } });
  await Promise.all([
    ...Array.from({ length: 12 }, (_, i) => lambda.send(new L.TagResourceCommand({ Resource: fn.FunctionArn!, Tags: { [`k${i}`]: `v${i}` } }))),
    lambda.send(new L.UntagResourceCommand({ Resource: fn.FunctionArn!, TagKeys: ['drop'] })),
  ]);
  const { Tags } = await lambda.send(new L.ListTagsCommand({ Resource: fn.FunctionArn! }));
  const expected: Record<string, string> = { keep: 'yes' };
  for (let i = 0; i < 12; i++) expected[`k${i}`] = `v${i}`;
  assert.deepEqual(Tags, expected);
});

test('updates given one RevisionId: exactly one wins, the others are refused', async () => {
  const fn = await create('revised');
  await active('revised');
  const { ok, errors } = await together(6, (i) =>
    lambda.send(new L.UpdateFunctionConfigurationCommand({ FunctionName: 'revised', RevisionId: fn.RevisionId, Description: `update ${i}` })),
  );
  assert.equal(ok.length, 1, `one update succeeds (errors: ${errors.join(', ')})`);
  for (const e of errors) assert.ok(e === 'PreconditionFailedException' || e === 'ResourceConflictException', e);
  await active('revised');
  const got = await lambda.send(new L.GetFunctionConfigurationCommand({ FunctionName: 'revised' }));
  assert.equal(got.Description, ok[0].Description);
  assert.equal(got.RevisionId, ok[0].RevisionId);

  // Code updates store the package first (real I/O), then check again in the unit that writes.
  const { ok: coded, errors: refused } = await together(4, () =>
    lambda.send(new L.UpdateFunctionCodeCommand({ FunctionName: 'revised', RevisionId: got.RevisionId, ZipFile: code })),
  );
  assert.equal(coded.length, 1, `one code update succeeds (errors: ${refused.join(', ')})`);
  for (const e of refused) assert.ok(e === 'PreconditionFailedException' || e === 'ResourceConflictException', e);
});

test('concurrent PublishVersion of unchanged code: one version; aliases and statements of one name: one each', async () => {
  await create('published');
  await active('published');
  const published = await together(6, () => lambda.send(new L.PublishVersionCommand({ FunctionName: 'published' })));
  assert.equal(published.ok.length, 6, published.errors.join(', '));
  assert.deepEqual(new Set(published.ok.map((v) => v.Version)), new Set(['1']), 'every publish answers version 1');
  const versions = await lambda.send(new L.ListVersionsByFunctionCommand({ FunctionName: 'published' }));
  assert.deepEqual(versions.Versions?.map((v) => v.Version), ['$LATEST', '1']);

  const aliases = await together(6, (i) => lambda.send(new L.CreateAliasCommand({ FunctionName: 'published', Name: 'live', FunctionVersion: '1', Description: `a${i}` })));
  assert.equal(aliases.ok.length, 1, aliases.errors.join(', '));
  assert.deepEqual(new Set(aliases.errors), new Set(['ResourceConflictException']));

  const permissions = await together(6, () =>
    lambda.send(new L.AddPermissionCommand({ FunctionName: 'published', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com' })),
  );
  assert.equal(permissions.ok.length, 1, permissions.errors.join(', '));
  assert.deepEqual(new Set(permissions.errors), new Set(['ResourceConflictException']));
  const policy = JSON.parse((await lambda.send(new L.GetPolicyCommand({ FunctionName: 'published' }))).Policy!) as { Statement: unknown[] };
  assert.equal(policy.Statement.length, 1);
});

test('reserved concurrency under concurrent puts never breaks the unreserved minimum', async () => {
  const names = ['r0', 'r1', 'r2', 'r3', 'r4'];
  for (const n of names) await create(n);
  // 1000 concurrent executions, 100 kept unreserved: at most three reservations of 300 fit.
  const { ok, errors } = await together(names.length, (i) => lambda.send(new L.PutFunctionConcurrencyCommand({ FunctionName: names[i], ReservedConcurrentExecutions: 300 })));
  assert.equal(ok.length, 3, `three reservations fit (errors: ${errors.join(', ')})`);
  assert.deepEqual(new Set(errors), new Set(['InvalidParameterValueException']));
  const settings = await lambda.send(new L.GetAccountSettingsCommand({}));
  assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 100);
});

test('concurrent CreateFunctionUrlConfig: one URL, the rest ResourceConflictException', async () => {
  await create('served');
  const urls = await together(6, () => lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'served', AuthType: 'NONE' })));
  assert.equal(urls.ok.length, 1, urls.errors.join(', '));
  assert.deepEqual(new Set(urls.errors), new Set(['ResourceConflictException']));
  const got = await lambda.send(new L.GetFunctionUrlConfigCommand({ FunctionName: 'served' }));
  assert.equal(got.FunctionUrl, urls.ok[0].FunctionUrl, 'the URL kept is the one answered');
});

test('concurrent CreateEventSourceMapping of one source and function: one mapping', async () => {
  await create('served');
  // Disabled, so that no poller reaches the queue: the race is in the control plane.
  const source = 'arn:aws:sqs:us-east-1:000000000000:nowhere';
  const mappings = await together(6, () => lambda.send(new L.CreateEventSourceMappingCommand({ FunctionName: 'served', EventSourceArn: source, Enabled: false })));
  assert.equal(mappings.ok.length, 1, mappings.errors.join(', '));
  assert.deepEqual(new Set(mappings.errors), new Set(['ResourceConflictException']));
  assert.equal((await lambda.send(new L.ListEventSourceMappingsCommand({ FunctionName: 'served' }))).EventSourceMappings?.length, 1);
});

test('concurrent puts of settings kept in one document, and of invoke config members, keep every one', async () => {
  await create('served');
  // Two settings kept in one document, and two members of one invoke config: concurrent puts keep both.
  await lambda.send(new L.PutFunctionEventInvokeConfigCommand({ FunctionName: 'served', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }));
  await Promise.all([
    lambda.send(new L.PutRuntimeManagementConfigCommand({ FunctionName: 'served', UpdateRuntimeOn: 'FunctionUpdate' })),
    lambda.send(new L.PutFunctionRecursionConfigCommand({ FunctionName: 'served', RecursiveLoop: 'Allow' })),
    lambda.send(new L.UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'served', MaximumRetryAttempts: 0 })),
    lambda.send(new L.UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'served', MaximumEventAgeInSeconds: 60 })),
  ]);
  assert.equal((await lambda.send(new L.GetRuntimeManagementConfigCommand({ FunctionName: 'served' }))).UpdateRuntimeOn, 'FunctionUpdate');
  assert.equal((await lambda.send(new L.GetFunctionRecursionConfigCommand({ FunctionName: 'served' }))).RecursiveLoop, 'Allow');
  const config = await lambda.send(new L.GetFunctionEventInvokeConfigCommand({ FunctionName: 'served' }));
  assert.equal(config.MaximumRetryAttempts, 0);
  assert.equal(config.MaximumEventAgeInSeconds, 60);
});
