// The chain on its own, with a provider that is not AWS: it needs nothing of any one cloud, maps
// errors, short-circuits answers given below the operation level, and records what the log shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Call, Chain, DELIVERY, INTERNAL_CALL, WIRE_REQUEST, type ChainProvider } from './chain.ts';
import { ServiceError } from './errors.ts';
import { Faults } from './faults.ts';
import { RequestLog } from './request-log.ts';
import type { Caller } from './caller.ts';
import type { Environment } from './environment.ts';

/** A made-up cloud: callers are named by a bearer token, operations by the path. */
class TokenCall extends Call {
  token: string | undefined = undefined;
  steps: string[] = [];
}

const provider: ChainProvider = {
  caller: (call: TokenCall): Caller => ({ accessKeyId: call.token ?? '', account: 'p-1', arn: `user:${call.token}`, userId: call.token ?? '' }),
  root: (account: string): Caller => ({ accessKeyId: 'internal', account, arn: `project:${account}`, userId: account }),
  route(call: TokenCall) {
    call.steps.push('route');
    if (call.http!.path === '/health') {
      call.answered = true;
      return;
    }
    call.operation = call.http!.path.slice(1);
    call.handler = async (input: { n: number }) => {
      call.steps.push('handle');
      if (input.n < 0) throw new Error('a bug');
      return { doubled: input.n * 2 };
    };
  },
  authenticate(call: TokenCall) {
    call.steps.push('authenticate');
    if (!call.token) throw new ServiceError('UNAUTHENTICATED', 'no token', 401);
  },
  validate(call: TokenCall) {
    call.steps.push('validate');
    if (typeof (call.input as { n?: unknown }).n !== 'number') throw new ServiceError('INVALID_ARGUMENT', 'n must be a number', 400);
  },
  internalError: (_err, call) => new ServiceError('INTERNAL', `internal error (request ${call.requestId})`, 500),
};

function setup() {
  const requests = new RequestLog();
  const faults = new Faults();
  const env = { requests, faults, clock: {}, log: {} } as unknown as Environment;
  return { chain: new Chain(env), requests, faults };
}

function wire(path: string, input: unknown, token?: string): TokenCall {
  const call = new TokenCall(WIRE_REQUEST, provider, 'POST', path);
  call.service = 'widgets';
  call.region = 'europe-west1';
  call.http = { method: 'POST', path, query: '', headers: {}, body: Buffer.alloc(0) };
  call.input = input;
  call.token = token;
  return call;
}

test('a wire call runs route, authenticate, validate and the handler, and is recorded', async () => {
  const { chain, requests } = setup();
  const call = wire('/Double', { n: 21 }, 'alice');
  await chain.run(call);
  assert.equal(call.error, undefined);
  assert.deepEqual(call.output, { doubled: 42 });
  assert.deepEqual(call.steps, ['route', 'authenticate', 'validate', 'handle']);
  assert.equal(call.ctx?.caller.arn, 'user:alice');
  assert.equal(call.ctx?.operation, 'Double');
  chain.record(call);
  const [entry] = requests.entries();
  assert.deepEqual(
    { kind: entry.kind, service: entry.service, operation: entry.operation, account: entry.account, region: entry.region, status: entry.status, errorCode: entry.errorCode },
    { kind: 'request', service: 'widgets', operation: 'Double', account: 'p-1', region: 'europe-west1', status: 200, errorCode: undefined },
  );
});

test('failures are mapped: a ServiceError stands, anything else is the provider internal error', async () => {
  const { chain } = setup();
  const unsigned = wire('/Double', { n: 1 });
  await chain.run(unsigned);
  assert.deepEqual([unsigned.error?.code, unsigned.status, unsigned.errorCode], ['UNAUTHENTICATED', 401, 'UNAUTHENTICATED']);
  assert.deepEqual(unsigned.steps, ['route', 'authenticate'], 'nothing after a failed step runs');
  const invalid = wire('/Double', { n: 'x' }, 'bob');
  await chain.run(invalid);
  assert.equal(invalid.error?.code, 'INVALID_ARGUMENT');
  const bug = wire('/Double', { n: -1 }, 'bob');
  await chain.run(bug);
  assert.deepEqual([bug.error?.code, bug.status], ['INTERNAL', 500]);
  assert.match(bug.error!.message, new RegExp(bug.requestId));
});

test('an answer below the operation level ends the chain after route', async () => {
  const { chain } = setup();
  const call = wire('/health', {});
  await chain.run(call);
  assert.equal(call.answered, true);
  assert.equal(call.error, undefined);
  assert.deepEqual(call.steps, ['route']);
});

test('trusted kinds skip route and authenticate, act as the account root, and meet faults like any call', async () => {
  const { chain, faults } = setup();
  for (const kind of [INTERNAL_CALL, DELIVERY]) {
    const call = new TokenCall(kind, provider, kind === DELIVERY ? 'DELIVER' : 'INTERNAL', 'widgets.Double');
    call.service = 'widgets';
    call.operation = 'Double';
    call.account = 'p-2';
    call.region = 'europe-west1';
    call.http = { method: 'POST', path: '/', query: '', headers: {}, body: Buffer.alloc(0) };
    call.input = { n: 2 };
    call.handler = async (input: { n: number }) => ({ doubled: input.n * 2 });
    faults.add({ service: 'widgets', operation: 'Double', account: 'p-2', error: { code: 'RESOURCE_EXHAUSTED', status: 429 }, times: 1 });
    await chain.run(call);
    assert.deepEqual([call.error?.code, call.status], ['RESOURCE_EXHAUSTED', 429], kind.name);
    assert.equal(call.caller?.arn, 'project:p-2');
    assert.deepEqual(call.steps, [], `${kind.name}: no route, no authenticate; the fault came before validate`);
  }
});

test('a replaced authorize step sees the caller and the operation before the handler runs', async () => {
  const { chain } = setup();
  chain.authorize = (call) => {
    if (call.caller?.arn !== 'user:admin') throw new ServiceError('PERMISSION_DENIED', `${call.caller?.arn} may not call ${call.operation}`, 403);
  };
  const denied = wire('/Double', { n: 1 }, 'eve');
  await chain.run(denied);
  assert.deepEqual([denied.error?.code, denied.error?.message], ['PERMISSION_DENIED', 'user:eve may not call Double']);
  assert.deepEqual(denied.steps, ['route', 'authenticate']);
  const allowed = wire('/Double', { n: 1 }, 'admin');
  await chain.run(allowed);
  assert.deepEqual(allowed.output, { doubled: 2 });
});
