// Runs the enabled event source mappings: an SQS poller or a stream poller per mapping, started when
// a mapping is created or enabled (and when Fogbank starts), stopped when it is disabled or deleted.
import type { EngineParts } from './parts.ts';
import type { MappingRow } from '../store.ts';
import { sourceKind, type MappingConfig } from './mapping-config.ts';
import { SqsPoller } from './sqs-poller.ts';
import { StreamPoller } from './stream-poller.ts';

interface Running {
  stop(): void;
}

export class MappingEngine {
  readonly #state: EngineParts;
  #running = new Map<string, Running>();
  #started = false;

  constructor(state: EngineParts) {
    this.#state = state;
  }

  start(): void {
    this.#started = true;
    for (const row of this.#state.tables.allMappings()) this.sync(row.uuid);
  }

  stop(): void {
    for (const r of this.#running.values()) r.stop();
    this.#running.clear();
  }

  /** Brings a mapping's pollers in line with its stored state. */
  sync(uuid: string): void {
    this.#running.get(uuid)?.stop();
    this.#running.delete(uuid);
    if (!this.#started) return;
    const row = this.#state.tables.mapping(uuid);
    if (!row || row.state === 'Disabled' || row.state === 'Deleting' || row.state === 'Disabling') return;
    const config = JSON.parse(row.config) as MappingConfig;
    if (!config.Enabled) return;
    const r = this.#poller(row, config);
    if (!r) return;
    this.#running.set(uuid, r);
  }

  remove(uuid: string): void {
    this.#running.get(uuid)?.stop();
    this.#running.delete(uuid);
  }

  #poller(row: MappingRow, config: MappingConfig): Running | undefined {
    const kind = sourceKind(config.EventSourceArn);
    if (kind === 'sqs') {
      const p = new SqsPoller(this.#state, row, config);
      p.start();
      return p;
    }
    if (kind === 'dynamodb' || kind === 'kinesis') {
      const p = new StreamPoller(this.#state, row, config, kind);
      p.start();
      return p;
    }
    return undefined;
  }
}
