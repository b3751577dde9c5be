// Ports beyond the one HTTP port (DESIGN.md §7): resources that own an endpoint (a RESP server per
// cache cluster, a postgres per DB instance, an SSH server per EC2 instance, DNS) take theirs from one
// configurable range, 4510-4559 by default like LocalStack's external service port range, which users
// already open in firewalls and compose files. Each assignment is stored with its owning resource, so
// a restart on the same data directory gives every resource the port it had.
//
// Internal loopback listeners that nobody outside Fogbank dials by number (Lambda's per-worker
// Runtime API) take any free port from the operating system instead, and are only tracked here so
// that the listing shows them: they come and go with every cold start (64 concurrent workers would
// use up the whole default range, and stable endpoints would be refused for it), and a number that
// changes across restarts costs them nothing.
import net from 'node:net';
import type { Store } from '../core/store.ts';
import type { Logger } from '../core/logger.ts';

export interface PortRange {
  first: number;
  last: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { first: 4510, last: 4559 };

/** Who owns a port: a resource of some kind (e.g. 'elasticache:cluster'), by ARN or id, in an account. */
export interface PortOwner {
  kind: string;
  resource: string;
  account?: string;
  /** Tells apart several ports of one resource ('' when it has one). */
  purpose?: string;
}

export interface PortAssignment {
  port: number;
  kind: string;
  resource: string;
  account: string;
  purpose: string;
  /** Kept across restarts (from the range) or any free port for the life of a listener. */
  stable: boolean;
  allocatedAt: string;
}

/** Every port of the range is taken; the owning service renders it in its own protocol. */
export class PortRangeExhausted extends Error {
  readonly code = 'PortRangeExhausted';
  readonly range: PortRange;
  constructor(range: PortRange, assigned: number, heldElsewhere: number[]) {
    const size = range.last - range.first + 1;
    const held = heldElsewhere.length
      ? `, ${heldElsewhere.length} in use by other programs (${heldElsewhere.join(', ')})`
      : '';
    super(
      `No free port in Fogbank's port range ${range.first}-${range.last} (${size} ports: ${assigned} assigned to resources${held}). ` +
        'Delete resources that own ports, or widen the range with --port-range or FOGBANK_PORT_RANGE.',
    );
    this.range = range;
  }
}

/** Parses "4510-4559" (or one port, "4510"); an error message when it is not a usable range. */
export function parsePortRange(text: string): PortRange | { error: string } {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(text);
  if (!m) return { error: `must be a range of ports like 4510-4559, not '${text}'` };
  const first = Number(m[1]);
  const last = Number(m[2] ?? m[1]);
  if (first < 1 || last > 65535) return { error: `ports must be from 1 to 65535, not '${text}'` };
  if (first > last) return { error: `the range's first port must not be above its last, not '${text}'` };
  return { first, last };
}

interface Row {
  port: number;
  kind: string;
  resource: string;
  account: string;
  purpose: string;
  allocated_at: number;
}

export class Ports {
  readonly range: PortRange;
  readonly #db: Store;
  readonly #host: string;
  readonly #log: Logger;
  /** Assignments confirmed bindable (or bound by their owner) since this process started. */
  #confirmed = new Set<number>();
  #ephemeral = new Map<number, PortAssignment>();
  /** Ports found held by other programs, each said once (not at every allocation). */
  #reported = new Set<number>();
  /** Allocations run one at a time: a bind check is asynchronous and two must not pick one port. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(db: Store, options: { range?: PortRange; host?: string; log: Logger }) {
    this.#db = db;
    this.range = options.range ?? DEFAULT_PORT_RANGE;
    this.#host = options.host ?? '127.0.0.1';
    this.#log = options.log;
    // A component of its own (not the core's numbering), so that other core tables can grow independently.
    db.migrate('ports', new URL('./migrations/', import.meta.url));
    db.onReset(() => this.#confirmed.clear());
  }

  /**
   * The owner's port: the one it had (also before a restart), else a free one of the range. A port
   * another program holds is skipped (and said so); throws PortRangeExhausted when none is left.
   */
  acquire(owner: PortOwner): Promise<number> {
    const run = this.#queue.then(() => this.#acquire(owner));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #acquire(owner: PortOwner): Promise<number> {
    const o = normalize(owner);
    const had = await this.#db.get<Row>(
      'SELECT * FROM ports WHERE kind = ? AND account = ? AND resource = ? AND purpose = ?',
      o.kind, o.account, o.resource, o.purpose,
    );
    if (had) {
      if (this.#confirmed.has(had.port) || (await bindable(had.port, this.#host))) {
        this.#confirmed.add(had.port);
        return had.port;
      }
      // Kept for a restart, but something else took it meanwhile: the resource moves rather than fails.
      this.#log.warn(`port ${had.port} of ${describe(o)} is in use by another program; moving it to another port of ${this.#rangeText()}`);
      await this.#db.run('DELETE FROM ports WHERE port = ?', had.port);
    }
    const taken = new Set((await this.#db.all<{ port: number }>('SELECT port FROM ports')).map((r) => r.port));
    const heldElsewhere: number[] = [];
    for (let port = this.range.first; port <= this.range.last; port++) {
      if (taken.has(port) || this.#ephemeral.has(port)) continue;
      if (!(await bindable(port, this.#host))) {
        heldElsewhere.push(port);
        if (!this.#reported.has(port)) {
          this.#reported.add(port);
          this.#log.warn(`port ${port} of ${this.#rangeText()} is in use by another program; skipped`);
        }
        continue;
      }
      await this.#db.run(
        'INSERT INTO ports (port, kind, resource, account, purpose, allocated_at) VALUES (?, ?, ?, ?, ?, ?)',
        port, o.kind, o.resource, o.account, o.purpose, Date.now(),
      );
      await this.#db.settled();
      this.#confirmed.add(port);
      return port;
    }
    throw new PortRangeExhausted(this.range, taken.size, heldElsewhere);
  }

  /** Frees the owner's port (its resource was deleted); whether it had one. */
  async release(owner: PortOwner): Promise<boolean> {
    const o = normalize(owner);
    const row = await this.#db.get<{ port: number }>(
      'SELECT port FROM ports WHERE kind = ? AND account = ? AND resource = ? AND purpose = ?',
      o.kind, o.account, o.resource, o.purpose,
    );
    if (!row) return false;
    await this.#db.run('DELETE FROM ports WHERE port = ?', row.port);
    this.#confirmed.delete(row.port);
    return true;
  }

  /** Frees every port of a resource, whatever their purpose. */
  async releaseResource(kind: string, resource: string, account = ''): Promise<number> {
    const rows = await this.#db.all<{ port: number }>('SELECT port FROM ports WHERE kind = ? AND account = ? AND resource = ?', kind, account, resource);
    await this.#db.run('DELETE FROM ports WHERE kind = ? AND account = ? AND resource = ?', kind, account, resource);
    for (const r of rows) this.#confirmed.delete(r.port);
    return rows.length;
  }

  /**
   * Records a listener that took any free port (listen on port 0) for the listing; the returned
   * function forgets it when the listener closes. Nothing is stored: such ports do not outlive it.
   */
  track(owner: PortOwner, port: number): () => void {
    const o = normalize(owner);
    const entry: PortAssignment = { port, ...o, stable: false, allocatedAt: new Date().toISOString() };
    this.#ephemeral.set(port, entry);
    return () => {
      if (this.#ephemeral.get(port) === entry) this.#ephemeral.delete(port);
    };
  }

  /** Every allocated port with its resource, by port number. */
  async list(): Promise<PortAssignment[]> {
    const stored = (await this.#db.all<Row>('SELECT * FROM ports ORDER BY port')).map((r): PortAssignment => ({
      port: r.port,
      kind: r.kind,
      resource: r.resource,
      account: r.account,
      purpose: r.purpose,
      stable: true,
      allocatedAt: new Date(r.allocated_at).toISOString(),
    }));
    return [...stored, ...this.#ephemeral.values()].sort((a, b) => a.port - b.port);
  }

  #rangeText(): string {
    return `the port range ${this.range.first}-${this.range.last}`;
  }
}

function normalize(o: PortOwner): Required<PortOwner> {
  return { kind: o.kind, resource: o.resource, account: o.account ?? '', purpose: o.purpose ?? '' };
}

function describe(o: Required<PortOwner>): string {
  return `${o.kind} ${o.resource}${o.purpose ? ` (${o.purpose})` : ''}`;
}

/** Whether a listener could bind the port now (another program may hold it). */
export function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
