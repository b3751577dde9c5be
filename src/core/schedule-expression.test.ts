// rate(), cron() and at() as EventBridge and Scheduler read them, in UTC and in time zones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFireTime, parseScheduleExpression, ScheduleExpressionError } from './schedule-expression.ts';

const from = Date.parse('2024-03-01T10:07:30Z'); // a Friday

function next(expr: string, zone?: string, n = 3): string[] {
  const e = parseScheduleExpression(expr, true);
  const out: string[] = [];
  let t = from;
  for (let i = 0; i < n; i++) {
    const x = nextFireTime(e, t, zone, from);
    if (x === undefined) break;
    out.push(new Date(x).toISOString());
    t = x;
  }
  return out;
}

const cases: Array<[string, string | undefined, string[]]> = [
  ['rate(5 minutes)', undefined, ['2024-03-01T10:12:30.000Z', '2024-03-01T10:17:30.000Z', '2024-03-01T10:22:30.000Z']],
  ['rate(1 hour)', undefined, ['2024-03-01T11:07:30.000Z', '2024-03-01T12:07:30.000Z', '2024-03-01T13:07:30.000Z']],
  ['cron(0/15 * * * ? *)', undefined, ['2024-03-01T10:15:00.000Z', '2024-03-01T10:30:00.000Z', '2024-03-01T10:45:00.000Z']],
  ['cron(0 12 * * ? *)', undefined, ['2024-03-01T12:00:00.000Z', '2024-03-02T12:00:00.000Z', '2024-03-03T12:00:00.000Z']],
  ['cron(0 9 ? * MON-FRI *)', undefined, ['2024-03-04T09:00:00.000Z', '2024-03-05T09:00:00.000Z', '2024-03-06T09:00:00.000Z']],
  ['cron(0 0 L * ? *)', undefined, ['2024-03-31T00:00:00.000Z', '2024-04-30T00:00:00.000Z', '2024-05-31T00:00:00.000Z']],
  ['cron(0 8 ? * 6#3 *)', undefined, ['2024-03-15T08:00:00.000Z', '2024-04-19T08:00:00.000Z', '2024-05-17T08:00:00.000Z']],
  ['cron(0 0 ? * 2L *)', undefined, ['2024-03-25T00:00:00.000Z', '2024-04-29T00:00:00.000Z', '2024-05-27T00:00:00.000Z']],
  ['cron(0 10 16W * ? *)', undefined, ['2024-03-15T10:00:00.000Z', '2024-04-16T10:00:00.000Z', '2024-05-16T10:00:00.000Z']],
  ['cron(0 0 1 JAN ? 2025)', undefined, ['2025-01-01T00:00:00.000Z']],
  // 02:30 in New York is 07:30 UTC in winter and 06:30 UTC in summer; on 10 March 2024 it does not
  // exist (02:00 jumps to 03:00) and happens as the clocks jump, at 03:30 EDT = 07:30 UTC.
  ['cron(30 2 9-11 * ? *)', 'America/New_York', ['2024-03-09T07:30:00.000Z', '2024-03-10T07:30:00.000Z', '2024-03-11T06:30:00.000Z']],
  ['cron(30 1 2-4 NOV ? *)', 'America/New_York', ['2024-11-02T05:30:00.000Z', '2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z']],
  ['at(2024-03-10T02:30:00)', 'Europe/Paris', ['2024-03-10T01:30:00.000Z']],
  ['at(2024-02-01T00:00:00)', undefined, []],
];

for (const [expr, zone, expected] of cases) {
  test(`${expr}${zone ? ` in ${zone}` : ''}`, () => assert.deepEqual(next(expr, zone), expected));
}

for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 hours)', 'rate(5 weeks)', 'cron(* * * * * *)', 'cron(0 12 * * ?)', 'cron(60 * * * ? *)', 'cron(0 0 ? * 8 *)', 'at(2024-13-01T00:00:00)', 'every day']) {
  test(`rejects ${bad}`, () => assert.throws(() => parseScheduleExpression(bad, true), ScheduleExpressionError));
}

test('at() is only accepted where asked for (Scheduler, not EventBridge rules)', () => {
  assert.throws(() => parseScheduleExpression('at(2030-01-01T00:00:00)'), ScheduleExpressionError);
});
