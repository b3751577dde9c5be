import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllableClock } from '../clock.ts';
import { InvalidTransition, StateTimers, stateMachine } from './states.ts';

test('timed transitions run on the clock, in order, and stop on cancel', async () => {
  const clock = new ControllableClock();
  clock.freeze(0);
  const machine = stateMachine<'creating' | 'available' | 'deleting' | 'stopped'>({
    initial: 'creating',
    transitions: { available: ['deleting', 'stopped'], stopped: ['available'] },
    timed: { creating: ['available', 500] },
  });
  const states = new Map<string, 'creating' | 'available' | 'deleting' | 'stopped'>([['db-1', 'creating'], ['db-2', 'creating']]);
  const entered: string[] = [];
  const timers = new StateTimers({ machine, clock, load: async (id) => states.get(id), store: async (id, s) => void states.set(id, s), onEnter: (id, s) => entered.push(`${id}:${s}@${clock.now()}`) });
  await timers.resume('db-1');
  await timers.resume('db-2');
  timers.cancel('db-2');
  clock.advance(499);
  assert.equal(states.get('db-1'), 'creating');
  clock.advance(1);
  await settle();
  assert.equal(states.get('db-1'), 'available');
  assert.equal(states.get('db-2'), 'creating');
  assert.deepEqual(entered, ['db-1:available@500']);
  await timers.transition('db-1', 'stopped');
  await assert.rejects(() => timers.transition('db-1', 'creating'), InvalidTransition);
  timers.stop();
});

/** Lets a fired timer's asynchronous load and store finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
