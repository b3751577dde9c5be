import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gate } from './gate.ts';

const tick = () => new Promise((r) => setImmediate(r));

test('closing waits for running requests; requests arriving meanwhile wait until it opens', async () => {
  const gate = new Gate();
  const events: string[] = [];
  let finishRunning!: () => void;
  const running = gate.pass(() => new Promise<void>((r) => (finishRunning = r)).then(() => void events.push('running done')));
  const closing = gate.close(10_000).then(() => events.push('closed'));
  await tick();
  assert.equal(events.length, 0, 'close waits for the running request');
  const late = gate.pass(async () => void events.push('late ran'));
  finishRunning();
  await closing;
  await tick();
  assert.deepEqual(events, ['running done', 'closed'], 'the late request has not run while closed');
  assert.equal(gate.inFlight, 0);
  gate.open();
  await late;
  await running;
  assert.deepEqual(events, ['running done', 'closed', 'late ran']);
});

test('closing gives up waiting after the drain bound; a second closer waits for the first to open', async () => {
  const gate = new Gate();
  void gate.pass(() => new Promise<void>(() => {}));
  const started = performance.now();
  await gate.close(50);
  assert.ok(performance.now() - started >= 45);
  let second = false;
  const closing = gate.close(10).then(() => (second = true));
  await tick();
  assert.equal(second, false);
  gate.open();
  await closing;
  assert.equal(second, true);
  gate.open();
  assert.equal(gate.closed, false);
});
