// The orphan sweep: a body written to its blob file whose row never committed (the process died
// between the two) was never acknowledged, and nothing will ever read or delete its file. At start,
// once the listener is up, files no row names are removed, without holding up requests:
// - the rows are read from a snapshot (a second, read-only connection inside one read transaction),
//   so a multipart completion that moves part blobs to an object mid-sweep cannot hide them;
// - only files older than this process are candidates: a blob being written now, whose row is not
//   committed yet, is never touched;
// - the work yields to the event loop every few thousand rows or files;
// - any doubt (an unreadable table, a query that fails) stops the sweep before it deletes anything.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from './blobs.ts';
import { BLOB_REFERENCES, type BlobReference } from './blob-references.ts';

const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');

/** Work between two yields to the event loop. */
const SLICE = 500;
/** File systems with coarse timestamps round a new file's mtime down: keep this much clear of start. */
const MTIME_MARGIN_MS = 2000;

export interface SweepResult {
  /** Blob files looked at. */
  scanned: number;
  removed: number;
  /** Blob ids rows name. */
  referenced: number;
  durationMs: number;
}

export interface SweepOptions {
  /** The SQLite file holding the rows. */
  dbPath: string;
  blobs: BlobStore;
  references?: readonly BlobReference[];
  /** Checked between slices: a stopping server ends the sweep where it is. */
  stopped?: () => boolean;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function sweepOrphanBlobs(options: SweepOptions): Promise<SweepResult | undefined> {
  const started = performance.now();
  const { blobs, stopped = () => false } = options;
  const cutoff = blobs.openedAt - MTIME_MARGIN_MS;
  const referenced = await referencedIds(options.dbPath, options.references ?? BLOB_REFERENCES, stopped);
  if (!referenced) return undefined;
  let scanned = 0;
  let removed = 0;
  for (const sub of await readdir(blobs.dir)) {
    // Fan-out directories are the first two hex digits of the ids; tmp is emptied at open.
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    const dir = join(blobs.dir, sub);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (let i = 0; i < names.length; i += SLICE) {
      if (stopped()) return undefined;
      const candidates = names.slice(i, i + SLICE).filter((name) => !referenced.has(name));
      scanned += Math.min(SLICE, names.length - i);
      const results = await Promise.all(candidates.map(async (name) => {
        const path = join(dir, name);
        const st = await stat(path).catch(() => undefined);
        // Checked again at the last moment: a snapshot restore may have swapped the directory meanwhile.
        if (!st?.isFile() || st.mtimeMs >= cutoff || stopped()) return false;
        await rm(path, { force: true });
        return true;
      }));
      removed += results.filter(Boolean).length;
      await turn();
    }
  }
  return { scanned, removed, referenced: referenced.size, durationMs: Math.round(performance.now() - started) };
}

/** Every blob id the rows name, read from one snapshot; undefined when that cannot be done safely. */
async function referencedIds(dbPath: string, references: readonly BlobReference[], stopped: () => boolean): Promise<Set<string> | undefined> {
  const db = new DatabaseSync(dbPath, { readOnly: true, timeout: 5000 });
  try {
    db.exec('BEGIN');
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const ids = new Set<string>();
    let n = 0;
    for (const ref of references) {
      if (!tables.has(ref.table)) continue;
      for (const row of db.prepare(ref.sql).iterate() as Iterable<{ id: unknown }>) {
        if (typeof row.id === 'string') ids.add(row.id);
        if (++n % SLICE === 0) {
          if (stopped()) return undefined;
          await turn();
        }
      }
    }
    db.exec('COMMIT');
    return ids;
  } finally {
    db.close();
  }
}
