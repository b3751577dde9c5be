// A Fogbank instance: state, services and the one listener. The CLI and the testing library both
// build one with createFogbank().
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ControllableClock } from './core/clock.ts';
import { createLogger, type LogLevel } from './core/logger.ts';
import { Accounts } from './core/accounts.ts';
import { RequestLog } from './core/request-log.ts';
import type { Environment } from './core/environment.ts';
import { Database } from './store/database.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import { BlobStore } from './store/blobs.ts';
// The AWS provider is the one part of src/aws/ built here, through its entry point (src/aws/index.ts).
import { AwsProvider, type ServiceRegistry } from './aws/index.ts';
import type { ServiceCatalog } from './core/catalog.ts';
import { GcpProvider } from './gcp/index.ts';
import { chooseProvider } from './server/front-router.ts';
import type { AdminApi } from './admin/api.ts';
import { AdminAuth, isLoopbackHost } from './admin/auth.ts';
import { listen, type Listener, type ListenerTimeouts, type RequestHandler } from './server/listener.ts';
import { isClientDisconnect, json } from './server/http-io.ts';
import { HostCheck, hostnameOf } from './server/host-check.ts';
import { BrowserOriginPolicy } from './server/browser-origin.ts';
import { Faults } from './core/faults.ts';
import { Ports, type PortRange } from './server/ports.ts';
import { Engines } from './core/engines/supervisor.ts';
import { Lifecycle } from './core/lifecycle.ts';
import { IamSettings, type IamMode } from './core/iam/mode.ts';
import { Snapshots, nameForFile } from './core/snapshots/snapshots.ts';
import { open } from 'node:fs/promises';
import { Chain } from './core/chain.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface FogbankOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dataDir?: string;
  ephemeral?: boolean;
  logLevel?: LogLevel;
  /** Print every request to the console (DEBUG=1). */
  logRequests?: boolean;
  /** Limits on admin password checks (src/admin/login-limiter.ts); tests shorten the window. */
  adminLoginLimits?: Partial<import('./admin/login-limiter.ts').LoginLimits>;
  /** Admin UI login (FOGBANK_ADMIN_USER / FOGBANK_ADMIN_PASSWORD); generated when not given. */
  adminUser?: string;
  adminPassword?: string;
  /**
   * Host names answered besides localhost, loopback addresses and the cloud names (--allowed-hosts):
   * exact names, `*.domain`, or `*` for any. Given beyond loopback, it narrows what is answered.
   */
  allowedHosts?: string[];
  /** Web origins whose pages may call the cloud APIs (--cors-allowed-origins); default localhost and loopback origins. */
  corsAllowedOrigins?: string[];
  /** The listener's header, idle-body and keep-alive timeouts (src/server/listener.ts). */
  timeouts?: Partial<ListenerTimeouts>;
  /** Ports handed to resources that own an endpoint (--port-range); default 4510-4559. */
  portRange?: PortRange;
  /** How much of IAM is enforced (--iam): off (default), soft (check and log), strict (deny). */
  iam?: IamMode;
  /** An exported snapshot (tar or tar.gz) loaded before the first request (--snapshot): CI seeds. */
  snapshot?: string;
}

export interface Fogbank {
  readonly env: Environment;
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly clock: ControllableClock;
  readonly registry: ServiceRegistry;
  /** The one request chain every call runs through; its steps are replaceable (src/core/chain.ts). */
  readonly chain: Chain;
  /** The services, as the admin API and the CLI see them. */
  readonly services: ServiceCatalog;
  /** Saved states of this data directory (src/core/snapshots/). */
  readonly snapshots: Snapshots;
  /**
   * The SQLite database under the store port, for tests and benches that look at the file itself.
   * Services never see it: they reach their tables through `env.store`.
   */
  readonly database: Database;
  /** The admin UI's address, with a session token when it needs one (listening beyond loopback). */
  readonly adminUrl: string;
  /** A password generated at first start (only then), to print once. */
  readonly generatedAdminPassword?: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function createFogbank(options: FogbankOptions = {}): Promise<Fogbank> {
  const host = options.host ?? '127.0.0.1';
  const ephemeral = options.ephemeral ?? false;
  const dataDir = ephemeral ? mkdtempSync(join(tmpdir(), 'fogbank-')) : resolve(options.dataDir ?? '.fogbank');
  mkdirSync(dataDir, { recursive: true });
  const log = createLogger(options.logLevel ?? 'warn');
  const clock = new ControllableClock((err) => log.error('a background timer failed', err));
  let db: Database | undefined;
  let engines: Engines | undefined;
  try {
    db = new Database(ephemeral ? ':memory:' : join(dataDir, 'fogbank.db'));
    // Ephemeral instances share one pid directory (their data directories die with them); each
    // record names its owner, so one never stops another's engines.
    engines = new Engines({ pidDir: ephemeral ? join(tmpdir(), `fogbank-engines-${process.getuid?.() ?? 0}`) : join(dataDir, 'engines'), log });
    // What a Fogbank killed without shutting down left running is stopped before any port is handed out.
    await engines.stopLeftovers();
    const requests = new RequestLog();
    // Services reach their tables only through the store port; the database under it stays here, for
    // what is this driver's own (snapshots are its file, ports and admin sessions are this machine's).
    const store = new SqliteStore(db);
    const env: Environment = {
      dataDir,
      ephemeral,
      endpoint: '',
      version: VERSION,
      startedAt: Date.now(),
      store,
      blobs: new BlobStore(join(dataDir, 'blobs'), !ephemeral),
      clock,
      log,
      accounts: new Accounts(store, () => clock.now()),
      requests,
      faults: new Faults(),
      ports: new Ports(store, { range: options.portRange, host, log }),
      engines,
      lifecycle: new Lifecycle(),
      iam: new IamSettings(options.iam ?? 'off'),
      invoke: (service, operation, input, scope, causedBy) => aws.gateway.invoke(service, operation, input, scope, causedBy),
      deliver: (delivery) => aws.deliveries.deliver(delivery),
    };
    const chain = new Chain(env);
    const aws = new AwsProvider(env, chain);
    const { registry, gateway } = aws;
    const gcp = new GcpProvider(env);
    // A snapshot restore stops the services' background work and starts it again from the restored
    // tables, as after a restart (DESIGN.md §4).
    env.lifecycle.onSuspend(() => registry.stop());
    env.lifecycle.onResume(() => registry.resume());
    // Engines belong to resources, and a restore may bring back other resources than those running:
    // every engine stops, and services start the ones their restored tables name when they resume
    // (their `start`), exactly as after a restart.
    env.lifecycle.onSuspend(() => env.engines.clear());
    const snapshots = new Snapshots({
      env,
      db,
      openComponents: async (components) => {
        for (const c of components) if (registry.byName(c)) (await registry.load(c)).state();
      },
    });
    const gate = snapshots.gate;
    const reset = async () => {
      await env.engines.clear();
      db!.reset();
      env.blobs.clear();
      env.requests.clear();
      env.faults.clear();
      clock.useRealTime();
    };
    const auth = new AdminAuth(db, {
      loopback: isLoopbackHost(host),
      user: options.adminUser,
      password: options.adminPassword,
      now: () => Date.now(),
      loginLimits: options.adminLoginLimits,
    });
    // The admin API and its UI are loaded by the first admin request, not with every start.
    let admin: Promise<AdminApi> | undefined;
    const adminApi = () => (admin ??= import('./admin/api.ts').then(({ AdminApi }) => new AdminApi(env, aws, reset, auth, snapshots)));
    if (options.snapshot) {
      try {
        // Opened here so that a missing file is reported before the stream is read.
        const file = await open(options.snapshot);
        const seed = await snapshots.import(file.createReadStream() as AsyncIterable<Buffer>, { name: nameForFile(options.snapshot), replace: true });
        await snapshots.restore(seed.name);
      } catch (err) {
        await registry.stop();
        throw err;
      }
    }
    if (options.logRequests) {
      requests.subscribe((e) =>
        log.info(`${e.status} ${e.service ?? '-'}.${e.operation ?? '-'} ${e.account ?? ''} ${e.region ?? ''} ${e.errorCode ?? ''} ${e.durationMs}ms`),
      );
      if (!log.enabled('info')) log.level = 'info';
    }
    const hostCheck = new HostCheck({ loopback: isLoopbackHost(host), allowedHosts: options.allowedHosts });
    const browserOrigins = new BrowserOriginPolicy(options.corsAllowedOrigins);
    const handler: RequestHandler = (req, res) => {
      const url = req.url ?? '/';
      // The front (DESIGN.md §1): the Host check for everything, admin and UI included.
      const authority = req.headers[':authority'] ?? req.headers.host;
      const hostHeader = Array.isArray(authority) ? authority[0] : authority;
      const hostRefused = hostCheck.allows(hostHeader) ? undefined : hostCheck.refusalMessage(hostHeader!);
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const hostname = typeof hostHeader === 'string' ? hostnameOf(hostHeader) : undefined;
      // Which provider answers, in the front router's fixed order (src/server/front-router.ts).
      const provider = chooseProvider({ path, query: q < 0 ? '' : url.slice(q + 1), hostname, headers: req.headers }, (p, h) => aws.claims(p, h));
      // While a snapshot is restored, requests wait at the gate (src/core/snapshots/gate.ts).
      if (gate.closed && !(provider === 'admin' && (path.startsWith('/_fogbank/snapshots') || path === '/_fogbank/health'))) {
        gate.wait().then(() => handler(req, res), (err) => log.error('request failed at the snapshot gate', err));
        return;
      }
      if (provider === 'admin') {
        if (hostRefused) {
          req.resume();
          return json(res, 403, { error: 'HostNotAllowed', message: hostRefused });
        }
        adminApi().then((a) => a.handle(req, res, path, new URLSearchParams(q < 0 ? '' : url.slice(q + 1)))).catch((err) => {
          // A client that left mid-request is no failure of Fogbank's (http-io.ts).
          if (isClientDisconnect(err)) return log.debug(`admin client went away: ${(err as Error).message}`);
          log.error('admin request failed', err);
          if (!res.headersSent) (res as import('node:http').ServerResponse).writeHead(500).end();
        });
        return;
      }
      const browser = browserOrigins.verdict(req.headers, hostHeader, req.method ?? 'GET');
      if (provider === 'gcp') {
        try {
          gcp.handle(req, res, { hostname, hostRefused, browser });
        } catch (err) {
          log.error('request failed in the Google Cloud provider', err);
          if (!res.headersSent) (res as import('node:http').ServerResponse).writeHead(500).end();
        }
        return;
      }
      // A refused Host is answered by the gateway, in the protocol of the service the request is for.
      gate.pass(() => gateway.handle(req, res, browser, hostRefused)).catch((err) => {
        log.error('request failed outside the gateway', err);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        }
      });
    };
    const listener: Listener = await listen(host, options.port ?? 4566, handler, options.timeouts);
    const port = listener.address.port;
    const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    env.endpoint = `http://${urlHost}:${port}`;
    // Services with background work (schedules, retries) resume after a restart: those that have
    // state in this data directory are loaded once the listener is up, so their timers are re-armed.
    if (!ephemeral) {
      setImmediate(() => {
        if (stopped) return;
        for (const { component } of db!.all<{ component: string }>('SELECT component FROM _migrations')) {
          if (!registry.byName(component)) continue;
          registry.load(component).then((svc) => {
            if (svc.definition.start && !stopped) svc.state();
          }).catch((err) => log.error(`could not resume ${component}`, err));
        }
        // Blob files of writes whose rows never committed (a crash) are removed in the background.
        // A snapshot restore swaps rows and files (old files, linked): the sweep's view is then stale, so it stops.
        let restored = false;
        env.lifecycle.onSuspend(() => void (restored = true));
        sweeping = import('./store/blob-sweep.ts')
          .then(({ sweepOrphanBlobs }) => sweepOrphanBlobs({ dbPath: db!.path, blobs: env.blobs, stopped: () => stopped || restored }))
          .then((r) => { if (r?.removed) log.info(`removed ${r.removed} orphan blob files (${r.scanned} looked at, ${r.durationMs} ms)`); })
          .catch((err) => log.warn('orphan blob sweep stopped', err));
      });
    }
    let stopped = false;
    let sweeping: Promise<void> | undefined;
    return {
      env,
      endpoint: env.endpoint,
      host,
      port,
      clock,
      registry,
      chain,
      services: aws,
      snapshots,
      database: db,
      adminUrl: `${env.endpoint}/_fogbank/ui/?token=${auth.issue()}`,
      generatedAdminPassword: auth.loopback ? undefined : auth.generatedPassword,
      reset,
      async stop() {
        if (stopped) return;
        stopped = true;
        await listener.close();
        await registry.stop();
        await engines!.close();
        await sweeping;
        clock.clearAll();
        db!.close();
        if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await engines?.close();
    db?.close();
    if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
