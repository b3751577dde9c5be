// Ships function logs to CloudWatch Logs (/aws/lambda/<name>, one stream per execution environment)
// through the logs service's own API, as the Lambda service does. Lines are batched per stream and
// sent after the invocation has answered, so logging never adds to an invocation's latency.
import type { Environment } from '../../../../core/environment.ts';
import { ServiceError } from '../../../../core/errors.ts';

export interface LogLine {
  timestamp: number;
  message: string;
}

interface Batch {
  account: string;
  region: string;
  group: string;
  stream: string;
  events: LogLine[];
}

const MAX_EVENTS = 10_000;
const MAX_BYTES = 1_000_000;
const MAX_MESSAGE = 262_118;

export class LogShipper {
  readonly #env: Environment;
  #batches = new Map<string, Batch>();
  #scheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  /** Streams known to exist, so that only the first batch of a stream pays for creating it. */
  #known = new Set<string>();
  /** Moves on at reset, so that a flush in progress writes nothing into the new state. */
  #epoch = 0;

  constructor(env: Environment) {
    this.#env = env;
  }

  add(account: string, region: string, group: string, stream: string, events: LogLine[]): void {
    if (events.length === 0) return;
    const key = `${account}\u0000${region}\u0000${group}\u0000${stream}`;
    let b = this.#batches.get(key);
    if (!b) this.#batches.set(key, (b = { account, region, group, stream, events: [] }));
    for (const e of events) b.events.push(e.message.length > MAX_MESSAGE ? { timestamp: e.timestamp, message: e.message.slice(0, MAX_MESSAGE) } : e);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#flushing = this.#flushing.then(() => this.#flush());
      });
    }
  }

  /** Resolves once everything added so far has been written. */
  async drain(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    await this.#flushing;
  }

  forget(): void {
    this.#epoch++;
    this.#batches.clear();
    this.#known.clear();
  }

  async #flush(): Promise<void> {
    const batches = [...this.#batches.values()];
    this.#batches.clear();
    const epoch = this.#epoch;
    for (const b of batches) {
      if (epoch !== this.#epoch) return;
      try {
        await this.#ship(b);
      } catch (err) {
        this.#env.log.warn(`could not write Lambda logs to ${b.group} (${b.stream}): ${(err as Error).message}`);
      }
    }
  }

  async #ship(b: Batch): Promise<void> {
    const scope = { account: b.account, region: b.region };
    const key = `${b.account}\u0000${b.region}\u0000${b.group}\u0000${b.stream}`;
    if (!this.#known.has(key)) {
      await this.#ensure(b, scope);
      this.#known.add(key);
    }
    b.events.sort((x, y) => x.timestamp - y.timestamp);
    for (const chunk of chunks(b.events)) {
      try {
        await this.#env.invoke('logs', 'PutLogEvents', { logGroupName: b.group, logStreamName: b.stream, logEvents: chunk }, scope);
      } catch (err) {
        // The group or stream was deleted since: make them again, once.
        if (!(err instanceof ServiceError) || err.code !== 'ResourceNotFoundException') throw err;
        await this.#ensure(b, scope);
        await this.#env.invoke('logs', 'PutLogEvents', { logGroupName: b.group, logStreamName: b.stream, logEvents: chunk }, scope);
      }
    }
  }

  async #ensure(b: Batch, scope: { account: string; region: string }): Promise<void> {
    for (const [op, input] of [
      ['CreateLogGroup', { logGroupName: b.group }],
      ['CreateLogStream', { logGroupName: b.group, logStreamName: b.stream }],
    ] as const) {
      try {
        await this.#env.invoke('logs', op, input, scope);
      } catch (err) {
        if (!(err instanceof ServiceError) || err.code !== 'ResourceAlreadyExistsException') throw err;
      }
    }
  }
}

/** PutLogEvents batches: at most 10,000 events, about 1 MB, and 24 hours. */
function* chunks(events: LogLine[]): Generator<LogLine[]> {
  let chunk: LogLine[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + 26;
    if (chunk.length && (chunk.length >= MAX_EVENTS || bytes + size > MAX_BYTES || e.timestamp - chunk[0].timestamp > 86_000_000)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(e);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}
