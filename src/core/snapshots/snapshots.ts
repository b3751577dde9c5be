// Snapshots of the whole state (DESIGN.md §4): the SQLite database, the blob files its rows name and
// the data directories engines register, saved under <data-dir>/snapshots/<name>/ with a manifest;
// restored in place while requests keep coming (they wait at the gate); exported and imported as
// one tar file. Snapshot names are checked against a strict pattern before any path is built.
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, cp, link, mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Environment } from '../environment.ts';
import { ServiceError } from '../errors.ts';
import { BLOB_REFERENCES } from '../../store/blob-references.ts';
import type { Database } from '../../store/database.ts';
import { readTar, TarError, writeTar, type TarFile } from './tar.ts';
import { Gate } from './gate.ts';
import { FORMAT, checkName, checkSchemaVersions, isValidName, parseManifest, type SnapshotManifest } from './manifest.ts';

const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');

export type { SnapshotManifest } from './manifest.ts';

/** A directory an engine keeps its data in (a PostgreSQL cluster, a Redis dump): saved and restored with the state. */
export interface EngineData {
  /** Names the directory inside the snapshot (engines/<name>/): the same pattern as snapshot names. */
  name: string;
  dir: string;
}

export interface SnapshotsOptions {
  env: Environment;
  /**
   * The SQLite database under the store: a snapshot is its file, so snapshots belong to this driver
   * (a networked driver would snapshot its own way).
   */
  db: Database;
  /** Opens the state of these components (running their migrations), so their schema versions are known. */
  openComponents: (components: string[]) => Promise<void>;
  /** The gate requests pass (src/fogbank.ts): closed while a restore swaps the state. */
  gate?: Gate;
  /** How long a restore waits for running requests before it swaps anyway. */
  drainMs?: number;
  /** Import limits. */
  maxImportBytes?: number;
  maxImportEntries?: number;
}

/** Tables that belong to this installation, not to the state: admin UI secrets are never saved or restored. */
const INSTALLATION_TABLES = ['admin_settings'];
const DB_FILE = 'fogbank.db';
const MANIFEST = 'manifest.json';
const BLOB_ENTRY = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{32})$/;
const ENGINE_ENTRY = /^engines\/[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export class Snapshots {
  readonly root: string;
  readonly gate: Gate;
  readonly #env: Environment;
  readonly #options: SnapshotsOptions;
  #engines = new Map<string, EngineData>();
  /** One save, restore, import or delete at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SnapshotsOptions) {
    this.#options = options;
    this.#env = options.env;
    this.gate = options.gate ?? new Gate();
    this.root = join(options.env.dataDir, 'snapshots');
  }

  /** The hook for engines (src/core/engines/): their data directory joins every snapshot. */
  registerEngineData(data: EngineData): () => void {
    if (!isValidName(data.name)) throw new Error(`engine data name ${data.name} is not a valid name`);
    this.#engines.set(data.name, data);
    return () => this.#engines.delete(data.name);
  }

  list(): SnapshotManifest[] {
    if (!existsSync(this.root)) return [];
    const out: SnapshotManifest[] = [];
    for (const name of readdirSync(this.root)) {
      if (!isValidName(name)) continue; // staging directories start with a dot
      try {
        out.push(parseManifest(readFileSync(join(this.root, name, MANIFEST), 'utf8')));
      } catch {
        // A damaged or half-deleted snapshot is not listed.
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  get(name: string): SnapshotManifest {
    const dir = this.#dirOf(name);
    try {
      return parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name);
      throw err;
    }
  }

  /** Saves the state as it is now (everything acknowledged so far, nothing after) under `name`. */
  save(name: string): Promise<SnapshotManifest> {
    return this.#serial(async () => {
      const dir = this.#dirOf(name);
      if (existsSync(dir)) throw new ServiceError('SnapshotAlreadyExists', `A snapshot named ${name} already exists; delete it first or pick another name`, 409);
      const staging = await this.#staging('save');
      try {
        const manifest = await this.#saveInto(staging, name);
        await rename(staging, dir);
        return manifest;
      } catch (err) {
        await rm(staging, { recursive: true, force: true });
        throw err;
      }
    });
  }

  async #saveInto(staging: string, name: string): Promise<SnapshotManifest> {
    const { blobs } = this.#env;
    const db = this.#options.db;
    const dbPath = join(staging, DB_FILE);
    // Deletions wait until the bodies the copy names are linked.
    const release = blobs.hold();
    let blobCount = 0;
    let blobBytes = 0;
    let schemaVersions: Record<string, number>;
    try {
      db.saveTo(dbPath);
      const copy = new DatabaseSync(dbPath);
      let ids: Set<string>;
      try {
        for (const t of INSTALLATION_TABLES) if (hasTable(copy, t)) copy.exec(`DELETE FROM "${t}"`);
        schemaVersions = migrationsOf(copy);
        ids = referencedBlobs(copy);
      } finally {
        copy.close();
      }
      const list = [...ids];
      for (let i = 0; i < list.length; i += 64) {
        const sizes = await Promise.all(list.slice(i, i + 64).map(async (id) => {
          const target = join(staging, 'blobs', id.slice(0, 2), id);
          await mkdir(join(staging, 'blobs', id.slice(0, 2)), { recursive: true });
          try {
            await linkOrCopy(blobs.pathOf(id), target);
            return (await stat(target)).size;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
            this.#env.log.warn(`snapshot ${name}: a row names body ${id}, which is missing; left out`);
            return -1;
          }
        }));
        for (const s of sizes) if (s >= 0) (blobCount++, (blobBytes += s));
      }
    } finally {
      release();
    }
    const engines: Record<string, number> = {};
    for (const e of this.#engines.values()) {
      const target = join(staging, 'engines', e.name);
      if (existsSync(e.dir)) await cp(e.dir, target, { recursive: true, verbatimSymlinks: true });
      engines[e.name] = existsSync(target) ? treeSize(target) : 0;
    }
    const database = statSync(dbPath).size;
    const manifest: SnapshotManifest = {
      format: FORMAT,
      name,
      fogbankVersion: this.#env.version,
      createdAt: new Date(this.#env.clock.now()).toISOString(),
      schemaVersions,
      sizes: { database, blobs: blobBytes, blobCount, engines, total: database + blobBytes + Object.values(engines).reduce((a, b) => a + b, 0) },
    };
    await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
    return manifest;
  }

  /**
   * Replaces the whole state with the snapshot's. New requests wait at the gate; background work and
   * engines are suspended (env.lifecycle), the tables and bodies swapped, then everything resumes
   * from the restored tables, as after a restart.
   */
  restore(name: string): Promise<SnapshotManifest> {
    return this.#serial(() => this.#restore(name));
  }

  async #restore(name: string): Promise<SnapshotManifest> {
    const manifest = this.get(name);
    const dir = this.#dirOf(name);
    const dbPath = join(dir, DB_FILE);
    const saved = readMigrations(dbPath);
    await this.#options.openComponents(Object.keys(saved));
    checkSchemaVersions(saved, this.#options.db.knownSchemaVersions(), manifest.fogbankVersion);
    const { blobs, lifecycle } = this.#env;
    const db = this.#options.db;
    // The bodies are linked into a directory beside the live one before anything stops.
    const staged = `${blobs.dir}.restore-${randomBytes(4).toString('hex')}`;
    let old: string | undefined;
    try {
      await linkTree(join(dir, 'blobs'), staged);
      await this.gate.close(this.#options.drainMs ?? 2000);
      try {
        await lifecycle.suspend();
        try {
          // Synchronous from here to the swap of the bodies: nothing runs in between.
          db.restoreFrom(dbPath, INSTALLATION_TABLES);
          old = blobs.replaceWith(staged);
          for (const e of this.#engines.values()) {
            await rm(e.dir, { recursive: true, force: true });
            const from = join(dir, 'engines', e.name);
            if (existsSync(from)) await cp(from, e.dir, { recursive: true, verbatimSymlinks: true });
            else await mkdir(e.dir, { recursive: true });
          }
        } finally {
          await lifecycle.resume();
        }
      } finally {
        this.gate.open();
      }
    } finally {
      if (!old) await rm(staged, { recursive: true, force: true });
    }
    rm(old, { recursive: true, force: true }).catch((err) => this.#env.log.warn('could not remove the bodies replaced by a restore', err));
    return manifest;
  }

  delete(name: string): Promise<void> {
    return this.#serial(async () => {
      const dir = this.#dirOf(name);
      if (!existsSync(dir)) throw notFound(name);
      // Renamed first, so a half-removed snapshot is never listed.
      const doomed = join(this.root, `.delete-${randomBytes(6).toString('hex')}`);
      await rename(dir, doomed);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  /** The snapshot as one tar file (gzipped unless `gzip` is false), streamed. */
  export(name: string, options: { gzip?: boolean } = {}): Readable {
    this.get(name);
    const dir = this.#dirOf(name);
    const tar = Readable.from(writeTar(this.#files(dir)));
    if (options.gzip === false) return tar;
    const gz = zlib().createGzip();
    tar.on('error', (err) => gz.destroy(err));
    return tar.pipe(gz);
  }

  async *#files(dir: string): AsyncGenerator<TarFile> {
    const file = (name: string, path: string): TarFile => {
      const st = statSync(path);
      return { name, size: st.size, mtimeMs: st.mtimeMs, body: () => createReadStream(path) as AsyncIterable<Buffer> };
    };
    yield file(MANIFEST, join(dir, MANIFEST));
    yield file(DB_FILE, join(dir, DB_FILE));
    for (const rel of await walk(dir, 'blobs')) yield file(rel, join(dir, rel));
    for (const rel of await walk(dir, 'engines')) yield file(rel, join(dir, rel));
  }

  /**
   * Reads an exported file (tar or tar.gz) into a new snapshot, named `name` or as its manifest says.
   * Entry names are checked against the layout (no absolute paths, no `..`, no links); the database
   * must be sound, not ahead of this Fogbank, and every body it names must be in the archive.
   */
  import(source: AsyncIterable<Buffer>, options: { name?: string; replace?: boolean } = {}): Promise<SnapshotManifest> {
    if (options.name !== undefined) checkName(options.name);
    return this.#serial(async () => {
      const staging = await this.#staging('import');
      try {
        const manifest = await this.#importInto(staging, source, options.name);
        const dir = this.#dirOf(manifest.name);
        if (existsSync(dir)) {
          if (!options.replace) throw new ServiceError('SnapshotAlreadyExists', `A snapshot named ${manifest.name} already exists; delete it first or import under another name (?name=)`, 409);
          await rm(dir, { recursive: true, force: true });
        }
        await rename(staging, dir);
        return manifest;
      } catch (err) {
        await rm(staging, { recursive: true, force: true });
        if (err instanceof TarError) throw new ServiceError('InvalidSnapshotArchive', err.message, 400);
        throw err;
      }
    });
  }

  async #importInto(staging: string, source: AsyncIterable<Buffer>, name: string | undefined): Promise<SnapshotManifest> {
    let manifestSize = 0;
    await readTar(gunzipIfNeeded(source), {
      maxBytes: this.#options.maxImportBytes ?? 64 * 1024 ** 3,
      maxEntries: this.#options.maxImportEntries ?? 10_000_000,
      open: async (entry) => {
        const n = entry.name.replace(/\/$/, '');
        if (entry.type === 'directory') {
          if (n === 'blobs' || n === 'engines' || /^blobs\/[0-9a-f]{2}$/.test(n) || ENGINE_ENTRY.test(n)) return undefined;
          throw new TarError(`unexpected directory ${JSON.stringify(entry.name)} in the archive`);
        }
        const blob = BLOB_ENTRY.exec(n);
        const ok = n === DB_FILE || n === MANIFEST || (blob && blob[2].startsWith(blob[1])) || ENGINE_ENTRY.test(n);
        if (!ok) throw new TarError(`unexpected entry ${JSON.stringify(entry.name)} in the archive (only ${MANIFEST}, ${DB_FILE}, blobs/ and engines/ belong in a snapshot)`);
        if (n === MANIFEST && (manifestSize = entry.size) > 1024 * 1024) throw new TarError('the manifest is larger than 1 MiB');
        const path = join(staging, ...n.split('/'));
        await mkdir(join(path, '..'), { recursive: true });
        // 'wx': an archive naming a file twice is refused rather than overwriting.
        return open(path, 'wx').catch((err) => {
          throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? new TarError(`${n} appears twice in the archive`) : err;
        });
      },
    });
    if (!existsSync(join(staging, MANIFEST)) || !existsSync(join(staging, DB_FILE)) || manifestSize === 0) {
      throw new ServiceError('InvalidSnapshotArchive', `The archive lacks ${MANIFEST} or ${DB_FILE}: not a Fogbank snapshot`, 400);
    }
    const manifest = parseManifest(readFileSync(join(staging, MANIFEST), 'utf8'));
    const finalName = checkName(name ?? manifest.name);
    const dbPath = join(staging, DB_FILE);
    let saved: Record<string, number>;
    let missing: string | undefined;
    const check = openSnapshotDb(dbPath);
    try {
      const verdict = (check.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check;
      if (verdict !== 'ok') throw new ServiceError('InvalidSnapshotArchive', `The snapshot's database is damaged: ${verdict}`, 400);
      saved = migrationsOf(check);
      for (const id of referencedBlobs(check)) {
        if (!existsSync(join(staging, 'blobs', id.slice(0, 2), id))) {
          missing = id;
          break;
        }
      }
    } finally {
      check.close();
    }
    if (missing) throw new ServiceError('InvalidSnapshotArchive', `The archive is incomplete: body ${missing}, which its database names, is missing`, 400);
    await this.#options.openComponents(Object.keys(saved));
    checkSchemaVersions(saved, this.#options.db.knownSchemaVersions(), manifest.fogbankVersion);
    const out: SnapshotManifest = { ...manifest, name: finalName, schemaVersions: saved };
    await writeFile(join(staging, MANIFEST), JSON.stringify(out, null, 2));
    return out;
  }

  #dirOf(name: string): string {
    return join(this.root, checkName(name));
  }

  async #staging(kind: string): Promise<string> {
    const dir = join(this.root, `.${kind}-${randomBytes(6).toString('hex')}`);
    await mkdir(join(dir, 'blobs'), { recursive: true });
    return dir;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function notFound(name: string): ServiceError {
  return new ServiceError('SnapshotNotFound', `No snapshot named ${name}`, 404);
}

type Db = InstanceType<typeof DatabaseSync>;

function openSnapshotDb(path: string): Db {
  return new DatabaseSync(path, { readOnly: true });
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function migrationsOf(db: Db): Record<string, number> {
  if (!hasTable(db, '_migrations')) return {};
  const rows = db.prepare('SELECT component, version FROM _migrations').all() as Array<{ component: string; version: number }>;
  return Object.fromEntries(rows.map((r) => [r.component, Number(r.version)]));
}

function readMigrations(path: string): Record<string, number> {
  const db = openSnapshotDb(path);
  try {
    return migrationsOf(db);
  } finally {
    db.close();
  }
}

/** Every blob id the rows of a database name (the same list the orphan sweep keeps). */
function referencedBlobs(db: Db): Set<string> {
  const ids = new Set<string>();
  for (const ref of BLOB_REFERENCES) {
    if (!hasTable(db, ref.table)) continue;
    for (const row of db.prepare(ref.sql).all() as Array<{ id: unknown }>) {
      if (typeof row.id === 'string' && /^[0-9a-f]{32}$/.test(row.id)) ids.add(row.id);
    }
  }
  return ids;
}

/** Bodies never change once written (src/store/blobs.ts), so a hard link is a consistent copy; a copy across devices. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
    await copyFile(from, to);
  }
}

/** Links every body of a snapshot's blobs/ into `to`, laid out like a BlobStore. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  if (!existsSync(from)) return;
  for (const sub of await readdir(from)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    await mkdir(join(to, sub), { recursive: true });
    const names = (await readdir(join(from, sub))).filter((n) => /^[0-9a-f]{32}$/.test(n));
    for (let i = 0; i < names.length; i += 64) {
      await Promise.all(names.slice(i, i + 64).map((n) => linkOrCopy(join(from, sub, n), join(to, sub, n))));
    }
  }
}

/** Relative paths (forward slashes) of the files under dir/sub. */
async function walk(dir: string, sub: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string) => {
    let entries;
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) await visit(r);
      else if (e.isFile()) out.push(r);
    }
  };
  await visit(sub);
  return out;
}

function treeSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}

/** The archive's bytes, gunzipped when they start with gzip's magic number. */
async function* gunzipIfNeeded(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  const rest = (async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield Buffer.from(n.value);
    }
  })();
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = zlib().createGunzip();
    const input = Readable.from(rest);
    input.on('error', (err) => gunzip.destroy(err));
    input.pipe(gunzip);
    try {
      for await (const c of gunzip as AsyncIterable<Buffer>) yield c;
    } catch (err) {
      if (err instanceof TarError || err instanceof ServiceError) throw err;
      throw new TarError(`the file is not a valid gzip stream: ${(err as Error).message}`);
    }
  } else yield* rest;
}

/** A snapshot name for a file given at start (--snapshot): its base name, made valid. */
export function nameForFile(path: string): string {
  const base = basename(path).replace(/\.(tar\.gz|tgz|tar)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (base || 'seed').slice(0, 100);
}

/** node:zlib, loaded when a snapshot is first exported or imported rather than with Fogbank. */
function zlib(): typeof import('node:zlib') {
  return process.getBuiltinModule('node:zlib');
}
