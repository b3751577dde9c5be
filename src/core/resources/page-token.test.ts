import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Database } from '../../store/database.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
import { isString, pageTokens } from './page-token.ts';

class BadToken extends Error {}

function ctxOf(db: Database, over: Partial<{ operation: string; account: string; region: string }> = {}) {
  return { env: { store: new SqliteStore(db) }, service: 'svc', operation: 'ListThings', account: '000000000000', region: 'us-east-1', ...over };
}

test('a page token reads back to its position and is refused when altered or used elsewhere', async () => {
  const db = new Database(':memory:');
  const tokens = pageTokens({ invalid: (t) => new BadToken(t), parse: isString });
  const ctx = ctxOf(db);
  const t = await tokens.issue(ctx, 'queue-7');
  assert.match(t, /^[A-Za-z0-9_-]+$/);
  assert.equal(await tokens.read(ctx, t), 'queue-7');
  assert.equal(await tokens.read(ctx, undefined), undefined);
  assert.equal(await tokens.read(ctx, ''), undefined);
  // Every single-character change is caught.
  for (let i = 0; i < t.length; i++) {
    const c = t[i] === 'A' ? 'B' : 'A';
    const altered = t.slice(0, i) + c + t.slice(i + 1);
    await assert.rejects(async () => tokens.read(ctx, altered), BadToken, `position ${i}`);
  }
  // A forged token (the old, unsigned format) and junk.
  await assert.rejects(async () => tokens.read(ctx, Buffer.from(JSON.stringify('queue-9')).toString('base64url')), BadToken);
  await assert.rejects(async () => tokens.read(ctx, 'not a token!'), BadToken);
  // Bound to the operation, the account, the region and the caller's binding.
  await assert.rejects(async () => tokens.read(ctxOf(db, { operation: 'ListOthers' }), t), BadToken);
  await assert.rejects(async () => tokens.read(ctxOf(db, { account: '111111111111' }), t), BadToken);
  await assert.rejects(async () => tokens.read(ctxOf(db, { region: 'eu-west-1' }), t), BadToken);
  const bound = await tokens.issue(ctx, 'k', 'bucket-a');
  assert.equal(await tokens.read(ctx, bound, 'bucket-a'), 'k');
  await assert.rejects(async () => tokens.read(ctx, bound, 'bucket-b'), BadToken);
  // A position of the wrong shape is refused even when signed.
  const numeric = pageTokens<number>({ invalid: (t) => new BadToken(t), parse: (p) => (typeof p === 'number' ? p : undefined) });
  await assert.rejects(async () => numeric.read(ctx, t), BadToken);
  db.close();
});

test('base64 tokens and empty-token handling follow the service', async () => {
  const db = new Database(':memory:');
  const tokens = pageTokens({ invalid: (t) => new BadToken(t), encoding: 'base64', empty: 'invalid' });
  const ctx = ctxOf(db);
  const t = await tokens.issue(ctx, { after: 'a/b', n: 3 });
  assert.match(t, /^[A-Za-z0-9+/]+={0,2}$/);
  assert.deepEqual(await tokens.read(ctx, t), { after: 'a/b', n: 3 });
  await assert.rejects(async () => tokens.read(ctx, ''), BadToken);
  db.close();
});

test('tokens survive a restart (the key is in the data directory) and not a reset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbank-token-'));
  try {
    const tokens = pageTokens({ invalid: (t) => new BadToken(t), parse: isString });
    let db = new Database(join(dir, 'fogbank.db'));
    const t = await tokens.issue(ctxOf(db), 'after-this');
    db.close();
    db = new Database(join(dir, 'fogbank.db'));
    assert.equal(await tokens.read(ctxOf(db), t), 'after-this');
    db.reset();
    await assert.rejects(async () => tokens.read(ctxOf(db), t), BadToken);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
