// Every request Fogbank answers, kept in a bounded ring for the admin API and streamed live to
// subscribers (Server-Sent Events, the console with DEBUG=1).

export interface RequestLogEntry {
  seq: number;
  /** 'request' from a client, 'internal' for a service calling another, 'delivery' for a cross-service event. */
  kind: 'request' | 'internal' | 'delivery';
  requestId: string;
  /** Wall-clock epoch ms when the request arrived (real time: the log is about the process, not the virtual clock). */
  time: number;
  method: string;
  path: string;
  account?: string;
  region?: string;
  service?: string;
  operation?: string;
  status: number;
  errorCode?: string;
  durationMs: number;
  /** The request whose handling caused this entry (internal calls and deliveries). */
  causedBy?: string;
  /** Deliveries: the receiving ARN and the sending service or resource. */
  target?: string;
  source?: string;
}

export class RequestLog {
  readonly capacity: number;
  #ring: RequestLogEntry[] = [];
  #next = 0;
  #seq = 0;
  #subscribers = new Set<(e: RequestLogEntry) => void>();

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    const e = entry as RequestLogEntry;
    e.seq = ++this.#seq;
    if (this.#ring.length < this.capacity) this.#ring.push(e);
    else this.#ring[this.#next] = e;
    this.#next = (this.#next + 1) % this.capacity;
    for (const s of this.#subscribers) s(e);
  }

  /** Oldest first. */
  entries(): RequestLogEntry[] {
    if (this.#ring.length < this.capacity) return this.#ring.slice();
    return this.#ring.slice(this.#next).concat(this.#ring.slice(0, this.#next));
  }

  subscribe(fn: (e: RequestLogEntry) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  clear(): void {
    this.#ring = [];
    this.#next = 0;
  }
}
