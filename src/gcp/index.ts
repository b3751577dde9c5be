// The Google Cloud provider, a stub until the Google Cloud issue fills it: every request the front
// router sends here (src/server/front-router.ts) is answered in Google's own error shapes, so a
// Google client shows a clear "not implemented" instead of an AWS error. REST: the google.rpc.Status
// JSON mapping, `{"error":{"code":501,"message":…,"status":"UNIMPLEMENTED"}}` (404 NOT_FOUND for a path
// no Google API has); gRPC: HTTP 200 with trailers `grpc-status: 12` and `grpc-message`. The front's
// Host check and browser-origin verdict apply here as everywhere.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Environment } from '../core/environment.ts';
import type { Req, Res } from '../server/http-io.ts';
import { corsResponseHeaders, preflightResponse, type BrowserVerdict } from '../server/browser-origin.ts';

/** gRPC status codes (google.rpc.Code) used here. */
const Code = { PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, NOT_FOUND: 5 } as const;
type CodeName = keyof typeof Code;
const HTTP_STATUS: Record<CodeName, number> = { PERMISSION_DENIED: 403, UNIMPLEMENTED: 501, NOT_FOUND: 404 };

/** REST path shapes of Google APIs, with the API's name. */
const REST_APIS: Array<[RegExp, string]> = [
  [/^\/(?:upload\/|download\/|batch\/)?storage\/v1(?:\/|$)/, 'Cloud Storage JSON'],
  [/^\/v1\/projects\/[^/]+\/(?:topics|subscriptions|snapshots|schemas)(?:\/|$)/, 'Pub/Sub'],
  [/^\/v1\/projects\/[^/]+\/databases(?:\/|$)/, 'Firestore'],
  [/^\/v1\/projects\/[^/]+\/secrets(?:\/|$)/, 'Secret Manager'],
  [/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/functions(?:\/|$)/, 'Cloud Functions'],
  [/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/queues(?:\/|$)/, 'Cloud Tasks'],
  [/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/jobs(?:\/|$)/, 'Cloud Scheduler'],
  [/^\/v1\/projects\//, 'Google Cloud'],
];

export interface GcpRequestInfo {
  hostname?: string;
  /** Why the front refused the Host (src/server/host-check.ts), if it did. */
  hostRefused?: string;
  browser?: BrowserVerdict;
}

export class GcpProvider {
  readonly #env: Environment;

  constructor(env: Environment) {
    this.#env = env;
  }

  handle(req: Req, res: Res, info: GcpRequestInfo): void {
    const started = performance.now();
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const grpc = isGrpc(req.headers['content-type']);
    // Nothing here reads a body: drain it so that the connection (or HTTP/2 stream) can go on.
    req.resume();
    const { browser, hostRefused } = info;
    let code: CodeName;
    let message: string;
    let api: string | undefined;
    if (hostRefused) {
      code = 'PERMISSION_DENIED';
      message = hostRefused;
    } else if (browser && !browser.allowed) {
      code = 'PERMISSION_DENIED';
      message = `Fogbank refused a browser request ${browser.origin ? `from ${browser.origin}` : 'from another site'}: web pages may call the cloud APIs only from allowed origins (start Fogbank with --cors-allowed-origins, or FOGBANK_CORS_ALLOWED_ORIGINS, to allow one)`;
    } else if (browser?.preflight) {
      const answer = preflightResponse({ method, path, query: '', headers: req.headers, body: Buffer.alloc(0) }, browser.origin!);
      (res as ServerResponse).writeHead(answer.status, answer.headers).end();
      return this.#log(requestId, method, path, answer.status, undefined, undefined, started);
    } else if (grpc) {
      // /google.pubsub.v1.Publisher/CreateTopic: the service and method are the path.
      const m = /^\/([A-Za-z0-9_.]+)\/([A-Za-z0-9_]+)$/.exec(path);
      api = m?.[1];
      code = 'UNIMPLEMENTED';
      message = m ? `Fogbank does not implement the Google Cloud API ${m[1]} yet (method ${m[2]})` : `Fogbank does not implement the gRPC method ${path}`;
    } else {
      api = REST_APIS.find(([re]) => re.test(path))?.[1] ?? hostApi(info.hostname);
      code = api ? 'UNIMPLEMENTED' : 'NOT_FOUND';
      message = api ? `Fogbank does not implement the ${api} API yet` : `Fogbank does not implement a Google Cloud API at ${method} ${path}`;
    }
    const cors = browser?.allowed && browser.origin ? corsResponseHeaders(browser.origin) : {};
    if (grpc) {
      this.#grpcError(res, Code[code], message, cors);
      this.#log(requestId, method, path, 200, api, code, started);
      return;
    }
    const status = HTTP_STATUS[code];
    const body = JSON.stringify({ error: { code: status, message, status: code } });
    (res as ServerResponse).writeHead(status, {
      ...cors,
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    (res as ServerResponse).end(method === 'HEAD' ? undefined : body);
    this.#log(requestId, method, path, status, api, code, started);
  }

  /** A gRPC error: 200, then the status in trailers (HTTP/2), or trailers-only headers (HTTP/1.1). */
  #grpcError(res: Res, code: number, message: string, extra: Record<string, string>): void {
    const status = { 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) };
    const contentType = { 'content-type': 'application/grpc' };
    if ('stream' in res && res.stream) {
      const h2 = res as Http2ServerResponse;
      h2.writeHead(200, { ...extra, ...contentType });
      h2.addTrailers(status);
      h2.end();
      return;
    }
    (res as ServerResponse).writeHead(200, { ...extra, ...contentType, ...status }).end();
  }

  #log(requestId: string, method: string, path: string, status: number, api: string | undefined, errorCode: string | undefined, started: number): void {
    this.#env.requests.add({
      kind: 'request',
      requestId,
      time: Date.now(),
      method,
      path,
      service: 'gcp',
      operation: api,
      errorCode,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  }
}

function isGrpc(contentType: string | string[] | undefined): boolean {
  const ct = Array.isArray(contentType) ? contentType[0] : contentType;
  return ct !== undefined && ct.toLowerCase().startsWith('application/grpc');
}

/** pubsub.googleapis.com → 'pubsub'. */
function hostApi(hostname: string | undefined): string | undefined {
  const m = hostname ? /^([a-z0-9-]+)\.googleapis\.(?:com|localhost)$/.exec(hostname) : null;
  return m?.[1];
}

/** grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself (gRPC over HTTP/2 spec). */
function encodeGrpcMessage(message: string): string {
  return Array.from(Buffer.from(message, 'utf8'), (b) => (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
