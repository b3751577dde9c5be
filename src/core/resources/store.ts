// The engine's own tables live in the store every component shares; they are created on first use
// (as each service creates its own), so a Fogbank that never pages or tags pays nothing.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store.ts';

const migrated = new WeakSet<Store>();
const watched = new WeakSet<Store>();

/** The store, with the engine's tables in place. */
export function engineStore(store: Store): Store {
  if (!migrated.has(store)) {
    store.migrate('resources', new URL('./migrations/', import.meta.url));
    migrated.add(store);
    // A snapshot restore swaps the file under the store: check the schema again after one.
    if (!watched.has(store)) {
      watched.add(store);
      store.onReset(() => migrated.delete(store));
    }
  }
  return store;
}

/**
 * A named secret of `bytes` random bytes, made on first use and kept in the store, so it survives
 * restarts and snapshots. Read each time (one indexed lookup), so a reset or restore is honoured.
 */
export async function secret(store: Store, name: string, bytes = 32): Promise<Buffer> {
  const s = engineStore(store);
  const row = await s.get<{ value: Uint8Array }>('SELECT value FROM resource_secrets WHERE name = ?', name);
  if (row) return Buffer.from(row.value);
  // Two first uses may race: the conflict clause keeps the first key, and both read it back.
  await s.run('INSERT INTO resource_secrets (name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING', name, randomBytes(bytes));
  return Buffer.from((await s.get<{ value: Uint8Array }>('SELECT value FROM resource_secrets WHERE name = ?', name))!.value);
}
