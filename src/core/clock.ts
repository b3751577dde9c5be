// One clock for all of Fogbank's time (DESIGN.md §5). It runs on real time by default; the testing
// library and the admin API can freeze it, set it and advance it, and every timer due in the advanced
// span fires in order, each seeing `now()` equal to its own due time.

export interface Clock {
  now(): number;
  date(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` of clock time (virtual time when frozen). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TimerHandle {
  readonly id: number;
}

interface Timer extends TimerHandle {
  due: number;
  seq: number;
  fn: () => void;
  interval?: number;
}

export class ControllableClock implements Clock {
  #offset = 0;
  #frozenAt: number | undefined;
  #timers: Timer[] = []; // min-heap on (due, seq)
  #live = new Map<number, Timer>();
  #seq = 0;
  #realTimer: NodeJS.Timeout | undefined;
  #realDue = Infinity;
  #firing = false;
  readonly #onError: (err: unknown) => void;

  /** `onError` hears of timers that throw; a timer's failure belongs to its owner and must not stop the others. */
  constructor(onError: (err: unknown) => void = (err) => console.error('fogbank: a timer failed', err)) {
    this.#onError = onError;
  }

  now(): number {
    return this.#frozenAt ?? Date.now() + this.#offset;
  }

  date(): Date {
    return new Date(this.now());
  }

  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.#add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.#live.get(handle.id);
    if (!t) return;
    this.#live.delete(t.id);
    // Lazily removed from the heap when it reaches the top.
    this.#schedule();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const h = this.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.clearTimeout(h);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops time at its current value (or at `at`, epoch ms). */
  freeze(at?: number): void {
    this.#frozenAt = at ?? this.now();
    this.#schedule();
  }

  /** Lets time run again from where it stands. */
  unfreeze(): void {
    if (this.#frozenAt === undefined) return;
    this.#offset = this.#frozenAt - Date.now();
    this.#frozenAt = undefined;
    this.#schedule();
  }

  /** Back to real time, running (reset between tests). Pending timers keep their due times. */
  useRealTime(): void {
    this.#frozenAt = undefined;
    this.#offset = 0;
    this.#fireDue();
  }

  /** Sets the current time (epoch ms), keeping the frozen/running state. Timers now due fire. */
  set(at: number): void {
    if (this.#frozenAt !== undefined) this.#advanceTo(at);
    else {
      this.#offset = at - Date.now();
      this.#fireDue();
    }
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. Freezes the clock if running. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('cannot advance the clock backwards');
    if (this.#frozenAt === undefined) this.freeze();
    this.#advanceTo(this.#frozenAt! + ms);
  }

  /** Number of pending timers (for the admin API). */
  get pendingTimers(): number {
    return this.#live.size;
  }

  /** Drops every timer (on shutdown). */
  clearAll(): void {
    this.#live.clear();
    this.#timers = [];
    this.#schedule();
  }

  #add(fn: () => void, ms: number, interval: number | undefined): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const t: Timer = { id: ++this.#seq, seq: this.#seq, due: this.now() + delay, fn, interval };
    this.#live.set(t.id, t);
    this.#push(t);
    this.#schedule();
    return { id: t.id };
  }

  #advanceTo(target: number): void {
    for (;;) {
      const t = this.#peekLive();
      if (!t || t.due > target) break;
      if (t.due > this.#frozenAt!) this.#frozenAt = t.due;
      this.#fire(this.#pop()!);
    }
    this.#frozenAt = target;
    this.#schedule();
  }

  #fireDue(): void {
    if (this.#firing) return;
    this.#firing = true;
    try {
      for (;;) {
        const t = this.#peekLive();
        if (!t || t.due > this.now()) break;
        this.#fire(this.#pop()!);
      }
    } finally {
      this.#firing = false;
    }
    this.#schedule();
  }

  #fire(t: Timer): void {
    if (t.interval !== undefined && this.#live.has(t.id)) {
      t.due += t.interval;
      t.seq = ++this.#seq;
      this.#push(t);
    } else {
      this.#live.delete(t.id);
    }
    try {
      t.fn();
    } catch (err) {
      this.#onError(err);
    }
  }

  /** Arms one real timer for the earliest due virtual timer while the clock runs on real time. */
  #schedule(): void {
    const next = this.#frozenAt === undefined ? this.#peekLive() : undefined;
    const due = next?.due ?? Infinity;
    if (due === this.#realDue) return;
    if (this.#realTimer) clearTimeout(this.#realTimer);
    this.#realTimer = undefined;
    this.#realDue = due;
    if (due === Infinity) return;
    const delay = Math.min(Math.max(0, due - this.now()), 2 ** 31 - 1);
    this.#realTimer = setTimeout(() => {
      this.#realTimer = undefined;
      this.#realDue = Infinity;
      this.#fireDue();
    }, delay);
    this.#realTimer.unref();
  }

  #peekLive(): Timer | undefined {
    while (this.#timers.length && !this.#live.has(this.#timers[0].id)) this.#pop();
    return this.#timers[0];
  }

  #push(t: Timer): void {
    const h = this.#timers;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  #pop(): Timer | undefined {
    const h = this.#timers;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
