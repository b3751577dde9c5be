// The AWS request path (DESIGN.md §1): identify service and operation, resolve the caller, parse with
// the protocol's codec, run the handler, serialize. Nothing a client sends escapes as an exception:
// modelled failures are ServiceErrors, anything else becomes InternalError and is logged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Environment, Scope } from '../core/environment.ts';
import type { ServiceRegistry, LoadedService } from './registry.ts';
import type { HttpRequest, HttpResponse } from './protocol/http.ts';
import type { RequestContext } from './service.ts';
import { ServiceError, ProtocolErrors } from './protocol/errors.ts';
import { resolveRef } from './protocol/model.ts';
import { validateInput, validationMessage } from './protocol/validate.ts';
import { readSignature } from './auth/sigv4.ts';
import { identify } from './identify.ts';

/** Largest body read into memory for non-streaming operations (Lambda's 50 MB zip, base64-encoded). */
const MAX_BUFFERED_BODY = 100 * 1024 * 1024;

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

export class AwsGateway {
  readonly #env: Environment;
  readonly #registry: ServiceRegistry;

  constructor(env: Environment, registry: ServiceRegistry) {
    this.#env = env;
    this.#registry = registry;
  }

  async handle(req: Req, res: Res): Promise<void> {
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
      hostname: typeof hostHeader === 'string' ? hostOnly(hostHeader) : undefined,
    };
    const log: LogFields = { service: undefined, operation: undefined, account: undefined, region: undefined, errorCode: undefined };
    let svc: LoadedService | undefined;
    let operation: string | undefined;
    let response: HttpResponse;
    try {
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
      if ((!found || (!signature && !target && found.identity.name === 's3')) && isForm(http)) {
        // An unsigned query-protocol request names its service only through Action/Version in the body.
        http.body = await readBody(req);
        const formFound = identify(this.#registry.identities, { hostname: http.hostname, path: http.path, params: new URLSearchParams(http.body.toString('latin1')) });
        if (formFound) found = formFound;
      }
      if (!found) {
        response = unrecognized(requestId);
      } else {
        log.service = found.identity.name;
        log.region = found.region ?? 'us-east-1';
        svc = await this.#registry.load(found.identity.name);
        if (found.virtualBucket) http.path = http.path === '/' ? `/${found.virtualBucket}` : `/${found.virtualBucket}${http.path}`;
        try {
          const caller = this.#env.accounts.callerOf(signature?.accessKeyId);
          log.account = caller.account;
          const { model } = svc.definition;
          const rest = svc.codec.protocol.startsWith('rest');
          if (!rest && http.body === EMPTY) http.body = await readBody(req);
          operation = svc.codec.operationOf(model, http);
          if (!operation) throw svc.codec.unknownOperation(model, http);
          log.operation = operation;
          if (rest && http.body === EMPTY) {
            if (hasStreamingInput(svc, operation)) http.stream = req as unknown as Readable;
            else http.body = await readBody(req);
          }
          const handler = svc.definition.handlers[operation];
          if (!handler) throw ProtocolErrors.notImplemented(found.identity.serviceId ?? found.identity.name, operation);
          const input = svc.codec.parseInput(model, operation, http, svc.definition.hooks);
          const problems = validateInput(model, operation, input);
          if (problems.length) throw new ServiceError(svc.codec.validationErrorCode, validationMessage(problems), 400);
          const ctx: RequestContext = {
            service: found.identity.name,
            operation,
            account: caller.account,
            region: log.region,
            requestId,
            caller,
            clock: this.#env.clock,
            log: this.#env.log,
            store: svc.store(),
            env: this.#env,
            http,
          };
          const output = (await handler(input, ctx)) ?? {};
          response = svc.codec.serializeOutput(model, operation, output, { requestId, request: http }, svc.definition.hooks);
        } catch (err) {
          const error = this.#asServiceError(err, requestId, found.identity.name, operation);
          log.errorCode = error.code;
          response = svc.codec.serializeError(svc.definition.model, operation, error, { requestId, request: http }, svc.definition.hooks);
        }
      }
    } catch (err) {
      // Failures before a codec is known (loading a service, reading the body).
      const error = this.#asServiceError(err, requestId, log.service, operation);
      log.errorCode = error.code;
      response = plainError(error, requestId);
    }
    if (!('x-amzn-requestid' in response.headers) && !('x-amz-request-id' in response.headers)) {
      response.headers['x-amzn-RequestId'] = requestId;
    }
    res.on('close', () => {
      this.#env.requests.add({
        requestId,
        time: Date.now(),
        method: http.method,
        path: http.path,
        account: log.account,
        region: log.region,
        service: log.service,
        operation: log.operation,
        status: response.status,
        errorCode: log.errorCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    });
    await send(res, response, http.method === 'HEAD');
    // An unread request body (an error before reading it) must be drained for keep-alive to go on.
    if (!req.readableEnded && !http.stream) req.resume();
  }

  /** Runs an operation in-process for another service (DESIGN.md §3's internal clients). */
  async invoke<O>(service: string, operation: string, input: Record<string, unknown>, scope: Scope): Promise<O> {
    const svc = await this.#registry.load(service);
    const handler = svc.definition.handlers[operation];
    if (!handler) throw ProtocolErrors.notImplemented(svc.identity.serviceId ?? service, operation);
    const problems = validateInput(svc.definition.model, operation, input);
    if (problems.length) throw new ServiceError(svc.codec.validationErrorCode, validationMessage(problems), 400);
    const requestId = randomUUID();
    const ctx: RequestContext = {
      service,
      operation,
      account: scope.account,
      region: scope.region,
      requestId,
      caller: { accessKeyId: 'internal', account: scope.account, arn: `arn:aws:iam::${scope.account}:root`, userId: scope.account },
      clock: this.#env.clock,
      log: this.#env.log,
      store: svc.store(),
      env: this.#env,
      http: { method: 'POST', path: '/', query: '', headers: {}, body: EMPTY },
    };
    return (await handler(input, ctx)) as O;
  }

  #asServiceError(err: unknown, requestId: string, service?: string, operation?: string): ServiceError {
    if (err instanceof ServiceError) return err;
    this.#env.log.error(`internal error in ${service ?? '?'}.${operation ?? '?'} (request ${requestId})`, err);
    return ProtocolErrors.internal(requestId);
  }
}

interface LogFields {
  service?: string;
  operation?: string;
  account?: string;
  region?: string;
  errorCode?: string;
}

const EMPTY = Buffer.alloc(0);

function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1).toLowerCase();
  const colon = host.lastIndexOf(':');
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase();
}

function isForm(http: HttpRequest): boolean {
  const ct = http.headers['content-type'];
  return http.method === 'POST' && typeof ct === 'string' && ct.startsWith('application/x-www-form-urlencoded');
}

const streamingInputs = new WeakMap<object, Map<string, boolean>>();

/** Whether the operation's payload member is a streaming blob, so the body must not be buffered. */
function hasStreamingInput(svc: LoadedService, operation: string): boolean {
  const model = svc.definition.model;
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

function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BUFFERED_BODY) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BUFFERED_BODY) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(): ServiceError {
  return new ServiceError('RequestEntityTooLarge', `Request body exceeds ${MAX_BUFFERED_BODY} bytes`, 413);
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

async function send(res: Res, response: HttpResponse, head: boolean): Promise<void> {
  const body = response.body;
  const headers = response.headers;
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    if (body !== undefined && !('content-length' in headers) && !('Content-Length' in headers)) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    }
    (res as ServerResponse).writeHead(response.status, headers);
    (res as ServerResponse).end(head ? undefined : body);
    return;
  }
  (res as ServerResponse).writeHead(response.status, headers);
  if (head) {
    body.destroy();
    (res as ServerResponse).end();
    return;
  }
  try {
    await pipeline(body, res as ServerResponse);
  } catch {
    // The client went away mid-body; nothing to answer.
  }
}
