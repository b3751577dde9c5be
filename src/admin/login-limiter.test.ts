// The login limiter on a hand-driven clock: exact windows, Retry-After values and bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginLimiter, clientKey, type LoginAttempt, type LoginRefusal } from './login-limiter.ts';

function limiter(limits: ConstructorParameters<typeof LoginLimiter>[0] = {}) {
  const time = { now: 1_000_000 };
  return { time, limiter: new LoginLimiter({ concurrentChecks: 100, checksPerSecond: 100, ...limits }, () => time.now) };
}

function admitted(a: LoginAttempt | LoginRefusal): LoginAttempt {
  assert.equal(a.ok, true, `refused: ${JSON.stringify(a)}`);
  return a as LoginAttempt;
}

function refused(a: LoginAttempt | LoginRefusal): LoginRefusal {
  assert.equal(a.ok, false, 'admitted');
  return a as LoginRefusal;
}

test('five failures per window from one address, then refusals until the oldest leaves the window', () => {
  const { time, limiter: l } = limiter();
  for (let i = 0; i < 5; i++) {
    admitted(l.admit('203.0.113.7')).done(false);
    time.now += 1000;
  }
  const r = refused(l.admit('203.0.113.7'));
  assert.equal(r.reason, 'client');
  assert.equal(r.retryAfterSeconds, 55); // first failure at t, now t+5 s, window 60 s
  // Another address is not affected.
  admitted(l.admit('203.0.113.8')).done(true);
  time.now += 54_999;
  assert.equal(refused(l.admit('203.0.113.7')).retryAfterSeconds, 1);
  time.now += 1;
  // One failure left the window: one more attempt, then refused again until the next leaves.
  admitted(l.admit('203.0.113.7')).done(false);
  assert.equal(refused(l.admit('203.0.113.7')).retryAfterSeconds, 1);
});

test('attempts in flight count, so a parallel burst from one address gets at most five checks', () => {
  const { limiter: l } = limiter();
  const inFlight = Array.from({ length: 5 }, () => admitted(l.admit('198.51.100.1')));
  const r = refused(l.admit('198.51.100.1'));
  assert.equal(r.reason, 'client');
  assert.equal(r.retryAfterSeconds, 60);
  // A success among them clears the address; the other four still count when they fail.
  inFlight[0].done(true);
  for (const a of inFlight.slice(1)) a.done(false);
  admitted(l.admit('198.51.100.1')).done(false);
  refused(l.admit('198.51.100.1'));
});

test('a success clears the failures; done() twice counts once', () => {
  const { limiter: l } = limiter();
  for (let i = 0; i < 4; i++) admitted(l.admit('192.0.2.1')).done(false);
  const ok = admitted(l.admit('192.0.2.1'));
  ok.done(true);
  ok.done(false);
  for (let i = 0; i < 5; i++) admitted(l.admit('192.0.2.1')).done(false);
  refused(l.admit('192.0.2.1'));
  assert.equal(l.clientCount, 1);
});

test('global limits: checks in flight and checks per second, refused at once with Retry-After 1', () => {
  const { time, limiter: l } = limiter({ concurrentChecks: 2, checksPerSecond: 3, failuresPerClient: 100 });
  const a = admitted(l.admit('10.0.0.1'));
  const b = admitted(l.admit('10.0.0.2'));
  const full = refused(l.admit('10.0.0.3'));
  assert.deepEqual(full, { ok: false, reason: 'global', retryAfterSeconds: 1 });
  a.done(false);
  b.done(false);
  admitted(l.admit('10.0.0.3')).done(false);
  // Three started within this second: the fourth waits for the second to turn.
  assert.equal(refused(l.admit('10.0.0.4')).reason, 'global');
  time.now += 1000;
  admitted(l.admit('10.0.0.4')).done(false);
});

test('the clients remembered are bounded; the stalest idle ones are forgotten', () => {
  const { limiter: l } = limiter({ maxClients: 3 });
  const pending = admitted(l.admit('10.1.0.1'));
  for (let i = 2; i <= 10; i++) admitted(l.admit(`10.1.0.${i}`)).done(false);
  assert.equal(l.clientCount, 3);
  // The one with an attempt in flight is kept: its four more attempts plus the pending one make five.
  for (let i = 0; i < 4; i++) admitted(l.admit('10.1.0.1')).done(false);
  assert.equal(refused(l.admit('10.1.0.1')).reason, 'client');
  pending.done(false);
  // The stalest idle ones were forgotten: 10.1.0.2 starts afresh.
  for (let i = 0; i < 5; i++) admitted(l.admit('10.1.0.2')).done(false);
  assert.equal(l.clientCount, 3);
});

test('limits key on IPv4 addresses and IPv6 /64s; IPv4-mapped addresses count as IPv4', () => {
  assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
  assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:0DB8::1'), '2001:db8:0:0::/64');
  assert.equal(clientKey('::1'), '0:0:0:0::/64');
  assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientKey(undefined), 'unknown');
  const { limiter: l } = limiter();
  for (let i = 1; i <= 5; i++) admitted(l.admit(`2001:db8:1:2::${i}`)).done(false);
  assert.equal(refused(l.admit('2001:db8:1:2:ffff::9')).reason, 'client');
  admitted(l.admit('2001:db8:1:3::1'));
});
