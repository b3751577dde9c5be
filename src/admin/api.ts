// The /_fogbank/* admin API (DESIGN.md §7) and the LocalStack-compatible /_localstack/* endpoints.
// The admin UI and the testing library use only this API.
import type { ServerResponse } from 'node:http';
import type { Environment } from '../core/environment.ts';
import type { ServiceRegistry } from '../aws/registry.ts';
import { coverage } from './coverage.ts';
import { ServiceError } from '../aws/protocol/errors.ts';
import { json, type Req, type Res } from '../server/http-io.ts';


export class AdminApi {
  readonly #env: Environment;
  readonly #registry: ServiceRegistry;
  readonly #reset: () => Promise<void>;

  constructor(env: Environment, registry: ServiceRegistry, reset: () => Promise<void>) {
    this.#env = env;
    this.#registry = registry;
    this.#reset = reset;
  }

  async handle(req: Req, res: Res, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    try {
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
        case 'GET /_fogbank/services':
          return json(res, 200, await coverage(this.#registry));
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
        default:
          return await this.#serviceRoute(req, res, method, path, query);
      }
    } catch (err) {
      if (err instanceof AdminError) return json(res, err.status, { error: err.code, message: err.message });
      if (err instanceof ServiceError) return json(res, err.status, { error: err.code, message: err.message });
      this.#env.log.error(`admin ${method} ${path} failed`, err);
      return json(res, 500, { error: 'InternalError', message: String((err as Error)?.message ?? err) });
    }
  }

  /** /_fogbank/<service>/... and /_aws/<service>/...: the routes a service registers (AdminRoute). */
  async #serviceRoute(req: Req, res: Res, method: string, path: string, query: URLSearchParams): Promise<void> {
    const m = /^\/_(?:fogbank|aws)\/([a-z0-9-]+)(?:\/|$)/.exec(path);
    const identity = m ? this.#registry.byName(m[1]) : undefined;
    if (identity) {
      const svc = await this.#registry.load(identity.name);
      for (const route of svc.definition.admin ?? []) {
        if (route.method !== method) continue;
        const match = route.path.exec(path);
        if (!match) continue;
        const body = method === 'GET' || method === 'DELETE' ? {} : await readJson(req);
        const answer = await route.handle({ method, path, params: { ...match.groups }, query, body }, svc.store(), this.#env);
        return json(res, 200, answer ?? {});
      }
    }
    json(res, 404, { error: 'NotFound', message: `No admin route ${method} ${path}` });
  }

  #serviceStates(): Record<string, 'available' | 'running'> {
    const out: Record<string, 'available' | 'running'> = {};
    for (const s of this.#registry.identities) out[s.name] = this.#registry.isLoaded(s.name) ? 'running' : 'available';
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

async function readJson(req: Req): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 1024 * 1024) throw new AdminError(413, 'TooLarge', 'request body too large');
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
