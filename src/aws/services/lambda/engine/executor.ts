// Runs invocations on workers: warm workers are reused (most recently used first), more start when
// invocations overlap (concurrency scales), idle ones are reaped on the clock, reserved concurrency is
// enforced, timeouts kill the worker and report `Task timed out after N seconds`. Every invocation
// writes START / output / END / REPORT to its worker's CloudWatch log stream.
import { createHash, randomBytes } from 'node:crypto';
import type { Environment } from '../../../../core/environment.ts';
import type { TimerHandle } from '../../../../core/clock.ts';
import type { CodeStore } from '../code.ts';
import { Worker, type InvokeOutcome, type InvokeRequest } from './worker.ts';
import { LaunchRefused, prepareLaunch, type Prepared } from './launch.ts';
import { removeContainer } from './docker.ts';
import type { LogLine, LogShipper } from './log-shipper.ts';
import { functionKey, type Target } from './target.ts';
import { InvocationRecords, type RunRequest, type RunResult } from './records.ts';
import { runtimeVersionArn } from '../runtimes.ts';
import { functionArn } from '../names.ts';

/** Reserved concurrency exhausted. */
export class Throttled extends Error {}

interface Meta {
  prepared: Prepared;
  /** Output before the first invocation (printed while the module loads), with INIT_START. */
  initLines?: LogLine[];
  idleTimer?: TimerHandle;
  provisioned: boolean;
  runtimeVersion: string;
  pool: Pool;
  lastUsed: number;
}

interface Pool {
  key: string;
  slot: string;
  fnKey: string;
  account: string;
  region: string;
  name: string;
  version: string;
  idle: Worker[];
  all: Map<Worker, Meta>;
  retired: boolean;
}

const INIT_LIMIT_MS = 10_000;

export class Executor {
  readonly records = new InvocationRecords();
  readonly maxWorkers = Number(process.env.FOGBANK_LAMBDA_MAX_WORKERS ?? 64);
  readonly idleMs = Number(process.env.FOGBANK_LAMBDA_IDLE_SECONDS ?? 600) * 1000;
  readonly #env: Environment;
  readonly #code: CodeStore;
  readonly #shipper: LogShipper;
  #pools = new Map<string, Pool>();
  /** The current pool of each function version; older pools (stale code or configuration) drain. */
  #slots = new Map<string, string>();
  #inflight = new Map<string, number>();
  #workers = 0;
  #waiting: Array<() => void> = [];
  /** Each worker's facts, kept beyond its pool membership (a worker that failed to start has left it). */
  #metas = new WeakMap<Worker, Meta>();
  /** Moves on at every reset: an invocation that straddles one leaves no logs or records in the new state. */
  #epoch = 0;

  constructor(env: Environment, code: CodeStore, shipper: LogShipper) {
    this.#env = env;
    this.#code = code;
    this.#shipper = shipper;
  }

  inflight(fnKey: string): number {
    return this.#inflight.get(fnKey) ?? 0;
  }

  /** Runs one invocation; throws Throttled when reserved concurrency is used up. */
  async run(t: Target, req: RunRequest): Promise<RunResult> {
    const fk = functionKey(t.fn);
    const n = this.#inflight.get(fk) ?? 0;
    if (t.fn.reserved_concurrency !== null && n >= t.fn.reserved_concurrency) throw new Throttled();
    this.#inflight.set(fk, n + 1);
    try {
      return await this.#run(t, req);
    } finally {
      const left = (this.#inflight.get(fk) ?? 1) - 1;
      if (left > 0) this.#inflight.set(fk, left);
      else this.#inflight.delete(fk);
    }
  }

  async #run(t: Target, req: RunRequest): Promise<RunResult> {
    const epoch = this.#epoch;
    const pool = this.#poolFor(t);
    const started = performance.now();
    let worker = this.#takeIdle(pool);
    let cold = false;
    let initFailure: { errorType: string; payload: Buffer; timedOut: boolean } | undefined;
    if (!worker) {
      cold = true;
      try {
        worker = await this.#launch(t, pool, false);
      } catch (err) {
        if (!(err instanceof LaunchRefused)) throw err;
        return this.#refused(t, req, err);
      }
      const init = await this.#awaitReady(worker, t);
      if (init) initFailure = init;
    }
    const meta = this.#metas.get(worker)!;
    const lines: LogLine[] = cold ? [...(meta.initLines ?? [])] : [];
    meta.initLines = undefined;
    const clock = this.#env.clock;
    const mark = (message: string) => lines.push({ timestamp: clock.now(), message });
    const id = req.requestId;
    const executedVersion = t.version.version;
    const timeoutMs = t.config.Timeout * 1000;
    const invocationStart = lines.length;
    if (initFailure) {
      mark(`INIT_REPORT Init Duration: ${worker.initDurationMs ? worker.initDurationMs.toFixed(2) : (performance.now() - worker.launchedAt).toFixed(2)} ms\tPhase: init\tStatus: ${initFailure.timedOut ? 'timeout' : 'error'}\tError Type: ${initFailure.errorType}`);
    }
    mark(`START RequestId: ${id} Version: ${executedVersion}`);
    worker.onLine = (line) => mark(unescapeLine(line));
    let outcome: InvokeOutcome;
    let timedOut = initFailure?.timedOut ?? false;
    let peakMb: number | undefined;
    const invokeStarted = performance.now();
    if (initFailure) {
      outcome = initFailure.timedOut
        ? { kind: 'exit', message: 'timeout' }
        : { kind: 'error', errorType: initFailure.errorType, payload: initFailure.payload };
    } else {
      const timer = clock.setTimeout(() => {
        timedOut = true;
        peakMb = worker!.maxMemoryMb();
        worker!.kill();
      }, timeoutMs);
      outcome = await worker.invoke({
        requestId: id,
        payload: req.payload,
        deadlineMs: Date.now() + timeoutMs,
        invokedArn: t.invokedArn,
        traceId: traceId(),
        clientContext: req.clientContext,
        onStream: req.onStream,
      });
      clock.clearTimeout(timer);
      // Output written just before answering may still be in the pipe.
      await new Promise((r) => setImmediate(r));
    }
    const durationMs = performance.now() - invokeStarted;
    const memoryUsed = peakMb ?? worker.maxMemoryMb();
    worker.onLine = (line) => this.#shipper.add(t.fn.account, t.fn.region, meta.prepared.logGroup, meta.prepared.logStream, [{ timestamp: clock.now(), message: unescapeLine(line) }]);

    let result: RunResult;
    const base = { requestId: id, executedVersion, durationMs, initDurationMs: cold ? worker.initDurationMs || undefined : undefined, log: [] as string[] };
    let reportStatus = '';
    if (timedOut) {
      const seconds = `${(timeoutMs / 1000).toFixed(2)} seconds`;
      const message = `${new Date(clock.now()).toISOString()} ${id} Task timed out after ${seconds}`;
      mark(message);
      result = { ...base, payload: Buffer.from(JSON.stringify({ errorMessage: message })), contentType: 'application/json', streamed: false, functionError: 'Unhandled', errorType: 'Sandbox.Timedout', status: 'timeout' };
      reportStatus = '\tStatus: timeout';
    } else if (outcome.kind === 'exit') {
      const message = `RequestId: ${id} ${outcome.message}`;
      mark(`${message}\nRuntime.ExitError`);
      result = { ...base, payload: Buffer.from(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: message })), contentType: 'application/json', streamed: false, functionError: 'Unhandled', errorType: 'Runtime.ExitError', status: 'error' };
      reportStatus = '\tStatus: error\tError Type: Runtime.ExitError';
    } else if (outcome.kind === 'error') {
      result = { ...base, payload: outcome.payload, contentType: 'application/json', streamed: false, functionError: 'Unhandled', errorType: outcome.errorType, status: 'error' };
      if (initFailure) reportStatus = `\tStatus: error\tError Type: ${outcome.errorType}`;
    } else {
      result = { ...base, payload: outcome.payload, contentType: outcome.contentType, streamed: outcome.streamed, status: 'success' };
    }
    mark(`END RequestId: ${id}`);
    const billed = Math.max(1, Math.ceil(durationMs));
    mark(
      `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${t.config.MemorySize} MB\tMax Memory Used: ${memoryUsed ?? 0} MB` +
        (cold && worker.initDurationMs ? `\tInit Duration: ${worker.initDurationMs.toFixed(2)} ms` : '') +
        reportStatus,
    );
    result.log = lines.slice(invocationStart).map((l) => l.message);
    if (epoch === this.#epoch) {
      this.#shipper.add(t.fn.account, t.fn.region, meta.prepared.logGroup, meta.prepared.logStream, lines);
      this.records.add(t, req, result, performance.now() - started, lines.map((l) => l.message));
    }
    this.#release(worker, meta, timedOut || !!initFailure);
    return result;
  }

  #refused(t: Target, req: RunRequest, err: LaunchRefused): RunResult {
    const payload = Buffer.from(JSON.stringify({ errorType: err.errorType, errorMessage: `RequestId: ${req.requestId} Error: ${err.message}` }));
    const result: RunResult = {
      requestId: req.requestId, payload, contentType: 'application/json', streamed: false, functionError: 'Unhandled', errorType: err.errorType,
      status: 'error', log: [`START RequestId: ${req.requestId} Version: ${t.version.version}`, `${err.errorType}: ${err.message}`, `END RequestId: ${req.requestId}`],
      executedVersion: t.version.version, durationMs: 0,
    };
    this.records.add(t, req, result, 0, result.log);
    return result;
  }

  /** Waits for a new worker's first /next; undefined when ready, else what went wrong. */
  async #awaitReady(worker: Worker, t: Target): Promise<{ errorType: string; payload: Buffer; timedOut: boolean } | undefined> {
    let timedOut = false;
    const timer = this.#env.clock.setTimeout(() => {
      timedOut = true;
      worker.kill();
    }, INIT_LIMIT_MS + t.config.Timeout * 1000);
    try {
      await worker.ready;
      return undefined;
    } catch (f) {
      const failure = f as { errorType: string; payload: Buffer };
      return { errorType: timedOut ? 'Sandbox.Timedout' : failure.errorType, payload: failure.payload, timedOut };
    } finally {
      this.#env.clock.clearTimeout(timer);
    }
  }

  #poolFor(t: Target): Pool {
    const slot = `${t.fn.id}/${t.version.version}`;
    const key = `${slot}/${t.version.code_sha256}/${createHash('sha1').update(t.version.config).digest('hex')}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { key, slot, fnKey: functionKey(t.fn), account: t.fn.account, region: t.fn.region, name: t.fn.name, version: t.version.version, idle: [], all: new Map(), retired: false };
      this.#pools.set(key, pool);
    }
    const previous = this.#slots.get(slot);
    if (previous !== key) {
      this.#slots.set(slot, key);
      if (previous) this.#retire(previous);
    }
    return pool;
  }

  #retire(key: string): void {
    const pool = this.#pools.get(key);
    if (!pool) return;
    pool.retired = true;
    for (const w of pool.idle.splice(0)) w.kill();
    if (pool.all.size === 0) this.#pools.delete(key);
  }

  #takeIdle(pool: Pool): Worker | undefined {
    const now = this.#env.clock.now();
    while (pool.idle.length) {
      const w = pool.idle.pop()!;
      const meta = pool.all.get(w);
      if (!w.alive || !meta) continue;
      this.#env.clock.clearTimeout(meta.idleTimer);
      meta.idleTimer = undefined;
      // Credentials handed to a worker expire on the clock; such a worker is replaced, not reused.
      if (meta.prepared.credentialsExpireAt - 300_000 <= now) {
        w.kill();
        continue;
      }
      return w;
    }
    return undefined;
  }

  async #launch(t: Target, pool: Pool, provisioned: boolean): Promise<Worker> {
    await this.#slot();
    this.#workers++;
    let prepared: Prepared;
    try {
      prepared = await prepareLaunch(this.#env, this.#code, t, { provisioned, workerId: this.#workers });
    } catch (err) {
      this.#freeSlot();
      throw err;
    }
    let worker: Worker;
    try {
      worker = await Worker.launch(prepared.spec, this.#env, { account: t.fn.account, resource: functionArn(t.fn.account, t.fn.region, t.fn.name, t.version.version) });
    } catch (err) {
      this.#freeSlot();
      this.#code.dropScratch(prepared.scratch);
      throw err;
    }
    const clock = this.#env.clock;
    const meta: Meta = {
      prepared,
      initLines: [{ timestamp: clock.now(), message: `INIT_START Runtime Version: ${prepared.runtimeVersion}\tRuntime Version ARN: ${runtimeVersionArn(t.fn.region, t.config.Runtime ?? t.config.ImageUri ?? 'image')}` }],
      provisioned,
      runtimeVersion: prepared.runtimeVersion,
      pool,
      lastUsed: clock.now(),
    };
    worker.onLine = (line) => meta.initLines?.push({ timestamp: clock.now(), message: unescapeLine(line) });
    pool.all.set(worker, meta);
    this.#metas.set(worker, meta);
    worker.onExit = () => {
      pool.all.delete(worker);
      const i = pool.idle.indexOf(worker);
      if (i >= 0) pool.idle.splice(i, 1);
      clock.clearTimeout(meta.idleTimer);
      if (pool.retired && pool.all.size === 0) this.#pools.delete(pool.key);
      if (t.config.PackageType === 'Image') removeContainer(`fogbank-lambda-${prepared.scratch}`);
      this.#code.dropScratch(prepared.scratch);
      this.#freeSlot();
    };
    return worker;
  }

  /** Waits for room under the local worker cap, reaping the least recently used idle worker if any. */
  async #slot(): Promise<void> {
    while (this.#workers >= this.maxWorkers) {
      let oldest: { w: Worker; meta: Meta } | undefined;
      for (const pool of this.#pools.values()) {
        for (const w of pool.idle) {
          const meta = pool.all.get(w)!;
          if (!oldest || meta.lastUsed < oldest.meta.lastUsed) oldest = { w, meta };
        }
      }
      if (oldest) {
        oldest.w.kill();
        await new Promise((r) => setImmediate(r));
        continue;
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #freeSlot(): void {
    this.#workers--;
    this.#waiting.shift()?.();
  }

  #release(worker: Worker, meta: Meta, kill: boolean): void {
    meta.lastUsed = this.#env.clock.now();
    if (kill || !worker.alive || meta.pool.retired) {
      worker.kill();
      return;
    }
    meta.pool.idle.push(worker);
    if (!meta.provisioned) {
      meta.idleTimer = this.#env.clock.setTimeout(() => {
        const i = meta.pool.idle.indexOf(worker);
        if (i >= 0) {
          meta.pool.idle.splice(i, 1);
          worker.kill();
        }
      }, this.idleMs);
    }
  }

  /** Starts `count` initialized workers for provisioned concurrency; resolves when they are ready. */
  async provision(t: Target, count: number): Promise<void> {
    const pool = this.#poolFor(t);
    const have = [...pool.all.values()].filter((m) => m.provisioned).length;
    const started: Promise<void>[] = [];
    for (let i = have; i < count; i++) {
      started.push(
        (async () => {
          let w: Worker;
          try {
            w = await this.#launch(t, pool, true);
          } catch {
            return;
          }
          if (!(await this.#awaitReady(w, t))) this.#release(w, this.#metas.get(w)!, false);
        })(),
      );
    }
    await Promise.all(started);
  }

  /** Kills the workers of a function (all versions, or one), e.g. on update, delete or admin evict. */
  evict(filter: { account?: string; region?: string; name?: string; version?: string } = {}): number {
    let n = 0;
    for (const pool of this.#pools.values()) {
      if (filter.account && pool.account !== filter.account) continue;
      if (filter.region && pool.region !== filter.region) continue;
      if (filter.name && pool.name !== filter.name) continue;
      if (filter.version && pool.version !== filter.version) continue;
      pool.retired = true;
      if (this.#slots.get(pool.slot) === pool.key) this.#slots.delete(pool.slot);
      for (const w of pool.idle.splice(0)) {
        w.kill();
        n++;
      }
      if (pool.all.size === 0) this.#pools.delete(pool.key);
    }
    return n;
  }

  /** The live workers, for the admin API. */
  workers(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const pool of this.#pools.values()) {
      for (const [w, meta] of pool.all) {
        out.push({
          account: pool.account,
          region: pool.region,
          function: pool.name,
          version: pool.version,
          pid: w.pid,
          state: w.state,
          invocations: w.invocations,
          initDurationMs: Math.round(w.initDurationMs * 100) / 100,
          provisioned: meta.provisioned,
          runtime: meta.runtimeVersion,
          logGroup: meta.prepared.logGroup,
          logStream: meta.prepared.logStream,
          lastUsed: new Date(meta.lastUsed).toISOString(),
          retired: pool.retired,
        });
      }
    }
    return out;
  }

  /** Kills every worker (reset, shutdown). */
  shutdown(): void {
    this.#epoch++;
    for (const pool of this.#pools.values()) {
      pool.retired = true;
      pool.idle.length = 0;
      for (const w of pool.all.keys()) w.kill();
    }
    this.#pools.clear();
    this.#slots.clear();
    this.#inflight.clear();
    this.records.clear();
  }
}

/** Runtimes mark the line breaks inside one log event with '\r'. */
function unescapeLine(line: string): string {
  return line.replace(/\r$/, '').replaceAll('\r', '\n');
}

function traceId(): string {
  const t = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${t}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0;Lineage=1:${randomBytes(4).toString('hex')}:0`;
}
