// The engine's own tables live in the database every component shares; they are created on first
// use (as each service creates its own), so a Fogbank that never pages or tags pays nothing.
import type { Database } from '../../store/database.ts';
import { randomBytes } from 'node:crypto';

const migrated = new WeakSet<Database>();
const watched = new WeakSet<Database>();

/** The database, with the engine's tables in place. */
export function engineDb(db: Database): Database {
  if (!migrated.has(db)) {
    db.migrate('resources', new URL('./migrations/', import.meta.url));
    migrated.add(db);
    // A snapshot restore swaps the file under this object: check the schema again after one.
    if (!watched.has(db)) {
      watched.add(db);
      db.onReset(() => migrated.delete(db));
    }
  }
  return db;
}

/**
 * A named secret of `bytes` random bytes, made on first use and kept in the database, so it survives
 * restarts and snapshots. Read each time (one indexed lookup), so a reset or restore is honoured.
 */
export function secret(db: Database, name: string, bytes = 32): Buffer {
  const d = engineDb(db);
  const row = d.get<{ value: Uint8Array }>('SELECT value FROM resource_secrets WHERE name = ?', name);
  if (row) return Buffer.from(row.value);
  const value = randomBytes(bytes);
  d.run('INSERT INTO resource_secrets (name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING', name, value);
  return Buffer.from(d.get<{ value: Uint8Array }>('SELECT value FROM resource_secrets WHERE name = ?', name)!.value);
}
