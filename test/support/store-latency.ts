// Gives a running Fogbank's store the latency of a networked driver (PostgreSQL, issue 11 §7): a
// statement outside a unit of work answers only after a turn of the event loop, so concurrent
// requests interleave between a handler's awaits as they would over a network. With the SQLite driver
// they cannot (its promises are already settled), which would let a missing unit go unnoticed: race
// tests run with this on, and fail when a read-decides-write path is not one unit.
// Statements inside a unit are left alone: the driver holds the database for the unit, and a unit that
// awaited anything else would (rightly) fail.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlValue, Statements, Store } from '../../src/core/store.ts';

/** Slows `store` down in place; returns the function that undoes it. */
export function withStoreLatency(store: Store): () => void {
  const inUnit = new AsyncLocalStorage<true>();
  const s = store as unknown as Record<string, unknown>;
  const original = { get: store.get, all: store.all, run: store.run, unit: store.unit };
  const later = <T>(p: Promise<T>): Promise<T> =>
    inUnit.getStore() ? p : p.then((v) => new Promise<T>((resolve) => setImmediate(() => resolve(v))), (err) => new Promise<T>((_, reject) => setImmediate(() => reject(err))));
  s.get = (sql: string, ...params: SqlValue[]) => later(original.get.call(store, sql, ...params));
  s.all = (sql: string, ...params: SqlValue[]) => later(original.all.call(store, sql, ...params));
  s.run = (sql: string, ...params: SqlValue[]) => later(original.run.call(store, sql, ...params));
  s.unit = <T>(fn: (tx: Statements) => Promise<T>) =>
    inUnit.getStore() ? original.unit.call(store, fn) : later(original.unit.call(store, (tx: Statements) => inUnit.run(true, () => fn(tx))));
  return () => {
    delete s.get;
    delete s.all;
    delete s.run;
    delete s.unit;
  };
}
