import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { Database, DataDirectoryError } from './database.ts';
import { BlobStore } from './blobs.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-store-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function migrations(dir: string, files: Record<string, string>): URL {
  mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return pathToFileURL(dir + '/');
}

test('migrations apply once, in order, and survive reopening', (t) => {
  const dir = tempDir(t);
  const m = migrations(join(dir, 'm'), {
    '001-items.sql': 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);',
    '002-size.sql': 'ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0;',
  });
  const db = new Database(join(dir, 'x.db'));
  db.migrate('thing', m);
  db.run('INSERT INTO items (name, size) VALUES (?, ?)', 'a', 3);
  db.migrate('thing', m); // no-op the second time
  db.close();
  const again = new Database(join(dir, 'x.db'));
  again.migrate('thing', m);
  assert.deepEqual(again.all('SELECT name, size FROM items').map((r) => ({ ...(r as object) })), [{ name: 'a', size: 3 }]);
  assert.equal(again.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode, 'wal');
  again.close();
});

test('a database written by a newer version is refused with a clear message', (t) => {
  const dir = tempDir(t);
  const newer = migrations(join(dir, 'new'), { '001-a.sql': 'CREATE TABLE a (x);', '002-b.sql': 'CREATE TABLE b (x);' });
  const older = migrations(join(dir, 'old'), { '001-a.sql': 'CREATE TABLE a (x);' });
  const db = new Database(join(dir, 'x.db'));
  db.migrate('svc', newer);
  assert.throws(() => db.migrate('svc', older), (e: unknown) => e instanceof DataDirectoryError && /newer Fogbank \(svc schema version 2, this version knows 1\)/.test(String(e)));
  db.close();
});

test('a failing migration leaves nothing half-applied', (t) => {
  const dir = tempDir(t);
  const bad = migrations(join(dir, 'bad'), { '001-a.sql': 'CREATE TABLE a (x); CREATE TABLE a (y);' });
  const db = new Database(join(dir, 'x.db'));
  assert.throws(() => db.migrate('svc', bad));
  assert.equal(db.get("SELECT name FROM sqlite_master WHERE name = 'a'"), undefined);
  assert.equal(db.get("SELECT version FROM _migrations WHERE component = 'svc'"), undefined);
  db.close();
});

test('transactions roll back on error and nest', () => {
  const db = new Database(':memory:');
  db.raw.exec('CREATE TABLE t (x INTEGER)');
  assert.throws(() =>
    db.transaction(() => {
      db.run('INSERT INTO t VALUES (1)');
      db.transaction(() => db.run('INSERT INTO t VALUES (2)'));
      throw new Error('abort');
    }),
  );
  assert.deepEqual(db.all('SELECT x FROM t'), []);
  db.transaction(() => db.transaction(() => db.run('INSERT INTO t VALUES (3)')));
  assert.deepEqual(db.all<{ x: number }>('SELECT x FROM t').map((r) => r.x), [3]);
  db.reset();
  assert.deepEqual(db.all('SELECT x FROM t'), []);
  db.close();
});

test('blobs are written atomically under ids Fogbank chooses, with digests', async (t) => {
  const dir = tempDir(t);
  const blobs = new BlobStore(join(dir, 'blobs'));
  const { id, size, digests } = await blobs.write(Readable.from([Buffer.from('hello '), Buffer.from('world')]), { hashes: ['md5'] });
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(size, 11);
  assert.equal(digests.md5.toString('hex'), '5eb63bbbe01eeed093cb22bb8f5acdc3');
  assert.equal((await blobs.readAll(id)).toString(), 'hello world');
  const chunks: Buffer[] = [];
  for await (const c of blobs.read(id, { start: 6, end: 10 })) chunks.push(c);
  assert.equal(Buffer.concat(chunks).toString(), 'world');
  assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), []);
  await blobs.delete(id);
  await assert.rejects(blobs.readAll(id));
});

test('a failed source stream leaves no blob and no temporary file', async (t) => {
  const dir = tempDir(t);
  const blobs = new BlobStore(join(dir, 'blobs'));
  const failing = new Readable({
    read() {
      this.push(Buffer.alloc(1000));
      this.destroy(new Error('client went away'));
    },
  });
  await assert.rejects(blobs.write(failing), /client went away/);
  assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), []);
  assert.deepEqual(readdirSync(join(dir, 'blobs')), ['tmp']);
});

test('blob ids that are not Fogbank ids never reach the file system', async (t) => {
  const blobs = new BlobStore(join(tempDir(t), 'blobs'));
  assert.throws(() => blobs.read('../../etc/passwd'), /not a blob id/);
  await assert.rejects(blobs.readAll('..%2f..%2fx'), /not a blob id/);
});

test('leftover temporary files from a crash are removed on open', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'blobs', 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'blobs', 'tmp', 'half-written'), 'x');
  new BlobStore(join(dir, 'blobs'));
  assert.deepEqual(readdirSync(join(dir, 'blobs', 'tmp')), []);
});

test('group commit: writes of one turn share a commit, settle before anyone is answered, and roll back alone', async (t) => {
  const dir = tempDir(t);
  const db = new Database(join(dir, 'g.db'));
  db.raw.exec('CREATE TABLE t (x INTEGER)');
  const other = new (process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite')).DatabaseSync(join(dir, 'g.db'));
  const count = () => (other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  db.transaction(() => db.run('INSERT INTO t VALUES (1)'));
  assert.throws(() =>
    db.transaction(() => {
      db.run('INSERT INTO t VALUES (2)');
      throw new Error('abort');
    }),
  );
  db.run('INSERT INTO t VALUES (3)');
  // Not yet visible to another connection: one commit after this turn.
  assert.equal(count(), 0);
  await db.settled();
  assert.equal(count(), 2);
  assert.deepEqual(db.all<{ x: number }>('SELECT x FROM t ORDER BY x').map((r) => r.x), [1, 3]);
  other.close();
  db.close();
});
