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
  /** Bumped by remove(): a sync that read a mapping before it was removed must not start it again. */
  #removals = new Map<string, number>();
  #started = false;

  constructor(state: EngineParts) {
    this.#state = state;
  }

  async start(): Promise<void> {
    this.#started = true;
    for (const row of await this.#state.tables.allMappings()) this.#apply(row);
  }

  stop(): void {
    for (const r of this.#running.values()) r.stop();
    this.#running.clear();
  }

  /** Brings a mapping's pollers in line with its stored state. */
  async sync(uuid: string): Promise<void> {
    const removals = this.#removals.get(uuid);
    const row = await this.#state.tables.mapping(uuid);
    if (this.#removals.get(uuid) !== removals) return;
    if (row) this.#apply(row);
    else this.remove(uuid);
  }

  /** Brings a mapping's pollers in line with `row`, just read. */
  #apply(row: MappingRow): void {
    const uuid = row.uuid;
    this.#running.get(uuid)?.stop();
    this.#running.delete(uuid);
    if (!this.#started) return;
    if (row.state === 'Disabled' || row.state === 'Deleting' || row.state === 'Disabling') return;
    const config = JSON.parse(row.config) as MappingConfig;
    if (!config.Enabled) return;
    const r = this.#poller(row, config);
    if (!r) return;
    this.#running.set(uuid, r);
  }

  /** Stops a mapping's pollers; call it once its row is deleted. */
  remove(uuid: string): void {
    this.#removals.set(uuid, (this.#removals.get(uuid) ?? 0) + 1);
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
