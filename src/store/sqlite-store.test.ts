import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from './database.ts';
import { SqliteStore } from './sqlite-store.ts';

/** A store over a durable database (WAL, group commit as `npm start` runs) with one counter table. */
function open(t: { after(fn: () => void): void }): { db: Database; store: SqliteStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-sqlite-store-test-'));
  const path = join(dir, 'x.db');
  const db = new Database(path);
  db.raw.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); CREATE TABLE log (seq INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT NOT NULL);');
  db.raw.exec('INSERT INTO counter (id, n) VALUES (1, 0)');
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, store: new SqliteStore(db), path };
}

const count = async (s: SqliteStore) => (await s.get<{ n: number }>('SELECT n FROM counter WHERE id = 1'))!.n;

test('a unit that throws leaves none of its writes', async (t) => {
  const { store } = open(t);
  await store.run("INSERT INTO log (what) VALUES ('before')");
  await assert.rejects(
    store.unit(async (tx) => {
      await tx.run('UPDATE counter SET n = n + 5 WHERE id = 1');
      await tx.run("INSERT INTO log (what) VALUES ('inside')");
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await count(store), 0);
  assert.deepEqual((await store.all<{ what: string }>('SELECT what FROM log ORDER BY seq')).map((r) => r.what), ['before']);
  // A failing statement rolls back the same way, and the store goes on working afterwards.
  await assert.rejects(store.unit(async (tx) => {
    await tx.run('UPDATE counter SET n = 7 WHERE id = 1');
    await tx.run('INSERT INTO counter (id, n) VALUES (1, 1)');
  }), /UNIQUE/);
  assert.equal(await count(store), 0);
  await store.unit(async (tx) => void (await tx.run('UPDATE counter SET n = 3 WHERE id = 1')));
  assert.equal(await count(store), 3);
});

test('concurrent units do not interleave: two read-then-write increments end at +2', async (t) => {
  const { store } = open(t);
  const increment = () =>
    store.unit(async (tx) => {
      const { n } = (await tx.get<{ n: number }>('SELECT n FROM counter WHERE id = 1'))!;
      // Give the other unit every chance to run between this read and this write.
      await Promise.resolve();
      await tx.get('SELECT 1');
      await tx.run('UPDATE counter SET n = ? WHERE id = 1', n + 1);
      return n;
    });
  const seen = await Promise.all([increment(), increment(), increment(), increment()]);
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.equal(await count(store), 4);
});

test('a plain statement issued while a unit is open lands after the unit', async (t) => {
  const { store } = open(t);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const unit = store.unit(async (tx) => {
    await tx.run("INSERT INTO log (what) VALUES ('unit-1')");
    await gate;
    await tx.run("INSERT INTO log (what) VALUES ('unit-2')");
  });
  // Another request's code, outside the unit, runs while the unit waits: its statement waits for it.
  const plain = store.run("INSERT INTO log (what) VALUES ('plain')");
  const finished: string[] = [];
  void plain.then(() => finished.push('plain'));
  void unit.then(() => finished.push('unit'));
  // Released by a microtask, so the group commit cannot have run meanwhile.
  await Promise.resolve();
  assert.deepEqual(finished, []);
  release();
  await Promise.all([unit, plain]);
  assert.deepEqual(finished, ['unit', 'plain']);
  assert.deepEqual((await store.all<{ what: string }>('SELECT what FROM log ORDER BY seq')).map((r) => r.what), ['unit-1', 'unit-2', 'plain']);
});

test('a unit inside a unit joins it: an outer failure undoes the inner writes', async (t) => {
  const { store } = open(t);
  const bump = () => store.unit(async (tx) => void (await tx.run('UPDATE counter SET n = n + 1 WHERE id = 1')));
  await store.unit(async () => {
    await bump();
    await bump();
    // The store itself (not only tx) joins the open unit rather than waiting behind it.
    assert.equal(await count(store), 2);
  });
  assert.equal(await count(store), 2);
  await assert.rejects(store.unit(async () => {
    await bump();
    throw new Error('outer fails');
  }), /outer fails/);
  assert.equal(await count(store), 2);
});

test('settled() resolves once the unit\'s writes are committed, visible to another connection', async (t) => {
  const { store, path } = open(t);
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
  const other = new DatabaseSync(path);
  t.after(() => other.close());
  const read = () => (other.prepare('SELECT n FROM counter WHERE id = 1').get() as { n: number }).n;
  const unit = store.unit(async (tx) => {
    await tx.run('UPDATE counter SET n = 41 WHERE id = 1');
    await tx.run('UPDATE counter SET n = n + 1 WHERE id = 1');
  });
  const settled = store.settled();
  await unit;
  // Written but not yet committed: the group commit runs after this turn.
  assert.equal(read(), 0);
  await settled;
  assert.equal(read(), 42);
});

test('a unit that awaits real I/O and sees its group committed fails rather than half-commit silently', async (t) => {
  const { store } = open(t);
  await assert.rejects(
    store.unit(async (tx) => {
      await tx.run('UPDATE counter SET n = 1 WHERE id = 1');
      await new Promise((r) => setTimeout(r, 5));
      await tx.run('UPDATE counter SET n = 2 WHERE id = 1');
    }),
    /awaited something other than the store/,
  );
  // The store still works after it.
  await store.unit(async (tx) => void (await tx.run('UPDATE counter SET n = 10 WHERE id = 1')));
  assert.equal(await count(store), 10);
});

test('reset hooks run when the database is reset', async (t) => {
  const { db, store } = open(t);
  let resets = 0;
  store.onReset(() => resets++);
  await store.run('UPDATE counter SET n = 9 WHERE id = 1');
  db.reset();
  assert.equal(resets, 1);
  assert.equal(await store.get('SELECT n FROM counter WHERE id = 1'), undefined);
});
