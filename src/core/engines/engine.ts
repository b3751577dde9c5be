// One supervised engine: an external process (postgres, redis-server, a function runtime) or an
// in-process server (a net.Server) that a resource owns. Its life, as the resource's state machine
// sees it through 'state' events:
//
//   starting ──ready──▶ available ──crash──▶ starting (after a backoff) … ──too many──▶ failed
//        └──────────────── stop() ───────────────▶ stopped
//
// A process leads a process group of its own, so that stopping it also stops what it started.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { OutputRing, splitLines, type OutputLine } from './output.ts';
import { signalGroup } from './proc.ts';

export type EngineState = 'starting' | 'available' | 'failed' | 'stopped';

export interface ProcessSpec {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Run as this user and group (needs root; postgres refuses to run as root). */
  uid?: number;
  gid?: number;
}

export interface EngineSpec {
  /** The owning resource: a kind in the cloud's vocabulary, its ARN or id, its account. */
  kind: string;
  resource: string;
  account?: string;
  /** Exactly one of process and server. */
  process?: ProcessSpec;
  /** An in-process server, listened on `port` (and `host`) by the supervisor. */
  server?: () => net.Server;
  /** Where the engine listens: the TCP readiness probe dials it, the listing shows it. */
  port?: number;
  host?: string;
  /**
   * When the engine counts as available: 'spawned' (at once), 'tcp' (when `port` accepts a
   * connection; the default when a port is given) or a check that resolves when it is ready.
   */
  ready?: 'spawned' | 'tcp' | ((engine: Engine) => Promise<void>);
  readyTimeoutMs?: number;
  /** 'on-crash' (default) starts it again with backoff; 'never' leaves it stopped or failed. */
  restart?: 'on-crash' | 'never';
  backoff?: Partial<Backoff>;
  /** Time between SIGTERM and SIGKILL when stopping. */
  stopGraceMs?: number;
  /** Lines of output kept for the admin API. */
  outputLines?: number;
}

export interface Backoff {
  /** Delay before the first restart; doubles after each further crash in a row. */
  firstMs: number;
  maxMs: number;
  /** Crashes in a row after which the engine is given up (state failed). */
  giveUpAfter: number;
  /** A run at least this long after becoming available ends the row of crashes. */
  steadyMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 250, maxMs: 30_000, giveUpAfter: 5, steadyMs: 30_000 };

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it could not start or went away (spawn ENOENT/EACCES, a server's listen error). */
  error?: NodeJS.ErrnoException;
  /** Whether stop() asked for it. */
  requested: boolean;
  /** Text such as "exit status 1" or "signal: killed". */
  status: string;
}

export interface EngineInfo {
  id: string;
  kind: string;
  resource: string;
  account: string;
  type: 'process' | 'server';
  command?: string;
  state: EngineState;
  detail?: string;
  pid?: number;
  port?: number;
  restarts: number;
  startedAt: string;
  lastExit?: string;
  output: OutputLine[];
}

/** What the supervisor does for an engine around its process's life. */
export interface EngineHooks {
  spawned(engine: Engine, pid: number): void;
  exited(engine: Engine): void;
  line(engine: Engine, stream: 'stdout' | 'stderr', line: string): void;
}

export interface Engine {
  on(event: 'state', listener: (state: EngineState, detail?: string) => void): this;
  on(event: 'line', listener: (line: string, stream: 'stdout' | 'stderr') => void): this;
  on(event: 'exit', listener: (exit: EngineExit) => void): this;
}

export class Engine extends EventEmitter {
  readonly id: string;
  readonly spec: EngineSpec;
  readonly output: OutputRing;
  state: EngineState = 'starting';
  detail?: string;
  restarts = 0;
  readonly startedAt = new Date();
  lastExit?: string;

  readonly #hooks: EngineHooks;
  readonly #backoff: Backoff;
  #child?: ChildProcess;
  #server?: net.Server;
  #pid?: number;
  #launchedAt = 0;
  #wasAvailable = false;
  #crashesInARow = 0;
  #stopping = false;
  #restartTimer?: NodeJS.Timeout;
  #readyTimer?: NodeJS.Timeout;
  #notReady?: string;
  #stopped?: Promise<void>;

  constructor(id: string, spec: EngineSpec, hooks: EngineHooks) {
    super();
    if (!spec.process === !spec.server) throw new TypeError('an engine is either a process or a server');
    this.id = id;
    this.spec = spec;
    this.#hooks = hooks;
    this.#backoff = { ...DEFAULT_BACKOFF, ...spec.backoff };
    this.output = new OutputRing(spec.outputLines ?? 200);
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  /** Whether a process or server is up (or starting) now. */
  get running(): boolean {
    return this.#child !== undefined || this.#server !== undefined;
  }

  /** Resolves when the engine is next available; rejects if it fails or is stopped first. */
  whenAvailable(): Promise<void> {
    if (this.state === 'available') return Promise.resolve();
    if (this.state === 'failed' || this.state === 'stopped') return Promise.reject(new Error(`engine ${this.id} is ${this.state}${this.detail ? `: ${this.detail}` : ''}`));
    return new Promise((resolve, reject) => {
      const on = (state: EngineState, detail?: string) => {
        if (state === 'starting') return;
        this.off('state', on);
        if (state === 'available') resolve();
        else reject(new Error(`engine ${this.id} is ${state}${detail ? `: ${detail}` : ''}`));
      };
      this.on('state', on);
    });
  }

  /** Starts (or, after stop(), starts again) the process or server. */
  launch(): void {
    this.#stopping = false;
    this.#stopped = undefined;
    this.#wasAvailable = false;
    this.#notReady = undefined;
    this.#launchedAt = Date.now();
    // A restart after a crash is announced already (with its delay).
    if (this.state !== 'starting') this.#set('starting');
    if (this.spec.server) return this.#listen(this.spec.server);
    const p = this.spec.process!;
    let child: ChildProcess;
    try {
      // Loaded when the first engine process starts, not with Fogbank (a few ms of every start).
      child = process.getBuiltinModule('node:child_process').spawn(p.command, p.args ?? [], {
        cwd: p.cwd,
        env: p.env,
        uid: p.uid,
        gid: p.gid,
        // A group of its own: stopping the engine stops what it started, and a terminal's Ctrl-C
        // reaches Fogbank only, which then stops its engines in order.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      // Reported like a process that could not start, after the caller has attached its listeners.
      setImmediate(() => this.#exited(null, null, err as NodeJS.ErrnoException));
      return;
    }
    this.#child = child;
    let failure: NodeJS.ErrnoException | undefined;
    child.on('error', (err) => {
      failure = err;
      // A process that never started sends no exit event.
      if (child.pid === undefined && this.#child === child) this.#exited(null, null, err);
    });
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#exited(code, signal, failure);
    });
    for (const [name, stream] of [['stdout', child.stdout!], ['stderr', child.stderr!]] as const) {
      splitLines(stream, (line) => {
        this.output.push(name, line);
        this.#hooks.line(this, name, line);
        this.emit('line', line, name);
      });
    }
    if (child.pid === undefined) return;
    this.#pid = child.pid;
    this.#hooks.spawned(this, child.pid);
    this.#awaitReady();
  }

  #listen(make: () => net.Server): void {
    let server: net.Server;
    try {
      server = make();
    } catch (err) {
      setImmediate(() => this.#exited(null, null, err as NodeJS.ErrnoException));
      return;
    }
    this.#server = server;
    server.once('error', (err) => {
      if (this.#server !== server) return;
      server.close();
      this.#exited(null, null, err);
    });
    server.once('close', () => {
      if (this.#server === server) this.#exited(0, null);
    });
    server.listen(this.spec.port ?? 0, this.spec.host ?? '127.0.0.1', () => {
      if (this.#server === server) this.#available();
    });
  }

  #awaitReady(): void {
    const ready = this.spec.ready ?? (this.spec.port ? 'tcp' : 'spawned');
    if (ready === 'spawned') {
      setImmediate(() => this.#available());
      return;
    }
    const child = this.#child;
    const timeoutMs = this.spec.readyTimeoutMs ?? 30_000;
    this.#readyTimer = setTimeout(() => {
      if (this.#child !== child || this.state !== 'starting') return;
      this.#notReady = `not ready within ${timeoutMs} ms`;
      this.#signal('SIGKILL');
    }, timeoutMs);
    this.#readyTimer.unref();
    const check = ready === 'tcp' ? () => probeTcp(this.spec.host ?? '127.0.0.1', this.spec.port!, () => this.#child === child && this.state === 'starting') : () => ready(this);
    check().then(
      () => {
        if (this.#child === child && this.state === 'starting') this.#available();
      },
      (err) => {
        if (this.#child !== child || this.state !== 'starting') return;
        this.#notReady = `readiness check failed: ${(err as Error).message}`;
        this.#signal('SIGKILL');
      },
    );
  }

  #available(): void {
    if (this.state !== 'starting' || this.#stopping || !this.running) return;
    clearTimeout(this.#readyTimer);
    this.#wasAvailable = true;
    this.#set('available');
  }

  #exited(code: number | null, signal: NodeJS.Signals | null, error?: NodeJS.ErrnoException): void {
    const hadProcess = this.#pid !== undefined;
    this.#child = undefined;
    this.#server = undefined;
    this.#pid = undefined;
    clearTimeout(this.#readyTimer);
    if (hadProcess) this.#hooks.exited(this);
    const status = this.#notReady ?? (error ? error.message : signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal.replace(/^SIG/, '').toLowerCase()}` : `exit status ${code}`);
    const exit: EngineExit = { code, signal, error, requested: this.#stopping, status };
    this.lastExit = status;
    this.emit('exit', exit);
    if (this.#stopping) return this.#set('stopped');
    const ranMs = Date.now() - this.#launchedAt;
    if (this.spec.restart === 'never') return this.#set(code === 0 ? 'stopped' : 'failed', status);
    if (this.#wasAvailable && ranMs >= this.#backoff.steadyMs) this.#crashesInARow = 0;
    this.#crashesInARow++;
    if (this.#crashesInARow > this.#backoff.giveUpAfter) {
      return this.#set('failed', `gave up after ${this.#crashesInARow} crashes in a row; last: ${status}`);
    }
    const delay = Math.min(this.#backoff.firstMs * 2 ** (this.#crashesInARow - 1), this.#backoff.maxMs);
    this.#set('starting', `restarting in ${delay} ms after ${status}`);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.restarts++;
      this.launch();
    }, delay);
    this.#restartTimer.unref();
  }

  /**
   * Stops it: SIGTERM to its process group, SIGKILL after `graceMs` (0: SIGKILL at once). A server
   * is closed. Resolves when it has exited. Stopped engines may be launched again.
   */
  stop(graceMs = this.spec.stopGraceMs ?? 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) {
      clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
    }
    if (!this.running) {
      if (this.state !== 'stopped' && this.state !== 'failed') this.#set('stopped');
      return Promise.resolve();
    }
    if (this.#stopped) {
      if (graceMs === 0) this.#signal('SIGKILL');
      return this.#stopped;
    }
    this.#stopped = new Promise<void>((resolve) => {
      const done = () => resolve();
      this.once('exit', done);
    });
    if (this.#server) {
      const server = this.#server;
      server.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      return this.#stopped;
    }
    const pid = this.#pid;
    if (graceMs <= 0) this.#signal('SIGKILL');
    else {
      this.#signal('SIGTERM');
      const timer = setTimeout(() => {
        if (this.#pid === pid) this.#signal('SIGKILL');
      }, graceMs);
      timer.unref();
      void this.#stopped.then(() => clearTimeout(timer));
    }
    // Whatever the engine started and left behind in its group goes with it.
    void this.#stopped.then(() => {
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    });
    return this.#stopped;
  }

  /** Sends a signal to the engine's process group now (SIGKILL without grace, or a reload signal). */
  #signal(signal: NodeJS.Signals): void {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    if (child.pid === undefined || !signalGroup(child.pid, signal)) child.kill(signal);
  }

  info(lines = 20): EngineInfo {
    return {
      id: this.id,
      kind: this.spec.kind,
      resource: this.spec.resource,
      account: this.spec.account ?? '',
      type: this.spec.server ? 'server' : 'process',
      command: this.spec.process ? [this.spec.process.command, ...(this.spec.process.args ?? [])].join(' ') : undefined,
      state: this.state,
      detail: this.detail,
      pid: this.#pid,
      port: this.spec.port ?? (this.#server?.address() as net.AddressInfo | null)?.port,
      restarts: this.restarts,
      startedAt: this.startedAt.toISOString(),
      lastExit: this.lastExit,
      output: this.output.lines(lines),
    };
  }

  #set(state: EngineState, detail?: string): void {
    this.state = state;
    this.detail = detail;
    this.emit('state', state, detail);
  }
}

/** Resolves once host:port accepts a TCP connection; retries while `keepTrying()`. */
function probeTcp(host: string, port: number, keepTrying: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (!keepTrying()) return reject(new Error('stopped waiting'));
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        // A polite hang-up (FIN, not a reset), so that the engine sees nothing worse than a client leaving.
        socket.on('error', () => {});
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, 50).unref();
      });
    };
    attempt();
  });
}
