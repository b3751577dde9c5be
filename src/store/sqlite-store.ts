// The store port (src/core/store.ts) over the one SQLite Database (src/store/database.ts), group
// commit kept: every write joins the open group, and `settled()` is the group's commit.
//
// The rule that keeps units atomic and apart:
// - Statements run synchronously (node:sqlite) and return settled promises.
// - Units are serialised by one promise queue. A unit opens a SAVEPOINT inside the open group, runs
//   fn, and RELEASEs it (or ROLLs BACK TO it when fn throws).
// - While a unit is open, nothing else the store is asked to do runs inside its savepoint: a
//   statement or unit from outside it (another request's code, running between fn's awaits) goes
//   through the same queue and runs after the unit ends. Whether a call is inside the unit is known by
//   its async context (AsyncLocalStorage), so code fn calls that uses the store rather than `tx` (a
//   nested `unit`, a state method) joins the unit instead of waiting for it (which would deadlock).
// - fn awaits only the store. The SQLite driver's promises are already settled, so a unit runs to its
//   end within the microtask checkpoint it started in, before any I/O callback, timer, or the group's
//   COMMIT (a setImmediate) can run. A unit that awaited real I/O and saw its group committed under it
//   fails loudly rather than claim an atomicity it no longer has.
// - Outside units, when the queue is empty, a statement runs at once: the common path costs what
//   Database costs plus one context lookup.
// Why nothing else may use the Database under this store: a statement that bypassed the queue
// (at microtask granularity, between a unit's awaits) would land inside an open unit's savepoint, and
// a unit that then fails would roll back another request's acknowledged write. So the Environment has
// only `store`, accounts and ports are on it too, and the Database itself stays in src/fogbank.ts for
// what can never overlap a unit: the admin secrets read at start, snapshots (behind the closed gate,
// services suspended), reset.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RunResult, SqlValue, Statements, Store } from '../core/store.ts';
import type { Database } from './database.ts';

const SAVEPOINT = 'fogbank_unit';

interface OpenUnit {
  open: boolean;
  tx: Statements;
}

export class SqliteStore implements Store {
  readonly #db: Database;
  readonly #unit = new AsyncLocalStorage<OpenUnit>();
  /** The last queued task's completion; undefined when the queue is empty. */
  #tail: Promise<void> | undefined;

  constructor(db: Database) {
    this.#db = db;
  }

  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.#statement(() => this.#db.get<T>(sql, ...params));
  }

  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.#statement(() => this.#db.all<T>(sql, ...params));
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.#statement(() => this.#db.run(sql, ...params));
  }

  unit<T>(fn: (tx: Statements) => Promise<T>): Promise<T> {
    const outer = this.#unit.getStore();
    if (outer?.open) return fn(outer.tx);
    return this.#enqueue(() => this.#runUnit(fn));
  }

  async settled(): Promise<void> {
    // Queued work is part of "every write so far": wait for it to run, then for its commit.
    while (this.#tail) await this.#tail;
    await this.#db.settled();
  }

  onReset(hook: () => void): void {
    this.#db.onReset(hook);
  }

  migrate(component: string, dir: URL): void {
    this.#db.migrate(component, dir);
  }

  /** Runs a statement now when it is inside the open unit or nothing is queued, else in turn. */
  #statement<T>(op: () => T): Promise<T> {
    if (this.#unit.getStore()?.open || !this.#tail) return settle(op);
    return this.#enqueue(async () => op());
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    // An empty queue starts the task now, so that a unit opens in the turn it was asked for.
    const result = this.#tail ? this.#tail.then(task) : task();
    const tail = result.then(noop, noop);
    this.#tail = tail;
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = undefined;
    });
    return result;
  }

  async #runUnit<T>(fn: (tx: Statements) => Promise<T>): Promise<T> {
    const db = this.#db;
    // The savepoint must sit inside the group commit: when none is open, an empty transaction opens
    // it (under load one usually is, and this costs nothing).
    if (!db.raw.isTransaction) db.transaction(noop);
    const group = db.settled();
    db.raw.exec(`SAVEPOINT ${SAVEPOINT}`);
    const unit: OpenUnit = { open: true, tx: undefined as unknown as Statements };
    const inside = <R>(op: () => R): Promise<R> => {
      if (!unit.open) return Promise.reject(new Error('a unit of work was used after it ended'));
      if (db.settled() !== group) return Promise.reject(groupLost());
      return settle(op);
    };
    unit.tx = {
      get: <R>(sql: string, ...params: SqlValue[]) => inside(() => db.get<R>(sql, ...params)),
      all: <R>(sql: string, ...params: SqlValue[]) => inside(() => db.all<R>(sql, ...params)),
      run: (sql: string, ...params: SqlValue[]) => inside(() => db.run(sql, ...params)),
    };
    try {
      let result: T;
      try {
        result = await this.#unit.run(unit, () => fn(unit.tx));
      } catch (err) {
        if (db.settled() === group && db.raw.isTransaction) {
          db.raw.exec(`ROLLBACK TO ${SAVEPOINT}`);
          db.raw.exec(`RELEASE ${SAVEPOINT}`);
        }
        throw err;
      }
      if (db.settled() !== group) throw groupLost();
      db.raw.exec(`RELEASE ${SAVEPOINT}`);
      return result;
    } finally {
      unit.open = false;
    }
  }
}

function noop(): void {}

function settle<T>(op: () => T): Promise<T> {
  try {
    return Promise.resolve(op());
  } catch (err) {
    return Promise.reject(err);
  }
}

function groupLost(): Error {
  return new Error('a unit of work awaited something other than the store, and its group committed meanwhile');
}
