// Asynchronous invocations (InvocationType Event, S3/SNS/EventBridge triggers): queued durably, run
// at once, retried on the clock after a function error (1 minute, then 2 minutes; at most
// MaximumRetryAttempts), throttles retried with backoff until MaximumEventAgeInSeconds, and the
// outcome sent to the configured destinations or dead-letter queue.
import type { TimerHandle } from '../../../../core/clock.ts';
import type { EngineParts } from './parts.ts';
import type { AsyncEventRow } from '../store.ts';
import { Throttled } from './executor.ts';
import type { RunResult } from './records.ts';
import { resolveTarget, type Target } from './target.ts';
import { sendOutcome, type Condition, type EventInvokeConfig } from './destinations.ts';

const RETRY_DELAYS = [60_000, 120_000];
const DEFAULT_MAX_AGE = 21_600;
const DEFAULT_RETRIES = 2;

export interface AsyncRequest {
  account: string;
  region: string;
  name: string;
  qualifier?: string;
  payload: Buffer;
  requestId: string;
  source?: string;
}

export class AsyncQueue {
  readonly #state: EngineParts;
  #timers = new Map<number, TimerHandle>();
  /** Events whose first attempt is queued for the next turn. */
  #soon = new Set<number>();
  #throttles = new Map<number, number>();
  #stopped = false;

  constructor(state: EngineParts) {
    this.#state = state;
  }

  async enqueue(r: AsyncRequest): Promise<void> {
    const now = this.#state.env.clock.now();
    const id = await this.#state.tables.enqueue({
      request_id: r.requestId,
      account: r.account,
      region: r.region,
      function_name: r.name,
      qualifier: r.qualifier ?? null,
      payload: r.payload,
      attempts: 0,
      enqueued_at: now,
      due_at: now,
      source: r.source ?? null,
    });
    this.#schedule(id, now);
  }

  /** Picks up events queued before a restart. */
  async resume(): Promise<void> {
    this.#stopped = false;
    const rows = await this.#state.tables.asyncEvents();
    // Stopped again (a reset) while reading: the next resume picks them up.
    if (this.#stopped) return;
    for (const row of rows) this.#schedule(row.id, row.due_at);
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) this.#state.env.clock.clearTimeout(t);
    this.#timers.clear();
    this.#throttles.clear();
  }

  async pending(): Promise<number> {
    return (await this.#state.tables.asyncEvents()).length;
  }

  #schedule(id: number, dueAt: number): void {
    const clock = this.#state.env.clock;
    // resume() may run twice in a row (a reset hook, then start, after a snapshot restore): one attempt per event.
    if (this.#timers.has(id) || this.#soon.has(id)) return;
    // The first attempt runs now whatever the clock does; retries wait on the clock.
    if (dueAt <= clock.now()) {
      this.#soon.add(id);
      // Wall-clock on purpose: a first attempt must not wait for a test's frozen virtual clock.
      setImmediate(() => {
        this.#soon.delete(id);
        this.#run(id);
      });
      return;
    }
    this.#timers.set(id, clock.setTimeout(() => {
      this.#timers.delete(id);
      this.#run(id);
    }, dueAt - clock.now()));
  }

  /** An attempt nobody awaits: its failure is logged, never an unhandled rejection. */
  #run(id: number): void {
    this.#attempt(id).catch((err) => this.#state.env.log.error(`lambda: asynchronous invocation event ${id} failed`, err));
  }

  async #attempt(id: number): Promise<void> {
    if (this.#stopped) return;
    const s = this.#state;
    const row = await s.tables.asyncEvent(id);
    if (!row) return;
    const now = s.env.clock.now();
    let target: Target;
    try {
      target = await resolveTarget(s.tables, { account: row.account, region: row.region, name: row.function_name, qualifier: row.qualifier ?? undefined });
    } catch {
      // The function is gone: AWS drops its queued events.
      await s.tables.dequeue(id);
      return;
    }
    const config = await this.#invokeConfig(target, row);
    const maxAge = (config?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE) * 1000;
    const maxRetries = config?.MaximumRetryAttempts ?? DEFAULT_RETRIES;
    const payload = Buffer.from(row.payload);
    if (now - row.enqueued_at > maxAge) return this.#finish(row, target, config, payload, row.attempts, 'EventAgeExceeded', undefined);
    let result: RunResult;
    try {
      result = await s.executor.run(target, { requestId: row.request_id, payload, kind: row.source ?? 'Event' });
    } catch (err) {
      if (!(err instanceof Throttled)) {
        s.env.log.error(`asynchronous invocation ${row.request_id} of ${row.function_name} failed`, err);
        await s.tables.dequeue(id);
        return;
      }
      // Throttled: back off (1 s doubling to 5 minutes) without using up a retry.
      const n = (this.#throttles.get(id) ?? 0) + 1;
      this.#throttles.set(id, n);
      const due = now + Math.min(300_000, 1000 * 2 ** (n - 1));
      await s.tables.rescheduleAsync(id, row.attempts, due);
      if (!this.#stopped) this.#schedule(id, due);
      return;
    }
    this.#throttles.delete(id);
    const attempts = row.attempts + 1;
    if (result.status === 'success') return this.#finish(row, target, config, payload, attempts, 'Success', result);
    if (attempts > maxRetries) return this.#finish(row, target, config, payload, attempts, 'RetriesExhausted', result);
    const due = s.env.clock.now() + RETRY_DELAYS[Math.min(attempts - 1, RETRY_DELAYS.length - 1)];
    if (due - row.enqueued_at > maxAge) return this.#finish(row, target, config, payload, attempts, 'EventAgeExceeded', result);
    await s.tables.rescheduleAsync(id, attempts, due);
    if (!this.#stopped) this.#schedule(id, due);
  }

  async #finish(row: AsyncEventRow, t: Target, config: EventInvokeConfig | undefined, payload: Buffer, attempts: number, condition: Condition, result: RunResult | undefined): Promise<void> {
    await this.#state.tables.dequeue(row.id);
    this.#throttles.delete(row.id);
    return sendOutcome(this.#state.env, t, config, row.request_id, payload, Math.max(1, attempts), condition, result);
  }

  /** The config of the qualifier invoked (alias or version), else the function's own. */
  async #invokeConfig(t: Target, row: AsyncEventRow): Promise<EventInvokeConfig | undefined> {
    const tables = this.#state.tables;
    const q = row.qualifier && row.qualifier !== '$LATEST' ? row.qualifier : '';
    const found =
      (q ? await tables.invokeConfig(t.fn.id, q) : undefined) ??
      (await tables.invokeConfig(t.fn.id, row.qualifier === '$LATEST' ? '$LATEST' : '')) ??
      (await tables.invokeConfig(t.fn.id, ''));
    return found ? (JSON.parse(found.config) as EventInvokeConfig) : undefined;
  }
}
