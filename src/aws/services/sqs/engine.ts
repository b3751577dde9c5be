// What SQS keeps doing between requests: long-polling receivers waiting for a queue, retention
// expiry and deduplication windows on the clock, and finding queues by URL. Waiting receivers wake
// when a message is sent or made visible, or at the clock time the next message becomes visible;
// nothing polls. All timers are on Fogbank's clock, so the virtual clock drives them.
import type { Environment } from '../../../core/environment.ts';
import type { TimerHandle } from '../../../core/clock.ts';
import type { RequestContext } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import { SqsStore, type Queue } from './store.ts';
import { parseQueueUrl, queueUrl, type QueueAddress } from './queue-url.ts';

interface Waiter {
  wake(): void;
}

/** One timer for "the next time something expires", moved earlier when something expires sooner. */
class DueTimer {
  #clock: Environment['clock'];
  #fire: () => void;
  #handle: TimerHandle | undefined;
  #due = Infinity;

  constructor(clock: Environment['clock'], fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Makes sure the timer fires no later than `at`. */
  atOrBefore(at: number): void {
    if (at >= this.#due) return;
    this.#clock.clearTimeout(this.#handle);
    this.#due = at;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      this.#due = Infinity;
      this.#fire();
    }, at - this.#clock.now());
  }

  clear(): void {
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#due = Infinity;
  }
}

const SWEEP_BATCH = 1000;

export class SqsEngine {
  readonly env: Environment;
  readonly store: SqsStore;
  #waiters = new Map<number, Set<Waiter>>();
  #addresses = new Map<string, QueueAddress>();
  #expiry: DueTimer;
  #dedupExpiry: DueTimer;
  /** Hooks of the engine's other background work (message move tasks), run when Fogbank resets. */
  readonly onReset: Array<() => void> = [];

  constructor(env: Environment) {
    this.env = env;
    this.store = new SqsStore(env);
    this.#expiry = new DueTimer(env.clock, () => this.#expireMessages());
    this.#dedupExpiry = new DueTimer(env.clock, () => this.#expireDedup());
    this.store.onReset(() => {
      this.#expiry.clear();
      this.#dedupExpiry.clear();
      for (const hook of this.onReset) hook();
      // Waiting receivers find their queue gone and answer empty.
      this.wakeAll();
    });
  }

  get clock(): Environment['clock'] {
    return this.env.clock;
  }

  /** Re-arms the clock timers from what SQLite holds (start-up). */
  start(): void {
    const next = this.store.nextExpiry();
    if (next !== undefined) this.#expiry.atOrBefore(next);
    this.#dedupExpiry.atOrBefore(this.clock.now() + 60_000);
  }

  stop(): void {
    this.#expiry.clear();
    this.#dedupExpiry.clear();
  }

  // ── Queues by URL ──────────────────────────────────────────────────────────────────────────────

  urlOf(queue: Queue): string {
    return queueUrl(this.env.endpoint, queue.account, queue.name);
  }

  /** The queue a QueueUrl names, or QueueDoesNotExist in the client's dialect. */
  queueAt(url: string, ctx: RequestContext): Queue {
    // Clients send the same few URLs over and over; parsing one is the costly part.
    const key = `${ctx.region} ${url}`;
    let address = this.#addresses.get(key);
    if (!address) {
      address = parseQueueUrl(url, ctx.region);
      if (this.#addresses.size >= 10_000) this.#addresses.clear();
      this.#addresses.set(key, address);
    }
    const queue = this.store.queue(address.account, address.region, address.name);
    if (!queue) throw queueDoesNotExist(ctx);
    return queue;
  }

  // ── Waiting receivers ──────────────────────────────────────────────────────────────────────────

  /** How many long polls are waiting (on one queue, or on all). */
  waitingReceivers(queueId?: number): number {
    if (queueId !== undefined) return this.#waiters.get(queueId)?.size ?? 0;
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  /**
   * Something on a queue may be receivable now or sooner: wakes the receiver that has waited longest.
   * One at a time, because a receiver that gets messages passes the turn on (receive.ts): waking
   * every waiter for each message would make them all query for the one that arrived.
   */
  notify(queueId: number): void {
    const set = this.#waiters.get(queueId);
    if (set) for (const w of set) return w.wake();
  }

  /** Wakes every receiver waiting on a queue (deleted), or on any queue. */
  wakeAll(queueId?: number): void {
    const sets = queueId === undefined ? [...this.#waiters.values()] : [this.#waiters.get(queueId) ?? new Set<Waiter>()];
    for (const set of sets) for (const w of [...set]) w.wake();
  }

  /**
   * Resolves when the queue changes, when its next message becomes visible (clock time), or at the
   * deadline, whichever is first.
   */
  waitForChange(queue: Queue, deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const now = this.clock.now();
      const next = queue.fifo ? this.store.nextGroupAvailableAt(queue.id, now) : this.store.nextVisibleAt(queue.id, now);
      const due = Math.min(deadline, next ?? Infinity);
      let set = this.#waiters.get(queue.id);
      if (!set) this.#waiters.set(queue.id, (set = new Set()));
      const waiters = set;
      const waiter: Waiter = {
        wake: () => {
          this.clock.clearTimeout(timer);
          waiters.delete(waiter);
          if (waiters.size === 0 && this.#waiters.get(queue.id) === waiters) this.#waiters.delete(queue.id);
          resolve();
        },
      };
      waiters.add(waiter);
      const timer = this.clock.setTimeout(() => waiter.wake(), due - now);
    });
  }

  // ── Retention and deduplication windows ────────────────────────────────────────────────────────

  expiresAt(at: number): void {
    this.#expiry.atOrBefore(at);
  }

  dedupExpiresAt(at: number): void {
    this.#dedupExpiry.atOrBefore(at);
  }

  #expireMessages(): void {
    const now = this.clock.now();
    const full = this.store.expireMessages(now, SWEEP_BATCH) === SWEEP_BATCH;
    const next = full ? now : this.store.nextExpiry();
    if (next !== undefined) this.#expiry.atOrBefore(next);
  }

  #expireDedup(): void {
    this.store.forgetExpiredDedup(this.clock.now());
  }
}

export function isQueryRequest(ctx: Pick<RequestContext, 'http'>): boolean {
  const ct = ctx.http.headers['content-type'];
  const type = Array.isArray(ct) ? ct[0] : ct;
  return (type?.includes('x-www-form-urlencoded') ?? false) || (ctx.http.method === 'GET' && /(^|&)Action=/.test(ctx.http.query));
}

/** Query clients have always been told "for this wsdl version"; the JSON protocol says it plainly. */
export function queueDoesNotExist(ctx?: Pick<RequestContext, 'http'>): ServiceError {
  const message = ctx && isQueryRequest(ctx) ? 'The specified queue does not exist for this wsdl version.' : 'The specified queue does not exist.';
  return new ServiceError('QueueDoesNotExist', message, { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' });
}
