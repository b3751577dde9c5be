// The /_fogbank/* admin API (DESIGN.md §7) and the LocalStack-compatible /_localstack/* endpoints.
// The admin UI and the testing library use only this API.
import type { ServerResponse } from 'node:http';
import type { Environment } from '../core/environment.ts';
import type { ServiceCatalog } from '../core/catalog.ts';
import { RawAdminResponse } from '../core/service.ts';
import { ServiceError } from '../core/errors.ts';
import { isClientDisconnect, json, type Req, type Res } from '../server/http-io.ts';
import { AdminAuth, isCrossSite } from './auth.ts';
import { serveUi } from './ui.ts';
import { snapshotRoute } from './snapshots.ts';
import { setIamModes } from './iam.ts';
import type { Snapshots } from '../core/snapshots/snapshots.ts';

/** Readiness endpoints stay open to scripts everywhere: they tell only that Fogbank runs. */
const OPEN = new Set(['/_fogbank/health', '/_localstack/health', '/_localstack/info']);

export class AdminApi {
  readonly #env: Environment;
  readonly #services: ServiceCatalog;
  readonly #reset: () => Promise<void>;
  readonly auth: AdminAuth;
  readonly #snapshots: Snapshots | undefined;

  constructor(env: Environment, services: ServiceCatalog, reset: () => Promise<void>, auth: AdminAuth, snapshots?: Snapshots) {
    this.#snapshots = snapshots;
    this.#env = env;
    this.#services = services;
    this.#reset = reset;
    this.auth = auth;
  }

  async handle(req: Req, res: Res, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    try {
      if (!OPEN.has(path)) {
        const host = req.headers[':authority'] ?? req.headers.host;
        if (isCrossSite(req.headers, typeof host === 'string' ? host : undefined)) {
          return json(res, 403, { error: 'CrossSiteRequest', message: 'The admin API refuses requests from other sites' });
        }
        if (path === '/_fogbank/ui' || path.startsWith('/_fogbank/ui/')) return await this.#ui(req, res, path, query);
        if (path === '/_fogbank/login' && method === 'POST') return await this.#login(req, res);
        if (path === '/_fogbank/session' && method === 'GET') {
          return json(res, 200, { authenticated: this.auth.verify(this.auth.sessionOf(req.headers)), loopback: this.auth.loopback, user: this.auth.user });
        }
        if (!this.auth.allows(req.headers) && !(await this.#isPublic(method, path))) {
          return json(res, 401, { error: 'Unauthorized', message: 'Log in to the Fogbank admin UI (POST /_fogbank/login) or send a session token' });
        }
      }
      switch (`${method} ${path}`) {
        case 'GET /_fogbank/health':
        case 'HEAD /_fogbank/health':
          return json(res, 200, { status: 'running', version: this.#env.version, services: this.#serviceStates() });
        case 'GET /_localstack/health':
        case 'HEAD /_localstack/health':
          return json(res, 200, { services: this.#serviceStates(), edition: 'community', version: `fogbank-${this.#env.version}` });
        case 'GET /_localstack/info':
          return json(res, 200, {
            version: `fogbank-${this.#env.version}`,
            edition: 'community',
            is_license_activated: false,
            session_id: '',
            machine_id: '',
            system: process.platform,
            is_docker: false,
            server_time_utc: new Date(this.#env.clock.now()).toISOString(),
            uptime: Math.floor((Date.now() - this.#env.startedAt) / 1000),
          });
        case 'POST /_fogbank/logout':
          (res as ServerResponse).setHeader('set-cookie', this.auth.clearCookie());
          return json(res, 200, { loggedOut: true });
        case 'GET /_fogbank/info':
          return json(res, 200, this.#info());
        case 'POST /_fogbank/call':
          return json(res, 200, await this.#services.call(await readJson(req)));
        case 'GET /_fogbank/accounts':
          return json(res, 200, await this.#env.accounts.list());
        case 'POST /_fogbank/accounts': {
          const body = await readJson(req);
          const id = body.id === undefined || body.id === '' ? undefined : String(body.id);
          const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 64) : undefined;
          return json(res, 201, await this.#env.accounts.create(id, name));
        }
        case 'GET /_fogbank/services':
          return json(res, 200, await this.#services.coverage());
        case 'GET /_fogbank/requests':
          if (query.get('follow') === '1') return this.#follow(req, res);
          return json(res, 200, this.#env.requests.entries());
        case 'GET /_fogbank/clock':
          return json(res, 200, this.#clockState());
        case 'POST /_fogbank/clock':
          return await this.#setClock(req, res);
        case 'POST /_fogbank/reset':
          await this.#reset();
          return json(res, 200, { reset: true });
        case 'GET /_fogbank/ports':
          return json(res, 200, { range: this.#env.ports.range, ports: await this.#env.ports.list() });
        case 'GET /_fogbank/engines': {
          const lines = Math.min(Math.max(Number(query.get('lines') ?? 20) || 0, 0), 200);
          return json(res, 200, { engines: this.#env.engines.list(lines) });
        }
        case 'GET /_fogbank/iam':
          return json(res, 200, this.#env.iam.describe());
        case 'PUT /_fogbank/iam':
          return json(res, 200, setIamModes(this.#env.iam, await readJson(req)));
        case 'GET /_fogbank/faults':
          return json(res, 200, this.#env.faults.list());
        case 'POST /_fogbank/faults':
          return json(res, 201, this.#env.faults.add(await readJson(req)));
        case 'DELETE /_fogbank/faults':
          this.#env.faults.clear();
          return json(res, 200, { cleared: true });
        default: {
          const fault = /^\/_fogbank\/faults\/([0-9a-f-]{36})$/.exec(path);
          if (fault && method === 'DELETE') {
            return this.#env.faults.remove(fault[1]) ? json(res, 200, { removed: fault[1] }) : json(res, 404, { error: 'NotFound', message: 'No fault has that id' });
          }
          const detail = /^\/_fogbank\/requests\/([0-9a-f-]{36})$/.exec(path);
          if (detail && method === 'GET') {
            const entry = this.#env.requests.get(detail[1]);
            return entry ? json(res, 200, entry) : json(res, 404, { error: 'NotFound', message: 'That request is no longer in the log' });
          }
          const account = /^\/_fogbank\/accounts\/(\d{12})$/.exec(path);
          if (account && method === 'PUT') {
            const body = await readJson(req);
            await this.#env.accounts.rename(account[1], typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 64) : null);
            return json(res, 200, (await this.#env.accounts.list()).find((a) => a.id === account[1]));
          }
          if (this.#snapshots && path.startsWith('/_fogbank/snapshots') && (await snapshotRoute(this.#snapshots, req, res, method, path, query, (r) => readJson(r)))) return;
          return await this.#serviceRoute(req, res, method, path, query);
        }
      }
    } catch (err) {
      if (err instanceof AdminError) return json(res, err.status, { error: err.code, message: err.message });
      if (err instanceof ServiceError) return json(res, err.status, { error: err.code, message: err.message });
      // The client left mid-request: nobody to answer, nothing wrong here.
      if (isClientDisconnect(err)) return this.#env.log.debug(`admin ${method} ${path}: client went away`);
      this.#env.log.error(`admin ${method} ${path} failed`, err);
      return json(res, 500, { error: 'InternalError', message: String((err as Error)?.message ?? err) });
    }
  }

  /** Whether a service route is marked public (reachable without a session). */
  async #isPublic(method: string, path: string): Promise<boolean> {
    const m = /^\/_(?:fogbank|aws)\/([a-z0-9-]+)\//.exec(path);
    const svc = m ? await this.#services.admin(m[1]) : undefined;
    return !!svc?.routes.some((r) => r.public && r.method === method && r.path.test(path));
  }

  /** /_fogbank/<service>/... and /_aws/<service>/...: the routes a service registers (AdminRoute). */
  async #serviceRoute(req: Req, res: Res, method: string, path: string, query: URLSearchParams): Promise<void> {
    const m = /^\/_(?:fogbank|aws)\/([a-z0-9-]+)(?:\/|$)/.exec(path);
    const svc = m ? await this.#services.admin(m[1]) : undefined;
    if (svc) {
      for (const route of svc.routes) {
        if (route.method !== method) continue;
        const match = route.path.exec(path);
        if (!match) continue;
        const body = method === 'GET' || method === 'DELETE' ? {} : await readJson(req);
        const answer = await route.handle({ method, path, params: { ...match.groups }, query, body, headers: req.headers }, svc.state(), this.#env);
        if (answer instanceof RawAdminResponse) {
          (res as ServerResponse).writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': String(Buffer.byteLength(answer.body)) });
          (res as ServerResponse).end(answer.body);
          return;
        }
        return json(res, 200, answer ?? {});
      }
    }
    json(res, 404, { error: 'NotFound', message: `No admin route ${method} ${path}` });
  }

  /** The UI, and the one-click URL: a valid ?token= becomes the session cookie, then the token leaves the URL. */
  async #ui(req: Req, res: Res, path: string, query: URLSearchParams): Promise<void> {
    const token = query.get('token');
    if (token !== null) {
      query.delete('token');
      const rest = query.toString();
      const headers: Record<string, string> = { location: path + (rest ? `?${rest}` : '') };
      if (this.auth.verify(token)) headers['set-cookie'] = this.auth.sessionCookie(token);
      (res as ServerResponse).writeHead(302, headers).end();
      return;
    }
    if (path === '/_fogbank/ui') {
      (res as ServerResponse).writeHead(301, { location: '/_fogbank/ui/' }).end();
      return;
    }
    return serveUi(res, path, req.method === 'HEAD');
  }

  async #login(req: Req, res: Res): Promise<void> {
    // A login is a user name and a password: a few KiB is plenty, and less to hold per attempt.
    const body = await readJson(req, 8 * 1024);
    // Admitted only after the body is in, so a slow sender holds no check slot.
    const attempt = this.auth.logins.admit(req.socket?.remoteAddress);
    if (!attempt.ok) {
      (res as ServerResponse).setHeader('retry-after', String(attempt.retryAfterSeconds));
      const message = attempt.reason === 'client'
        ? `Too many failed logins from this address; try again in ${attempt.retryAfterSeconds} s`
        : 'Too many logins in progress; try again in a moment';
      return json(res, 429, { error: 'TooManyRequests', message });
    }
    let ok = false;
    try {
      ok = await this.auth.checkPassword(body.username, body.password);
    } finally {
      attempt.done(ok);
    }
    if (!ok) {
      // A pause makes each guess slower for the guesser without holding anything else up (the check
      // slot is already free); the limiter is what bounds guessing.
      await new Promise((r) => setTimeout(r, 300));
      return json(res, 401, { error: 'InvalidCredentials', message: 'Wrong user name or password' });
    }
    const token = this.auth.issue();
    (res as ServerResponse).setHeader('set-cookie', this.auth.sessionCookie(token));
    return json(res, 200, { authenticated: true, user: this.auth.user });
  }

  #info() {
    const m = process.memoryUsage();
    return {
      version: this.#env.version,
      endpoint: this.#env.endpoint,
      dataDir: this.#env.ephemeral ? null : this.#env.dataDir,
      ephemeral: this.#env.ephemeral,
      startedAt: new Date(this.#env.startedAt).toISOString(),
      uptimeSeconds: Math.floor((Date.now() - this.#env.startedAt) / 1000),
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external },
      node: process.version,
      loopback: this.auth.loopback,
    };
  }

  #serviceStates(): Record<string, 'available' | 'running'> {
    const out: Record<string, 'available' | 'running'> = {};
    for (const name of this.#services.names) out[name] = this.#services.isLoaded(name) ? 'running' : 'available';
    return out;
  }

  #clockState() {
    const c = this.#env.clock;
    return { now: c.now(), iso: new Date(c.now()).toISOString(), frozen: c.frozen, pendingTimers: c.pendingTimers };
  }

  async #setClock(req: Req, res: Res): Promise<void> {
    const body = await readJson(req);
    const c = this.#env.clock;
    const num = (k: string) => {
      const v = body[k];
      if (v === undefined) return undefined;
      const n = typeof v === 'string' && !/^\d+$/.test(v) ? Date.parse(v) : Number(v);
      if (!Number.isFinite(n)) throw new AdminError(400, 'InvalidParameter', `${k} must be a number of milliseconds or an ISO date`);
      return n;
    };
    const set = num('set');
    const advance = num('advance');
    if (advance !== undefined && advance < 0) throw new AdminError(400, 'InvalidParameter', 'advance must not be negative');
    if (body.freeze === true) c.freeze();
    if (set !== undefined) c.set(set);
    if (advance !== undefined) c.advance(advance);
    if (body.freeze === false) c.unfreeze();
    json(res, 200, this.#clockState());
  }

  #follow(req: Req, res: Res): void {
    (res as ServerResponse).writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...(req.httpVersionMajor === 1 ? { connection: 'keep-alive' } : {}),
    });
    // A first comment sends the headers at once, so EventSource opens before any request happens.
    (res as ServerResponse).write(': connected\n\n');
    const write = (e: unknown) => (res as ServerResponse).write(`event: request\ndata: ${JSON.stringify(e)}\n\n`);
    for (const e of this.#env.requests.entries()) write(e);
    const unsubscribe = this.#env.requests.subscribe(write);
    const ping = setInterval(() => (res as ServerResponse).write(': ping\n\n'), 15000);
    ping.unref();
    res.on('close', () => {
      unsubscribe();
      clearInterval(ping);
    });
  }
}

class AdminError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function readJson(req: Req, limit = 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new AdminError(413, 'TooLarge', 'request body too large');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new AdminError(400, 'InvalidJson', 'request body must be a JSON object');
}
