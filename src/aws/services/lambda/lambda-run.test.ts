// Functions that really run, without Docker: Node (CommonJS, ESM, callbacks, streaming), Python and
// custom runtimes as local processes on Fogbank's Runtime API, with Lambda's environment, errors,
// timeouts, warm reuse, scaling, logs in CloudWatch, asynchronous retries and destinations, response
// streaming, function URLs, and SDK calls from inside a function reaching Fogbank.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import * as L from '@aws-sdk/client-lambda';
import * as CW from '@aws-sdk/client-cloudwatch-logs';
import * as SQS from '@aws-sdk/client-sqs';
import * as S3 from '@aws-sdk/client-s3';
import { startFogbank, type TestFogbank } from '../../../testing/index.ts';
import { ROLE, admin, json, request, text, waitFor, zipOf } from '../../../../test/support/lambda-kit.ts';

let fb: TestFogbank;
let lambda: L.LambdaClient;
let logs: CW.CloudWatchLogsClient;
let sqs: SQS.SQSClient;

before(async () => {
  fb = await startFogbank();
  lambda = fb.client(L.LambdaClient);
  logs = fb.client(CW.CloudWatchLogsClient);
  sqs = fb.client(SQS.SQSClient);
});
after(() => fb.stop());
beforeEach(() => fb.reset());

async function fn(name: string, files: Record<string, string | { data: string; mode: number }>, extra: Partial<L.CreateFunctionCommandInput> = {}) {
  return lambda.send(new L.CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipOf(files) }, ...extra }));
}

async function invoke(name: string, payload: unknown = {}, extra: Partial<L.InvokeCommandInput> = {}) {
  return lambda.send(new L.InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload), ...extra }));
}

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new SQS.CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function receive(url: string, max = 10): Promise<SQS.Message[]> {
  return (await sqs.send(new SQS.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }))).Messages ?? [];
}

async function logLines(group: string): Promise<string[]> {
  return waitFor(async () => {
    try {
      const r = await logs.send(new CW.FilterLogEventsCommand({ logGroupName: group }));
      return r.events?.length ? r.events.map((e) => e.message!) : undefined;
    } catch {
      return undefined;
    }
  }, 5000, `logs in ${group}`);
}

test('Node handlers: CommonJS, ESM (.mjs and "type": "module"), callbacks, nested paths, context and environment', async () => {
  await fn('cjs', { 'index.js': `exports.handler = async (event, context) => ({ event, id: context.awsRequestId, name: context.functionName, version: context.functionVersion, arn: context.invokedFunctionArn, mem: context.memoryLimitInMB, left: context.getRemainingTimeInMillis(), group: context.logGroupName, stream: context.logStreamName, env: { region: process.env.AWS_REGION, handler: process.env._HANDLER, api: process.env.AWS_LAMBDA_RUNTIME_API, endpoint: process.env.AWS_ENDPOINT_URL, custom: process.env.CUSTOM, exec: process.env.AWS_EXECUTION_ENV, key: process.env.AWS_ACCESS_KEY_ID, token: !!process.env.AWS_SESSION_TOKEN, root: process.env.LAMBDA_TASK_ROOT === process.cwd(), tz: process.env.TZ } });` }, { Environment: { Variables: { CUSTOM: 'yes' } }, MemorySize: 256, Timeout: 7 });
  const r = await invoke('cjs', { hello: 'world' });
  assert.equal(r.StatusCode, 200);
  assert.equal(r.FunctionError, undefined);
  assert.equal(r.ExecutedVersion, '$LATEST');
  const out = json(r.Payload);
  assert.deepEqual(out.event, { hello: 'world' });
  assert.equal(out.id, r.$metadata.requestId);
  assert.equal(out.name, 'cjs');
  assert.equal(out.version, '$LATEST');
  assert.equal(out.arn, 'arn:aws:lambda:us-east-1:000000000000:function:cjs');
  assert.equal(out.mem, '256');
  assert.ok(out.left > 6000 && out.left <= 7000, String(out.left));
  assert.equal(out.group, '/aws/lambda/cjs');
  assert.match(out.stream, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(out.env.region, 'us-east-1');
  assert.equal(out.env.handler, 'index.handler');
  assert.match(out.env.api, /^127\.0\.0\.1:\d+$/);
  assert.equal(out.env.endpoint, fb.endpoint);
  assert.equal(out.env.custom, 'yes');
  assert.equal(out.env.exec, 'AWS_Lambda_nodejs22.x');
  assert.match(out.env.key, /^ASIA/);
  assert.equal(out.env.token, true);
  assert.equal(out.env.root, true);
  assert.equal(out.env.tz, ':UTC');

  await fn('esm', { 'index.mjs': `import { setTimeout as sleep } from 'node:timers/promises'; await sleep(1); export const handler = async (e) => 'esm ' + e.n;` });
  assert.equal(json((await invoke('esm', { n: 1 })).Payload), 'esm 1');
  await fn('typemodule', { 'package.json': '{"type":"module"}', 'src/app.js': `export const main = async () => 'module js';` }, { Handler: 'src/app.main' });
  assert.equal(json((await invoke('typemodule')).Payload), 'module js');
  await fn('callback', { 'index.js': `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { done: event.n + 1 }), 5); };` }, { Runtime: 'nodejs20.x' });
  assert.deepEqual(json((await invoke('callback', { n: 41 })).Payload), { done: 42 });
  await fn('cb-error', { 'index.js': `exports.handler = (event, context, callback) => callback(new TypeError('bad input'));` }, { Runtime: 'nodejs18.x' });
  const e = await invoke('cb-error');
  assert.equal(e.FunctionError, 'Unhandled');
  assert.equal(json(e.Payload).errorType, 'TypeError');
  // nodejs24.x no longer accepts callback handlers.
  await fn('cb24', { 'index.js': `exports.handler = (event, context, callback) => callback(null, 1);` }, { Runtime: 'nodejs24.x' });
  const r24 = await invoke('cb24');
  assert.equal(r24.FunctionError, 'Unhandled');
  assert.equal(json(r24.Payload).errorType, 'Runtime.CallbackHandlerDeprecated');
});

test('Python handlers: context object, logging, errors in the Python runtime\'s shape, and the interpreter named', async () => {
  await fn('py', { 'lambda_function.py': `
import os, logging, json
logger = logging.getLogger()
logger.setLevel(logging.INFO)
def handler(event, context):
    logger.info('processing %s', event['n'])
    print('printed line')
    return {
        'n': event['n'] * 2,
        'id': context.aws_request_id,
        'name': context.function_name,
        'mem': context.memory_limit_in_mb,
        'left': context.get_remaining_time_in_millis(),
        'arn': context.invoked_function_arn,
        'env': os.environ.get('MY_VAR'),
        'region': os.environ['AWS_REGION'],
    }
def fail(event, context):
    raise ValueError('no good')
` }, { Runtime: 'python3.12', Handler: 'lambda_function.handler', Environment: { Variables: { MY_VAR: 'set' } } });
  const r = await invoke('py', { n: 21 }, { LogType: 'Tail' });
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  const out = json(r.Payload);
  assert.equal(out.n, 42);
  assert.equal(out.id, r.$metadata.requestId);
  assert.equal(out.name, 'py');
  assert.equal(out.mem, '128');
  assert.ok(out.left > 2000 && out.left <= 3000);
  assert.equal(out.env, 'set');
  assert.equal(out.region, 'us-east-1');
  const tail = Buffer.from(r.LogResult!, 'base64').toString();
  assert.match(tail, /printed line/);
  assert.match(tail, new RegExp(`\\[INFO\\]\\t\\S+Z\\t${r.$metadata.requestId}\\tprocessing 21`));
  const lines = await logLines('/aws/lambda/py');
  assert.ok(lines.some((l) => /^INIT_START Runtime Version: python:3\.12 \(Fogbank: \S+python3\S*, Python 3\.\d+\.\d+\)/.test(l)), lines.join('\n'));

  await lambda.send(new L.UpdateFunctionConfigurationCommand({ FunctionName: 'py', Handler: 'lambda_function.fail' }));
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 5, minDelay: 1 }, { FunctionName: 'py' });
  const f = await invoke('py');
  assert.equal(f.FunctionError, 'Unhandled');
  const err = json(f.Payload);
  assert.equal(err.errorType, 'ValueError');
  assert.equal(err.errorMessage, 'no good');
  assert.equal(err.requestId, f.$metadata.requestId);
  assert.ok(Array.isArray(err.stackTrace) && err.stackTrace.some((s: string) => s.includes('lambda_function.py')));
});

test('custom runtime (provided.al2023): the zip\'s bootstrap speaks the Runtime API', async () => {
  const bootstrap = `#!/usr/bin/env python3
import json, os, urllib.request
api = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] + '/2018-06-01/runtime/invocation/'
while True:
    with urllib.request.urlopen(api + 'next') as r:
        rid = r.headers['Lambda-Runtime-Aws-Request-Id']
        event = json.loads(r.read())
    body = json.dumps({'echo': event, 'handler': os.environ['_HANDLER'], 'rid': rid}).encode()
    urllib.request.urlopen(urllib.request.Request(api + rid + '/response', data=body, method='POST')).read()
`;
  await fn('custom', { bootstrap: { data: bootstrap, mode: 0o755 } }, { Runtime: 'provided.al2023', Handler: 'my.handler' });
  const r = await invoke('custom', { x: 1 });
  assert.deepEqual(json(r.Payload), { echo: { x: 1 }, handler: 'my.handler', rid: r.$metadata.requestId });
  await fn('nobootstrap', { 'other.txt': 'x' }, { Runtime: 'provided.al2', Handler: 'x' });
  const missing = await invoke('nobootstrap');
  assert.equal(missing.FunctionError, 'Unhandled');
  assert.equal(json(missing.Payload).errorType, 'Runtime.InvalidEntrypoint');
});

test('errors: unhandled, init failures, a crashing process, and timeouts that kill the worker', async () => {
  await fn('throws', { 'index.mjs': `export const handler = async () => { const e = new Error('boom'); e.name = 'CustomError'; throw e; };` });
  const r = await invoke('throws', {}, { LogType: 'Tail' });
  assert.equal(r.StatusCode, 200);
  assert.equal(r.FunctionError, 'Unhandled');
  const p = json(r.Payload);
  assert.equal(p.errorType, 'CustomError');
  assert.equal(p.errorMessage, 'boom');
  assert.ok(Array.isArray(p.trace) && p.trace[0] === 'CustomError: boom');
  assert.match(Buffer.from(r.LogResult!, 'base64').toString(), /ERROR\tInvoke Error \t\{"errorType":"CustomError"/);

  await fn('noimport', { 'index.js': `require('does-not-exist'); exports.handler = async () => 1;` });
  const imp = await invoke('noimport');
  assert.equal(imp.FunctionError, 'Unhandled');
  assert.equal(json(imp.Payload).errorType, 'Runtime.ImportModuleError');
  await fn('nohandler', { 'index.js': `exports.other = async () => 1;` });
  assert.equal(json((await invoke('nohandler')).Payload).errorType, 'Runtime.HandlerNotFound');
  await fn('syntax', { 'index.mjs': `export const handler = async () => {;` });
  assert.equal(json((await invoke('syntax')).Payload).errorType, 'Runtime.UserCodeSyntaxError');
  await fn('pyimport', { 'app.py': 'import not_a_module\ndef handler(e, c):\n    return 1\n' }, { Runtime: 'python3.11', Handler: 'app.handler' });
  const pyimp = json((await invoke('pyimport')).Payload);
  assert.equal(pyimp.errorType, 'Runtime.ImportModuleError');
  assert.match(pyimp.errorMessage, /Unable to import module 'app': No module named 'not_a_module'/);

  await fn('exits', { 'index.js': `exports.handler = async () => { process.exit(3); };` });
  const ex = await invoke('exits');
  assert.equal(ex.FunctionError, 'Unhandled');
  assert.deepEqual(json(ex.Payload), { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${ex.$metadata.requestId} Error: Runtime exited with error: exit status 3` });

  await fn('slow', { 'index.js': `exports.handler = async (e) => { if (e.wait) await new Promise((r) => setTimeout(r, 10000)); return process.pid; };` }, { Timeout: 1 });
  const pid = json((await invoke('slow', {})).Payload);
  const started = Date.now();
  const t = await invoke('slow', { wait: true }, { LogType: 'Tail' });
  assert.ok(Date.now() - started < 4000);
  assert.equal(t.FunctionError, 'Unhandled');
  assert.match(json(t.Payload).errorMessage, new RegExp(`^\\S+Z ${t.$metadata.requestId} Task timed out after 1.00 seconds$`));
  assert.match(Buffer.from(t.LogResult!, 'base64').toString(), /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tStatus: timeout/);
  // The timed-out worker was killed: the next invocation gets a new one.
  assert.notEqual(json((await invoke('slow', {})).Payload), pid);
});

test('payloads: JSON only, size limits, LogType Tail, DryRun, ClientContext', async () => {
  await fn('echo', { 'index.mjs': `export const handler = async (event, context) => ({ event, cc: context.clientContext });` });
  const once = fb.client(L.LambdaClient, { maxAttempts: 1 });
  await assert.rejects(once.send(new L.InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })), { name: 'InvalidRequestContentException' });
  await assert.rejects(once.send(new L.InvokeCommand({ FunctionName: 'echo', Payload: Buffer.alloc(6_291_457, 0x20) })), { name: 'RequestTooLargeException' });
  await assert.rejects(once.send(new L.InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify('x'.repeat(1_048_600))) })), { name: 'RequestTooLargeException' });
  const empty = await lambda.send(new L.InvokeCommand({ FunctionName: 'echo' }));
  assert.deepEqual(json(empty.Payload).event, {});
  const dry = await lambda.send(new L.InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
  assert.equal(dry.StatusCode, 204);
  await assert.rejects(once.send(new L.InvokeCommand({ FunctionName: 'nope', InvocationType: 'DryRun' })), { name: 'ResourceNotFoundException' });
  const cc = Buffer.from(JSON.stringify({ custom: { who: 'me' } })).toString('base64');
  const withCc = await lambda.send(new L.InvokeCommand({ FunctionName: 'echo', ClientContext: cc, LogType: 'Tail' }));
  assert.deepEqual(json(withCc.Payload).cc, { custom: { who: 'me' } });
  const tail = Buffer.from(withCc.LogResult!, 'base64').toString();
  assert.match(tail, new RegExp(`^START RequestId: ${withCc.$metadata.requestId} Version: \\$LATEST\\nEND RequestId: ${withCc.$metadata.requestId}\\nREPORT RequestId: `));
  // Responses over 6 MB fail the invocation.
  await fn('huge', { 'index.mjs': `export const handler = async () => 'x'.repeat(7 * 1024 * 1024);` });
  const huge = await invoke('huge');
  assert.equal(huge.FunctionError, 'Unhandled');
  assert.equal(json(huge.Payload).errorType, 'Function.ResponseSizeTooLarge');
});

test('warm workers are reused, concurrency scales out, idle ones are reaped on the clock', async () => {
  await fn('pid', { 'index.mjs': `let count = 0; export const handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 0)); return { pid: process.pid, count: ++count }; };` });
  const a = json((await invoke('pid')).Payload);
  const b = json((await invoke('pid')).Payload);
  assert.equal(a.pid, b.pid);
  assert.equal(b.count, 2);
  const parallel = await Promise.all([1, 2, 3, 4].map(() => invoke('pid', { ms: 300 })));
  const pids = new Set(parallel.map((r) => json(r.Payload).pid));
  assert.equal(pids.size, 4);
  let workers = await admin(fb, '/_fogbank/lambda/workers');
  assert.equal(workers.filter((w: any) => w.function === 'pid').length, 4);
  assert.ok(workers.every((w: any) => w.state === 'idle'));
  fb.clock.advance(11 * 60_000);
  workers = await waitFor(async () => {
    const w = await admin(fb, '/_fogbank/lambda/workers');
    return w.length === 0 ? w : undefined;
  });
  assert.deepEqual(workers, []);
  const cold = await invoke('pid', {}, { LogType: 'Tail' });
  assert.match(Buffer.from(cold.LogResult!, 'base64').toString(), /Init Duration: [\d.]+ ms/);
  // Admin evict: the next invocation starts a new environment.
  const before = json(cold.Payload).pid;
  assert.equal((await admin(fb, '/_fogbank/lambda/functions/pid/evict', 'POST', {})).evicted, 1);
  assert.notEqual(json((await invoke('pid')).Payload).pid, before);
});

test('every invocation writes START / output / END / REPORT to /aws/lambda/<name>, and the admin API keeps it', async () => {
  await fn('logger', { 'index.mjs': `console.log('loading'); export const handler = async (e) => { console.log('got', JSON.stringify(e)); console.error('multi\\nline'); return 'ok'; };` });
  const r = await invoke('logger', { a: 1 });
  const id = r.$metadata.requestId!;
  const lines = await waitFor(async () => {
    const l = await logLines('/aws/lambda/logger');
    return l.some((x) => x.startsWith('REPORT')) ? l : undefined;
  });
  assert.match(lines[0], /^INIT_START Runtime Version: nodejs:22 \(Fogbank: node v\d+/);
  assert.match(lines[1], /\tundefined\tINFO\tloading$/);
  assert.equal(lines[2], `START RequestId: ${id} Version: $LATEST`);
  assert.match(lines[3], new RegExp(`\\t${id}\\tINFO\\tgot \\{"a":1\\}$`));
  assert.match(lines[4], new RegExp(`\\t${id}\\tERROR\\tmulti\\nline$`));
  assert.equal(lines[5], `END RequestId: ${id}`);
  assert.match(lines[6], new RegExp(`^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms$`));
  const streams = await logs.send(new CW.DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/logger' }));
  assert.equal(streams.logStreams?.length, 1);
  const records = await admin(fb, '/_fogbank/lambda/functions/logger/invocations');
  assert.equal(records[0].requestId, id);
  assert.equal(records[0].request, '{"a":1}');
  assert.equal(records[0].response, '"ok"');
  assert.equal(records[0].status, 'success');
  assert.ok(records[0].logs.some((l: string) => l.includes('got {"a":1}')));
});

test('asynchronous invocations: retried on the clock, then on-failure destination and DLQ; on-success destination', async () => {
  const failures = await queue('failures');
  const dlq = await queue('dlq');
  const successes = await queue('successes');
  await fn('flaky', { 'index.mjs': `export const handler = async (e) => { if (e.fail) throw new Error('failed ' + e.n); return { ok: e.n }; };` }, { DeadLetterConfig: { TargetArn: dlq.arn } });
  await lambda.send(new L.PutFunctionEventInvokeConfigCommand({
    FunctionName: 'flaky',
    DestinationConfig: { OnFailure: { Destination: failures.arn }, OnSuccess: { Destination: successes.arn } },
  }));
  fb.clock.freeze();
  const ok = await invoke('flaky', { n: 1 }, { InvocationType: 'Event' });
  assert.equal(ok.StatusCode, 202);
  const success = await waitFor(async () => (await receive(successes.url))[0]);
  const rec = JSON.parse(success.Body!);
  assert.equal(rec.requestContext.condition, 'Success');
  assert.equal(rec.requestContext.requestId, ok.$metadata.requestId);
  assert.deepEqual(rec.responsePayload, { ok: 1 });

  const bad = await invoke('flaky', { n: 2, fail: true }, { InvocationType: 'Event' });
  const attempts = () => admin(fb, '/_fogbank/lambda/functions/flaky/invocations').then((r: any[]) => r.filter((x) => x.requestId === bad.$metadata.requestId).length);
  await waitFor(async () => (await attempts()) === 1);
  fb.clock.advance(59_000);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await attempts(), 1);
  fb.clock.advance(1_000);
  await waitFor(async () => (await attempts()) === 2, 5000, 'first retry');
  fb.clock.advance(120_000);
  await waitFor(async () => (await attempts()) === 3, 5000, 'second retry');
  const failure = await waitFor(async () => (await receive(failures.url))[0]);
  const frec = JSON.parse(failure.Body!);
  assert.equal(frec.requestContext.condition, 'RetriesExhausted');
  assert.equal(frec.requestContext.approximateInvokeCount, 3);
  assert.equal(frec.responseContext.functionError, 'Unhandled');
  assert.equal(frec.responsePayload.errorMessage, 'failed 2');
  assert.deepEqual(frec.requestPayload, { n: 2, fail: true });
  const dead = await waitFor(async () => (await receive(dlq.url))[0]);
  assert.deepEqual(JSON.parse(dead.Body!), { n: 2, fail: true });
  assert.equal(dead.MessageAttributes?.RequestID?.StringValue, bad.$metadata.requestId);
  assert.equal(dead.MessageAttributes?.ErrorMessage?.StringValue, 'failed 2');
  fb.clock.unfreeze();
});

test('InvokeWithResponseStream: chunks as they are written, buffered answers, errors in InvokeComplete', async () => {
  await fn('streamer', { 'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => { stream.write('one,'); await new Promise((r) => setTimeout(r, 30)); stream.write('two'); stream.end(); });` });
  const r = await lambda.send(new L.InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: '{}', LogType: 'Tail' }));
  assert.equal(r.StatusCode, 200);
  assert.equal(r.ExecutedVersion, '$LATEST');
  const chunks: string[] = [];
  let complete: L.InvokeWithResponseStreamCompleteEvent | undefined;
  for await (const e of r.EventStream!) {
    if (e.PayloadChunk) chunks.push(text(e.PayloadChunk.Payload));
    if (e.InvokeComplete) complete = e.InvokeComplete;
  }
  assert.deepEqual(chunks, ['one,', 'two']);
  assert.equal(complete?.ErrorCode, undefined);
  assert.match(Buffer.from(complete!.LogResult!, 'base64').toString(), /^START RequestId/);
  // A plain Invoke of a streaming function gets the whole response.
  assert.equal(text((await invoke('streamer')).Payload), 'one,two');

  await fn('plain', { 'index.mjs': `export const handler = async () => ({ whole: true });` });
  const p = await lambda.send(new L.InvokeWithResponseStreamCommand({ FunctionName: 'plain' }));
  const got: string[] = [];
  for await (const e of p.EventStream!) if (e.PayloadChunk) got.push(text(e.PayloadChunk.Payload));
  assert.deepEqual(got, ['{"whole":true}']);

  await fn('streamfail', { 'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => { stream.write('partial'); throw new Error('mid-stream'); });` });
  const f = await lambda.send(new L.InvokeWithResponseStreamCommand({ FunctionName: 'streamfail' }));
  let failed: L.InvokeWithResponseStreamCompleteEvent | undefined;
  for await (const e of f.EventStream!) if (e.InvokeComplete) failed = e.InvokeComplete;
  assert.equal(failed?.ErrorCode, 'Error');
  assert.equal(failed?.ErrorDetails, 'mid-stream');
});

test('function URLs: payload format 2.0 events and responses, AWS_IAM, CORS, response streaming', async () => {
  await fn('web', { 'index.mjs': `export const handler = async (event) => event.rawPath === '/plain' ? { hello: 'json' } : ({ statusCode: 201, headers: { 'x-custom': 'yes' }, cookies: ['a=1'], body: JSON.stringify({ method: event.requestContext.http.method, path: event.rawPath, q: event.queryStringParameters, body: event.body, b64: event.isBase64Encoded, ct: event.headers['content-type'], cookies: event.cookies, version: event.version, iam: event.requestContext.authorizer?.iam?.accountId ?? null }) });` });
  const { FunctionUrl } = await lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['POST'], MaxAge: 60 } }));
  const host = new URL(FunctionUrl!).host;
  const r = await request(fb, { method: 'POST', host, path: '/items/1?x=1&x=2&y=z', headers: { 'content-type': 'application/json', cookie: 'c=3; d=4', origin: 'https://app.example' }, body: '{"v":1}' });
  assert.equal(r.status, 201);
  assert.equal(r.headers['x-custom'], 'yes');
  assert.deepEqual(r.headers['set-cookie'], ['a=1']);
  assert.equal(r.headers['access-control-allow-origin'], 'https://app.example');
  assert.deepEqual(JSON.parse(r.body), { method: 'POST', path: '/items/1', q: { x: '1,2', y: 'z' }, body: '{"v":1}', b64: false, ct: 'application/json', cookies: ['c=3', 'd=4'], version: '2.0', iam: null });
  const bin = await request(fb, { method: 'PUT', host, path: '/bin', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 255]) });
  const binBody = JSON.parse(bin.body);
  assert.equal(binBody.b64, true);
  assert.deepEqual([...Buffer.from(binBody.body, 'base64')], [0, 1, 2, 255]);
  const plain = await request(fb, { host, path: '/plain' });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(plain.body), { hello: 'json' });
  const preflight = await request(fb, { method: 'OPTIONS', host, path: '/x', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers['access-control-allow-methods'], 'POST');
  assert.equal(preflight.headers['access-control-max-age'], '60');
  assert.equal((await request(fb, { host: `${'0'.repeat(32)}.lambda-url.us-east-1.localhost`, path: '/' })).status, 403);

  await lambda.send(new L.UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'AWS_IAM' }));
  assert.equal((await request(fb, { host, path: '/x' })).status, 403);
  const signer = new SignatureV4({ service: 'lambda', region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'x' }, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: host.split(':')[0], port: Number(host.split(':')[1]), path: '/x', headers: { host } });
  const iam = await request(fb, { host, path: '/x', headers: signed.headers as Record<string, string> });
  assert.equal(iam.status, 201);
  assert.equal(JSON.parse(iam.body).iam, '111122223333');

  // Header values HTTP cannot carry (CR/LF, characters beyond Latin-1) never break the answer.
  await fn('webheaders', { 'index.mjs': `export const handler = async () => ({ statusCode: 200, headers: { 'x-crlf': 'a\\r\\nx-injected: 1', 'x-wide': 'caf\\u0100', 'x-good': 'ok' }, body: 'fine' });` });
  const hu = await lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'webheaders', AuthType: 'NONE' }));
  const hr = await request(fb, { host: new URL(hu.FunctionUrl!).host, path: '/' });
  assert.equal(hr.status, 200);
  assert.equal(hr.body, 'fine');
  assert.equal(hr.headers['x-good'], 'ok');
  assert.equal(hr.headers['x-injected'], undefined);
  assert.equal(hr.headers['x-crlf'], undefined);

  await fn('webfail', { 'index.mjs': `export const handler = async () => { throw new Error('x'); };` });
  const failUrl = await lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'webfail', AuthType: 'NONE' }));
  const failed = await request(fb, { host: new URL(failUrl.FunctionUrl!).host, path: '/' });
  assert.equal(failed.status, 502);
  assert.equal(failed.body, 'Internal Server Error');

  await fn('webstream', { 'index.mjs': `export const handler = awslambda.streamifyResponse(async (event, stream) => { stream = awslambda.HttpResponseStream.from(stream, { statusCode: 202, headers: { 'content-type': 'text/plain' } }); stream.write('hello '); await new Promise((r) => setTimeout(r, 20)); stream.end('streamed'); });` });
  const su = await lambda.send(new L.CreateFunctionUrlConfigCommand({ FunctionName: 'webstream', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
  const sr = await request(fb, { host: new URL(su.FunctionUrl!).host, path: '/' });
  assert.equal(sr.status, 202);
  assert.equal(sr.headers['content-type'], 'text/plain');
  assert.equal(sr.body, 'hello streamed');
});

test('SDK calls from inside functions reach Fogbank: Node (@aws-sdk, ESM and CommonJS) and Python (boto3)', async () => {
  const q = await queue('from-functions');
  const s3 = fb.client(S3.S3Client);
  await s3.send(new S3.CreateBucketCommand({ Bucket: 'fn-bucket' }));
  await fn('node-esm-sdk', { 'index.mjs': `
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
const sqs = new SQSClient({});
const s3 = new S3Client({ forcePathStyle: true });
export const handler = async (event) => {
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: event.queue, MessageBody: 'from node esm' }));
  await s3.send(new PutObjectCommand({ Bucket: 'fn-bucket', Key: 'node.txt', Body: 'written by node' }));
  return sent.MessageId;
};` });
  const r = await invoke('node-esm-sdk', { queue: q.url });
  assert.equal(r.FunctionError, undefined, text(r.Payload));
  await fn('node-cjs-sdk', { 'index.js': `const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs'); const sqs = new SQSClient({}); exports.handler = async (e) => (await sqs.send(new SendMessageCommand({ QueueUrl: e.queue, MessageBody: 'from node cjs' }))).MessageId;` });
  assert.equal((await invoke('node-cjs-sdk', { queue: q.url })).FunctionError, undefined);
  await fn('py-sdk', { 'app.py': `
import boto3
sqs = boto3.client('sqs')
s3 = boto3.client('s3')
def handler(event, context):
    s3.put_object(Bucket='fn-bucket', Key='python.txt', Body=b'written by python')
    return sqs.send_message(QueueUrl=event['queue'], MessageBody='from python')['MessageId']
` }, { Runtime: 'python3.12', Handler: 'app.handler', Timeout: 30 });
  const py = await invoke('py-sdk', { queue: q.url });
  assert.equal(py.FunctionError, undefined, text(py.Payload));
  const bodies = (await receive(q.url)).map((m) => m.Body).sort();
  assert.deepEqual(bodies, ['from node cjs', 'from node esm', 'from python']);
  const node = await s3.send(new S3.GetObjectCommand({ Bucket: 'fn-bucket', Key: 'node.txt' }));
  assert.equal(await node.Body!.transformToString(), 'written by node');
  const python = await s3.send(new S3.GetObjectCommand({ Bucket: 'fn-bucket', Key: 'python.txt' }));
  assert.equal(await python.Body!.transformToString(), 'written by python');
});

test('a log subscription filter delivers matching lines of one function to another function', async () => {
  await fn('noisy', { 'index.mjs': `export const handler = async (e) => { console.log(e.level + ' ' + e.text); return 1; };` });
  await fn('collector', { 'index.mjs': `import { gunzipSync } from 'node:zlib'; export const handler = async (e) => { const data = JSON.parse(gunzipSync(Buffer.from(e.awslogs.data, 'base64'))); console.log('COLLECTED', JSON.stringify(data.logEvents.map((x) => x.message.split('\\t').pop()))); return 1; };` });
  await invoke('noisy', { level: 'INFO', text: 'warm-up' });
  await logLines('/aws/lambda/noisy');
  await logs.send(new CW.PutSubscriptionFilterCommand({ logGroupName: '/aws/lambda/noisy', filterName: 'errors', filterPattern: 'ERROR', destinationArn: 'arn:aws:lambda:us-east-1:000000000000:function:collector' }));
  await invoke('noisy', { level: 'ERROR', text: 'disk on fire' });
  const collected = await waitFor(async () => {
    const lines = await logLines('/aws/lambda/collector').catch(() => []);
    return lines.find((l) => l.includes('COLLECTED'));
  }, 10_000, 'the subscription delivery');
  assert.match(collected, /COLLECTED \["ERROR disk on fire"\]/);
});

test('the Runtime API refuses requests a web page could send: any Origin or Sec-Fetch header, or a foreign Host', async () => {
  // The function probes its own Runtime API the way a page that found the port would.
  await fn('probe', {
    'index.mjs': `import http from 'node:http';
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const post = (headers) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, method: 'POST', path: '/2018-06-01/runtime/invocation/forged/response', headers: { 'content-type': 'text/plain', ...headers } }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', reject);
  req.end('forged');
});
export const handler = async () => ({
  origin: await post({ origin: 'http://evil.example' }),
  fetchSite: await post({ 'sec-fetch-site': 'cross-site' }),
  rebound: await post({ host: 'evil.example:' + port }),
  plain: await post({}),
});`,
  });
  const out = await invoke('probe');
  assert.equal(out.FunctionError, undefined);
  assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { origin: 403, fetchSite: 403, rebound: 403, plain: 400 });
});
