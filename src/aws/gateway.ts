// The AWS request path (DESIGN.md §1): identify service and operation, resolve the caller, parse with
// the protocol's codec, run the handler, serialize. Nothing a client sends escapes as an exception:
// modelled failures are ServiceErrors, anything else becomes InternalError and is logged.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import type { Environment, Scope } from '../core/environment.ts';
import type { ServiceRegistry, LoadedService } from './registry.ts';
import type { HttpRequest, HttpResponse } from '../core/http.ts';
import type { Codec } from './protocol/codec.ts';
import type { ServiceModel } from './protocol/model.ts';
import type { Caller } from '../core/caller.ts';
import type { RequestContext } from '../core/service.ts';
import { ServiceError } from '../core/errors.ts';
import { ProtocolErrors } from './protocol/errors.ts';
import { resolveRef } from './protocol/model.ts';
import { rawBodyLimit } from './protocol/content-encoding.ts';
import { firstMissingMember, validateInput, validationMessage } from './protocol/validate.ts';
import { readSignature } from './auth/sigv4.ts';
import { identify } from './identify.ts';
import { notImplementedService, renderFor, unregisteredService, type KnownAwsService } from './unimplemented.ts';
import { isAnonymousOperation } from './auth/anonymous.ts';
import { formSignature, missingSignature } from './auth/missing-signature.ts';
import { hostnameOf, refusedHost } from '../server/host-check.ts';
import { corsResponseHeaders, preflightResponse, refusedOrigin, servesBrowsers, type BrowserVerdict } from '../server/browser-origin.ts';
import { EMPTY, isClientDisconnect, readBody, send, type Req, type Res } from '../server/http-io.ts';
import type { RawDetail } from '../core/request-log.ts';

interface Outcome {
  service?: string;
  operation?: string;
  account?: string;
  region?: string;
  errorCode?: string;
}

export class AwsGateway {
  readonly #env: Environment;
  readonly #registry: ServiceRegistry;

  constructor(env: Environment, registry: ServiceRegistry) {
    this.#env = env;
    this.#registry = registry;
  }

  /** `browser`: what the front found about a browser origin (src/server/browser-origin.ts), if anything. */
  /** `hostRefused`: why the front refused the request's Host (src/server/host-check.ts), answered in the client's protocol. */
  async handle(req: Req, res: Res, browser?: BrowserVerdict, hostRefused?: string): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const hostHeader = req.headers[':authority'] ?? req.headers.host;
    const http: HttpRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: EMPTY,
      hostname: typeof hostHeader === 'string' ? hostnameOf(hostHeader) : undefined,
    };
    const outcome: Outcome = {};
    let response: HttpResponse;
    try {
      response = await this.#route(req, res, http, requestId, outcome, browser, hostRefused);
    } catch (err) {
      // Failures before a codec is known (loading a service, reading the body).
      const error = this.#asServiceError(err, requestId, outcome.service, outcome.operation);
      outcome.errorCode = error.code;
      response = plainError(error, requestId);
    }
    try {
      // Group commit (src/store/database.ts): what this request wrote is on disk before it is answered.
      await this.#env.db.settled();
    } catch (err) {
      const error = this.#asServiceError(err, requestId, outcome.service, outcome.operation);
      outcome.errorCode = error.code;
      response = plainError(error, requestId);
    }
    if (!hasRequestId(response.headers)) response.headers['x-amzn-RequestId'] = requestId;
    res.on('close', () => {
      const body = response.body;
      const detail: RawDetail = {
        requestHeaders: http.headers,
        requestBody: http.stream ? undefined : http.body,
        requestBodySize: http.stream ? Number(http.headers['content-length']) || undefined : http.body.length,
        responseHeaders: response.headers,
        responseBody: body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : undefined,
      };
      this.#env.requests.add({
        kind: 'request',
        requestId,
        time: Date.now(),
        method: http.method,
        path: http.path,
        ...outcome,
        status: response.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      }, detail);
    });
    await send(res, response, http.method === 'HEAD');
    // An unread request body (an error before reading it) must be drained for keep-alive to go on.
    if (!req.readableEnded && !http.stream) req.resume();
  }

  /** The answer for a service Fogbank does not register, after the front's Host and origin checks. */
  async #unregistered(service: KnownAwsService, http: HttpRequest, outcome: Outcome, requestId: string, browser: BrowserVerdict | undefined, hostRefused: string | undefined): Promise<HttpResponse> {
    outcome.service = service.name;
    const protocol = service.protocol ?? 'json';
    if (browser?.allowed && browser.preflight) return preflightResponse(http, browser.origin!);
    const error = hostRefused
      ? refusedHost(hostRefused, protocol)
      : browser && !browser.allowed
        ? refusedOrigin(browser.origin, protocol)
        : notImplementedService(service);
    outcome.errorCode = error.code;
    const response = await renderFor(service, error, requestId);
    if (browser?.allowed && browser.origin) Object.assign(response.headers, corsResponseHeaders(browser.origin));
    return response;
  }

  async #route(req: Req, res: Res, http: HttpRequest, requestId: string, outcome: Outcome, browser: BrowserVerdict | undefined, hostRefused: string | undefined): Promise<HttpResponse> {
    const params = http.query ? new URLSearchParams(http.query) : undefined;
    const signature = readSignature(http, params);
    const target = req.headers['x-amz-target'];
    let found = identify(this.#registry.identities, {
      target: typeof target === 'string' ? target : undefined,
      signature,
      hostname: http.hostname,
      path: http.path,
      params,
    });
    let formParams: URLSearchParams | undefined;
    if ((!found || (!signature && !target && found.identity.name === 's3')) && isForm(http)) {
      // An unsigned query-protocol request names its service only through Action/Version in the body.
      http.body = await readBody(req, rawBodyLimit(http));
      formParams = new URLSearchParams(http.body.toString('latin1'));
      const formFound = identify(this.#registry.identities, { hostname: http.hostname, path: http.path, params: formParams });
      if (formFound) found = formFound;
    }
    // A request that names an AWS service Fogbank does not register (IAM, KMS, EC2…) gets that
    // service's NotImplemented, never S3's answer; S3 stays the last resort for what looks like S3.
    const s3Guess = found?.identity.name === 's3' && !signature?.service?.startsWith('s3') && (found.virtualBucket !== undefined || !!(formParams ?? params)?.has('Action'));
    if (!found || s3Guess) {
      const other = await unregisteredService(
        { target: typeof target === 'string' ? target : undefined, signature, hostname: http.hostname, params: formParams ?? params },
        (s) => this.#registry.identities.some((i) => i.name === s.name || (!!i.endpointPrefix && i.endpointPrefix === s.endpointPrefix)),
      );
      if (other) return this.#unregistered(other, http, outcome, requestId, browser, hostRefused);
    }
    if (!found && hostRefused) return plainError(refusedHost(hostRefused, 'json'), requestId);
    if (!found) return browser && !browser.allowed ? plainError(refusedOrigin(browser.origin, 'json'), requestId) : unrecognized(requestId);
    outcome.service = found.identity.name;
    outcome.region = found.region ?? 'us-east-1';
    const svc = await this.#registry.load(found.identity.name);
    if (found.virtualBucket) http.path = http.path === '/' ? `/${found.virtualBucket}` : `/${found.virtualBucket}${http.path}`;
    const { definition } = svc;
    http.maxBodyBytes = definition.hooks?.maxRequestBytes;
    // awsQueryCompatible services answer form-encoded (query protocol) clients in their own dialect.
    const asQuery = definition.queryModel && svc.queryCodec && isQueryRequest(http);
    const codec: Codec = asQuery ? svc.queryCodec! : svc.codec;
    const model: ServiceModel = asQuery ? definition.queryModel! : definition.model;
    let ctx: RequestContext | undefined;
    // The browser-origin policy, for what the service does not serve to browsers itself.
    const cors = browser && !servesBrowsers(found.identity.name, http, browser.preflight) ? browser : undefined;
    try {
      if (hostRefused) throw refusedHost(hostRefused, codec.protocol);
      if (cors && !cors.allowed) throw refusedOrigin(cors.origin, codec.protocol);
      if (cors?.preflight) return preflightResponse(http, cors.origin!);
      // An allowed page may read the answer: headers set here merge into whatever is written.
      if (cors?.origin) for (const [k, v] of Object.entries(corsResponseHeaders(cors.origin))) (res as ServerResponse).setHeader(k, v);
      const known = this.#env.accounts.callerOf(signature?.accessKeyId);
      const caller = signature ? known : { ...known, anonymous: true };
      outcome.account = caller.account;
      ctx = this.#context(svc, caller, outcome.region, requestId, http, '');
      http.source = req as unknown as Readable;
      let response = definition.intercept ? await definition.intercept(http, ctx) : undefined;
      // An intercepted request may name what it did (S3's PostObject) for the request log.
      if (response && ctx.operation) outcome.operation = ctx.operation;
      if (!response) response = await this.#operation(req, svc, codec, model, http, ctx, outcome, signature !== undefined);
      if (definition.decorate) await definition.decorate(response, http, ctx);
      return response;
    } catch (err) {
      if (!outcome.operation && ctx?.operation) outcome.operation = ctx.operation;
      const error = this.#asServiceError(err, requestId, found.identity.name, outcome.operation);
      outcome.errorCode = error.code;
      const response = codec.serializeError(model, outcome.operation, error, { requestId, request: http }, definition.hooks);
      if (definition.decorate && ctx) await definition.decorate(response, http, ctx);
      return response;
    }
  }

  async #operation(req: Req, svc: LoadedService, codec: Codec, model: ServiceModel, http: HttpRequest, ctx: RequestContext, outcome: Outcome, signed: boolean): Promise<HttpResponse> {
    const rest = codec.protocol.startsWith('rest');
    if (!rest && http.body === EMPTY) http.body = await readBody(req, rawBodyLimit(http));
    // SigV2 query clients sign inside the form body; its presence is what counts here.
    if (!signed && isForm(http)) signed = formSignature(http.body) !== undefined;
    const operation = codec.operationOf(model, http);
    if (!operation) throw signed ? codec.unknownOperation(model, http) : missingSignature(codec.protocol);
    outcome.operation = operation;
    ctx.operation = operation;
    // Authenticate: a signature must be present unless AWS serves this operation anonymously.
    if (!signed && !isAnonymousOperation(svc.identity.name, operation) && !(await svc.definition.anonymous?.(http, ctx))) {
      throw missingSignature(codec.protocol);
    }
    // Inject faults: the error is rendered like a real one, so SDK retry logic sees it as such.
    const fault = this.#env.faults.apply(svc.identity.name, operation, ctx.account);
    if (fault) await fault;
    if (rest && http.body === EMPTY) {
      if (hasStreamingInput(model, operation)) http.stream = req as unknown as Readable;
      else http.body = await readBody(req, rawBodyLimit(http));
    }
    const { definition } = svc;
    const handler = definition.handlers[operation];
    if (!handler) throw ProtocolErrors.notImplemented(svc.identity.serviceId ?? svc.identity.name, operation);
    const input = codec.parseInput(model, operation, http, definition.hooks);
    const missingCode = definition.hooks?.missingParameter;
    const missing = missingCode && firstMissingMember(model, operation, input);
    if (missing) throw new ServiceError(missingCode, `The request must contain the parameter ${missing}.`, 400);
    const problems = validateInput(model, operation, input, definition.hooks);
    if (problems.length) throw new ServiceError(definition.hooks?.validationError ?? codec.validationErrorCode, validationMessage(problems), 400);
    const output = (await handler(input, ctx)) ?? {};
    return codec.serializeOutput(model, operation, output, { requestId: ctx.requestId, request: http }, definition.hooks);
  }

  #context(svc: LoadedService, caller: Caller, region: string, requestId: string, http: HttpRequest, operation: string): RequestContext {
    return {
      service: svc.identity.name,
      operation,
      account: caller.account,
      region,
      requestId,
      caller,
      clock: this.#env.clock,
      log: this.#env.log,
      state: svc.state(),
      env: this.#env,
      http,
    };
  }

  /** Runs an operation in-process for another service (DESIGN.md §3's internal clients), logged as 'internal'. */
  async invoke<O>(service: string, operation: string, input: Record<string, unknown>, scope: Scope, causedBy?: string): Promise<O> {
    const started = performance.now();
    const requestId = randomUUID();
    let status = 200;
    let errorCode: string | undefined;
    try {
      const svc = await this.#registry.load(service);
      const handler = svc.definition.handlers[operation];
      if (!handler) throw ProtocolErrors.notImplemented(svc.identity.serviceId ?? service, operation);
      const fault = this.#env.faults.apply(service, operation, scope.account);
      if (fault) await fault;
      const problems = validateInput(svc.definition.model, operation, input, svc.definition.hooks);
      if (problems.length) throw new ServiceError(svc.definition.hooks?.validationError ?? svc.codec.validationErrorCode, validationMessage(problems), 400);
      const caller: Caller = { accessKeyId: 'internal', account: scope.account, arn: `arn:aws:iam::${scope.account}:root`, userId: scope.account };
      const http: HttpRequest = { method: 'POST', path: '/', query: '', headers: {}, body: EMPTY };
      const ctx = this.#context(svc, caller, scope.region, requestId, http, operation);
      return (await handler(input, ctx)) as O;
    } catch (err) {
      const error = err instanceof ServiceError ? err : this.#asServiceError(err, requestId, service, operation);
      status = error.status;
      errorCode = error.code;
      throw error;
    } finally {
      this.#env.requests.add({
        kind: 'internal',
        requestId,
        time: Date.now(),
        method: 'INTERNAL',
        path: `${service}.${operation}`,
        account: scope.account,
        region: scope.region,
        service,
        operation,
        status,
        errorCode,
        causedBy,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    }
  }

  #asServiceError(err: unknown, requestId: string, service?: string, operation?: string): ServiceError {
    if (err instanceof ServiceError) return err;
    if (isClientDisconnect(err)) {
      // The client left mid-request: nobody to answer and nothing wrong here, so no stack either.
      this.#env.log.debug(`client went away during ${service ?? '?'}.${operation ?? '?'} (request ${requestId}): ${(err as Error).message}`);
      return new ServiceError('RequestAborted', 'The client closed the connection before the request was complete', 400);
    }
    this.#env.log.error(`internal error in ${service ?? '?'}.${operation ?? '?'} (request ${requestId})`, err);
    return ProtocolErrors.internal(requestId);
  }
}

function hasRequestId(headers: Record<string, unknown>): boolean {
  for (const k in headers) {
    const l = k.toLowerCase();
    if (l === 'x-amzn-requestid' || l === 'x-amz-request-id') return true;
  }
  return false;
}

function isForm(http: HttpRequest): boolean {
  const ct = http.headers['content-type'];
  return http.method === 'POST' && typeof ct === 'string' && ct.startsWith('application/x-www-form-urlencoded');
}

/** A query-protocol request: a form POST, or a GET naming its Action in the query string. */
function isQueryRequest(http: HttpRequest): boolean {
  return isForm(http) || (http.method === 'GET' && /(^|&)Action=/.test(http.query));
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

function unrecognized(requestId: string): HttpResponse {
  return plainError(
    new ServiceError(
      'UnrecognizedClientException',
      'Fogbank could not tell which AWS service this request is for: sign it with SigV4 or use a service host name such as sqs.us-east-1.localhost',
      400,
    ),
    requestId,
  );
}

/** An error in AWS's JSON shape, for requests with no known protocol. */
function plainError(error: ServiceError, requestId: string): HttpResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}
