// Resource state machines whose transitions happen on the clock: a DB instance is `creating` and
// becomes `available` some time later, an instance goes `pending` → `running`. The delays run on
// env.clock, so a test that freezes time sees each state and advances to the next deterministically.
import type { Clock, TimerHandle } from '../clock.ts';

export interface StateMachine<S extends string> {
  initial: S;
  /** Allowed moves: from each state, the states it may go to. */
  transitions: Partial<Record<S, readonly S[]>>;
  /** States that move on by themselves after a delay (ms of clock time): `creating: ['available', 500]`. */
  timed?: Partial<Record<S, readonly [S, number]>>;
}

export class InvalidTransition extends Error {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string) {
    super(`cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** Declares a machine (checked once: every target is a known state). */
export function stateMachine<S extends string>(machine: StateMachine<S>): StateMachine<S> {
  return machine;
}

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return from === to || (machine.transitions[from] ?? []).includes(to) || machine.timed?.[from]?.[0] === to;
}

/**
 * Runs the timed transitions of resources. `load` reads a resource's current state and `store` writes
 * a new one (both through the service's state module); `onEnter` hears of every state reached, for
 * work tied to it (start an engine when `available`). Timers are re-armed by `resume` after a restart.
 */
export class StateTimers<S extends string> {
  readonly #machine: StateMachine<S>;
  readonly #clock: Clock;
  readonly #load: (id: string) => Promise<S | undefined>;
  readonly #store: (id: string, state: S) => Promise<void>;
  readonly #onEnter?: (id: string, state: S) => void;
  readonly #onError: (err: unknown) => void;
  readonly #timers = new Map<string, TimerHandle>();

  constructor(options: {
    machine: StateMachine<S>;
    clock: Clock;
    load: (id: string) => Promise<S | undefined>;
    store: (id: string, state: S) => Promise<void>;
    onEnter?: (id: string, state: S) => void;
    /** Hears of a timed transition that failed (its store write); the default logs it. */
    onError?: (err: unknown) => void;
  }) {
    this.#machine = options.machine;
    this.#clock = options.clock;
    this.#load = options.load;
    this.#store = options.store;
    this.#onEnter = options.onEnter;
    this.#onError = options.onError ?? ((err) => console.error('fogbank: a timed state transition failed', err));
  }

  /** Moves a resource to `to` (throws InvalidTransition when the machine does not allow it). */
  async transition(id: string, to: S): Promise<void> {
    const from = await this.#load(id);
    if (from === undefined) return;
    if (!canTransition(this.#machine, from, to)) throw new InvalidTransition(from, to);
    await this.#enter(id, to);
  }

  /** Arms the timer for a resource's current state (after create, or for every resource at start). */
  async resume(id: string): Promise<void> {
    const state = await this.#load(id);
    if (state !== undefined) this.#arm(id, state);
  }

  /** Forgets a resource's pending timer (on delete). */
  cancel(id: string): void {
    this.#clock.clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Stops every timer (on shutdown, reset or restore). */
  stop(): void {
    for (const t of this.#timers.values()) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }

  async #enter(id: string, state: S): Promise<void> {
    this.cancel(id);
    await this.#store(id, state);
    this.#onEnter?.(id, state);
    this.#arm(id, state);
  }

  #arm(id: string, state: S): void {
    const timed = this.#machine.timed?.[state];
    if (!timed) return;
    const [next, ms] = timed;
    this.#timers.set(
      id,
      this.#clock.setTimeout(() => {
        this.#timers.delete(id);
        // The resource may have moved on (or gone) while the timer waited.
        this.#load(id)
          .then((now) => (now === state ? this.#enter(id, next) : undefined))
          .catch(this.#onError);
      }, ms),
    );
  }
}
