// How many admin password checks Fogbank runs, and for whom. A password check is deliberately
// expensive (scrypt: ~100 ms of CPU and 16 MiB), so without a limit anyone who can reach a
// non-loopback Fogbank could guess passwords at full speed and keep its CPUs and libuv's thread pool
// busy. Two limits apply:
// - per client address: a few failures per window, then every attempt from that address is refused
//   (429 with Retry-After) until the oldest failure leaves the window. A right password is refused too
//   while locked out (OWASP's advice, and what lock-outs do): if it were checked, the lock-out would
//   stop nothing, since an attacker could keep guessing and tell success from the answer.
// - over all clients: a few checks in flight and a few started per second. Excess is refused at once
//   rather than queued, so a flood from many addresses costs a bounded amount of CPU and memory and
//   never fills the thread pool that file I/O shares. A legitimate user may be refused while such a
//   flood lasts; the one-click URL printed at start still logs in without a password.
//
// Time is real, monotonic time (performance.now), not Fogbank's controllable clock: the limit protects
// a real CPU against real requests per real second. A test that freezes the clock (or moves it back)
// must not lock everyone out forever, and one that advances it by a day must not lift a lock-out.
import { isIPv6 } from 'node:net';
import { availableParallelism } from 'node:os';

export interface LoginLimits {
  /** Failed attempts one client address may make per window; the next is refused. */
  failuresPerClient: number;
  /** The window, in real milliseconds, over which a client's failures count. */
  windowMs: number;
  /** Password checks running at once, over all clients. */
  concurrentChecks: number;
  /** Password checks started per (real) second, over all clients. */
  checksPerSecond: number;
  /** Client addresses remembered at once; the least recently seen is forgotten past this. */
  maxClients: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerClient: 5,
  windowMs: 60_000,
  // A quarter of the cores at most (one on a laptop or a 2-core CI host): scrypt saturates a core,
  // and the event loop and libuv's other threads (file I/O) need the rest.
  concurrentChecks: Math.max(1, Math.floor(availableParallelism() / 4)),
  checksPerSecond: 10,
  maxClients: 10_000,
};

/** An admitted attempt: call done() exactly once, with whether the password was right. */
export interface LoginAttempt {
  ok: true;
  done(succeeded: boolean): void;
}

export interface LoginRefusal {
  ok: false;
  /** Whole seconds after which the same attempt may be admitted. */
  retryAfterSeconds: number;
  reason: 'client' | 'global';
}

interface ClientState {
  /** Start times (ms) of failed attempts still within the window, oldest first. */
  failures: number[];
  /** Admitted attempts not yet done: they count as failures until they succeed. */
  pending: number;
}

export class LoginLimiter {
  readonly limits: LoginLimits;
  readonly #now: () => number;
  /** Insertion order is recency order (a client is re-inserted when seen), so the first is the stalest. */
  readonly #clients = new Map<string, ClientState>();
  #inFlight = 0;
  /** Start times of the checks admitted within the last second, oldest first. */
  readonly #recent: number[] = [];

  constructor(limits: Partial<LoginLimits> = {}, now: () => number = () => performance.now()) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.#now = now;
  }

  /** Whether an attempt from `address` (a socket's remote address) may check a password now. */
  admit(address: string | undefined): LoginAttempt | LoginRefusal {
    const now = this.#now();
    const key = clientKey(address);
    const client = this.#client(key, now);
    const { failuresPerClient, windowMs, concurrentChecks, checksPerSecond } = this.limits;
    if (client.failures.length + client.pending >= failuresPerClient) {
      // With attempts still pending the window's end is unknown; a full window is the honest bound.
      const until = client.failures.length >= failuresPerClient ? client.failures[0] + windowMs : now + windowMs;
      return { ok: false, reason: 'client', retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
    }
    while (this.#recent.length && this.#recent[0] <= now - 1000) this.#recent.shift();
    if (this.#inFlight >= concurrentChecks || this.#recent.length >= checksPerSecond) {
      return { ok: false, reason: 'global', retryAfterSeconds: 1 };
    }
    this.#inFlight++;
    this.#recent.push(now);
    client.pending++;
    let finished = false;
    return {
      ok: true,
      done: (succeeded) => {
        if (finished) return;
        finished = true;
        this.#inFlight--;
        client.pending--;
        // A success clears the address's failures, as any login form does; a failure counts from
        // when the attempt started, so parallel attempts cannot stretch the window.
        if (succeeded) client.failures.length = 0;
        else client.failures.push(now);
        if (client.failures.length === 0 && client.pending === 0) this.#clients.delete(key);
      },
    };
  }

  /** Client addresses currently remembered (for tests and diagnostics). */
  get clientCount(): number {
    return this.#clients.size;
  }

  #client(key: string, now: number): ClientState {
    let client = this.#clients.get(key);
    if (client) this.#clients.delete(key);
    else client = { failures: [], pending: 0 };
    const oldest = now - this.limits.windowMs;
    while (client.failures.length && client.failures[0] <= oldest) client.failures.shift();
    this.#clients.set(key, client);
    // Bounded memory under a flood from many addresses: forget the stalest clients that have nothing
    // pending (forgetting one only lets it try again, which the global limit still bounds).
    if (this.#clients.size > this.limits.maxClients) {
      for (const [k, c] of this.#clients) {
        if (this.#clients.size <= this.limits.maxClients) break;
        if (c.pending === 0 && c !== client) this.#clients.delete(k);
      }
    }
    return client;
  }
}

/**
 * The unit a limit applies to: an IPv4 address, or an IPv6 /64 (one host usually holds a whole /64,
 * so per-address limits on IPv6 would be no limit). IPv4-mapped IPv6 addresses count as IPv4.
 * Forwarding headers (X-Forwarded-For) are not trusted: any client can write them.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
