// What AWS puts into the one request chain (src/core/chain.ts): callers from access keys, the
// operation found by the protocol's codec, the signature-presence check with AWS's anonymous
// operations, the codec's parsing and the model's constraints, and AWS's InternalError. The gateway
// (wire requests and env.invoke) and the delivery router build AwsCalls and run them through the chain.
import type { Readable } from 'node:stream';
import type { Caller } from '../core/caller.ts';
import type { Environment } from '../core/environment.ts';
import type { HttpRequest, HttpResponse } from '../core/http.ts';
import type { Codec } from './protocol/codec.ts';
import type { LoadedService } from './registry.ts';
import type { SignatureInfo } from './auth/sigv4.ts';
import { Call, type ChainProvider } from '../core/chain.ts';
import { ServiceError } from '../core/errors.ts';
import { resolveRef, type ServiceModel } from './protocol/model.ts';
import { ProtocolErrors } from './protocol/errors.ts';
import { rawBodyLimit } from './protocol/content-encoding.ts';
import { firstMissingMember, validateInput, validationMessage } from './protocol/validate.ts';
import { isAnonymousOperation } from './auth/anonymous.ts';
import { formSignature, missingSignature } from './auth/missing-signature.ts';
import { verifyRequest } from './auth/verify-request.ts';
import { EMPTY, isClientDisconnect, readBody, type Req } from '../server/http-io.ts';

/** A call to an AWS service: the chain's Call with what AWS needs to route, parse and check it. */
export class AwsCall extends Call {
  svc: LoadedService | undefined = undefined;
  /** The codec and model the client speaks (the query ones for query clients of awsQueryCompatible services). */
  codec: Codec | undefined = undefined;
  /** Undefined for deliveries, whose input is a Delivery, not a modelled shape. */
  model: ServiceModel | undefined = undefined;
  /** Wire calls: the request as node:http gives it (its body is read when the operation needs it). */
  req: Req | undefined = undefined;
  /** Wire calls: the signature the request carries, if any (in headers or query; a form body's is found by route). */
  signature: SignatureInfo | undefined = undefined;
  signed = false;
  /** S3 virtual-hosted style: the bucket the Host named (the path was rewritten to path style; signatures cover the path as sent). */
  virtualBucket: string | undefined = undefined;
  /** Wire calls answered below the operation level (the service's `intercept`). */
  response: HttpResponse | undefined = undefined;
}

export class AwsChainProvider implements ChainProvider {
  readonly #env: Environment;

  constructor(env: Environment) {
    this.#env = env;
  }

  caller(call: AwsCall): Caller | Promise<Caller> {
    const known = this.#env.accounts.callerOf(call.signature?.accessKeyId);
    if (call.signature) return known;
    return known instanceof Promise ? known.then((c) => ({ ...c, anonymous: true })) : { ...known, anonymous: true };
  }

  root(account: string): Caller {
    return { accessKeyId: 'internal', account, arn: `arn:aws:iam::${account}:root`, userId: account };
  }

  async route(call: AwsCall): Promise<void> {
    const { definition } = call.svc!;
    const http = call.http!;
    const ctx = call.ctx!;
    if (definition.intercept) {
      const response = await definition.intercept(http, ctx);
      if (response) {
        // An intercepted request may name what it did (S3's PostObject) for the request log.
        if (ctx.operation) call.operation = ctx.operation;
        call.response = response;
        call.answered = true;
        return;
      }
    }
    const codec = call.codec!;
    const model = call.model!;
    if (!codec.protocol.startsWith('rest') && http.body === EMPTY) http.body = await readBody(call.req!, rawBodyLimit(http));
    // SigV2 query clients sign inside the form body; its presence is what counts here.
    if (!call.signed && isForm(http)) call.signed = formSignature(http.body) !== undefined;
    const operation = codec.operationOf(model, http);
    if (!operation) throw call.signed ? codec.unknownOperation(model, http) : missingSignature(codec.protocol);
    call.operation = operation;
    call.handler = definition.handlers[operation];
  }

  /**
   * A signature must be present unless AWS serves this operation anonymously; with `--iam soft|strict`
   * (for the caller's account) it must also hold (SigV4 everywhere, SigV2 for S3).
   */
  authenticate(call: AwsCall): void | Promise<void> {
    if (call.signed) {
      if (!call.signature || this.#env.iam.modeFor(call.caller!.account) === 'off') return;
      return this.#verify(call, call.signature);
    }
    const { identity, definition } = call.svc!;
    if (isAnonymousOperation(identity.name, call.operation!)) return;
    if (!definition.anonymous) throw missingSignature(call.codec!.protocol);
    return allowedAnonymously(definition.anonymous(call.http!, call.ctx!), call.codec!.protocol);
  }

  async #verify(call: AwsCall, signature: SignatureInfo): Promise<void> {
    const http = call.http!;
    const denial = await verifyRequest(this.#env, {
      http,
      signature,
      service: call.service!,
      protocol: call.codec!.protocol,
      virtualBucket: call.virtualBucket,
      body: async () => {
        if (http.body !== EMPTY || (call.model && hasStreamingInput(call.model, call.operation!))) return;
        http.body = await readBody(call.req!, rawBodyLimit(http));
      },
    });
    if (!denial) return;
    if (this.#env.iam.modeFor(call.caller!.account) === 'strict') throw denial;
    call.access = `soft: strict would deny: ${denial.code}: ${denial.message}`;
  }

  validate(call: AwsCall): void | Promise<void> {
    const { identity } = call.svc!;
    if (!call.handler) throw ProtocolErrors.notImplemented(identity.serviceId ?? identity.name, call.operation!);
    const model = call.model;
    if (!model) return; // a delivery: the receiving service checks what it accepts
    if (call.kind.wire) {
      const http = call.http!;
      if (http.body === EMPTY && call.codec!.protocol.startsWith('rest')) {
        if (hasStreamingInput(model, call.operation!)) http.stream = call.req as unknown as Readable;
        else return readBody(call.req!, rawBodyLimit(http)).then((body) => {
          http.body = body;
          this.#parseAndCheck(call, model);
        });
      }
      this.#parseAndCheck(call, model);
      return;
    }
    this.#check(call, model, call.input as Record<string, unknown>);
  }

  #parseAndCheck(call: AwsCall, model: ServiceModel): void {
    const input = call.codec!.parseInput(model, call.operation!, call.http!, call.svc!.definition.hooks);
    call.input = input;
    this.#check(call, model, input);
  }

  /** The model's constraints, with the service's own codes for them (SQS's MissingParameter, Logs' InvalidParameterException). */
  #check(call: AwsCall, model: ServiceModel, input: Record<string, unknown>): void {
    const { hooks } = call.svc!.definition;
    const operation = call.operation!;
    const missingCode = hooks?.missingParameter;
    const missing = missingCode && firstMissingMember(model, operation, input);
    if (missing) throw new ServiceError(missingCode, `The request must contain the parameter ${missing}.`, 400);
    const problems = validateInput(model, operation, input, hooks);
    if (problems.length) throw new ServiceError(hooks?.validationError ?? call.codec!.validationErrorCode, validationMessage(problems), 400);
  }

  internalError(err: unknown, call: AwsCall): ServiceError {
    const what = `${call.service ?? '?'}.${call.operation ?? '?'}`;
    if (isClientDisconnect(err)) {
      // The client left mid-request: nobody to answer and nothing wrong here, so no stack either.
      this.#env.log.debug(`client went away during ${what} (request ${call.requestId}): ${(err as Error).message}`);
      return new ServiceError('RequestAborted', 'The client closed the connection before the request was complete', 400);
    }
    this.#env.log.error(`internal error in ${what}${call.target ? ` delivering to ${call.target}` : ''} (request ${call.requestId})`, err);
    return ProtocolErrors.internal(call.requestId);
  }
}

/** What `ctx.http` is for calls that did not come over HTTP (internal calls, deliveries): an empty request. */
export function noHttpRequest(): HttpRequest {
  return { method: 'POST', path: '/', query: '', headers: {}, body: EMPTY };
}

async function allowedAnonymously(allowed: boolean | Promise<boolean>, protocol: string): Promise<void> {
  if (!(await allowed)) throw missingSignature(protocol);
}

export function isForm(http: { method: string; headers: Record<string, string | string[] | undefined> }): boolean {
  const ct = http.headers['content-type'];
  return http.method === 'POST' && typeof ct === 'string' && ct.startsWith('application/x-www-form-urlencoded');
}

const streamingInputs = new WeakMap<ServiceModel, Map<string, boolean>>();

/** Whether the operation's payload member is a streaming blob, so the body must not be buffered. */
function hasStreamingInput(model: ServiceModel, operation: string): boolean {
  let cache = streamingInputs.get(model);
  if (!cache) streamingInputs.set(model, (cache = new Map()));
  let streaming = cache.get(operation);
  if (streaming === undefined) {
    streaming = false;
    const ref = model.operations[operation]?.input;
    if (ref) {
      const input = resolveRef(model, ref);
      const payload = input.payload && input.members?.[input.payload];
      if (payload) {
        const p = resolveRef(model, payload);
        streaming = p.type === 'blob' && !!p.streaming;
      }
    }
    cache.set(operation, streaming);
  }
  return streaming;
}
