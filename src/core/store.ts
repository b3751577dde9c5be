// The store port (issue 11 §7): the one interface through which a service's state module reaches its
// tables. Asynchronous so that a networked driver (PostgreSQL, for N stateless replicas) can implement
// it later; SQLite (src/store/sqlite-store.ts) is the one driver today. Cloud-neutral: nothing here
// knows a driver, and src/core does not import src/store for it.

/** A value bound to a `?` placeholder. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** What a writing statement reports: rows changed, and the rowid of the last INSERT. */
export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

/** Prepared statements, compiled once per SQL text by the driver. */
export interface Statements {
  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]>;
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
}

export interface Store extends Statements {
  /**
   * A unit of work: all of fn's writes or none; units never interleave with each other. fn speaks
   * through `tx` and awaits only it (no I/O, no timers inside a unit: the driver may hold the
   * database while fn runs). A `unit` called inside a unit joins it.
   */
  unit<T>(fn: (tx: Statements) => Promise<T>): Promise<T>;
  /** Resolves once every write so far is durable (group commit). */
  settled(): Promise<void>;
  /** Registers in-memory state to drop when the store is reset (tests' reset, snapshot restore). */
  onReset(hook: () => void): void;
  /**
   * Brings a component's tables to the newest of the numbered `.sql` files in `dir`. Synchronous,
   * because a service's state opens on its first use, inside a request: SQLite applies them there and
   * then. A networked driver would apply every component's migrations when it opens (they are files
   * beside each service) and make this a check.
   */
  migrate(component: string, dir: URL): void;
}
