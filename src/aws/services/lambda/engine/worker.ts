// One execution environment: a child process and the Runtime API it talks to. Like AWS's sandbox,
// each worker gets its own loopback listener (AWS_LAMBDA_RUNTIME_API=127.0.0.1:<port>): the Runtime
// API's paths carry no worker identity, and real runtime clients (aws-lambda-ric, Go, Rust, curl
// bootstraps) take only host:port from that variable. A worker runs one invocation at a time.
// The listener takes any free port and shows in the port allocator's listing; the process is an
// engine of the supervisor (its output, its stop, and cleanup after a Fogbank that was killed).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { isForeignToLocalListener } from '../../../../server/local-only.ts';
import type { Environment } from '../../../../core/environment.ts';
import type { Engine, EngineExit } from '../../../../core/engines/engine.ts';

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Whose worker this is: the function version, for the port and engine listings. */
export interface WorkerOwner {
  account: string;
  /** The function's ARN with its version. */
  resource: string;
}

export interface InvokeRequest {
  requestId: string;
  payload: Buffer;
  /** Real epoch ms by which the function must answer (Lambda-Runtime-Deadline-Ms). */
  deadlineMs: number;
  invokedArn: string;
  traceId: string;
  /** Decoded client context JSON (Lambda-Runtime-Client-Context). */
  clientContext?: string;
  /** Takes a streamed response as it arrives; without it a streamed response is buffered. */
  onStream?: (contentType: string, body: Readable) => void;
}

export type InvokeOutcome =
  | { kind: 'response'; payload: Buffer; contentType: string; streamed: boolean }
  | { kind: 'error'; errorType: string; payload: Buffer }
  | { kind: 'exit'; message: string };

export interface InitFailure {
  errorType: string;
  payload: Buffer;
}

/** Largest buffered response (AWS: 6 MB plus a little framing). */
export const MAX_RESPONSE = 6_291_556;
const BASE = '/2018-06-01/runtime';

let nextWorkerId = 1;

export class Worker {
  readonly id = nextWorkerId++;
  readonly launchedAt = performance.now();
  state: 'starting' | 'idle' | 'busy' | 'dead' = 'starting';
  initDurationMs = 0;
  invocations = 0;
  /** Output of the process, one log event per line ('\r' inside a line stands for a line break). */
  onLine: (line: string) => void = () => {};
  /** Called once when the process has gone (after any outcome it caused). */
  onExit: () => void = () => {};
  readonly ready: Promise<void>;

  #server: http.Server;
  #engine?: Engine;
  #untrack: () => void = () => {};
  #pendingNext?: ServerResponse;
  #current?: { request: InvokeRequest; sent: boolean; resolve: (o: InvokeOutcome) => void };
  #readyResolve!: () => void;
  #readyReject!: (f: InitFailure) => void;
  #initFailure?: InitFailure;
  #isReady = false;
  #exitReason = '';

  private constructor(server: http.Server) {
    this.#server = server;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.ready.catch(() => {});
  }

  /** Starts the Runtime API listener and the process; `ready` settles when it first polls for work. */
  static async launch(spec: (runtimeApi: string) => LaunchSpec, env: Pick<Environment, 'ports' | 'engines'>, owner: WorkerOwner): Promise<Worker> {
    const server = http.createServer();
    // A warm worker's /next poll may wait for hours; keep-alive sockets must outlive any handler.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.timeout = 0;
    const worker = new Worker(server);
    server.on('request', (req, res) => worker.#route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const port = (server.address() as AddressInfo).port;
    worker.#untrack = env.ports.track({ kind: 'lambda:runtime-api', resource: owner.resource, account: owner.account, purpose: `worker ${worker.id}` }, port);
    const s = spec(`127.0.0.1:${port}`);
    worker.#spawn(s, env, owner);
    return worker;
  }

  get pid(): number | undefined {
    return this.#engine?.pid;
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  /** Peak resident memory of the process in MB (VmHWM), as REPORT's Max Memory Used. */
  maxMemoryMb(): number | undefined {
    const pid = this.pid;
    if (!pid) return undefined;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      return m ? Math.ceil(Number(m[1]) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  #spawn(spec: LaunchSpec, env: Pick<Environment, 'engines'>, owner: WorkerOwner): void {
    // A worker is never restarted: a runtime that exits ends its sandbox, as in Lambda, and the
    // executor starts a new one for the next invocation. Stopping it is a SIGKILL (timeouts, eviction).
    const engine = env.engines.start({
      kind: 'lambda:worker',
      resource: owner.resource,
      account: owner.account,
      process: { command: spec.command, args: spec.args, env: spec.env, cwd: spec.cwd },
      ready: 'spawned',
      restart: 'never',
      stopGraceMs: 0,
    });
    this.#engine = engine;
    engine.on('line', (line) => this.onLine(line));
    engine.on('exit', (exit) => {
      if (exit.error) {
        const code = exit.error.code;
        this.#exitReason =
          code === 'EACCES' ? `fork/exec ${spec.command}: permission denied`
          : code === 'ENOENT' ? `fork/exec ${spec.command}: no such file or directory`
          : exit.error.message;
        this.#initFailure ??= { errorType: 'Runtime.InvalidEntrypoint', payload: entrypointError(this.#exitReason) };
      }
      this.#exited(this.#exitReason || `Runtime exited with error: ${exitStatus(exit)}`);
    });
  }

  #exited(message: string): void {
    if (this.state === 'dead') return;
    const wasReady = this.#isReady;
    this.state = 'dead';
    if (!wasReady) {
      this.#fail(this.#initFailure ?? { errorType: 'Runtime.ExitError', payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `Error: ${message}` })) });
    }
    const current = this.#current;
    this.#current = undefined;
    current?.resolve({ kind: 'exit', message: `Error: ${message}` });
    this.#close();
    this.onExit();
  }

  #fail(f: InitFailure): void {
    this.#initFailure ??= f;
    this.#readyReject(this.#initFailure);
    if (this.state !== 'dead') this.kill();
  }

  /** Hands an invocation to the runtime (answering its pending /next, or the next one). */
  invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    if (this.state === 'dead') return Promise.resolve({ kind: 'exit', message: `Error: ${this.#exitReason || 'Runtime exited'}` });
    this.state = 'busy';
    this.invocations++;
    return new Promise<InvokeOutcome>((resolve) => {
      this.#current = { request, sent: false, resolve };
      if (this.#pendingNext) {
        const res = this.#pendingNext;
        this.#pendingNext = undefined;
        this.#sendNext(res);
      }
    });
  }

  kill(): void {
    if (this.#engine?.running) void this.#engine.stop(0);
    else if (!this.#engine) this.#exited('Runtime exited');
    this.#close();
  }

  #close(): void {
    this.#untrack();
    this.#pendingNext = undefined;
    this.#server.close();
    this.#server.closeAllConnections();
  }

  #sendNext(res: ServerResponse): void {
    const cur = this.#current!;
    cur.sent = true;
    const r = cur.request;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': r.requestId,
      'lambda-runtime-deadline-ms': String(r.deadlineMs),
      'lambda-runtime-invoked-function-arn': r.invokedArn,
      'lambda-runtime-trace-id': r.traceId,
      'content-length': String(r.payload.length),
    };
    if (r.clientContext) headers['lambda-runtime-client-context'] = r.clientContext;
    res.writeHead(200, headers);
    res.end(r.payload);
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    if (isForeignToLocalListener(req.headers)) {
      req.resume();
      return reply(res, 403, { errorMessage: 'The Runtime API answers only the function process', errorType: 'Forbidden' });
    }
    const url = req.url ?? '';
    const path = url.startsWith(BASE) ? url.slice(BASE.length) : url;
    if (req.method === 'GET' && path === '/invocation/next') return this.#next(req, res);
    if (req.method === 'POST' && path === '/init/error') return this.#initError(req, res);
    const m = /^\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method === 'POST' && m) {
      const cur = this.#current;
      if (!cur || !cur.sent || cur.request.requestId !== decodeURIComponent(m[1])) {
        req.resume();
        return reply(res, 400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
      }
      return m[2] === 'response' ? this.#response(req, res) : this.#error(req, res);
    }
    req.resume();
    reply(res, 404, { errorMessage: `Unknown path ${url}`, errorType: 'InvalidRequest' });
  }

  #next(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (!this.#isReady) {
      this.#isReady = true;
      this.initDurationMs = performance.now() - this.launchedAt;
      if (this.state === 'starting') this.state = 'idle';
      this.#readyResolve();
    }
    if (this.#current && !this.#current.sent) return this.#sendNext(res);
    this.#pendingNext = res;
    res.on('close', () => {
      if (this.#pendingNext === res) this.#pendingNext = undefined;
    });
  }

  #finish(outcome: InvokeOutcome): void {
    const cur = this.#current;
    if (!cur) return;
    this.#current = undefined;
    if (this.state === 'busy') this.state = 'idle';
    cur.resolve(outcome);
  }

  #response(req: IncomingMessage, res: ServerResponse): void {
    const cur = this.#current!;
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    const streaming = String(req.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() === 'streaming';
    if (streaming && cur.request.onStream) {
      const body = new PassThrough();
      cur.request.onStream(contentType, body);
      req.pipe(body, { end: false });
      req.on('end', () => {
        const failure = trailerError(req);
        body.end();
        reply(res, 202, { status: 'OK' });
        this.#finish(failure ?? { kind: 'response', payload: Buffer.alloc(0), contentType, streamed: true });
      });
      req.on('error', () => body.end());
      return;
    }
    readLimited(req, MAX_RESPONSE, (body, tooLarge) => {
      if (tooLarge) {
        reply(res, 413, { errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE} bytes).`, errorType: 'RequestEntityTooLarge' });
        this.#finish({
          kind: 'error',
          errorType: 'Function.ResponseSizeTooLarge',
          payload: Buffer.from(JSON.stringify({
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE} bytes).`,
            errorType: 'Function.ResponseSizeTooLarge',
          })),
        });
        return;
      }
      const failure = streaming ? trailerError(req) : undefined;
      reply(res, 202, { status: 'OK' });
      this.#finish(failure ?? { kind: 'response', payload: body, contentType, streamed: streaming });
    });
  }

  #error(req: IncomingMessage, res: ServerResponse): void {
    readLimited(req, MAX_RESPONSE, (body) => {
      let errorType = String(req.headers['lambda-runtime-function-error-type'] ?? '');
      if (!errorType) {
        try {
          errorType = String((JSON.parse(body.toString('utf8')) as { errorType?: string }).errorType ?? '');
        } catch {}
      }
      reply(res, 202, { status: 'OK' });
      this.#finish({ kind: 'error', errorType: errorType || 'Unhandled', payload: body.length ? body : Buffer.from(JSON.stringify({ errorType: errorType || 'Unhandled' })) });
    });
  }

  #initError(req: IncomingMessage, res: ServerResponse): void {
    readLimited(req, MAX_RESPONSE, (body) => {
      let errorType = String(req.headers['lambda-runtime-function-error-type'] ?? '');
      if (!errorType) {
        try {
          errorType = String((JSON.parse(body.toString('utf8')) as { errorType?: string }).errorType ?? '');
        } catch {}
      }
      reply(res, 202, { status: 'OK' });
      this.#initFailure ??= { errorType: errorType || 'Runtime.Unknown', payload: body };
      // The runtime is expected to exit now; if it does not, it is stopped. Wall-clock: a process's
      // grace period, which a test's frozen virtual clock must not stretch.
      setTimeout(() => this.kill(), 500).unref();
    });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function readLimited(req: IncomingMessage, limit: number, done: (body: Buffer, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > limit) over = true;
    else chunks.push(c);
  });
  req.on('end', () => done(Buffer.concat(chunks), over));
  req.on('error', () => done(Buffer.concat(chunks), over));
}

/** A streamed response that failed part-way says so in its trailers. */
function trailerError(req: IncomingMessage): InvokeOutcome | undefined {
  const type = req.trailers['lambda-runtime-function-error-type'];
  if (!type) return undefined;
  const body = req.trailers['lambda-runtime-function-error-body'];
  return { kind: 'error', errorType: type, payload: body ? Buffer.from(body, 'base64') : Buffer.from(JSON.stringify({ errorType: type })) };
}

/** How Lambda words a runtime's exit: "exit status 1", "signal: killed". */
function exitStatus(exit: EngineExit): string {
  return exit.signal ? `signal: ${exit.signal === 'SIGKILL' ? 'killed' : exit.signal.replace(/^SIG/, '').toLowerCase()}` : `exit status ${exit.code}`;
}

function entrypointError(message: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `Error: ${message}` }));
}
