// Everything Lambda keeps for one Fogbank: its tables, the code on disk, the workers that run
// functions, the asynchronous queue and the event source mappings. Handlers see it as ctx.state.
import { setImmediate as nextTick } from 'node:timers/promises';
import type { Environment } from '../../../core/environment.ts';
import type { RequestContext, DeliveryContext } from '../../../core/service.ts';
import { LambdaTables } from './store.ts';
import { CodeStore } from './code.ts';
import { LogShipper } from './engine/log-shipper.ts';
import { Executor } from './engine/executor.ts';
import { AsyncQueue } from './engine/async-queue.ts';
import { MappingEngine } from './engine/mappings.ts';

export class LambdaState {
  readonly env: Environment;
  readonly tables: LambdaTables;
  readonly code: CodeStore;
  readonly shipper: LogShipper;
  readonly executor: Executor;
  readonly queue: AsyncQueue;
  readonly mappings: MappingEngine;

  constructor(env: Environment) {
    this.env = env;
    this.tables = new LambdaTables(env.store);
    this.code = new CodeStore(env);
    this.shipper = new LogShipper(env);
    this.executor = new Executor(env, this.code, this.shipper);
    this.queue = new AsyncQueue(this);
    this.mappings = new MappingEngine(this);
    env.store.onReset(() => {
      this.queue.stop();
      this.mappings.stop();
      this.executor.shutdown();
      this.shipper.forget();
      this.code.clear();
      this.#background(this.queue.resume(), 'resuming the asynchronous invocation queue');
    });
  }

  start(): () => Promise<void> {
    const started = (async () => {
      // Updates left half-way by a previous process are complete now.
      await this.tables.settleVersions();
      await this.queue.resume();
      await this.mappings.start();
    })();
    this.#background(started, 'starting');
    return async () => {
      await started.catch(() => {});
      this.queue.stop();
      this.mappings.stop();
      this.executor.shutdown();
      await nextTick();
    };
  }

  /** Work nobody awaits: a failure is logged, never an unhandled rejection. */
  #background(work: Promise<unknown>, what: string): void {
    work.catch((err) => this.env.log.error(`lambda: ${what} failed`, err));
  }
}

export type Ctx = RequestContext<LambdaState>;
export type DCtx = DeliveryContext<LambdaState>;
