// What SNS's handlers get as ctx.state: its tables, the fan-out engine and FIFO topics' bookkeeping.
import type { Environment } from '../../../core/environment.ts';
import type { RequestContext } from '../../../core/service.ts';
import { SnsStore } from './store.ts';
import { SnsEngine } from './engine.ts';

export interface FifoPublished {
  messageId: string;
  sequenceNumber: string;
  at: number;
}

export class Sns {
  readonly store: SnsStore;
  readonly engine: SnsEngine;
  /** FIFO topics: deduplication ids seen in the last 5 minutes, per topic. */
  readonly dedup = new Map<string, Map<string, FifoPublished>>();
  /** FIFO topics: the last sequence number handed out, per topic. */
  readonly sequence = new Map<string, bigint>();

  constructor(env: Environment) {
    this.store = new SnsStore(env);
    this.engine = new SnsEngine(this.store);
    this.store.onReset(() => {
      this.dedup.clear();
      this.sequence.clear();
    });
  }
}

export type Ctx = RequestContext<Sns>;
