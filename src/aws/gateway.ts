// The AWS request path (DESIGN.md §1): identify the service, pick the codec the client speaks, apply
// the front's Host and browser-origin verdicts, then run the one request chain (src/core/chain.ts,
// with AWS's part in chain-provider.ts) and serialize its output or error in the client's protocol.
// Internal calls (env.invoke) go through the same chain. Nothing a client sends escapes as an
// exception: modelled failures are ServiceErrors, anything else becomes InternalError and is logged.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Environment, Scope } from '../core/environment.ts';
import type { ServiceRegistry } from './registry.ts';
import type { HttpRequest, HttpResponse } from '../core/http.ts';
import type { Codec } from './protocol/codec.ts';
import type { ServiceModel } from './protocol/model.ts';
import type { RawDetail } from '../core/request-log.ts';
import { INTERNAL_CALL, WIRE_REQUEST, type Chain } from '../core/chain.ts';
import { ServiceError } from '../core/errors.ts';
import { rawBodyLimit } from './protocol/content-encoding.ts';
import { readSignature } from './auth/sigv4.ts';
import { identify } from './identify.ts';
import { notImplementedService, renderFor, unregisteredService, type KnownAwsService } from './unimplemented.ts';
import { hostnameOf, refusedHost } from '../server/host-check.ts';
import { corsResponseHeaders, preflightResponse, refusedOrigin, servesBrowsers, type BrowserVerdict } from '../server/browser-origin.ts';
import { EMPTY, readBody, send, type Req, type Res } from '../server/http-io.ts';
import { AwsCall, noHttpRequest, isForm, type AwsChainProvider } from './chain-provider.ts';

export class AwsGateway {
  readonly #env: Environment;
  readonly #registry: ServiceRegistry;
  readonly #chain: Chain;
  readonly #provider: AwsChainProvider;

  constructor(env: Environment, registry: ServiceRegistry, chain: Chain, provider: AwsChainProvider) {
    this.#env = env;
    this.#registry = registry;
    this.#chain = chain;
    this.#provider = provider;
  }

  /** `browser`: what the front found about a browser origin (src/server/browser-origin.ts), if anything. */
  /** `hostRefused`: why the front refused the request's Host (src/server/host-check.ts), answered in the client's protocol. */
  async handle(req: Req, res: Res, browser?: BrowserVerdict, hostRefused?: string): Promise<void> {
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
    const call = new AwsCall(WIRE_REQUEST, this.#provider, http.method, http.path);
    call.http = http;
    call.req = req;
    let response: HttpResponse;
    try {
      response = await this.#route(req, res, call, browser, hostRefused);
    } catch (err) {
      // Failures before a codec is known (loading a service, reading the body).
      response = plainError(this.#chain.fail(call, err), call.requestId);
    }
    try {
      // Group commit (src/store/database.ts): what this request wrote is on disk before it is answered.
      await this.#env.store.settled();
    } catch (err) {
      response = plainError(this.#chain.fail(call, err), call.requestId);
    }
    if (!hasRequestId(response.headers)) response.headers['x-amzn-RequestId'] = call.requestId;
    res.on('close', () => {
      const body = response.body;
      const detail: RawDetail = {
        requestHeaders: http.headers,
        requestBody: http.stream ? undefined : http.body,
        requestBodySize: http.stream ? Number(http.headers['content-length']) || undefined : http.body.length,
        responseHeaders: response.headers,
        responseBody: body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : undefined,
      };
      // The path as the service saw it (a virtual-hosted bucket is part of it), the status as sent.
      call.path = http.path;
      call.status = response.status;
      this.#chain.record(call, detail);
    });
    await send(res, response, http.method === 'HEAD');
    // An unread request body (an error before reading it) must be drained for keep-alive to go on.
    if (!req.readableEnded && !http.stream) req.resume();
  }

  /** The answer for a service Fogbank does not register, after the front's Host and origin checks. */
  async #unregistered(service: KnownAwsService, call: AwsCall, browser: BrowserVerdict | undefined, hostRefused: string | undefined): Promise<HttpResponse> {
    const http = call.http!;
    call.service = service.name;
    const protocol = service.protocol ?? 'json';
    if (browser?.allowed && browser.preflight) return preflightResponse(http, browser.origin!);
    const error = hostRefused
      ? refusedHost(hostRefused, protocol)
      : browser && !browser.allowed
        ? refusedOrigin(browser.origin, protocol)
        : notImplementedService(service);
    call.errorCode = error.code;
    const response = await renderFor(service, error, call.requestId);
    if (browser?.allowed && browser.origin) Object.assign(response.headers, corsResponseHeaders(browser.origin));
    return response;
  }

  async #route(req: Req, res: Res, call: AwsCall, browser: BrowserVerdict | undefined, hostRefused: string | undefined): Promise<HttpResponse> {
    const http = call.http!;
    const { requestId } = call;
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
      if (other) return this.#unregistered(other, call, browser, hostRefused);
    }
    if (!found && hostRefused) return plainError(refusedHost(hostRefused, 'json'), requestId);
    if (!found) return browser && !browser.allowed ? plainError(refusedOrigin(browser.origin, 'json'), requestId) : unrecognized(requestId);
    call.service = found.identity.name;
    call.region = found.region ?? 'us-east-1';
    const svc = await this.#registry.load(found.identity.name);
    if (found.virtualBucket) {
      call.virtualBucket = found.virtualBucket;
      http.path = http.path === '/' ? `/${found.virtualBucket}` : `/${found.virtualBucket}${http.path}`;
    }
    const { definition } = svc;
    http.maxBodyBytes = definition.hooks?.maxRequestBytes;
    // awsQueryCompatible services answer form-encoded (query protocol) clients in their own dialect.
    const asQuery = definition.queryModel && svc.queryCodec && isQueryRequest(http);
    const codec: Codec = asQuery ? svc.queryCodec! : svc.codec;
    const model: ServiceModel = asQuery ? definition.queryModel! : definition.model;
    // The browser-origin policy, for what the service does not serve to browsers itself.
    const cors = browser && !servesBrowsers(found.identity.name, http, browser.preflight) ? browser : undefined;
    try {
      if (hostRefused) throw refusedHost(hostRefused, codec.protocol);
      if (cors && !cors.allowed) throw refusedOrigin(cors.origin, codec.protocol);
      if (cors?.preflight) return preflightResponse(http, cors.origin!);
      // An allowed page may read the answer: headers set here merge into whatever is written.
      if (cors?.origin) for (const [k, v] of Object.entries(corsResponseHeaders(cors.origin))) (res as ServerResponse).setHeader(k, v);
      call.svc = svc;
      call.codec = codec;
      call.model = model;
      call.signature = signature;
      call.signed = signature !== undefined;
      call.state = svc.state();
      http.source = req as unknown as Readable;
      await this.#chain.run(call);
      if (!call.error) {
        const response = call.response ?? codec.serializeOutput(model, call.operation!, (call.output as Record<string, unknown> | undefined) ?? {}, { requestId, request: http }, definition.hooks);
        if (definition.decorate) await definition.decorate(response, http, call.ctx!);
        return response;
      }
    } catch (err) {
      this.#chain.fail(call, err);
    }
    const response = codec.serializeError(model, call.operation, call.error!, { requestId, request: http }, definition.hooks);
    if (definition.decorate && call.ctx) await definition.decorate(response, http, call.ctx);
    return response;
  }

  /** Runs an operation in-process for another service (DESIGN.md §3's internal clients), logged as 'internal'. */
  async invoke<O>(service: string, operation: string, input: Record<string, unknown>, scope: Scope, causedBy?: string): Promise<O> {
    const call = new AwsCall(INTERNAL_CALL, this.#provider, 'INTERNAL', `${service}.${operation}`);
    call.service = service;
    call.operation = operation;
    call.account = scope.account;
    call.region = scope.region;
    call.causedBy = causedBy;
    call.input = input;
    try {
      const svc = await this.#registry.load(service);
      const { definition } = svc;
      call.svc = svc;
      call.codec = svc.codec;
      call.model = definition.model;
      call.handler = definition.handlers[operation];
      call.state = svc.state();
      call.http = noHttpRequest();
      await this.#chain.run(call);
    } catch (err) {
      this.#chain.fail(call, err);
    }
    this.#chain.record(call);
    if (call.error) throw call.error;
    return call.output as O;
  }
}

function hasRequestId(headers: Record<string, unknown>): boolean {
  for (const k in headers) {
    const l = k.toLowerCase();
    if (l === 'x-amzn-requestid' || l === 'x-amz-request-id') return true;
  }
  return false;
}

/** A query-protocol request: a form POST, or a GET naming its Action in the query string. */
function isQueryRequest(http: HttpRequest): boolean {
  return isForm(http) || (http.method === 'GET' && /(^|&)Action=/.test(http.query));
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
