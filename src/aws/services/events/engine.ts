// What happens to an event: archived where an archive's pattern accepts it, matched against the
// bus's enabled rules, and sent to each matching rule's targets through env.deliver (SQS, SNS, Lambda,
// other buses, log groups) or a real HTTP call (API destinations). Failed retryable invocations are
// retried on the clock with exponential backoff and jitter until the target's RetryPolicy runs out,
// then go to its dead-letter queue. Scheduled rules fire on clock timers, re-armed after a restart.
import { randomUUID } from 'node:crypto';
import type { TimerHandle } from '../../../core/clock.ts';
import { WriteOrder } from '../../../core/write-order.ts';
import type { Delivery, MessageAttributeValue } from '../../../core/delivery.ts';
import { parseArn } from '../../../core/resources/arn.ts';
import { nextFireTime, parseScheduleExpression } from '../../../core/schedule-expression.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { EventsStore, Resource, RuleData, TargetData } from './store.ts';
import { matchesPattern, parseEventPattern, type EventPattern } from './event-pattern.ts';
import { targetInput, type TargetInput } from './input.ts';
import { invokeApiDestination } from './api-destination.ts';

export type Event = Record<string, unknown> & { id: string; account: string; region: string; time: string };

interface Job {
  ruleArn: string;
  ruleName: string;
  target: TargetData;
  event: Event;
  /** Attempts made so far. */
  attempts: number;
  /** When the event was first sent to this target (epoch ms). */
  first: number;
}

interface Outcome {
  ok: boolean;
  retryable: boolean;
  code?: string;
  message?: string;
}

export class EventsEngine {
  readonly store: EventsStore;
  #retries = new Map<string, TimerHandle>();
  #schedules = new Map<string, TimerHandle>();
  /** Write order per rule: arms and disarms that follow a handler's unit apply in commit order. */
  readonly #order = new WriteOrder();
  /** Bumped by every start and stop: re-arming from the tables that a stop overtook is dropped. */
  #generation = 0;

  constructor(store: EventsStore) {
    this.store = store;
    store.onReset(() => this.#clearTimers());
  }

  start(): () => void {
    const generation = ++this.#generation;
    this.#rearm(generation).catch((err) => this.store.env.log.error('events: could not re-arm retries and schedules', err));
    return () => {
      this.#generation++;
      this.#clearTimers();
    };
  }

  async #rearm(generation: number): Promise<void> {
    const [retries, arns] = await Promise.all([this.store.armedRetries(), this.store.allRuleArns()]);
    const rules = await Promise.all(arns.map((arn) => this.store.byArn<RuleData>(arn)));
    if (generation !== this.#generation) return;
    for (const row of retries) this.#arm(row.id, row.due, JSON.parse(row.job) as Job);
    for (const rule of rules) if (rule) this.armSchedule(rule);
  }

  #clearTimers(): void {
    for (const t of [...this.#retries.values(), ...this.#schedules.values()]) this.store.env.clock.clearTimeout(t);
    this.#retries.clear();
    this.#schedules.clear();
    this.#order.clear();
  }

  /** A place in the write order: taken inside the unit that writes (or deletes) a rule. */
  ticket(): number {
    return this.#order.ticket();
  }

  // ── Events on a bus ──

  /** Archives and routes an event put on a bus (by PutEvents, another bus, S3, a replay). */
  async putEvent(bus: { account: string; region: string; name: string; arn: string }, event: Event, options: { replay?: { name: string; rules?: string[] } } = {}): Promise<void> {
    const pending: Promise<void>[] = [];
    if (!options.replay) pending.push(this.#archive(bus.arn, event));
    for (const compiled of await this.store.rulesOf(bus.account, bus.region, bus.name)) {
      const rule = compiled.rule;
      if (rule.data.State !== 'ENABLED' && rule.data.State !== 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') continue;
      if (options.replay?.rules && !options.replay.rules.includes(rule.arn)) continue;
      if (!matchesPattern(compiled.pattern!, event)) continue;
      if (compiled.targets.length === 0) {
        pending.push(this.store.recordMatch({ ruleArn: rule.arn, eventId: event.id, time: this.store.env.clock.now(), status: 'matched', attempts: 0, event: JSON.stringify(event) }));
      }
      for (const target of compiled.targets) {
        pending.push(this.#attempt({ ruleArn: rule.arn, ruleName: rule.data.Name, target, event, attempts: 0, first: this.store.env.clock.now() }));
      }
    }
    if (pending.length) await Promise.all(pending);
  }

  async #archive(busArn: string, event: Event): Promise<void> {
    const archives = await this.store.archivesInScope(event.account, event.region);
    for (const a of archives) {
      const data = JSON.parse(a.data) as { EventSourceArn: string; EventPattern?: string; State: string };
      if (data.EventSourceArn !== busArn || data.State !== 'ENABLED') continue;
      if (data.EventPattern) {
        try {
          if (!matchesPattern(archivePattern(data.EventPattern), event)) continue;
        } catch {
          continue;
        }
      }
      await this.store.archiveEvent(a.arn, Date.parse(event.time) || this.store.env.clock.now(), JSON.stringify(event));
    }
  }

  // ── Targets ──

  /** Invokes a rule's target once; fire-and-forget callers get errors logged, never thrown. */
  async #attempt(job: Job): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.#invoke(job);
    } catch (err) {
      outcome = { ok: false, retryable: true, code: 'InternalError', message: String((err as Error)?.message ?? err) };
    }
    job.attempts++;
    const now = this.store.env.clock.now();
    const record = (status: string): Promise<void> =>
      this.store.recordMatch({ ruleArn: job.ruleArn, eventId: job.event.id, time: now, targetId: job.target.Id, status, attempts: job.attempts, error: outcome.message ? `${outcome.code}: ${outcome.message}` : undefined, event: JSON.stringify(job.event) });
    if (outcome.ok) return record('delivered');
    const policy = (job.target.RetryPolicy ?? {}) as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    const maxRetries = policy.MaximumRetryAttempts ?? 185;
    const maxAge = (policy.MaximumEventAgeInSeconds ?? 86_400) * 1000;
    if (outcome.retryable) {
      // Exponential backoff with full jitter, capped at five minutes.
      const delay = Math.min(300_000, 1000 * 2 ** Math.min(job.attempts - 1, 20)) * (0.5 + Math.random() / 2);
      if (job.attempts <= maxRetries && now + delay - job.first <= maxAge) {
        await Promise.all([record('retrying'), this.#schedule({ ...job }, delay)]);
        return;
      }
    }
    const condition = !outcome.retryable ? undefined : job.attempts > maxRetries ? 'MaximumRetryAttemptsExhausted' : 'MaximumEventAgeExhausted';
    const dead = await this.#deadLetter(job, outcome, condition);
    await record(dead ? 'dead-lettered' : 'failed');
  }

  async #invoke(job: Job): Promise<Outcome> {
    const t = job.target;
    const input = targetInput(t as TargetInput, job.event, { ruleArn: job.ruleArn, ruleName: job.ruleName, ingestionTime: job.event.time });
    const arn = parseArn(t.Arn);
    if (arn?.service === 'events' && arn.resource.startsWith('api-destination/')) {
      return await invokeApiDestination(this.store, t, input);
    }
    const d: Delivery = { target: t.Arn, body: input, source: { service: 'events', arn: job.ruleArn } };
    if (arn?.service === 'sqs') {
      const group = (t.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId;
      if (group) {
        d.groupId = group;
        // EventBridge deduplicates FIFO deliveries by event id.
        d.deduplicationId = job.event.id;
      }
    } else if (arn?.service === 'lambda') {
      d.options = { invocationType: 'Event' };
    } else if (arn?.service === 'events') {
      // Bus to bus: the event travels whole, keeping its id, source and account.
      d.body = t.Input !== undefined || t.InputPath !== undefined || t.InputTransformer ? input : JSON.stringify(job.event);
    } else if (arn?.service === 'logs') {
      d.options = { timestamp: Date.parse(job.event.time) || this.store.env.clock.now() };
    }
    try {
      await this.store.env.deliver(d);
      return { ok: true, retryable: false };
    } catch (err) {
      const e = err instanceof ServiceError ? err : undefined;
      return {
        ok: false,
        // A target that does not exist or refuses the event is not retried.
        retryable: !e || e.status >= 500 || e.status === 429,
        code: e?.code ?? 'InternalError',
        message: e?.message ?? String((err as Error)?.message ?? err),
      };
    }
  }

  async #deadLetter(job: Job, outcome: Outcome, condition: string | undefined): Promise<boolean> {
    const dlq = (job.target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
    if (!dlq) return false;
    const attr = (v: string): MessageAttributeValue => ({ DataType: 'String', StringValue: v });
    const attributes: Record<string, MessageAttributeValue> = {
      RULE_ARN: attr(job.ruleArn),
      TARGET_ARN: attr(job.target.Arn),
      ERROR_CODE: attr(outcome.code ?? 'InternalError'),
      ERROR_MESSAGE: attr((outcome.message ?? 'delivery failed').slice(0, 1000)),
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(Math.max(0, job.attempts - 1)) },
    };
    if (condition) attributes.EXHAUSTED_RETRY_CONDITION = attr(condition);
    try {
      await this.store.env.deliver({ target: dlq, body: JSON.stringify(job.event), attributes, source: { service: 'events', arn: job.ruleArn } });
      return true;
    } catch (err) {
      this.store.env.log.warn(`events: dead-letter queue ${dlq} refused an event: ${(err as Error)?.message ?? err}`);
      return false;
    }
  }

  async #schedule(job: Job, delayMs: number): Promise<void> {
    const id = randomUUID();
    const due = this.store.env.clock.now() + Math.round(delayMs);
    await this.store.addRetry({ id, due, job: JSON.stringify(job) });
    this.#arm(id, due, job);
  }

  #arm(id: string, due: number, job: Job): void {
    const clock = this.store.env.clock;
    this.#retries.set(id, clock.setTimeout(() => {
      this.#retries.delete(id);
      this.#retry(id, job).catch((err) => this.store.env.log.error('events: a retry failed', err));
    }, Math.max(0, due - clock.now())));
  }

  async #retry(id: string, job: Job): Promise<void> {
    const [, present] = await Promise.all([this.store.removeRetry(id), this.store.hasTarget(job.ruleArn, job.target.Id)]);
    // A target removed meanwhile gets nothing more.
    if (present) await this.#attempt(job);
  }

  // ── Scheduled rules ──

  /**
   * (Re-)arms a scheduled rule's next firing; disarms it when disabled or not scheduled. `ticket`
   * orders arms that follow a handler's write (see #order). Synchronous, so that a firing re-arms
   * the rule while the clock is being advanced, before the next due timer runs: every change to a
   * rule re-arms it, so the rule a timer was armed with is current when it fires.
   */
  armSchedule(rule: Resource<RuleData>, ticket?: number): void {
    if (!this.#order.newest(rule.arn, ticket)) return;
    this.#disarm(rule.arn);
    if (!rule.data.ScheduleExpression || rule.data.State !== 'ENABLED') return;
    let expr;
    try {
      expr = parseScheduleExpression(rule.data.ScheduleExpression);
    } catch {
      return;
    }
    const clock = this.store.env.clock;
    const next = nextFireTime(expr, clock.now(), 'UTC', rule.data.ScheduleBase ?? rule.created);
    if (next === undefined) return;
    this.#schedules.set(rule.arn, clock.setTimeout(() => {
      this.#schedules.delete(rule.arn);
      this.fireRule(rule).catch((err) => this.store.env.log.error('events: a scheduled rule failed', err));
      this.armSchedule(rule);
    }, Math.max(0, next - clock.now())));
  }

  /** Stops a rule's schedule (a handler's delete passes the ticket it took in its unit). */
  disarmSchedule(ruleArn: string, ticket?: number): void {
    if (this.#order.newest(ruleArn, ticket)) this.#disarm(ruleArn);
  }

  #disarm(ruleArn: string): void {
    const t = this.#schedules.get(ruleArn);
    if (t) this.store.env.clock.clearTimeout(t);
    this.#schedules.delete(ruleArn);
  }

  /** Sends a rule's targets the event it would get now: a Scheduled Event, or `event` for a pattern rule. */
  async fireRule(rule: Resource<RuleData>, event?: Event): Promise<Event> {
    const now = this.store.env.clock.now();
    const e: Event = event ?? {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: rule.account,
      time: isoSeconds(now),
      region: rule.region,
      resources: [rule.arn],
      detail: {},
    };
    const targets = await this.store.targets(rule.arn);
    if (!targets.length) await this.store.recordMatch({ ruleArn: rule.arn, eventId: e.id, time: now, status: 'matched', attempts: 0, event: JSON.stringify(e) });
    await Promise.all(targets.map((target) => this.#attempt({ ruleArn: rule.arn, ruleName: rule.data.Name, target, event: e, attempts: 0, first: now })));
    return e;
  }

  pending(): { retries: number; schedules: number } {
    return { retries: this.#retries.size, schedules: this.#schedules.size };
  }
}

/** Event times are ISO 8601 to the second, as EventBridge writes them. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Archive patterns compiled once per text: every event on a bus is checked against each archive's. */
const archivePatterns = new Map<string, EventPattern>();
const ARCHIVE_PATTERNS_KEPT = 256;

function archivePattern(text: string): EventPattern {
  let pattern = archivePatterns.get(text);
  if (!pattern) {
    pattern = parseEventPattern(text);
    if (archivePatterns.size >= ARCHIVE_PATTERNS_KEPT) archivePatterns.delete(archivePatterns.keys().next().value!);
    archivePatterns.set(text, pattern);
  }
  return pattern;
}
