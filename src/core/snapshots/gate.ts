// Requests arriving while a snapshot is restored wait here rather than fail or see half a state. The
// restore closes the gate, waits for the requests already running to finish (up to a bound: a long
// poll may wait 20 s and only reads), swaps, and opens it again.
export class Gate {
  #inFlight = 0;
  #closed: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #drained: (() => void) | undefined;

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves when the gate is open (at once, usually). */
  async wait(): Promise<void> {
    while (this.#closed) await this.#closed;
  }

  /** Runs `fn` as one request: after the gate opens, counted until it settles. */
  async pass<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) await this.wait();
    this.#inFlight++;
    try {
      return await fn();
    } finally {
      if (--this.#inFlight === 0) this.#drained?.();
    }
  }

  /** Closes the gate (one closer at a time) and waits for running requests, at most `drainMs`. */
  async close(drainMs: number): Promise<void> {
    await this.wait();
    this.#closed = new Promise((resolve) => (this.#open = resolve));
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      timer.unref();
      this.#drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#drained = undefined;
  }

  open(): void {
    const open = this.#open;
    this.#closed = undefined;
    this.#open = undefined;
    open?.();
  }
}
