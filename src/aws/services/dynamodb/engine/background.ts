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
/** Stores whose reset re-arms the TTL timer (once, however often the work restarts). */
const rearmed = new WeakSet<DynamoStore>();
const TRIM_EVERY_MS = 60 * 60 * 1000;
const COUNTS_EVERY_MS = 500;

export function startBackground(env: Environment, store: DynamoStore): (() => Promise<void>) | undefined {
  if (started.has(store)) return undefined;
  started.add(store);
  const failed = (what: string) => (err: unknown) => env.log.error(`dynamodb: ${what} failed`, err);
  const sweeper = ttlSweeper(store);
  let trim: TimerHandle | undefined = env.clock.setInterval(() => {
    store.trimRecords(env.clock.now() - RETENTION_MS).catch(failed('trimming stream records'));
  }, TRIM_EVERY_MS);
  // Transitions finish first, then the TTL timer is armed from the tables as they are.
  const ready = finishTransitions(store).catch(failed('finishing table transitions')).then(() => sweeper.schedule()).catch(failed('arming the TTL timer'));
  // Requests wait for the transitions a previous run left to finish, as they did when this was synchronous.
  store.ready = ready;
  if (!rearmed.has(store)) {
    rearmed.add(store);
    store.resetHooks.push(() => void sweeper.schedule().catch(failed('arming the TTL timer')));
  }
  // Count changes are persistence, not behaviour on the clock: a real timer writes them out, also
  // while a test holds the virtual clock still.
  const counts = setInterval(() => void store.flushCounts().catch(failed('writing item counts')), COUNTS_EVERY_MS);
  counts.unref();
  return async () => {
    // Stopped (shutdown, or a snapshot restore that resumes the services after): the next start runs.
    started.delete(store);
    await ready;
    sweeper.stop();
    env.clock.clearTimeout(trim);
    trim = undefined;
    clearInterval(counts);
    await store.flushCounts().catch(failed('writing item counts'));
  };
}

/** A restart completes whatever was in progress: creating, updating and deleting tables and indexes. */
async function finishTransitions(store: DynamoStore): Promise<void> {
  for (let after = 0; ; ) {
    const rows = await store.allTables(after, 200);
    if (!rows.length) return;
    for (const r of rows) {
      // Each table's transition is one unit: its index changes and its saved spec commit together.
      await store.atomically(async () => {
        const spec = await store.tableById(r.id);
        if (!spec) return;
        if (spec.status === 'DELETING') {
          await store.dropTable(spec);
          return;
        }
        if (spec.status === 'CREATING' || spec.status === 'UPDATING' || spec.gsis.some((g) => g.status !== 'ACTIVE')) {
          spec.status = 'ACTIVE';
          const dropped = new Set<number>();
          for (const g of spec.gsis) {
            if (g.status === 'DELETING') {
              await store.dropIndex(g.id);
              dropped.add(g.id);
            } else if (g.status === 'CREATING' && g.backfilling) await backfillIndex(store, spec, g);
            g.status = 'ACTIVE';
            g.backfilling = false;
          }
          spec.gsis = spec.gsis.filter((g) => !dropped.has(g.id));
          await store.saveTable(spec);
        }
      }, { atStart: true });
    }
    after = rows[rows.length - 1].id;
  }
}
