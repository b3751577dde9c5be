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
  /** What the IAM checks decided when they ran (`--iam soft|strict`): in soft mode, the denial strict would give. */
  access?: string;
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

/**
 * What a request leaves for its detail pane: headers and bodies as they were. Turning them into text
 * waits until someone opens the pane, so logging costs the request path almost nothing.
 */
export interface RawDetail {
  requestHeaders: Record<string, unknown>;
  requestBody?: string | Uint8Array;
  requestBodySize?: number;
  responseHeaders: Record<string, unknown>;
  responseBody?: string | Uint8Array;
  /** Set when the kept body is clipped (or streamed and so not kept). */
  responseBodySize?: number;
}

/** Keeps at most the first 4 KiB of a body, copied, so a large body is not held alive by the log. */
function clip(body: string | Uint8Array | undefined): string | Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body.length > DETAIL_BODY_LIMIT * 2 ? Buffer.from(body.slice(0, DETAIL_BODY_LIMIT + 1)) : body;
  return body.byteLength > DETAIL_BODY_LIMIT ? Buffer.from(body.subarray(0, DETAIL_BODY_LIMIT + 1)) : body;
}

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
  /** Parallel to the ring: the detail of the entry at the same index. */
  #details: Array<RawDetail | undefined> = [];
  #ring: RequestLogEntry[] = [];
  #next = 0;
  #seq = 0;
  #subscribers = new Set<(e: RequestLogEntry) => void>();

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>, detail?: RawDetail): void {
    const e = entry as RequestLogEntry;
    e.seq = ++this.#seq;
    if (detail) {
      const out = detail.responseBody;
      const clipped = clip(out);
      if (clipped !== out) detail.responseBodySize = typeof out === 'string' ? Buffer.byteLength(out) : out!.byteLength;
      detail.responseBody = clipped;
      detail.requestBody = clip(detail.requestBody);
    }
    if (this.#ring.length < this.capacity) {
      this.#ring.push(e);
      this.#details.push(detail);
    } else {
      this.#ring[this.#next] = e;
      this.#details[this.#next] = detail;
    }
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
    const i = this.#ring.findIndex((x) => x.requestId === requestId);
    if (i < 0) return undefined;
    const raw = this.#details[i];
    if (!raw) return { ...this.#ring[i] };
    const req = bodyText(raw.requestBody);
    const res = bodyText(raw.responseBody);
    return {
      ...this.#ring[i],
      detail: {
        requestHeaders: raw.requestHeaders,
        requestBody: req.text,
        requestBodySize: raw.requestBodySize,
        responseHeaders: raw.responseHeaders,
        responseBody: res.text,
        responseBodySize: raw.responseBodySize ?? (raw.responseBody === undefined ? undefined : res.size),
      },
    };
  }

  subscribe(fn: (e: RequestLogEntry) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  clear(): void {
    this.#details = [];
    this.#ring = [];
    this.#next = 0;
  }
}
