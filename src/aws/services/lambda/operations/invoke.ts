// Invoke (RequestResponse with X-Amz-Function-Error and LogType=Tail, Event, DryRun), the deprecated
// InvokeAsync, and InvokeWithResponseStream (PayloadChunk / InvokeComplete events as they come).
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type * as T from '../generated/types.ts';
import type { LambdaState, Ctx } from '../state.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { parseFunctionName, validation } from '../names.ts';
import { resolveTarget, type Target } from '../engine/target.ts';
import { Throttled } from '../engine/executor.ts';
import type { RunRequest, RunResult } from '../engine/records.ts';
import { invokeComplete, payloadChunk } from '../engine/eventstream.ts';
import { scope } from './common.ts';

export const MAX_SYNC_PAYLOAD = 6_291_456;
export const MAX_ASYNC_PAYLOAD = 1_048_576;

export function tooManyRequests(): ServiceError {
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', {
    status: 429,
    fields: { Type: 'User', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
    headers: { 'Retry-After': '1' },
  });
}

/** Checks an invocation payload: size, and JSON (an empty one is the event {}). */
export function checkPayload(payload: Buffer | undefined, limit: number, operation = 'InvokeFunction'): Buffer {
  const p = payload ?? Buffer.alloc(0);
  if (p.length > limit) {
    throw new ServiceError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`, { status: 413, fields: { Type: 'User' } });
  }
  if (p.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(p.toString('utf8'));
  } catch (err) {
    throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`, {
      status: 400,
      fields: { Type: 'User' },
    });
  }
  return p;
}

function decodeClientContext(cc: string | undefined): string | undefined {
  if (cc === undefined) return undefined;
  if (cc.length > 3583) throw validation('clientContext', cc, 'Member must have length less than or equal to 3583');
  let text: string;
  try {
    text = Buffer.from(cc, 'base64').toString('utf8');
    JSON.parse(text);
  } catch {
    throw new ServiceError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.', { status: 400, fields: { Type: 'User' } });
  }
  return text;
}

/** Runs a function synchronously, mapping a throttle to TooManyRequestsException. */
export async function runSync(state: LambdaState, t: Target, req: RunRequest): Promise<RunResult> {
  try {
    return await state.executor.run(t, req);
  } catch (err) {
    if (err instanceof Throttled) throw tooManyRequests();
    throw err;
  }
}

export function logTail(result: RunResult): string {
  const text = result.log.join('\n') + '\n';
  const bytes = Buffer.from(text, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

export async function invoke(input: T.InvocationRequest, ctx: Ctx): Promise<T.InvocationResponse> {
  const type = input.InvocationType ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw validation('invocationType', type, 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]');
  }
  const logType = input.LogType ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') throw validation('logType', logType, 'Member must satisfy enum value set: [None, Tail]');
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  const state = ctx.state;
  const target = await resolveTarget(state.tables, ref);
  if (type === 'DryRun') return { StatusCode: 204 };
  if (type === 'Event') {
    const payload = checkPayload(input.Payload, MAX_ASYNC_PAYLOAD);
    await state.queue.enqueue({ account: target.fn.account, region: target.fn.region, name: target.fn.name, qualifier: ref.qualifier, payload, requestId: ctx.requestId });
    return { StatusCode: 202 };
  }
  const payload = checkPayload(input.Payload, MAX_SYNC_PAYLOAD);
  const result = await runSync(state, target, { requestId: ctx.requestId, payload, clientContext: decodeClientContext(input.ClientContext), kind: 'RequestResponse' });
  return {
    StatusCode: 200,
    Payload: result.payload,
    FunctionError: result.functionError,
    LogResult: logType === 'Tail' ? logTail(result) : undefined,
    ExecutedVersion: result.executedVersion,
  };
}

export async function invokeAsync(input: T.InvokeAsyncRequest, ctx: Ctx): Promise<T.InvokeAsyncResponse> {
  const ref = parseFunctionName(input.FunctionName, scope(ctx));
  const state = ctx.state;
  const target = await resolveTarget(state.tables, ref);
  const chunks: Buffer[] = [];
  for await (const c of input.InvokeArgs) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  const payload = checkPayload(Buffer.concat(chunks), 262_144, 'InvokeAsync');
  await state.queue.enqueue({ account: target.fn.account, region: target.fn.region, name: target.fn.name, qualifier: ref.qualifier, payload, requestId: ctx.requestId });
  return { Status: 202 };
}

export async function invokeWithResponseStream(input: T.InvokeWithResponseStreamRequest, ctx: Ctx): Promise<T.InvokeWithResponseStreamResponse> {
  const type = input.InvocationType ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'DryRun') {
    throw validation('invocationType', type, 'Member must satisfy enum value set: [RequestResponse, DryRun]');
  }
  const logType = input.LogType ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') throw validation('logType', logType, 'Member must satisfy enum value set: [None, Tail]');
  const ref = parseFunctionName(input.FunctionName, scope(ctx), input.Qualifier);
  const state = ctx.state;
  const target = await resolveTarget(state.tables, ref);
  if (type === 'DryRun') return { StatusCode: 204, ExecutedVersion: target.version.version };
  const payload = checkPayload(input.Payload, MAX_SYNC_PAYLOAD);
  const reserved = target.fn.reserved_concurrency;
  if (reserved !== null && state.executor.inflight(`${target.fn.account}/${target.fn.region}/${target.fn.name}`) >= reserved) throw tooManyRequests();
  const events = new PassThrough();
  let streamed = false;
  state.executor
    .run(target, {
      requestId: ctx.requestId,
      payload,
      clientContext: decodeClientContext(input.ClientContext),
      kind: 'ResponseStream',
      onStream: (_contentType, body) => {
        streamed = true;
        body.on('data', (c: Buffer) => events.write(payloadChunk(c)));
      },
    })
    .then(
      (result) => {
        if (!streamed && result.status === 'success' && result.payload.length) events.write(payloadChunk(result.payload));
        const complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } = {};
        if (result.functionError) {
          complete.ErrorCode = result.errorType ?? 'Unhandled';
          complete.ErrorDetails = errorDetails(result.payload);
        }
        if (logType === 'Tail') complete.LogResult = logTail(result);
        events.end(invokeComplete(complete));
      },
      (err) => {
        events.end(invokeComplete({ ErrorCode: err instanceof Throttled ? 'TooManyRequestsException' : 'ServiceException', ErrorDetails: String((err as Error)?.message ?? err) }));
      },
    );
  return {
    StatusCode: 200,
    ExecutedVersion: target.version.version,
    ResponseStreamContentType: 'application/vnd.amazon.eventstream',
    EventStream: events as never,
  };
}

function errorDetails(payload: Buffer): string {
  try {
    const p = JSON.parse(payload.toString('utf8')) as { errorMessage?: string };
    return p.errorMessage ?? payload.toString('utf8');
  } catch {
    return payload.toString('utf8');
  }
}

export function newRequestId(): string {
  return randomUUID();
}
