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

/** What the detail pane shows: headers, and bodies up to 4 KiB of text (binary shown by size). */
export interface RequestDetail {
  requestHeaders: Record<string, unknown>;
  requestBody?: string;
  requestBodySize?: number;
  responseHeaders: Record<string, unknown>;
  responseBody?: string;
  /** Undefined for a streamed body whose size is not known up front. */
  responseBodySize?: number;
}

const DETAIL_BODY_LIMIT = 4096;

/** Text of a body for the log: the first 4 KiB when it is UTF-8 text, nothing when it is binary. */
export function bodyText(body: string | Uint8Array | undefined): { text?: string; size?: number } {
  if (body === undefined) return { size: 0 };
  if (typeof body === 'string') return { text: body.length > DETAIL_BODY_LIMIT ? body.slice(0, DETAIL_BODY_LIMIT) + '…' : body, size: Buffer.byteLength(body) };
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, DETAIL_BODY_LIMIT));
  // Binary: invalid UTF-8, or control characters other than whitespace.
  const text = head.toString('utf8');
  if (text.includes('\uFFFD') || /[\x00-\x08\x0e-\x1f]/.test(text)) return { size: body.byteLength };
  return { text: body.byteLength > DETAIL_BODY_LIMIT ? text + '…' : text, size: body.byteLength };
}

export class RequestLog {
  readonly capacity: number;
  #details = new Map<string, RequestDetail>();
  #ring: RequestLogEntry[] = [];
  #next = 0;
  #seq = 0;
  #subscribers = new Set<(e: RequestLogEntry) => void>();

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>, detail?: RequestDetail): void {
    const e = entry as RequestLogEntry;
    e.seq = ++this.#seq;
    if (this.#ring.length < this.capacity) this.#ring.push(e);
    else {
      this.#details.delete(this.#ring[this.#next].requestId);
      this.#ring[this.#next] = e;
    }
    if (detail) this.#details.set(e.requestId, detail);
    this.#next = (this.#next + 1) % this.capacity;
    for (const s of this.#subscribers) s(e);
  }

  /** Oldest first. */
  entries(): RequestLogEntry[] {
    if (this.#ring.length < this.capacity) return this.#ring.slice();
    return this.#ring.slice(this.#next).concat(this.#ring.slice(0, this.#next));
  }

  /** The entry and its detail, while it is still in the ring. */
  get(requestId: string): (RequestLogEntry & { detail?: RequestDetail }) | undefined {
    const e = this.#ring.find((x) => x.requestId === requestId);
    return e && { ...e, detail: this.#details.get(requestId) };
  }

  subscribe(fn: (e: RequestLogEntry) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  clear(): void {
    this.#details.clear();
    this.#ring = [];
    this.#next = 0;
  }
}
