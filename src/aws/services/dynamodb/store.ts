// DynamoDB's tables in Fogbank's database, and the statements that read and write them. Nothing
// else touches ddb_* tables. Table specs are cached in memory (written through on change); item
// reads and writes are single index seeks, ranges are index range scans.
// Asynchronous, over the store port (src/core/store.ts). Every write runs in one unit of work
// (`atomically`): the read that decides it (the old item, a condition, a name taken), the write, its
// index entries, stream record and item-count change commit together or not at all.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlValue, Store } from '../../../core/store.ts';
import type { Environment } from '../../../core/environment.ts';
import type { TableSpec } from './engine/schema.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

/** A row read by Query and Scan: the stored item and its size (keys are recomputed from the item). */
export interface ItemRow {
  item: string;
  size: number;
}

/** A full row, with its encoded key. */
export interface KeyedRow extends ItemRow {
  seg: number;
  hk: Uint8Array;
  rk: Uint8Array;
}

export interface IndexCursor {
  rk: Buffer;
  thk: Buffer;
  trk: Buffer;
}

export interface ScanCursor {
  seg: number;
  hk: Buffer;
  rk: Buffer;
}

export interface ScanIndexCursor extends ScanCursor {
  thk: Buffer;
  trk: Buffer;
}

/** A key range on the sort key, in encoded form. */
export interface RangeBounds {
  lo?: Buffer;
  loInclusive?: boolean;
  hi?: Buffer;
  hiInclusive?: boolean;
}

export interface StreamRow {
  id: number;
  arn: string;
  account: string;
  region: string;
  table_name: string;
  table_id: number;
  label: string;
  view_type: string;
  shard_id: string;
  status: string;
  created_at: number;
  disabled_at: number | null;
  ending_seq: number | null;
  key_schema: string;
}

export interface Settings {
  /** How long CreateTable, UpdateTable, DeleteTable and index changes take on the clock (0: at once). */
  tableStatusDelayMs: number;
}

function defaultSettings(): Settings {
  const delay = Number(process.env.FOGBANK_DYNAMODB_STATUS_DELAY_MS ?? 0);
  return { tableStatusDelayMs: Number.isFinite(delay) && delay >= 0 ? delay : 0 };
}

/** An on-demand backup: its table's description and counts as `spec` (JSON); items in ddb_backup_items. */
export interface BackupRow {
  id: number;
  arn: string;
  account: string;
  region: string;
  table_name: string;
  spec: string;
  created_at: number;
}

/** An export or import job: its description as `spec` (JSON). */
export interface JobRow {
  arn: string;
  kind: string;
  account: string;
  region: string;
  created_at: number;
  spec: string;
}

/**
 * What a unit of work changes besides rows: item-count deltas and the earliest TTL it set. They reach
 * the shared state only once the unit has committed, so a unit that fails leaves no trace in them.
 */
interface Journal {
  tables: Map<number, { items: number; bytes: number }>;
  indexes: Map<number, { items: number; bytes: number }>;
  /** Earliest expiry (epoch seconds) the unit wrote, for the TTL timer. */
  expiry: number;
  /** Whether the unit wrote a table's spec (the cache must be dropped if it rolls back). */
  specs: boolean;
}

export class DynamoStore {
  // Only this module speaks SQL: handlers and engines call the methods below.
  readonly #db: Store;
  readonly env: Environment;
  settings: Settings = defaultSettings();
  #byName = new Map<string, TableSpec | null>();
  #byId = new Map<number, TableSpec>();
  /**
   * Bumped by every change to a spec: a lookup that read the database before a change and resolves
   * after it must not cache what it read (it would put back a spec that no longer is).
   */
  #generation = 0;
  readonly #journal = new AsyncLocalStorage<Journal>();
  /** Background work registers here so that reset and shutdown can cancel it. */
  readonly resetHooks: Array<() => void> = [];
  /**
   * Settles once the background work's start (finishing transitions a previous run left half done)
   * is over: lookups by name and units wait for it, as they did when that start was synchronous.
   */
  get ready(): Promise<void> {
    return this.#starting ?? Promise.resolve();
  }
  set ready(start: Promise<void>) {
    const tracked: Promise<void> = start.finally(() => {
      if (this.#starting === tracked) this.#starting = undefined;
    });
    this.#starting = tracked;
  }
  /** The background start still running, if any (undefined once it settled: nothing to wait for). */
  #starting: Promise<void> | undefined;
  /** Called after a unit committed items with a TTL, with the earliest (epoch seconds). */
  onExpiry: ((epochSeconds: number) => void) | undefined;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('dynamodb', new URL('./migrations/', import.meta.url));
    env.store.onReset(() => {
      this.#forgetSpecs();
      this.#pendingTables.clear();
      this.#pendingIndexes.clear();
      this.settings = defaultSettings();
      for (const h of this.resetHooks) h();
    });
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write and the write itself see no other
   * request in between, and all of it commits or none. State methods fn calls join the unit; a call
   * inside a unit joins it. Count changes and TTL notices are applied once the unit has committed.
   */
  async atomically<T>(fn: () => Promise<T>, opts: { atStart?: boolean } = {}): Promise<T> {
    if (this.#journal.getStore()) return await fn();
    // Units wait for the transitions a previous run left to finish (those run with atStart).
    if (!opts.atStart && this.#starting) await this.#starting;
    const journal: Journal = { tables: new Map(), indexes: new Map(), expiry: Infinity, specs: false };
    let result: T;
    try {
      result = await this.#db.unit(() => this.#journal.run(journal, fn));
    } catch (err) {
      // A spec written in the rolled-back unit may be in the cache: read them afresh.
      if (journal.specs) this.#forgetSpecs();
      throw err;
    }
    merge(this.#pendingTables, journal.tables);
    merge(this.#pendingIndexes, journal.indexes);
    if (journal.expiry !== Infinity) this.onExpiry?.(journal.expiry);
    return result;
  }

  #forgetSpecs(): void {
    this.#byName.clear();
    this.#byId.clear();
    this.#generation++;
  }

  #specChanged(): void {
    this.#generation++;
    const j = this.#journal.getStore();
    if (j) j.specs = true;
  }

  /** Notes an expiry the current unit wrote (the TTL timer moves once it commits). */
  noteExpiry(epochSeconds: number): void {
    const j = this.#journal.getStore();
    if (!j) this.onExpiry?.(epochSeconds);
    else if (epochSeconds < j.expiry) j.expiry = epochSeconds;
  }

  // -------------------------------------------------------------------------------------------
  // Backups

  backup(account: string, region: string, arn: string): Promise<BackupRow | undefined> {
    return this.#db.get<BackupRow>(`SELECT * FROM ddb_backups WHERE arn = ? AND ${IN_SCOPE}`, arn, ...scopeParams({ account, region }));
  }

  /** The backups in an account and region, oldest first. */
  backups(account: string, region: string): Promise<BackupRow[]> {
    return this.#db.all<BackupRow>(`SELECT * FROM ddb_backups WHERE ${IN_SCOPE} ORDER BY created_at, id`, ...scopeParams({ account, region }));
  }

  /** CreateBackup as one unit of work: the backup row and a copy of every item of the table. */
  async createBackup(b: Omit<BackupRow, 'id'>, tableId: number): Promise<BackupRow> {
    return await this.atomically(async () => {
      const r = await this.#db.run('INSERT INTO ddb_backups (arn, account, region, table_name, spec, created_at) VALUES (?, ?, ?, ?, ?, ?)', b.arn, b.account, b.region, b.table_name, b.spec, b.created_at);
      const id = Number(r.lastInsertRowid);
      // One statement copies the items, in key order (the order a restore writes them back).
      await this.#db.run(
        'INSERT INTO ddb_backup_items (backup_id, n, item) SELECT ?, ROW_NUMBER() OVER (ORDER BY seg, hk, rk) - 1, item FROM ddb_items WHERE table_id = ?',
        id, tableId,
      );
      return { id, ...b };
    });
  }

  /** DeleteBackup as one unit of work: its items and its row. */
  async deleteBackup(id: number): Promise<void> {
    await this.atomically(async () => {
      await this.#db.run('DELETE FROM ddb_backup_items WHERE backup_id = ?', id);
      await this.#db.run('DELETE FROM ddb_backups WHERE id = ?', id);
    });
  }

  /** A page of a backup's items (encoded), from position `from`. */
  backupItems(backupId: number, from: number, limit: number): Promise<Array<{ item: string }>> {
    return this.#db.all<{ item: string }>('SELECT item FROM ddb_backup_items WHERE backup_id = ? AND n >= ? ORDER BY n LIMIT ?', backupId, from, limit);
  }

  // -------------------------------------------------------------------------------------------
  // Export and import jobs

  async saveJob(j: JobRow): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO ddb_jobs (arn, kind, account, region, created_at, spec) VALUES (?, ?, ?, ?, ?, ?)', j.arn, j.kind, j.account, j.region, j.created_at, j.spec);
  }

  job(arn: string): Promise<JobRow | undefined> {
    return this.#db.get<JobRow>('SELECT * FROM ddb_jobs WHERE arn = ?', arn);
  }

  /** The export (or import) jobs in an account and region, oldest first. */
  jobs(kind: string, account: string, region: string): Promise<JobRow[]> {
    return this.#db.all<JobRow>(`SELECT * FROM ddb_jobs WHERE kind = ? AND ${IN_SCOPE} ORDER BY created_at, arn`, kind, ...scopeParams({ account, region }));
  }

  // -------------------------------------------------------------------------------------------
  // Tables

  async table(account: string, region: string, name: string): Promise<TableSpec | undefined> {
    if (this.#starting && !this.#journal.getStore()) await this.#starting;
    const k = `${account}\0${region}\0${name}`;
    const cached = this.#byName.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const generation = this.#generation;
    const row = await this.#db.get<{ id: number; spec: string }>(`SELECT id, spec FROM ddb_tables WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
    if (generation !== this.#generation) return row ? parseSpec(row.id, row.spec) : undefined;
    // Another lookup may have cached it meanwhile: one object per table, so in-place changes are seen.
    const again = this.#byName.get(k);
    if (again !== undefined) return again ?? undefined;
    const spec = row ? this.#cache(row.id, row.spec) : undefined;
    this.#byName.set(k, spec ?? null);
    return spec;
  }

  /**
   * A table already in the cache, without waiting: the hot paths (every item read and write) skip a
   * turn of the event loop's microtask queue with it. Undefined means "ask `table`".
   */
  cachedTable(account: string, region: string, name: string): TableSpec | undefined {
    if (this.#starting) return undefined;
    return this.#byName.get(`${account}\0${region}\0${name}`) ?? undefined;
  }

  /** By id, as `cachedTable`. */
  cachedTableById(id: number): TableSpec | undefined {
    return this.#starting ? undefined : this.#byId.get(id);
  }

  async tableById(id: number): Promise<TableSpec | undefined> {
    const cached = this.#byId.get(id);
    if (cached) return cached;
    const generation = this.#generation;
    const row = await this.#db.get<{ id: number; spec: string }>('SELECT id, spec FROM ddb_tables WHERE id = ?', id);
    if (!row) return undefined;
    if (generation !== this.#generation) return parseSpec(row.id, row.spec);
    return this.#byId.get(id) ?? this.#cache(row.id, row.spec);
  }

  #cache(id: number, text: string): TableSpec {
    const spec = parseSpec(id, text);
    this.#byId.set(id, spec);
    this.#byName.set(`${spec.account}\0${spec.region}\0${spec.name}`, spec);
    return spec;
  }

  /** Inserts a new table's row (call inside a unit that checked the name is free). */
  async insertTable(spec: TableSpec): Promise<TableSpec> {
    const r = await this.#db.run('INSERT INTO ddb_tables (account, region, name, spec) VALUES (?, ?, ?, ?)', spec.account, spec.region, spec.name, '{}');
    spec.id = Number(r.lastInsertRowid);
    await this.saveTable(spec);
    return spec;
  }

  async saveTable(spec: TableSpec): Promise<void> {
    this.#specChanged();
    await this.#db.run('UPDATE ddb_tables SET spec = ? WHERE id = ?', JSON.stringify(spec), spec.id);
    this.#byId.set(spec.id, spec);
    this.#byName.set(`${spec.account}\0${spec.region}\0${spec.name}`, spec);
  }

  /** Drops a table, its items, indexes and counts, as one unit of work. */
  async dropTable(spec: TableSpec): Promise<void> {
    await this.atomically(async () => {
      this.#specChanged();
      for (const ix of [...spec.gsis, ...spec.lsis]) await this.dropIndex(ix.id);
      await this.#db.run('DELETE FROM ddb_items WHERE table_id = ?', spec.id);
      await this.#db.run('DELETE FROM ddb_indexes WHERE table_id = ?', spec.id);
      await this.#db.run('DELETE FROM ddb_tables WHERE id = ?', spec.id);
      this.#byId.delete(spec.id);
      this.#byName.delete(`${spec.account}\0${spec.region}\0${spec.name}`);
    });
    this.#pendingTables.delete(spec.id);
  }

  async tableNames(account: string, region: string, after: string | undefined, limit: number): Promise<string[]> {
    const rows = after === undefined
      ? await this.#db.all<{ name: string }>(`SELECT name FROM ddb_tables WHERE ${IN_SCOPE} ORDER BY name LIMIT ?`, ...scopeParams({ account, region }), limit)
      : await this.#db.all<{ name: string }>(`SELECT name FROM ddb_tables WHERE ${IN_SCOPE} AND name > ? ORDER BY name LIMIT ?`, ...scopeParams({ account, region }), after, limit);
    return rows.map((r) => r.name);
  }

  /** Every table of every account and region (admin API), paged by row id. */
  async allTables(afterId: number, limit: number): Promise<Array<{ id: number; account: string; region: string; name: string; item_count: number; size_bytes: number }>> {
    await this.flushCounts();
    return await this.#db.all('SELECT id, account, region, name, item_count, size_bytes FROM ddb_tables WHERE id > ? ORDER BY id LIMIT ?', afterId, limit);
  }

  // Item counts and sizes change with every write. Updating the table's row in each write's unit
  // would write a second database page per item, so the changes gather here (once their unit has
  // committed) and are written a moment later (flushCounts). DynamoDB itself refreshes these figures
  // only every few hours.
  #pendingTables = new Map<number, { items: number; bytes: number }>();
  #pendingIndexes = new Map<number, { items: number; bytes: number }>();

  async counts(tableId: number): Promise<{ items: number; bytes: number }> {
    const r = await this.#db.get<{ item_count: number; size_bytes: number }>('SELECT item_count, size_bytes FROM ddb_tables WHERE id = ?', tableId);
    const p = this.#pendingTables.get(tableId);
    return { items: (r?.item_count ?? 0) + (p?.items ?? 0), bytes: (r?.size_bytes ?? 0) + (p?.bytes ?? 0) };
  }

  /** Records an item-count change of the current unit (applied when it commits). */
  adjustCounts(tableId: number, items: number, bytes: number): void {
    add(this.#journal.getStore()?.tables ?? this.#pendingTables, tableId, items, bytes);
  }

  /** Writes the gathered count changes (on a short timer, at shutdown, before the admin lists tables). */
  async flushCounts(): Promise<void> {
    if (!this.#pendingTables.size && !this.#pendingIndexes.size) return;
    // The maps are taken as the unit starts: changes committed meanwhile gather in fresh ones.
    let tables = new Map<number, { items: number; bytes: number }>();
    let indexes = new Map<number, { items: number; bytes: number }>();
    try {
      await this.#db.unit(async (tx) => {
        [tables, this.#pendingTables] = [this.#pendingTables, tables];
        [indexes, this.#pendingIndexes] = [this.#pendingIndexes, indexes];
        for (const [id, p] of tables) await tx.run('UPDATE ddb_tables SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?', p.items, p.bytes, id);
        for (const [id, p] of indexes) await tx.run('UPDATE ddb_indexes SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?', p.items, p.bytes, id);
      });
    } catch (err) {
      // Not written: the changes go back to be written next time.
      merge(this.#pendingTables, tables);
      merge(this.#pendingIndexes, indexes);
      throw err;
    }
  }

  async newIndex(tableId: number, name: string): Promise<number> {
    return Number((await this.#db.run('INSERT INTO ddb_indexes (table_id, name) VALUES (?, ?)', tableId, name)).lastInsertRowid);
  }

  async dropIndex(indexId: number): Promise<void> {
    await this.atomically(async () => {
      await this.#db.run('DELETE FROM ddb_index_items WHERE index_id = ?', indexId);
      await this.#db.run('DELETE FROM ddb_indexes WHERE id = ?', indexId);
    });
    this.#pendingIndexes.delete(indexId);
  }

  async indexCounts(indexId: number): Promise<{ items: number; bytes: number }> {
    const r = await this.#db.get<{ item_count: number; size_bytes: number }>('SELECT item_count, size_bytes FROM ddb_indexes WHERE id = ?', indexId);
    const p = this.#pendingIndexes.get(indexId);
    return { items: (r?.item_count ?? 0) + (p?.items ?? 0), bytes: (r?.size_bytes ?? 0) + (p?.bytes ?? 0) };
  }

  adjustIndexCounts(indexId: number, items: number, bytes: number): void {
    add(this.#journal.getStore()?.indexes ?? this.#pendingIndexes, indexId, items, bytes);
  }

  // -------------------------------------------------------------------------------------------
  // Items

  async getRow(tableId: number, seg: number, hk: Buffer, rk: Buffer): Promise<{ item: string; size: number } | undefined> {
    return await this.#db.get<{ item: string; size: number }>('SELECT item, size FROM ddb_items WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?', tableId, seg, hk, rk);
  }

  async putRow(tableId: number, seg: number, hk: Buffer, rk: Buffer, item: string, size: number, expires: number | null): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO ddb_items (table_id, seg, hk, rk, item, size, expires) VALUES (?, ?, ?, ?, ?, ?, ?)', tableId, seg, hk, rk, item, size, expires);
  }

  async deleteRow(tableId: number, seg: number, hk: Buffer, rk: Buffer): Promise<void> {
    await this.#db.run('DELETE FROM ddb_items WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?', tableId, seg, hk, rk);
  }

  async putIndexRow(indexId: number, seg: number, hk: Buffer, rk: Buffer, thk: Buffer, trk: Buffer, item: string, size: number): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO ddb_index_items (index_id, seg, hk, rk, thk, trk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', indexId, seg, hk, rk, thk, trk, item, size);
  }

  async deleteIndexRow(indexId: number, seg: number, hk: Buffer, rk: Buffer, thk: Buffer, trk: Buffer): Promise<void> {
    await this.#db.run('DELETE FROM ddb_index_items WHERE index_id = ? AND seg = ? AND hk = ? AND rk = ? AND thk = ? AND trk = ?', indexId, seg, hk, rk, thk, trk);
  }

  /**
   * Items of one partition in sort-key order, after `start` (the encoded sort key to continue from),
   * a page at a time. (`all()` with LIMIT is several times faster than stepping a cursor, and BLOB
   * columns are costly to materialize, so only the item and its size are selected); `cursor` gives
   * the sort key of a row to continue after it. Pages are read as they are asked for: writes may land
   * between two of them (the cursor is a key, so no row is seen twice).
   */
  async *partition(tableId: number, seg: number, hk: Buffer, range: RangeBounds, forward: boolean, start: Buffer | undefined, cursor: (row: ItemRow) => Buffer, pageSize = 100): AsyncGenerator<ItemRow[]> {
    const dir = forward ? 'ASC' : 'DESC';
    for (;;) {
      const where = ['table_id = ?', 'seg = ?', 'hk = ?'];
      const params: SqlValue[] = [tableId, seg, hk];
      rangeClauses('rk', range, start, forward, where, params);
      params.push(pageSize);
      const rows = await this.#db.all<ItemRow>(`SELECT item, size FROM ddb_items WHERE ${where.join(' AND ')} ORDER BY rk ${dir} LIMIT ?`, ...params);
      yield rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Index entries of one index partition in (sort key, table key) order; `cursor` as for partition(). */
  async *indexPartition(indexId: number, seg: number, hk: Buffer, range: RangeBounds, forward: boolean, start: IndexCursor | undefined, cursor: (row: ItemRow) => IndexCursor, pageSize = 100): AsyncGenerator<ItemRow[]> {
    const dir = forward ? 'ASC' : 'DESC';
    for (;;) {
      const where = ['index_id = ?', 'seg = ?', 'hk = ?'];
      const params: SqlValue[] = [indexId, seg, hk];
      rangeClauses('rk', start ? withoutStartSide(range, forward) : range, undefined, forward, where, params);
      if (start) {
        where.push(`(rk, thk, trk) ${forward ? '>' : '<'} (?, ?, ?)`);
        params.push(start.rk, start.thk, start.trk);
      }
      params.push(pageSize);
      const rows = await this.#db.all<ItemRow>(`SELECT item, size FROM ddb_index_items WHERE ${where.join(' AND ')} ORDER BY rk ${dir}, thk ${dir}, trk ${dir} LIMIT ?`, ...params);
      yield rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Items in partition-hash order within segments [segLo, segHi), after `start`, a page at a time. */
  async *scan(tableId: number, segLo: number, segHi: number, start: ScanCursor | undefined, cursor: (row: ItemRow) => ScanCursor, pageSize = 100): AsyncGenerator<ItemRow[]> {
    for (;;) {
      // The row-value bound replaces the segment's lower bound so that SQLite seeks to it.
      const params: SqlValue[] = start ? [tableId, start.seg, start.hk, start.rk, segHi] : [tableId, segLo, segHi];
      const sql = start
        ? 'SELECT item, size FROM ddb_items WHERE table_id = ? AND (seg, hk, rk) > (?, ?, ?) AND seg < ?'
        : 'SELECT item, size FROM ddb_items WHERE table_id = ? AND seg >= ? AND seg < ?';
      params.push(pageSize);
      const rows = await this.#db.all<ItemRow>(`${sql} ORDER BY seg, hk, rk LIMIT ?`, ...params);
      yield rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  async *scanIndex(indexId: number, segLo: number, segHi: number, start: ScanIndexCursor | undefined, cursor: (row: ItemRow) => ScanIndexCursor, pageSize = 100): AsyncGenerator<ItemRow[]> {
    for (;;) {
      const params: SqlValue[] = start ? [indexId, start.seg, start.hk, start.rk, start.thk, start.trk, segHi] : [indexId, segLo, segHi];
      const sql = start
        ? 'SELECT item, size FROM ddb_index_items WHERE index_id = ? AND (seg, hk, rk, thk, trk) > (?, ?, ?, ?, ?) AND seg < ?'
        : 'SELECT item, size FROM ddb_index_items WHERE index_id = ? AND seg >= ? AND seg < ?';
      params.push(pageSize);
      const rows = await this.#db.all<ItemRow>(`${sql} ORDER BY seg, hk, rk, thk, trk LIMIT ?`, ...params);
      yield rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Every item of a table (backfills, exports, TTL changes), in key order, a page at a time. */
  async *allItems(tableId: number): AsyncGenerator<Array<KeyedRow & { expires: number | null }>> {
    // Paged by key so that writes made while iterating (backfill) cannot disturb the cursor.
    let last: { seg: number; hk: Uint8Array; rk: Uint8Array } | undefined;
    for (;;) {
      const rows = last
        ? await this.#db.all<KeyedRow & { expires: number | null }>('SELECT seg, hk, rk, item, size, expires FROM ddb_items WHERE table_id = ? AND (seg, hk, rk) > (?, ?, ?) ORDER BY seg, hk, rk LIMIT 500', tableId, last.seg, last.hk, last.rk)
        : await this.#db.all<KeyedRow & { expires: number | null }>('SELECT seg, hk, rk, item, size, expires FROM ddb_items WHERE table_id = ? ORDER BY seg, hk, rk LIMIT 500', tableId);
      if (!rows.length) return;
      yield rows;
      // A zero-length BLOB comes back as a Uint8Array that binds as NULL: copy before binding.
      const r = rows[rows.length - 1];
      last = { seg: r.seg, hk: Buffer.from(r.hk), rk: Buffer.from(r.rk) };
    }
  }

  async setExpiry(tableId: number, seg: number, hk: Uint8Array, rk: Uint8Array, expires: number | null): Promise<void> {
    await this.#db.run('UPDATE ddb_items SET expires = ? WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?', expires, tableId, seg, Buffer.from(hk), Buffer.from(rk));
  }

  /** Items whose TTL (epoch seconds) lies in [from, to], oldest first. */
  expired(from: number, to: number, limit: number): Promise<Array<KeyedRow & { table_id: number; expires: number }>> {
    return this.#db.all('SELECT table_id, seg, hk, rk, item, size, expires FROM ddb_items WHERE expires >= ? AND expires <= ? ORDER BY expires LIMIT ?', from, to, limit);
  }

  async nextExpiry(from: number): Promise<number | undefined> {
    const r = await this.#db.get<{ e: number | null }>('SELECT MIN(expires) AS e FROM ddb_items WHERE expires >= ?', from);
    return r?.e ?? undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Streams

  async insertStream(s: Omit<StreamRow, 'id' | 'disabled_at' | 'ending_seq'>): Promise<StreamRow> {
    const r = await this.#db.run(
      'INSERT INTO ddb_streams (arn, account, region, table_name, table_id, label, view_type, shard_id, status, created_at, key_schema) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      s.arn, s.account, s.region, s.table_name, s.table_id, s.label, s.view_type, s.shard_id, s.status, s.created_at, s.key_schema,
    );
    return { ...s, id: Number(r.lastInsertRowid), disabled_at: null, ending_seq: null };
  }

  stream(arn: string): Promise<StreamRow | undefined> {
    return this.#db.get<StreamRow>('SELECT * FROM ddb_streams WHERE arn = ?', arn);
  }

  streamById(id: number): Promise<StreamRow | undefined> {
    return this.#db.get<StreamRow>('SELECT * FROM ddb_streams WHERE id = ?', id);
  }

  async streams(account: string, region: string, tableName?: string): Promise<StreamRow[]> {
    return tableName === undefined
      ? await this.#db.all<StreamRow>(`SELECT * FROM ddb_streams WHERE ${IN_SCOPE} ORDER BY id`, ...scopeParams({ account, region }))
      : await this.#db.all<StreamRow>(`SELECT * FROM ddb_streams WHERE ${IN_SCOPE} AND table_name = ? ORDER BY id`, ...scopeParams({ account, region }), tableName);
  }

  /** Closes a stream's shard at its last record, in one statement (no record can slip in between). */
  async closeStream(id: number, at: number): Promise<void> {
    await this.#db.run(
      "UPDATE ddb_streams SET status = 'DISABLED', disabled_at = ?2, ending_seq = COALESCE((SELECT MAX(seq) FROM ddb_stream_records WHERE stream_id = ?1), 0) WHERE id = ?1",
      id, at,
    );
  }

  async appendRecord(streamId: number, at: number, record: string): Promise<number> {
    return Number((await this.#db.run('INSERT INTO ddb_stream_records (stream_id, created_at, record) VALUES (?, ?, ?)', streamId, at, record)).lastInsertRowid);
  }

  records(streamId: number, fromSeq: number, limit: number): Promise<Array<{ seq: number; created_at: number; record: string }>> {
    return this.#db.all('SELECT seq, created_at, record FROM ddb_stream_records WHERE stream_id = ? AND seq >= ? ORDER BY seq LIMIT ?', streamId, fromSeq, limit);
  }

  async firstSeq(streamId: number): Promise<number | undefined> {
    const r = await this.#db.get<{ s: number | null }>('SELECT MIN(seq) AS s FROM ddb_stream_records WHERE stream_id = ?', streamId);
    return r?.s ?? undefined;
  }

  async lastSeq(streamId: number): Promise<number | undefined> {
    const r = await this.#db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM ddb_stream_records WHERE stream_id = ?', streamId);
    return r?.s ?? undefined;
  }

  /** The first sequence number of a stream's records written at or after `since`, if any. */
  async firstSeqSince(streamId: number, since: number): Promise<number | null> {
    const r = await this.#db.get<{ s: number | null }>('SELECT MIN(seq) AS s FROM ddb_stream_records WHERE stream_id = ? AND created_at >= ?', streamId, since);
    return r?.s ?? null;
  }

  /** The highest sequence number ever issued (trimmed or not). */
  async maxSeq(): Promise<number> {
    const r = await this.#db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'ddb_stream_records'");
    return r?.seq ?? 0;
  }

  /** Drops records older than `before`, and streams disabled before it, as one unit of work. */
  async trimRecords(before: number): Promise<void> {
    await this.atomically(async () => {
      await this.#db.run('DELETE FROM ddb_stream_records WHERE created_at < ?', before);
      await this.#db.run("DELETE FROM ddb_streams WHERE status = 'DISABLED' AND disabled_at < ?", before);
    });
  }

  async oldestRecord(): Promise<number | undefined> {
    const r = await this.#db.get<{ t: number | null }>('SELECT MIN(created_at) AS t FROM ddb_stream_records');
    return r?.t ?? undefined;
  }
}

function parseSpec(id: number, text: string): TableSpec {
  const spec = JSON.parse(text) as TableSpec;
  spec.id = id;
  return spec;
}

function add(into: Map<number, { items: number; bytes: number }>, id: number, items: number, bytes: number): void {
  const p = into.get(id);
  if (p) {
    p.items += items;
    p.bytes += bytes;
  } else into.set(id, { items, bytes });
}

function merge(into: Map<number, { items: number; bytes: number }>, from: Map<number, { items: number; bytes: number }>): void {
  for (const [id, p] of from) add(into, id, p.items, p.bytes);
}

/**
 * When reading on from a cursor the cursor is the bound on that side: keeping both would let SQLite
 * seek to the range's start and filter its way to the cursor.
 */
function withoutStartSide(range: RangeBounds, forward: boolean): RangeBounds {
  return forward ? { hi: range.hi, hiInclusive: range.hiInclusive } : { lo: range.lo, loInclusive: range.loInclusive };
}

function rangeClauses(col: string, range: RangeBounds, start: Buffer | undefined, forward: boolean, where: string[], params: SqlValue[]): void {
  if (start) range = withoutStartSide(range, forward);
  if (range.lo) {
    where.push(`${col} ${range.loInclusive === false ? '>' : '>='} ?`);
    params.push(range.lo);
  }
  if (range.hi) {
    where.push(`${col} ${range.hiInclusive === false ? '<' : '<='} ?`);
    params.push(range.hi);
  }
  if (start) {
    where.push(`${col} ${forward ? '>' : '<'} ?`);
    params.push(start);
  }
}

const stores = new WeakMap<Environment, DynamoStore>();

/** The one store per Fogbank instance, shared by the dynamodb and dynamodbstreams services. */
export function dynamoStore(env: Environment): DynamoStore {
  let s = stores.get(env);
  if (!s) stores.set(env, (s = new DynamoStore(env)));
  return s;
}
