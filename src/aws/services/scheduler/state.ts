// What Scheduler's handlers get as ctx.state: its tables and the engine that runs schedules.
import type { Environment } from '../../../core/environment.ts';
import type { RequestContext } from '../../../core/service.ts';
import { SchedulerStore } from './store.ts';
import { SchedulerEngine } from './engine.ts';

export class Scheduler {
  readonly store: SchedulerStore;
  readonly engine: SchedulerEngine;

  constructor(env: Environment) {
    this.store = new SchedulerStore(env);
    this.engine = new SchedulerEngine(this.store);
  }
}

export type Ctx = RequestContext<Scheduler>;
