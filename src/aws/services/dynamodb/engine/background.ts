// Background work on the clock, started once per Fogbank instance whichever of dynamodb and
// dynamodbstreams opens the store first: TTL expiry, stream retention, and finishing status
// transitions a previous run left half done.
import type { Environment } from '../../../../core/environment.ts';
import type { TimerHandle } from '../../../../core/clock.ts';
import type { DynamoStore } from '../store.ts';
import { ttlSweeper } from './ttl.ts';
import { RETENTION_MS } from './streams.ts';
import { backfillIndex } from './write.ts';

const started = new WeakSet<DynamoStore>();
const TRIM_EVERY_MS = 60 * 60 * 1000;
const COUNTS_EVERY_MS = 500;

export function startBackground(env: Environment, store: DynamoStore): (() => void) | undefined {
  if (started.has(store)) return undefined;
  started.add(store);
  const sweeper = ttlSweeper(store);
  sweeper.schedule();
  let trim: TimerHandle | undefined = env.clock.setInterval(() => store.trimRecords(env.clock.now() - RETENTION_MS), TRIM_EVERY_MS);
  finishTransitions(store);
  store.resetHooks.push(() => sweeper.schedule());
  // Count changes are persistence, not behaviour on the clock: a real timer writes them out.
  const counts = setInterval(() => store.flushCounts(), COUNTS_EVERY_MS);
  counts.unref();
  return () => {
    sweeper.stop();
    env.clock.clearTimeout(trim);
    trim = undefined;
    clearInterval(counts);
    if (store.isOpen) store.flushCounts();
  };
}

/** A restart completes whatever was in progress: creating, updating and deleting tables and indexes. */
function finishTransitions(store: DynamoStore): void {
  for (let after = 0; ; ) {
    const rows = store.allTables(after, 200);
    if (!rows.length) return;
    for (const r of rows) {
      const spec = store.tableById(r.id);
      if (!spec) continue;
      if (spec.status === 'DELETING') {
        store.dropTable(spec);
        continue;
      }
      if (spec.status === 'CREATING' || spec.status === 'UPDATING' || spec.gsis.some((g) => g.status !== 'ACTIVE')) {
        spec.status = 'ACTIVE';
        const dropped = new Set<number>();
        for (const g of spec.gsis) {
          if (g.status === 'DELETING') {
            store.dropIndex(g.id);
            dropped.add(g.id);
          } else if (g.status === 'CREATING' && g.backfilling) backfillIndex(store, spec, g);
          g.status = 'ACTIVE';
          g.backfilling = false;
        }
        spec.gsis = spec.gsis.filter((g) => !dropped.has(g.id));
        store.saveTable(spec);
      }
    }
    after = rows[rows.length - 1].id;
  }
}
