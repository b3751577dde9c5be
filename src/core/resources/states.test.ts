import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ControllableClock } from '../clock.ts';
import { InvalidTransition, StateTimers, stateMachine } from './states.ts';

test('timed transitions run on the clock, in order, and stop on cancel', () => {
  const clock = new ControllableClock();
  clock.freeze(0);
  const machine = stateMachine<'creating' | 'available' | 'deleting' | 'stopped'>({
    initial: 'creating',
    transitions: { available: ['deleting', 'stopped'], stopped: ['available'] },
    timed: { creating: ['available', 500] },
  });
  const states = new Map<string, 'creating' | 'available' | 'deleting' | 'stopped'>([['db-1', 'creating'], ['db-2', 'creating']]);
  const entered: string[] = [];
  const timers = new StateTimers({ machine, clock, load: (id) => states.get(id), store: (id, s) => states.set(id, s), onEnter: (id, s) => entered.push(`${id}:${s}@${clock.now()}`) });
  timers.resume('db-1');
  timers.resume('db-2');
  timers.cancel('db-2');
  clock.advance(499);
  assert.equal(states.get('db-1'), 'creating');
  clock.advance(1);
  assert.equal(states.get('db-1'), 'available');
  assert.equal(states.get('db-2'), 'creating');
  assert.deepEqual(entered, ['db-1:available@500']);
  timers.transition('db-1', 'stopped');
  assert.throws(() => timers.transition('db-1', 'creating'), InvalidTransition);
  timers.stop();
});
