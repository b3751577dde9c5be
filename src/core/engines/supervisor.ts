// The engine supervisor (DESIGN.md §7): starts engines for resources, keeps a pid file per running
// process, passes their output to the logger (debug) and a ring per engine, and stops them on
// delete, on reset and on shutdown. At start it stops what a killed Fogbank left running.
//
// Restart timers run on real time, not on the Fogbank clock: a process lives in wall-clock time,
// and a test that freezes the clock must not also stop crash recovery.
import { Engine, type EngineHooks, type EngineInfo, type EngineSpec } from './engine.ts';
import { PidFiles, type Leftover } from './pid-files.ts';
import { signalGroup } from './proc.ts';
import type { Logger } from '../logger.ts';

let nextId = 1;
/** Every supervisor of this process, so that an abrupt exit (process.exit) still kills their groups. */
const live = new Set<Engines>();
let exitHookInstalled = false;

export class Engines {
  readonly #log: Logger;
  readonly #pidFiles: PidFiles;
  readonly #engines = new Map<string, Engine>();
  readonly #hooks: EngineHooks;

  constructor(options: { pidDir: string; log: Logger }) {
    this.#log = options.log;
    this.#pidFiles = new PidFiles(options.pidDir);
    const log = this.#log;
    const pidFiles = this.#pidFiles;
    this.#hooks = {
      spawned(engine, pid) {
        try {
          pidFiles.write(engine.id, engine.spec.kind, engine.spec.resource, pid);
        } catch (err) {
          log.warn(`could not record engine ${engine.id} (pid ${pid}) in ${pidFiles.dir}`, err);
        }
      },
      exited(engine) {
        pidFiles.remove(engine.id);
      },
      line(engine, stream, line) {
        if (log.enabled('debug')) log.debug(`[${engine.spec.kind} ${engine.spec.resource} ${stream}] ${line}`);
      },
    };
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // Last resort when the process ends without stop() (an uncaught error, process.exit): no
      // engine outlives it. Synchronous, as 'exit' listeners must be.
      process.on('exit', () => {
        for (const s of live) s.#killNow();
      });
    }
  }

  /** Stops processes that a Fogbank which ended without stopping them left running (kill -9, crash). */
  async stopLeftovers(graceMs = 3_000): Promise<Leftover[]> {
    const found = await this.#pidFiles.stopLeftovers(graceMs);
    for (const l of found) {
      this.#log.warn(`stopped engine ${l.kind} ${l.resource} (pid ${l.pid}: ${l.cmdline}) left running by a Fogbank that did not shut down`);
    }
    return found;
  }

  /** Starts an engine for a resource; listen to its 'state', 'line' and 'exit' events right away. */
  start(spec: EngineSpec): Engine {
    const engine = new Engine(`e${nextId++}`, spec, this.#hooks);
    this.#engines.set(engine.id, engine);
    engine.on('state', (state, detail) => {
      if (state === 'failed') this.#log.warn(`engine ${spec.kind} ${spec.resource} failed${detail ? `: ${detail}` : ''}`);
      else if (this.#log.enabled('debug')) this.#log.debug(`engine ${spec.kind} ${spec.resource} ${state}${detail ? `: ${detail}` : ''}`);
      // Engines that are done for good (no restart coming) leave the list, unless a resource's
      // engine failed: that stays visible until the resource stops or deletes it.
      if (state === 'stopped' || (state === 'failed' && spec.restart === 'never')) this.#engines.delete(engine.id);
    });
    engine.launch();
    return engine;
  }

  get(id: string): Engine | undefined {
    return this.#engines.get(id);
  }

  /** The engines of a resource. */
  of(kind: string, resource: string, account = ''): Engine[] {
    return [...this.#engines.values()].filter((e) => e.spec.kind === kind && e.spec.resource === resource && (e.spec.account ?? '') === account);
  }

  list(lines?: number): EngineInfo[] {
    return [...this.#engines.values()].map((e) => e.info(lines));
  }

  /** Stops an engine for good (its resource was deleted). */
  async stop(engine: Engine | string, graceMs?: number): Promise<void> {
    const e = typeof engine === 'string' ? this.#engines.get(engine) : engine;
    if (!e) return;
    this.#engines.delete(e.id);
    await e.stop(graceMs);
  }

  /**
   * Stops everything and forgets it: a reset (every resource is gone) and a snapshot restore (the
   * restored resources' services start their engines again from their tables, as after a restart).
   */
  async clear(graceMs?: number): Promise<void> {
    const all = [...this.#engines.values()];
    this.#engines.clear();
    await Promise.all(all.map((e) => e.stop(graceMs)));
  }

  /** Stops everything for good (Fogbank's shutdown). */
  async close(graceMs?: number): Promise<void> {
    await this.clear(graceMs);
    live.delete(this);
  }

  #killNow(): void {
    for (const e of this.#engines.values()) {
      if (e.pid !== undefined) {
        signalGroup(e.pid, 'SIGKILL');
        this.#pidFiles.remove(e.id);
      }
    }
  }
}
