// What SQS keeps doing between requests: long-polling receivers waiting for a queue, retention
// expiry and deduplication windows on the clock, and finding queues by URL. Waiting receivers wake
// when a message is sent or made visible, or at the clock time the next message becomes visible;
// nothing polls. All timers are on Fogbank's clock, so the virtual clock drives them.
//
// Units of work (store.ts) await only the store: what they change that needs the engine (receivers to
// wake, expiry timers to move) is collected in Effects and applied once the unit has resolved.
import type { Environment } from '../../../core/environment.ts';
import type { TimerHandle } from '../../../core/clock.ts';
import type { RequestContext } from '../../../core/service.ts';
import { ServiceError } from '../../../core/errors.ts';
import { SqsStore, type Queue } from './store.ts';
import { parseQueueUrl, queueUrl, type QueueAddress } from './queue-url.ts';

interface Waiter {
  wake(): void;
}

/** What a unit of work changed that the engine acts on after it: queues to notify, times things expire. */
export interface Effects {
  notify: Set<number>;
  expiresAt: number;
  dedupExpiresAt: number;
}

export function effects(): Effects {
  return { notify: new Set(), expiresAt: Infinity, dedupExpiresAt: Infinity };
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
  /**
   * Changes per queue (and `#epoch` for all), counted by notify/wakeAll: a receiver notes the count
   * before it looks, and does not go to sleep if it moved while it looked (the wake-up was for it).
   */
  #changes = new Map<number, number>();
  #epoch = 0;
  #addresses = new Map<string, QueueAddress>();
  #expiry: DueTimer;
  #dedupExpiry: DueTimer;
  /** Hooks of the engine's other background work (message move tasks), run when Fogbank resets. */
  readonly onReset: Array<() => void> = [];

  constructor(env: Environment) {
    this.env = env;
    this.store = new SqsStore(env);
    const log = (what: string) => (err: unknown) => env.log.error(`sqs: ${what} failed`, err);
    this.#expiry = new DueTimer(env.clock, () => void this.#expireMessages().catch(log('retention sweep')));
    this.#dedupExpiry = new DueTimer(env.clock, () => void this.#expireDedup().catch(log('deduplication sweep')));
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

  /** Re-arms the clock timers from what the store holds (start-up). */
  async start(): Promise<void> {
    this.#dedupExpiry.atOrBefore(this.clock.now() + 60_000);
    const next = await this.store.nextExpiry();
    if (next !== undefined) this.#expiry.atOrBefore(next);
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
  async queueAt(url: string, ctx: RequestContext): Promise<Queue> {
    // Clients send the same few URLs over and over; parsing one is the costly part.
    const key = `${ctx.region} ${url}`;
    let address = this.#addresses.get(key);
    if (!address) {
      address = parseQueueUrl(url, ctx.region);
      if (this.#addresses.size >= 10_000) this.#addresses.clear();
      this.#addresses.set(key, address);
    }
    const queue = await this.store.queue(address.account, address.region, address.name);
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
    this.#changes.set(queueId, (this.#changes.get(queueId) ?? 0) + 1);
    const set = this.#waiters.get(queueId);
    if (set) for (const w of set) return w.wake();
  }

  /** Wakes every receiver waiting on a queue (deleted), or on any queue. */
  wakeAll(queueId?: number): void {
    if (queueId === undefined) this.#epoch++;
    else this.#changes.set(queueId, (this.#changes.get(queueId) ?? 0) + 1);
    const sets = queueId === undefined ? [...this.#waiters.values()] : [this.#waiters.get(queueId) ?? new Set<Waiter>()];
    for (const set of sets) for (const w of [...set]) w.wake();
  }

  /** The queue's change count, to pass to waitForChange after looking at the queue. */
  changeMark(queueId: number): number {
    return (this.#changes.get(queueId) ?? 0) + this.#epoch;
  }

  /**
   * Resolves when the queue changes (or has changed since `mark`), when its next message becomes
   * visible (clock time), or at the deadline, whichever is first.
   */
  waitForChange(queue: Queue, deadline: number, mark: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.changeMark(queue.id) !== mark) return resolve();
      // The waiter is registered before anything is awaited, so no notify can fall between.
      let set = this.#waiters.get(queue.id);
      if (!set) this.#waiters.set(queue.id, (set = new Set()));
      const waiters = set;
      let timer: TimerHandle | undefined;
      let woken = false;
      const waiter: Waiter = {
        wake: () => {
          if (woken) return;
          woken = true;
          this.clock.clearTimeout(timer);
          waiters.delete(waiter);
          if (waiters.size === 0 && this.#waiters.get(queue.id) === waiters) this.#waiters.delete(queue.id);
          resolve();
        },
      };
      waiters.add(waiter);
      const now = this.clock.now();
      timer = this.clock.setTimeout(() => waiter.wake(), deadline - now);
      // Sooner when a message becomes visible (or a FIFO group unlocks) before the deadline.
      const next = queue.fifo ? this.store.nextGroupAvailableAt(queue.id, now) : this.store.nextVisibleAt(queue.id, now);
      next.then((at) => {
        if (woken || at === undefined || at >= deadline) return;
        this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(() => waiter.wake(), at - now);
      }).catch((err: unknown) => this.env.log.error('sqs: reading when the next message is due failed', err));
    });
  }

  /** Applies what a unit of work changed, once it has resolved: timers first, then receivers. */
  apply(e: Effects): void {
    if (e.expiresAt !== Infinity) this.expiresAt(e.expiresAt);
    if (e.dedupExpiresAt !== Infinity) this.dedupExpiresAt(e.dedupExpiresAt);
    for (const id of e.notify) this.notify(id);
  }

  // ── Retention and deduplication windows ────────────────────────────────────────────────────────

  expiresAt(at: number): void {
    this.#expiry.atOrBefore(at);
  }

  dedupExpiresAt(at: number): void {
    this.#dedupExpiry.atOrBefore(at);
  }

  async #expireMessages(): Promise<void> {
    const now = this.clock.now();
    const full = (await this.store.expireMessages(now, SWEEP_BATCH)) === SWEEP_BATCH;
    const next = full ? now : await this.store.nextExpiry();
    if (next !== undefined) this.#expiry.atOrBefore(next);
  }

  async #expireDedup(): Promise<void> {
    await this.store.forgetExpiredDedup(this.clock.now());
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
