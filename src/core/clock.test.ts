import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllableClock } from './clock.ts';

test('a frozen clock stands still and advance fires due timers in order, each at its own time', () => {
  const c = new ControllableClock();
  c.freeze(1_000_000);
  const seen: Array<[string, number]> = [];
  c.setTimeout(() => seen.push(['b', c.now()]), 200);
  c.setTimeout(() => seen.push(['a', c.now()]), 100);
  c.setTimeout(() => seen.push(['c', c.now()]), 200);
  c.setTimeout(() => seen.push(['late', c.now()]), 5000);
  assert.equal(c.now(), 1_000_000);
  c.advance(250);
  assert.deepEqual(seen, [
    ['a', 1_000_100],
    ['b', 1_000_200],
    ['c', 1_000_200],
  ]);
  assert.equal(c.now(), 1_000_250);
  assert.equal(c.pendingTimers, 1);
});

test('timers scheduled by firing timers within the advanced span fire too', () => {
  const c = new ControllableClock();
  c.freeze(0);
  const seen: number[] = [];
  c.setTimeout(() => {
    seen.push(c.now());
    c.setTimeout(() => seen.push(c.now()), 50);
  }, 100);
  c.advance(200);
  assert.deepEqual(seen, [100, 150]);
});

test('intervals repeat and cleared timers never fire', () => {
  const c = new ControllableClock();
  c.freeze(0);
  let ticks = 0;
  const h = c.setInterval(() => ticks++, 10);
  const dead = c.setTimeout(() => assert.fail('cleared timer fired'), 5);
  c.clearTimeout(dead);
  c.advance(35);
  assert.equal(ticks, 3);
  c.clearTimeout(h);
  c.advance(100);
  assert.equal(ticks, 3);
});

test('a throwing timer is reported and does not stop the others', () => {
  const errors: unknown[] = [];
  const c = new ControllableClock((e) => errors.push(e));
  c.freeze(0);
  let ran = false;
  c.setTimeout(() => {
    throw new Error('boom');
  }, 1);
  c.setTimeout(() => (ran = true), 2);
  c.advance(5);
  assert.equal(ran, true);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
});

test('the running clock fires timers on real time, and unfreeze resumes from the frozen instant', async () => {
  const c = new ControllableClock();
  const fired = await new Promise<number>((resolve) => {
    const t0 = Date.now();
    c.setTimeout(() => resolve(Date.now() - t0), 20);
  });
  assert.ok(fired >= 15, `fired after ${fired} ms`);
  c.freeze(5_000);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(c.now(), 5_000);
  c.unfreeze();
  assert.ok(c.now() >= 5_000 && c.now() < 5_100);
});

test('sleep resolves on virtual time and honours abort', async () => {
  const c = new ControllableClock();
  c.freeze(0);
  const slept = c.sleep(1000);
  c.advance(1000);
  await slept;
  const ac = new AbortController();
  const aborted = c.sleep(1000, ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  assert.equal(c.pendingTimers, 0);
});

test('advance refuses to go backwards', () => {
  const c = new ControllableClock();
  assert.throws(() => c.advance(-1), RangeError);
});
