// What EventBridge's handlers get as ctx.state: its tables and the engine that routes events.
import type { Environment } from '../../../core/environment.ts';
import type { RequestContext } from '../../../core/service.ts';
import { EventsStore } from './store.ts';
import { EventsEngine } from './engine.ts';

export class Events {
  readonly store: EventsStore;
  readonly engine: EventsEngine;

  constructor(env: Environment) {
    this.store = new EventsStore(env);
    this.engine = new EventsEngine(this.store);
  }
}

export type Ctx = RequestContext<Events>;
