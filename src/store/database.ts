// Metadata lives in one SQLite database (node:sqlite, WAL) in the data directory. Each component
// (the core, each service) owns its tables and brings numbered migration files; the versions applied
// are recorded so that a data directory written by a newer Fogbank is refused rather than damaged.
import type { DatabaseSync as DatabaseSyncType, StatementSync, SQLInputValue } from 'node:sqlite';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Loaded at run time rather than imported, so that src/core/quiet-warnings.ts can hush node:sqlite's
// experimental warning first (static imports of builtins load before any module body runs).
const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');

export type SqlValue = SQLInputValue;

export class DataDirectoryError extends Error {}

/** The schema objects a snapshot restore recreates: tables and indexes, nothing that runs code. */
const SNAPSHOT_OBJECT = /^\s*CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\s/i;

export class Database {
  readonly raw: DatabaseSyncType;
  readonly path: string;
  #statements = new Map<string, StatementSync>();
  #depth = 0;
  #group: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  #resetHooks: Array<() => void> = [];
  /** Each component's migrations folder and how many it has, so a restore can migrate and refuse. */
  #migrations = new Map<string, { dir: URL; known: number }>();

  constructor(path: string) {
    this.path = path;
    this.raw = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
    if (path !== ':memory:') this.raw.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable in WAL mode against process crashes; a power loss may lose the last commits
    // but never corrupts the database.
    this.raw.exec('PRAGMA synchronous = NORMAL');
    this.raw.exec(`CREATE TABLE IF NOT EXISTS _migrations (
      component TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
  }

  /** A prepared statement, compiled once per SQL text. */
  statement(sql: string): StatementSync {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  /** Runs a writing statement; it joins the open group commit (see transaction). */
  run(sql: string, ...params: SqlValue[]) {
    this.#openGroup();
    return this.statement(sql).run(...params);
  }

  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: SqlValue[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  /**
   * Runs `fn` atomically: all of it or, when it throws, none of it. Nested calls join the outer one.
   *
   * Group commit: a commit costs a WAL write however small the change, and it dominated every write
   * path (S3 PUT, SQS send, DynamoDB PutItem). So the writes of everything that runs in one turn of
   * the event loop share one SQLite transaction, each in a savepoint of its own, committed by one
   * COMMIT right after the turn. Nothing is acknowledged before it is committed: the gateway waits
   * for `settled()` before it answers.
   */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) {
      this.#depth++;
      try {
        return fn();
      } finally {
        this.#depth--;
      }
    }
    this.#openGroup();
    this.raw.exec('SAVEPOINT fogbank_tx');
    this.#depth = 1;
    try {
      const result = fn();
      this.raw.exec('RELEASE fogbank_tx');
      return result;
    } catch (err) {
      this.raw.exec('ROLLBACK TO fogbank_tx');
      this.raw.exec('RELEASE fogbank_tx');
      throw err;
    } finally {
      this.#depth = 0;
    }
  }

  /** Resolves once every write made so far is committed; rejects if that commit failed. */
  settled(): Promise<void> {
    return this.#group?.promise ?? Promise.resolve();
  }

  /** Commits the open group now (before schema changes, resets and shutdown). */
  commit(): void {
    const group = this.#group;
    if (!group) return;
    this.#group = undefined;
    try {
      this.raw.exec('COMMIT');
      group.resolve();
    } catch (err) {
      if (this.raw.isTransaction) this.raw.exec('ROLLBACK');
      group.reject(err);
    }
  }

  #openGroup(): void {
    if (this.#group || !this.raw.isOpen) return;
    this.raw.exec('BEGIN IMMEDIATE');
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be waiting; a failed commit must not become an unhandled rejection.
    promise.catch(() => {});
    this.#group = { promise, resolve, reject };
    setImmediate(() => this.commit());
  }

  /**
   * Applies the migrations in `dir` (files named NNN-description.sql, applied in numeric order) that
   * this database has not seen yet for `component`. Refuses a database that is ahead of the code.
   */
  migrate(component: string, dir: URL): void {
    const files = readdirSync(fileURLToPath(dir))
      .filter((f) => /^\d{3}-.*\.sql$/.test(f))
      .sort();
    files.forEach((f, i) => {
      if (Number(f.slice(0, 3)) !== i + 1) throw new Error(`migration ${f} of ${component} is out of sequence`);
    });
    this.#migrations.set(component, { dir, known: files.length });
    const row = this.get<{ version: number }>('SELECT version FROM _migrations WHERE component = ?', component);
    const applied = row?.version ?? 0;
    if (applied > files.length) {
      throw new DataDirectoryError(
        `The data in ${this.path} was written by a newer Fogbank (${component} schema version ${applied}, ` +
          `this version knows ${files.length}). Upgrade Fogbank or use another --data-dir.`,
      );
    }
    if (applied < files.length) this.commit();
    for (let v = applied + 1; v <= files.length; v++) {
      const sql = readFileSync(new URL(files[v - 1], dir), 'utf8');
      // A migration commits on its own, outside any group: schema changes are not batched.
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        this.raw.exec(sql);
        this.statement(
          'INSERT INTO _migrations (component, version, applied_at) VALUES (?, ?, ?) ' +
            'ON CONFLICT(component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at',
        ).run(component, v, Date.now());
        this.raw.exec('COMMIT');
      } catch (err) {
        this.raw.exec('ROLLBACK');
        throw err;
      }
    }
  }

  /** Registers in-memory state to drop when the store is reset. */
  onReset(hook: () => void): void {
    this.#resetHooks.push(hook);
  }

  /** Deletes every row of every table (keeping schemas), for `reset()` between tests. */
  reset(): void {
    const tables = this.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations'",
    );
    this.#rewriteAll(() => {
      for (const t of tables) this.raw.exec(`DELETE FROM "${t.name.replaceAll('"', '""')}"`);
    });
    for (const hook of this.#resetHooks) hook();
  }

  /**
   * Runs `fn` as one transaction of its own with foreign keys off, for what rewrites whole tables
   * (reset, snapshot restore): all of it or, when it throws, none of it. Foreign keys can only be
   * switched off outside a transaction, so the open group is committed first.
   */
  #rewriteAll(fn: () => void): void {
    this.commit();
    this.raw.exec('PRAGMA foreign_keys = OFF');
    try {
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        fn();
        this.raw.exec('COMMIT');
      } catch (err) {
        this.raw.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.raw.exec('PRAGMA foreign_keys = ON');
    }
  }

  /** The schema version each component's migrations know (components opened in this process). */
  knownSchemaVersions(): Record<string, number> {
    return Object.fromEntries([...this.#migrations].map(([c, m]) => [c, m.known]));
  }

  /** The schema version applied per component in this database. */
  schemaVersions(): Record<string, number> {
    return Object.fromEntries(this.all<{ component: string; version: number }>('SELECT component, version FROM _migrations').map((r) => [r.component, r.version]));
  }

  /**
   * Writes a consistent copy of the whole database to `path` (snapshots): the open group is committed
   * first, so the copy holds exactly what has been acknowledged, and VACUUM INTO copies it in one
   * read transaction, on this thread, so nothing else runs in between.
   */
  saveTo(path: string): void {
    this.commit();
    this.raw.prepare('VACUUM INTO ?').run(path);
  }

  /**
   * Replaces every table with the ones of the database file at `path` (a snapshot restore), keeping
   * the tables named in `keep`. One transaction: a failure leaves the state as it was. The handle
   * stays the same object, so the store over it (`env.store`) goes on working; cached statements are
   * dropped. Then the migrations of every opened component run (an older snapshot is migrated) and
   * the reset hooks drop what services keep in memory of the old tables.
   */
  restoreFrom(path: string, keep: readonly string[] = []): void {
    this.commit();
    this.#statements.clear();
    this.raw.prepare("ATTACH DATABASE ? AS snapshot").run(path);
    try {
      const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
      const kept = new Set(keep);
      const userTables = (schema: string) =>
        (this.raw.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>)
          .map((r) => r.name)
          .filter((n) => !kept.has(n));
      this.#rewriteAll(() => {
        for (const t of userTables('main')) this.raw.exec(`DROP TABLE main.${quote(t)}`);
        // Only tables and their indexes: Fogbank's schemas have no triggers or views, and a crafted
        // snapshot must not plant one (a trigger would run on every later write). prepare() runs
        // exactly one statement, so a schema text with a second one appended cannot smuggle it in.
        const objects = this.raw
          .prepare(
            "SELECT type, name, tbl_name, sql FROM snapshot.sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL " +
              "AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END",
          )
          .all() as Array<{ type: string; name: string; tbl_name: string; sql: string }>;
        const copied = new Set(userTables('snapshot'));
        for (const o of objects) {
          if (!copied.has(o.tbl_name) || !SNAPSHOT_OBJECT.test(o.sql)) continue;
          // Unqualified CREATE statements create in main.
          this.raw.prepare(o.sql).run();
          if (o.type === 'table') this.raw.exec(`INSERT INTO main.${quote(o.name)} SELECT * FROM snapshot.${quote(o.name)}`);
        }
        const hasSequence = (schema: string) => this.raw.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
        if (hasSequence('main')) {
          this.raw.exec('DELETE FROM main.sqlite_sequence');
          if (hasSequence('snapshot')) this.raw.exec('INSERT INTO main.sqlite_sequence SELECT * FROM snapshot.sqlite_sequence');
        }
      });
    } finally {
      this.#statements.clear();
      this.raw.exec('DETACH DATABASE snapshot');
    }
    for (const [component, { dir }] of this.#migrations) this.migrate(component, dir);
    for (const hook of this.#resetHooks) hook();
  }

  close(): void {
    if (this.raw.isOpen) this.commit();
    this.#statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}
