// DynamoDB's tables in Fogbank's SQLite database, and the statements that read and write them.
// Nothing else touches ddb_* tables. Table specs are cached in memory (written through on change);
// item reads and writes are single index seeks, ranges are index range scans.
import type { StatementSync } from 'node:sqlite';
import type { Database, SqlValue } from '../../../store/database.ts';
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

export class DynamoStore {
  // Only this module speaks SQL: handlers and engines call the methods below.
  readonly #db: Database;
  readonly env: Environment;
  settings: Settings = defaultSettings();
  #byName = new Map<string, TableSpec | null>();
  #byId = new Map<number, TableSpec>();
  /** Background work registers here so that reset and shutdown can cancel it. */
  readonly resetHooks: Array<() => void> = [];

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.db;
    env.db.migrate('dynamodb', new URL('./migrations/', import.meta.url));
    env.db.onReset(() => {
      this.#byName.clear();
      this.#byId.clear();
      this.#pendingTables.clear();
      this.#pendingIndexes.clear();
      this.settings = defaultSettings();
      for (const h of this.resetHooks) h();
    });
  }

  #st(sql: string): StatementSync {
    return this.#db.statement(sql);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  /** False once the database is closed (shutdown): pending counts can no longer be written. */
  get isOpen(): boolean {
    return this.#db.raw.isOpen;
  }

  // -------------------------------------------------------------------------------------------
  // Backups

  backup(account: string, region: string, arn: string): BackupRow | undefined {
    return this.#st(`SELECT * FROM ddb_backups WHERE arn = ? AND ${IN_SCOPE}`).get(arn, ...scopeParams({ account, region })) as BackupRow | undefined;
  }

  /** The backups in an account and region, oldest first. */
  backups(account: string, region: string): BackupRow[] {
    return this.#st(`SELECT * FROM ddb_backups WHERE ${IN_SCOPE} ORDER BY created_at, id`).all(...scopeParams({ account, region })) as unknown as BackupRow[];
  }

  /** CreateBackup as one unit of work: the backup row and a copy of every item of the table. */
  createBackup(b: Omit<BackupRow, 'id'>, tableId: number): BackupRow {
    return this.transaction(() => {
      const r = this.#st('INSERT INTO ddb_backups (arn, account, region, table_name, spec, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(b.arn, b.account, b.region, b.table_name, b.spec, b.created_at);
      const id = Number(r.lastInsertRowid);
      let n = 0;
      const put = this.#st('INSERT INTO ddb_backup_items (backup_id, n, item) VALUES (?, ?, ?)');
      for (const item of this.allItems(tableId)) put.run(id, n++, item.item);
      return { id, ...b };
    });
  }

  /** DeleteBackup as one unit of work: its items and its row. */
  deleteBackup(id: number): void {
    this.transaction(() => {
      this.#st('DELETE FROM ddb_backup_items WHERE backup_id = ?').run(id);
      this.#st('DELETE FROM ddb_backups WHERE id = ?').run(id);
    });
  }

  /** A page of a backup's items (encoded), from position `from`. */
  backupItems(backupId: number, from: number, limit: number): Array<{ item: string }> {
    return this.#st('SELECT item FROM ddb_backup_items WHERE backup_id = ? AND n >= ? ORDER BY n LIMIT ?').all(backupId, from, limit) as Array<{ item: string }>;
  }

  // -------------------------------------------------------------------------------------------
  // Export and import jobs

  saveJob(j: JobRow): void {
    this.#st('INSERT OR REPLACE INTO ddb_jobs (arn, kind, account, region, created_at, spec) VALUES (?, ?, ?, ?, ?, ?)').run(j.arn, j.kind, j.account, j.region, j.created_at, j.spec);
  }

  job(arn: string): JobRow | undefined {
    return this.#st('SELECT * FROM ddb_jobs WHERE arn = ?').get(arn) as JobRow | undefined;
  }

  /** The export (or import) jobs in an account and region, oldest first. */
  jobs(kind: string, account: string, region: string): JobRow[] {
    return this.#st(`SELECT * FROM ddb_jobs WHERE kind = ? AND ${IN_SCOPE} ORDER BY created_at, arn`).all(kind, ...scopeParams({ account, region })) as unknown as JobRow[];
  }

  // -------------------------------------------------------------------------------------------
  // Tables

  table(account: string, region: string, name: string): TableSpec | undefined {
    const k = `${account}\0${region}\0${name}`;
    const cached = this.#byName.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#st(`SELECT id, spec FROM ddb_tables WHERE ${IN_SCOPE} AND name = ?`).get(...scopeParams({ account, region }), name) as
      | { id: number; spec: string }
      | undefined;
    const spec = row ? this.#cache(row.id, row.spec) : undefined;
    this.#byName.set(k, spec ?? null);
    return spec;
  }

  tableById(id: number): TableSpec | undefined {
    const cached = this.#byId.get(id);
    if (cached) return cached;
    const row = this.#st('SELECT id, spec FROM ddb_tables WHERE id = ?').get(id) as { id: number; spec: string } | undefined;
    return row ? this.#cache(row.id, row.spec) : undefined;
  }

  #cache(id: number, text: string): TableSpec {
    const spec = JSON.parse(text) as TableSpec;
    spec.id = id;
    this.#byId.set(id, spec);
    this.#byName.set(`${spec.account}\0${spec.region}\0${spec.name}`, spec);
    return spec;
  }

  insertTable(spec: TableSpec): TableSpec {
    const r = this.#st('INSERT INTO ddb_tables (account, region, name, spec) VALUES (?, ?, ?, ?)').run(spec.account, spec.region, spec.name, '{}');
    spec.id = Number(r.lastInsertRowid);
    this.saveTable(spec);
    return spec;
  }

  saveTable(spec: TableSpec): void {
    this.#st('UPDATE ddb_tables SET spec = ? WHERE id = ?').run(JSON.stringify(spec), spec.id);
    this.#byId.set(spec.id, spec);
    this.#byName.set(`${spec.account}\0${spec.region}\0${spec.name}`, spec);
  }

  dropTable(spec: TableSpec): void {
    this.#pendingTables.delete(spec.id);
    this.transaction(() => {
      for (const ix of [...spec.gsis, ...spec.lsis]) this.dropIndex(ix.id);
      this.#st('DELETE FROM ddb_items WHERE table_id = ?').run(spec.id);
      this.#st('DELETE FROM ddb_indexes WHERE table_id = ?').run(spec.id);
      this.#st('DELETE FROM ddb_tables WHERE id = ?').run(spec.id);
    });
    this.#byId.delete(spec.id);
    this.#byName.delete(`${spec.account}\0${spec.region}\0${spec.name}`);
  }

  tableNames(account: string, region: string, after: string | undefined, limit: number): string[] {
    const rows = (after === undefined
      ? this.#st(`SELECT name FROM ddb_tables WHERE ${IN_SCOPE} ORDER BY name LIMIT ?`).all(...scopeParams({ account, region }), limit)
      : this.#st(`SELECT name FROM ddb_tables WHERE ${IN_SCOPE} AND name > ? ORDER BY name LIMIT ?`).all(...scopeParams({ account, region }), after, limit)) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  /** Every table of every account and region (admin API), paged by row id. */
  allTables(afterId: number, limit: number): Array<{ id: number; account: string; region: string; name: string; item_count: number; size_bytes: number }> {
    this.flushCounts();
    return this.#st('SELECT id, account, region, name, item_count, size_bytes FROM ddb_tables WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as never;
  }

  // Item counts and sizes change with every write. Updating the table's row in each write's
  // transaction would write a second database page per item, so the changes gather here and are
  // written a moment later (flushCounts). DynamoDB itself refreshes these figures only every few hours.
  #pendingTables = new Map<number, { items: number; bytes: number }>();
  #pendingIndexes = new Map<number, { items: number; bytes: number }>();

  counts(tableId: number): { items: number; bytes: number } {
    const r = this.#st('SELECT item_count, size_bytes FROM ddb_tables WHERE id = ?').get(tableId) as { item_count: number; size_bytes: number } | undefined;
    const p = this.#pendingTables.get(tableId);
    return { items: (r?.item_count ?? 0) + (p?.items ?? 0), bytes: (r?.size_bytes ?? 0) + (p?.bytes ?? 0) };
  }

  adjustCounts(tableId: number, items: number, bytes: number): void {
    const p = this.#pendingTables.get(tableId);
    if (p) {
      p.items += items;
      p.bytes += bytes;
    } else this.#pendingTables.set(tableId, { items, bytes });
  }

  /** Writes the gathered count changes (on a short timer, at shutdown, before a table goes). */
  flushCounts(): void {
    if (!this.#pendingTables.size && !this.#pendingIndexes.size) return;
    this.transaction(() => {
      for (const [id, p] of this.#pendingTables) this.#st('UPDATE ddb_tables SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?').run(p.items, p.bytes, id);
      for (const [id, p] of this.#pendingIndexes) this.#st('UPDATE ddb_indexes SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE id = ?').run(p.items, p.bytes, id);
    });
    this.#pendingTables.clear();
    this.#pendingIndexes.clear();
  }

  newIndex(tableId: number, name: string): number {
    return Number(this.#st('INSERT INTO ddb_indexes (table_id, name) VALUES (?, ?)').run(tableId, name).lastInsertRowid);
  }

  dropIndex(indexId: number): void {
    this.#pendingIndexes.delete(indexId);
    this.#st('DELETE FROM ddb_index_items WHERE index_id = ?').run(indexId);
    this.#st('DELETE FROM ddb_indexes WHERE id = ?').run(indexId);
  }

  indexCounts(indexId: number): { items: number; bytes: number } {
    const r = this.#st('SELECT item_count, size_bytes FROM ddb_indexes WHERE id = ?').get(indexId) as { item_count: number; size_bytes: number } | undefined;
    const p = this.#pendingIndexes.get(indexId);
    return { items: (r?.item_count ?? 0) + (p?.items ?? 0), bytes: (r?.size_bytes ?? 0) + (p?.bytes ?? 0) };
  }

  adjustIndexCounts(indexId: number, items: number, bytes: number): void {
    const p = this.#pendingIndexes.get(indexId);
    if (p) {
      p.items += items;
      p.bytes += bytes;
    } else this.#pendingIndexes.set(indexId, { items, bytes });
  }

  // -------------------------------------------------------------------------------------------
  // Items

  getRow(tableId: number, seg: number, hk: Buffer, rk: Buffer): { item: string; size: number } | undefined {
    return this.#st('SELECT item, size FROM ddb_items WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?').get(tableId, seg, hk, rk) as
      | { item: string; size: number }
      | undefined;
  }

  putRow(tableId: number, seg: number, hk: Buffer, rk: Buffer, item: string, size: number, expires: number | null): void {
    this.#st('INSERT OR REPLACE INTO ddb_items (table_id, seg, hk, rk, item, size, expires) VALUES (?, ?, ?, ?, ?, ?, ?)').run(tableId, seg, hk, rk, item, size, expires);
  }

  deleteRow(tableId: number, seg: number, hk: Buffer, rk: Buffer): void {
    this.#st('DELETE FROM ddb_items WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?').run(tableId, seg, hk, rk);
  }

  putIndexRow(indexId: number, seg: number, hk: Buffer, rk: Buffer, thk: Buffer, trk: Buffer, item: string, size: number): void {
    this.#st('INSERT OR REPLACE INTO ddb_index_items (index_id, seg, hk, rk, thk, trk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(indexId, seg, hk, rk, thk, trk, item, size);
  }

  deleteIndexRow(indexId: number, seg: number, hk: Buffer, rk: Buffer, thk: Buffer, trk: Buffer): void {
    this.#st('DELETE FROM ddb_index_items WHERE index_id = ? AND seg = ? AND hk = ? AND rk = ? AND thk = ? AND trk = ?').run(indexId, seg, hk, rk, thk, trk);
  }

  /**
   * Items of one partition in sort-key order, after `start` (the encoded sort key to continue from).
   * Rows are read in pages (`.all()` with LIMIT is several times faster than stepping a cursor, and
   * BLOB columns are costly to materialize, so only the item and its size are selected); `cursor`
   * gives the sort key of a row to continue after it.
   */
  *partition(tableId: number, seg: number, hk: Buffer, range: RangeBounds, forward: boolean, start: Buffer | undefined, cursor: (row: ItemRow) => Buffer, pageSize = 100): Generator<ItemRow> {
    const dir = forward ? 'ASC' : 'DESC';
    for (;;) {
      const where = ['table_id = ?', 'seg = ?', 'hk = ?'];
      const params: SqlValue[] = [tableId, seg, hk];
      rangeClauses('rk', range, start, forward, where, params);
      params.push(pageSize);
      const rows = this.#st(`SELECT item, size FROM ddb_items WHERE ${where.join(' AND ')} ORDER BY rk ${dir} LIMIT ?`).all(...params) as unknown as ItemRow[];
      yield* rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Index entries of one index partition in (sort key, table key) order; `cursor` as for partition(). */
  *indexPartition(indexId: number, seg: number, hk: Buffer, range: RangeBounds, forward: boolean, start: IndexCursor | undefined, cursor: (row: ItemRow) => IndexCursor, pageSize = 100): Generator<ItemRow> {
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
      const rows = this.#st(`SELECT item, size FROM ddb_index_items WHERE ${where.join(' AND ')} ORDER BY rk ${dir}, thk ${dir}, trk ${dir} LIMIT ?`).all(...params) as unknown as ItemRow[];
      yield* rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Items in partition-hash order within segments [segLo, segHi), after `start`. */
  *scan(tableId: number, segLo: number, segHi: number, start: ScanCursor | undefined, cursor: (row: ItemRow) => ScanCursor, pageSize = 100): Generator<ItemRow> {
    for (;;) {
      // The row-value bound replaces the segment's lower bound so that SQLite seeks to it.
      const params: SqlValue[] = start ? [tableId, start.seg, start.hk, start.rk, segHi] : [tableId, segLo, segHi];
      const sql = start
        ? 'SELECT item, size FROM ddb_items WHERE table_id = ? AND (seg, hk, rk) > (?, ?, ?) AND seg < ?'
        : 'SELECT item, size FROM ddb_items WHERE table_id = ? AND seg >= ? AND seg < ?';
      params.push(pageSize);
      const rows = this.#st(`${sql} ORDER BY seg, hk, rk LIMIT ?`).all(...params) as unknown as ItemRow[];
      yield* rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  *scanIndex(indexId: number, segLo: number, segHi: number, start: ScanIndexCursor | undefined, cursor: (row: ItemRow) => ScanIndexCursor, pageSize = 100): Generator<ItemRow> {
    for (;;) {
      const params: SqlValue[] = start ? [indexId, start.seg, start.hk, start.rk, start.thk, start.trk, segHi] : [indexId, segLo, segHi];
      const sql = start
        ? 'SELECT item, size FROM ddb_index_items WHERE index_id = ? AND (seg, hk, rk, thk, trk) > (?, ?, ?, ?, ?) AND seg < ?'
        : 'SELECT item, size FROM ddb_index_items WHERE index_id = ? AND seg >= ? AND seg < ?';
      params.push(pageSize);
      const rows = this.#st(`${sql} ORDER BY seg, hk, rk, thk, trk LIMIT ?`).all(...params) as unknown as ItemRow[];
      yield* rows;
      if (rows.length < pageSize) return;
      start = cursor(rows[rows.length - 1]);
      pageSize = Math.min(pageSize * 4, 2000);
    }
  }

  /** Every item of a table (backfills, backups, exports, TTL changes), in key order. */
  *allItems(tableId: number): Generator<KeyedRow & { expires: number | null }> {
    // Paged by key so that writes made while iterating (backfill) cannot disturb the cursor.
    let last: { seg: number; hk: Uint8Array; rk: Uint8Array } | undefined;
    for (;;) {
      const rows = (last
        ? this.#st('SELECT seg, hk, rk, item, size, expires FROM ddb_items WHERE table_id = ? AND (seg, hk, rk) > (?, ?, ?) ORDER BY seg, hk, rk LIMIT 500').all(tableId, last.seg, last.hk, last.rk)
        : this.#st('SELECT seg, hk, rk, item, size, expires FROM ddb_items WHERE table_id = ? ORDER BY seg, hk, rk LIMIT 500').all(tableId)) as unknown as Array<KeyedRow & { expires: number | null }>;
      if (!rows.length) return;
      yield* rows;
      // A zero-length BLOB comes back as a Uint8Array that binds as NULL: copy before binding.
      const r = rows[rows.length - 1];
      last = { seg: r.seg, hk: Buffer.from(r.hk), rk: Buffer.from(r.rk) };
    }
  }

  setExpiry(tableId: number, seg: number, hk: Uint8Array, rk: Uint8Array, expires: number | null): void {
    this.#st('UPDATE ddb_items SET expires = ? WHERE table_id = ? AND seg = ? AND hk = ? AND rk = ?').run(expires, tableId, seg, Buffer.from(hk), Buffer.from(rk));
  }

  /** Items whose TTL (epoch seconds) lies in [from, to], oldest first. */
  expired(from: number, to: number, limit: number): Array<KeyedRow & { table_id: number; expires: number }> {
    return this.#st('SELECT table_id, seg, hk, rk, item, size, expires FROM ddb_items WHERE expires >= ? AND expires <= ? ORDER BY expires LIMIT ?').all(from, to, limit) as never;
  }

  nextExpiry(from: number): number | undefined {
    const r = this.#st('SELECT MIN(expires) AS e FROM ddb_items WHERE expires >= ?').get(from) as { e: number | null } | undefined;
    return r?.e ?? undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Streams

  insertStream(s: Omit<StreamRow, 'id' | 'disabled_at' | 'ending_seq'>): StreamRow {
    const r = this.#st(
      'INSERT INTO ddb_streams (arn, account, region, table_name, table_id, label, view_type, shard_id, status, created_at, key_schema) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(s.arn, s.account, s.region, s.table_name, s.table_id, s.label, s.view_type, s.shard_id, s.status, s.created_at, s.key_schema);
    return { ...s, id: Number(r.lastInsertRowid), disabled_at: null, ending_seq: null };
  }

  stream(arn: string): StreamRow | undefined {
    return this.#st('SELECT * FROM ddb_streams WHERE arn = ?').get(arn) as StreamRow | undefined;
  }

  streamById(id: number): StreamRow | undefined {
    return this.#st('SELECT * FROM ddb_streams WHERE id = ?').get(id) as StreamRow | undefined;
  }

  streams(account: string, region: string, tableName?: string): StreamRow[] {
    return (tableName === undefined
      ? this.#st(`SELECT * FROM ddb_streams WHERE ${IN_SCOPE} ORDER BY id`).all(...scopeParams({ account, region }))
      : this.#st(`SELECT * FROM ddb_streams WHERE ${IN_SCOPE} AND table_name = ? ORDER BY id`).all(...scopeParams({ account, region }), tableName)) as unknown as StreamRow[];
  }

  closeStream(id: number, at: number): void {
    const last = this.lastSeq(id);
    this.#st("UPDATE ddb_streams SET status = 'DISABLED', disabled_at = ?, ending_seq = ? WHERE id = ?").run(at, last ?? 0, id);
  }

  appendRecord(streamId: number, at: number, record: string): number {
    return Number(this.#st('INSERT INTO ddb_stream_records (stream_id, created_at, record) VALUES (?, ?, ?)').run(streamId, at, record).lastInsertRowid);
  }

  records(streamId: number, fromSeq: number, limit: number): Array<{ seq: number; created_at: number; record: string }> {
    return this.#st('SELECT seq, created_at, record FROM ddb_stream_records WHERE stream_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(streamId, fromSeq, limit) as never;
  }

  firstSeq(streamId: number): number | undefined {
    const r = this.#st('SELECT MIN(seq) AS s FROM ddb_stream_records WHERE stream_id = ?').get(streamId) as { s: number | null };
    return r.s ?? undefined;
  }

  lastSeq(streamId: number): number | undefined {
    const r = this.#st('SELECT MAX(seq) AS s FROM ddb_stream_records WHERE stream_id = ?').get(streamId) as { s: number | null };
    return r.s ?? undefined;
  }

  /** The first sequence number of a stream's records written at or after `since`, if any. */
  firstSeqSince(streamId: number, since: number): number | null {
    const r = this.#st('SELECT MIN(seq) AS s FROM ddb_stream_records WHERE stream_id = ? AND created_at >= ?').get(streamId, since) as { s: number | null };
    return r.s;
  }

  /** The highest sequence number ever issued (trimmed or not). */
  maxSeq(): number {
    const r = this.#st("SELECT seq FROM sqlite_sequence WHERE name = 'ddb_stream_records'").get() as { seq: number } | undefined;
    return r?.seq ?? 0;
  }

  trimRecords(before: number): void {
    this.#st('DELETE FROM ddb_stream_records WHERE created_at < ?').run(before);
    this.#st("DELETE FROM ddb_streams WHERE status = 'DISABLED' AND disabled_at < ?").run(before);
  }

  oldestRecord(): number | undefined {
    const r = this.#st('SELECT MIN(created_at) AS t FROM ddb_stream_records').get() as { t: number | null };
    return r.t ?? undefined;
  }
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
