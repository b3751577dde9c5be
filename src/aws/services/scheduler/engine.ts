// Runs schedules: each enabled schedule has one clock timer for its next invocation (at(), rate(),
// cron() in its time zone, within StartDate/EndDate, shifted at random inside a flexible window).
// A due schedule invokes its target — templated (SQS, SNS, Lambda, EventBridge) through env.deliver,
// universal (aws-sdk:<service>:<action>) through env.invoke — retrying retryable failures with
// backoff until RetryPolicy runs out, then its dead-letter queue. Timers are re-armed from SQLite on
// start-up; a finished one-time schedule is deleted when ActionAfterCompletion is DELETE.
import { randomUUID } from 'node:crypto';
import type { TimerHandle } from '../../../core/clock.ts';
import { WriteOrder } from '../../../core/write-order.ts';
import type { Delivery, MessageAttributeValue } from '../../../core/delivery.ts';
import { formatArn, parseArn } from '../../../core/resources/arn.ts';
import { nextFireTime, parseScheduleExpression } from '../../../core/schedule-expression.ts';
import { ServiceError } from '../../../core/errors.ts';
import { toData, type ScheduleData, type ScheduleRow, type SchedulerStore } from './store.ts';

interface Job {
  scheduleArn: string;
  executionId: string;
  scheduledTime: number;
  attempts: number;
}

interface Outcome {
  ok: boolean;
  retryable: boolean;
  code?: string;
  message?: string;
}

/** Universal targets name services by their SDK names; Fogbank's names differ for a few. */
const SDK_SERVICE_NAMES: Record<string, string> = { eventbridge: 'events', cloudwatchlogs: 'logs', cloudwatch: 'monitoring' };

export class SchedulerEngine {
  readonly store: SchedulerStore;
  #timers = new Map<string, TimerHandle>();
  #retries = new Map<string, TimerHandle>();
  /** Write order per schedule: arms and disarms that follow a handler's unit apply in commit order. */
  readonly #order = new WriteOrder();
  /** Bumped by every start and stop: re-arming from the tables that a stop overtook is dropped. */
  #generation = 0;

  constructor(store: SchedulerStore) {
    this.store = store;
    store.onReset(() => this.#clearTimers());
  }

  start(): () => void {
    const generation = ++this.#generation;
    this.#rearm(generation).catch((err) => this.store.env.log.error('scheduler: could not re-arm schedules', err));
    return () => {
      this.#generation++;
      this.#clearTimers();
    };
  }

  async #rearm(generation: number): Promise<void> {
    const [schedules, retries] = await Promise.all([this.store.allSchedules(), this.store.armedRetries()]);
    if (generation !== this.#generation) return;
    for (const row of schedules) this.arm(row);
    for (const r of retries) this.#armRetry(r.id, r.due, JSON.parse(r.job) as Job);
  }

  #clearTimers(): void {
    for (const t of [...this.#timers.values(), ...this.#retries.values()]) this.store.env.clock.clearTimeout(t);
    this.#timers.clear();
    this.#retries.clear();
    this.#order.clear();
  }

  /** A place in the write order: taken inside the unit that writes (or deletes) a schedule. */
  ticket(): number {
    return this.#order.ticket();
  }

  /** When a schedule fires next (after `after`), or undefined when it never will again. */
  nextTime(row: ScheduleRow, after: number): number | undefined {
    const d = toData(row);
    let expr;
    try {
      expr = parseScheduleExpression(d.ScheduleExpression, true);
    } catch {
      return undefined;
    }
    const zone = d.ScheduleExpressionTimezone ?? 'UTC';
    let from = Math.max(after, row.last_fired ?? -Infinity);
    if (expr.kind !== 'at' && d.StartDate !== undefined && d.StartDate > from) from = d.StartDate - 1;
    const next = nextFireTime(expr, from, zone, expr.kind === 'rate' ? (d.StartDate ?? row.created) : from);
    if (next === undefined) return undefined;
    if (expr.kind !== 'at' && d.EndDate !== undefined && next > d.EndDate) return undefined;
    return next;
  }

  /**
   * (Re-)arms a schedule's timer; finishes it when it will not fire again. `ticket` orders arms that
   * follow a handler's write (see #order). Synchronous, so that a timer re-arms its schedule while
   * the clock is being advanced, before the next due timer runs.
   */
  arm(row: ScheduleRow, ticket?: number): void {
    if (!this.#order.newest(row.arn, ticket)) return;
    this.#disarm(row.arn);
    const d = toData(row);
    if (d.State !== 'ENABLED') return;
    const clock = this.store.env.clock;
    const next = this.nextTime(row, clock.now());
    if (next === undefined) {
      if (row.last_fired !== null || this.#expired(d, clock.now())) this.#complete(row);
      return;
    }
    const window = d.FlexibleTimeWindow?.Mode === 'FLEXIBLE' ? (d.FlexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000 : 0;
    const at = next + (window ? Math.floor(Math.random() * window) : 0);
    this.#timers.set(row.arn, clock.setTimeout(() => {
      this.#timers.delete(row.arn);
      this.#fire(row, next).catch((err) => this.store.env.log.error('scheduler: a schedule failed', err));
    }, Math.max(0, at - clock.now())));
  }

  #expired(d: ScheduleData, now: number): boolean {
    return d.EndDate !== undefined && d.EndDate <= now;
  }

  /** Stops a schedule's timer (a handler's delete passes the ticket it took in its unit). */
  disarm(arn: string, ticket?: number): void {
    if (this.#order.newest(arn, ticket)) this.#disarm(arn);
  }

  #disarm(arn: string): void {
    const t = this.#timers.get(arn);
    if (t) this.store.env.clock.clearTimeout(t);
    this.#timers.delete(arn);
  }

  #complete(row: ScheduleRow): void {
    if (toData(row).ActionAfterCompletion !== 'DELETE') return;
    this.store.deleteSchedule(row.arn).catch((err) => this.store.env.log.error('scheduler: could not delete a completed schedule', err));
  }

  /**
   * A due schedule: the next firing is armed at once from the row the timer was armed with (every
   * change to a schedule re-arms it, so that row is current), then the target is invoked.
   */
  async #fire(row: ScheduleRow, scheduledTime: number): Promise<void> {
    const updated = { ...row, last_fired: scheduledTime };
    const attempt = this.#attempt({ scheduleArn: row.arn, executionId: randomUUID(), scheduledTime, attempts: 0 }, row);
    this.arm(updated);
    await Promise.all([this.store.setLastFired(row.arn, scheduledTime), attempt]);
  }

  /** Invokes a schedule's target now (admin "fire this schedule now"), outside its timetable. */
  async fireNow(row: ScheduleRow): Promise<string> {
    const executionId = randomUUID();
    await this.#attempt({ scheduleArn: row.arn, executionId, scheduledTime: this.store.env.clock.now(), attempts: 0 }, row);
    return executionId;
  }

  async #attempt(job: Job, row: ScheduleRow): Promise<void> {
    const d = toData(row);
    const input = contextInput(d.Target.Input, row.arn, job);
    let outcome: Outcome;
    try {
      outcome = await this.#invoke(d, input, row);
    } catch (err) {
      outcome = { ok: false, retryable: true, code: 'InternalServerException', message: String((err as Error)?.message ?? err) };
    }
    job.attempts++;
    const now = this.store.env.clock.now();
    const record = (status: string): Promise<void> =>
      this.store.recordInvocation({ scheduleArn: row.arn, executionId: job.executionId, time: now, status, attempts: job.attempts, error: outcome.message ? `${outcome.code}: ${outcome.message}` : undefined, input });
    if (outcome.ok) return record('succeeded');
    const policy = (d.Target.RetryPolicy ?? {}) as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    const maxRetries = policy.MaximumRetryAttempts ?? 185;
    const maxAge = (policy.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    if (outcome.retryable) {
      const delay = Math.min(300_000, 1000 * 2 ** Math.min(job.attempts - 1, 20)) * (0.5 + Math.random() / 2);
      if (job.attempts <= maxRetries && now + delay - job.scheduledTime <= maxAge) {
        const id = randomUUID();
        const due = now + Math.round(delay);
        await Promise.all([record('retrying'), this.store.putRetry(id, due, JSON.stringify(job))]);
        this.#armRetry(id, due, job);
        return;
      }
    }
    const dead = await this.#deadLetter(d, row, job, input, outcome);
    await record(dead ? 'dead-lettered' : 'failed');
  }

  #armRetry(id: string, due: number, job: Job): void {
    const clock = this.store.env.clock;
    this.#retries.set(id, clock.setTimeout(() => {
      this.#retries.delete(id);
      this.#retry(id, job).catch((err) => this.store.env.log.error('scheduler: a retry failed', err));
    }, Math.max(0, due - clock.now())));
  }

  async #retry(id: string, job: Job): Promise<void> {
    const [, row] = await Promise.all([this.store.deleteRetry(id), this.store.scheduleByArn(job.scheduleArn)]);
    // A schedule deleted meanwhile gets nothing more.
    if (row) await this.#attempt(job, row);
  }

  async #invoke(d: ScheduleData, input: string, row: ScheduleRow): Promise<Outcome> {
    const t = d.Target;
    const arn = parseArn(t.Arn);
    const source = { service: 'scheduler', arn: row.arn };
    try {
      if (arn?.service === 'scheduler' && arn.resource.startsWith('aws-sdk:')) {
        const [, sdkService, action] = arn.resource.split(':');
        const service = SDK_SERVICE_NAMES[sdkService] ?? sdkService;
        const operation = action.charAt(0).toUpperCase() + action.slice(1);
        const params = input ? (JSON.parse(input) as Record<string, unknown>) : {};
        await this.store.env.invoke(service, operation, params, { account: row.account, region: row.region });
        return { ok: true, retryable: false };
      }
      const delivery: Delivery = { target: t.Arn, body: input, source };
      if (arn?.service === 'sqs') {
        const group = (t.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId;
        if (group) {
          delivery.groupId = group;
          delivery.deduplicationId = randomUUID();
        }
      } else if (arn?.service === 'lambda') {
        delivery.options = { invocationType: 'Event' };
      } else if (arn?.service === 'events') {
        const p = (t.EventBridgeParameters ?? {}) as { DetailType?: string; Source?: string };
        delivery.body = JSON.stringify({ Source: p.Source, DetailType: p.DetailType, Detail: input || '{}', Resources: [row.arn] });
      }
      await this.store.env.deliver(delivery);
      return { ok: true, retryable: false };
    } catch (err) {
      const e = err instanceof ServiceError ? err : undefined;
      if (!e && err instanceof SyntaxError) return { ok: false, retryable: false, code: 'ValidationException', message: 'The target input is not valid JSON.' };
      return { ok: false, retryable: !e || e.status >= 500 || e.status === 429, code: e?.code ?? 'InternalServerException', message: e?.message ?? String((err as Error)?.message ?? err) };
    }
  }

  async #deadLetter(d: ScheduleData, row: ScheduleRow, job: Job, input: string, outcome: Outcome): Promise<boolean> {
    const dlq = (d.Target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    if (!dlq) return false;
    const s = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
    const attributes: Record<string, MessageAttributeValue> = {
      'X-Amz-Scheduler-Attempt': { DataType: 'Number', StringValue: String(job.attempts) },
      'X-Amz-Scheduler-Schedule-Arn': s(row.arn),
      'X-Amz-Scheduler-Group-Arn': s(formatArn({ service: 'scheduler', region: row.region, account: row.account, resource: `schedule-group/${row.group_name}` })),
      'X-Amz-Scheduler-Execution-Id': s(job.executionId),
      ERROR_CODE: s(outcome.code ?? 'InternalServerException'),
      ERROR_MESSAGE: s((outcome.message ?? 'invocation failed').slice(0, 1000)),
    };
    try {
      await this.store.env.deliver({ target: dlq, body: input || '{}', attributes, source: { service: 'scheduler', arn: row.arn } });
      return true;
    } catch (err) {
      this.store.env.log.warn(`scheduler: dead-letter queue ${dlq} refused a message: ${(err as Error)?.message ?? err}`);
      return false;
    }
  }

  pending(): { schedules: number; retries: number } {
    return { schedules: this.#timers.size, retries: this.#retries.size };
  }
}

/** Fills the context attributes Scheduler offers inside a target's Input. */
function contextInput(input: string | undefined, arn: string, job: Job): string {
  if (input === undefined) return '';
  return input
    .replaceAll('<aws.scheduler.schedule-arn>', arn)
    .replaceAll('<aws.scheduler.scheduled-time>', new Date(job.scheduledTime).toISOString().replace('.000Z', 'Z'))
    .replaceAll('<aws.scheduler.execution-id>', job.executionId)
    .replaceAll('<aws.scheduler.attempt-number>', String(job.attempts + 1));
}
