// Time to live: items whose TTL attribute (epoch seconds) has passed on the clock are deleted by
// DynamoDB itself, with a REMOVE stream record whose userIdentity is the service. One timer stands
// at the earliest expiry; writes with an earlier TTL move it. Items that expired more than five
// years ago are left alone, as DynamoDB leaves them.
import type { TimerHandle } from '../../../../core/clock.ts';
import type { DynamoStore } from '../store.ts';
import type { TableSpec } from './schema.ts';
import { expiryOf, writeItem } from './write.ts';
import { decodeItem } from '../values/attribute.ts';

const FIVE_YEARS_S = 5 * 365 * 24 * 3600;
const BATCH = 1000;

export class TtlSweeper {
  readonly #store: DynamoStore;
  #timer: TimerHandle | undefined;
  #due = Infinity;

  constructor(store: DynamoStore) {
    this.#store = store;
    store.onExpiry = (seconds) => {
      if (seconds * 1000 < this.#due) this.#arm(seconds * 1000);
    };
    store.resetHooks.push(() => this.#disarm());
  }

  /** Arms the timer for the earliest pending expiry. */
  async schedule(): Promise<void> {
    const now = this.#store.env.clock.now();
    const next = await this.#store.nextExpiry(Math.floor(now / 1000) - FIVE_YEARS_S);
    if (next === undefined) this.#disarm();
    else this.#arm(next * 1000);
  }

  stop(): void {
    this.#disarm();
  }

  #disarm(): void {
    if (this.#timer) this.#store.env.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Infinity;
  }

  #arm(at: number): void {
    this.#disarm();
    const clock = this.#store.env.clock;
    this.#due = at;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#due = Infinity;
      this.sweep(clock.now()).catch((err: unknown) => this.#store.env.log.error('dynamodb: the TTL sweep failed', err));
    }, Math.max(0, at - clock.now()));
  }

  /** Deletes every item expired at `now` (epoch ms); returns how many. */
  async sweep(now: number): Promise<number> {
    const store = this.#store;
    const nowS = Math.floor(now / 1000);
    let deleted = 0;
    for (;;) {
      // A batch is read in the unit that deletes it: an item rewritten meanwhile with a later TTL
      // is not deleted, and the REMOVE record's old image is the item as it was.
      const more = await store.atomically(async () => {
        const rows = await store.expired(nowS - FIVE_YEARS_S, nowS, BATCH);
        for (const row of rows) {
          const spec = await store.tableById(row.table_id);
          const hk = Buffer.from(row.hk);
          const rk = Buffer.from(row.rk);
          if (!spec || spec.status === 'DELETING') {
            await store.setExpiry(row.table_id, row.seg, hk, rk, null);
            continue;
          }
          await writeItem(store, spec, { seg: row.seg, hk, rk }, { item: decodeItem(row.item), size: row.size }, undefined, 0, { now, byService: true });
          deleted++;
        }
        return rows.length === BATCH;
      });
      if (!more) break;
    }
    await this.schedule();
    return deleted;
  }

  /**
   * TTL turned on or off for a table: (re)compute the expiry of every item, in the caller's unit (or
   * one of its own). The caller then calls schedule() once the unit has committed.
   */
  async retime(spec: TableSpec): Promise<void> {
    const store = this.#store;
    await store.atomically(async () => {
      for await (const rows of store.allItems(spec.id)) {
        for (const row of rows) {
          const expires = expiryOf(spec, decodeItem(row.item));
          if (expires !== row.expires) await store.setExpiry(spec.id, row.seg, row.hk, row.rk, expires);
        }
      }
    });
  }
}

const sweepers = new WeakMap<DynamoStore, TtlSweeper>();

export function ttlSweeper(store: DynamoStore): TtlSweeper {
  let s = sweepers.get(store);
  if (!s) sweepers.set(store, (s = new TtlSweeper(store)));
  return s;
}
