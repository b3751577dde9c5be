// An SQS event source mapping at work: long-polls the queue through the SQS service's own API,
// gathers up to BatchSize messages within MaximumBatchingWindowInSeconds, drops (and deletes)
// messages no filter lets through, invokes the function with the real event, then deletes what was
// processed — all of it, or all but the batchItemFailures it reported (ReportBatchItemFailures).
// Failed messages stay on the queue and come back after their visibility timeout (and go to the
// queue's dead-letter queue after maxReceiveCount, which is SQS's business). Pollers scale up while
// batches come back full, up to ScalingConfig.MaximumConcurrency.
import { randomUUID } from 'node:crypto';
import type { EngineParts } from './parts.ts';
import type { MappingRow } from '../store.ts';
import { compileFilters } from './event-filter.ts';
import { Throttled } from './executor.ts';
import { resolveTarget } from './target.ts';
import { parseFunctionName } from '../names.ts';
import type { MappingConfig } from './mapping-config.ts';

interface SqsMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
}

/** Pollers a mapping runs at most here, whatever its MaximumConcurrency (a local machine). */
const LOCAL_POLLER_CAP = 5;

export class SqsPoller {
  readonly #state: EngineParts;
  readonly #uuid: string;
  readonly #config: MappingConfig;
  readonly #functionArn: string;
  readonly #queue: { account: string; region: string; name: string; arn: string; url: string };
  readonly #filter: ((record: unknown) => boolean) | undefined;
  #stopped = false;
  #pollers = 0;

  constructor(state: EngineParts, row: MappingRow, config: MappingConfig) {
    this.#state = state;
    this.#uuid = row.uuid;
    this.#config = config;
    this.#functionArn = row.function_arn;
    const [, , , region, account, name] = config.EventSourceArn.split(':');
    this.#queue = { account, region, name, arn: config.EventSourceArn, url: `${state.env.endpoint}/${account}/${name}` };
    this.#filter = compileFilters(config.FilterCriteria?.Filters);
  }

  start(): void {
    this.#pollers = 1;
    this.#background(this.#loop(true));
  }

  stop(): void {
    this.#stopped = true;
  }

  get #maxPollers(): number {
    return Math.min(LOCAL_POLLER_CAP, this.#config.ScalingConfig?.MaximumConcurrency ?? LOCAL_POLLER_CAP);
  }

  /** Work nobody awaits: a failure is logged, never an unhandled rejection. */
  #background(work: Promise<void>): void {
    work.catch((err) => this.#state.env.log.error(`event source mapping ${this.#uuid} failed`, err));
  }

  #sqs<O>(operation: string, input: Record<string, unknown>): Promise<O> {
    return this.#state.env.invoke<O>('sqs', operation, { QueueUrl: this.#queue.url, ...input }, { account: this.#queue.account, region: this.#queue.region });
  }

  // Its pauses (backoff after an error, not spinning on an empty queue) are wall-clock on purpose, as
  // SQS's long polls are: a poller must keep draining while a test holds the virtual clock still.
  async #loop(primary: boolean): Promise<void> {
    while (!this.#stopped) {
      let messages: SqsMessage[];
      const started = performance.now();
      try {
        messages = await this.#receive();
      } catch (err) {
        this.#state.env.log.warn(`event source mapping ${this.#uuid} could not receive from ${this.#queue.arn}: ${(err as Error).message}`);
        await this.#state.tables.setMappingResult(this.#uuid, 'PROBLEM: Lambda is unable to read from the event source.');
        await new Promise((r) => setTimeout(r, 1000).unref());
        continue;
      }
      if (this.#stopped) {
        // Stopped while waiting: hand the messages back at once rather than at their timeout.
        if (messages.length) await this.#release(messages).catch(() => {});
        return;
      }
      if (messages.length === 0) {
        if (!primary) {
          this.#pollers--;
          return;
        }
        // A long poll that came back empty at once (the clock moved on): do not spin.
        if (performance.now() - started < 50) await new Promise((r) => setTimeout(r, 250).unref());
        continue;
      }
      if (messages.length >= Math.min(10, this.#batchSize) && this.#pollers < this.#maxPollers) {
        this.#pollers++;
        this.#background(this.#loop(false));
      }
      await this.#process(messages);
    }
  }

  get #batchSize(): number {
    return this.#config.BatchSize ?? 10;
  }

  async #receiveOnce(max: number, waitSeconds: number): Promise<SqsMessage[]> {
    const out = await this.#sqs<{ Messages?: SqsMessage[] }>('ReceiveMessage', {
      MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
      WaitTimeSeconds: Math.max(0, Math.min(20, waitSeconds)),
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    return out.Messages ?? [];
  }

  async #receive(): Promise<SqsMessage[]> {
    const want = this.#batchSize;
    const windowMs = (this.#config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    const all = await this.#receiveOnce(want, 20);
    if (all.length === 0 || windowMs === 0) return all;
    const clock = this.#state.env.clock;
    const deadline = clock.now() + windowMs;
    while (all.length < want && !this.#stopped) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      const more = await this.#receiveOnce(want - all.length, Math.ceil(left / 1000));
      all.push(...more);
    }
    return all;
  }

  #record(m: SqsMessage): Record<string, unknown> {
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) {
      attributes[k] = {
        stringValue: v.StringValue,
        ...(v.BinaryValue ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') } : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: v.DataType,
      };
    }
    return {
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: attributes,
      md5OfBody: m.MD5OfBody,
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.#queue.arn,
      awsRegion: this.#queue.region,
    };
  }

  async #process(messages: SqsMessage[]): Promise<void> {
    const s = this.#state;
    const records = messages.map((m) => this.#record(m));
    const keep: Array<{ m: SqsMessage; r: Record<string, unknown> }> = [];
    const dropped: SqsMessage[] = [];
    records.forEach((r, i) => (!this.#filter || this.#filter(r) ? keep.push({ m: messages[i], r }) : dropped.push(messages[i])));
    // Messages no filter accepts are deleted, as Lambda does for SQS sources.
    if (keep.length === 0) {
      await this.#delete(dropped);
      return;
    }
    let target;
    try {
      target = await resolveTarget(s.tables, parseFunctionName(this.#functionArn, { account: this.#queue.account, region: this.#queue.region }));
    } catch {
      await s.tables.setMappingResult(this.#uuid, 'PROBLEM: Function not found.');
      await this.#release(messages).catch(() => {});
      await new Promise((r) => setTimeout(r, 1000).unref());
      return;
    }
    const payload = Buffer.from(JSON.stringify({ Records: keep.map((k) => k.r) }));
    let result;
    try {
      result = await s.executor.run(target, { requestId: randomUUID(), payload, kind: `sqs ${this.#queue.name}` });
    } catch (err) {
      if (!(err instanceof Throttled)) throw err;
      // Throttled: the batch stays on the queue (in flight until its visibility timeout, as in AWS).
      await this.#delete(dropped);
      await s.tables.setMappingResult(this.#uuid, 'PROBLEM: Function call failed');
      await new Promise((r) => setTimeout(r, 1000).unref());
      return;
    }
    if (result.status !== 'success') {
      await s.tables.setMappingResult(this.#uuid, 'PROBLEM: Function call failed');
      await this.#delete(dropped);
      return;
    }
    let done = keep.map((k) => k.m);
    if (this.#config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) {
      const failed = batchItemFailures(result.payload, new Set(keep.map((k) => k.m.MessageId)));
      if (failed === 'all') done = [];
      else done = done.filter((m) => !failed.has(m.MessageId));
    }
    await s.tables.setMappingResult(this.#uuid, 'OK');
    await this.#delete([...done, ...dropped]);
  }

  async #delete(messages: SqsMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await this.#sqs('DeleteMessageBatch', { Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) }).catch((err) =>
        this.#state.env.log.warn(`event source mapping ${this.#uuid} could not delete from ${this.#queue.arn}: ${(err as Error).message}`),
      );
    }
  }

  async #release(messages: SqsMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await this.#sqs('ChangeMessageVisibilityBatch', { Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })) });
    }
  }
}

/**
 * The messages a function reported as failed ({"batchItemFailures":[{"itemIdentifier":"<id>"}]}).
 * An identifier that is empty or not in the batch fails the whole batch, as in AWS.
 */
export function batchItemFailures(payload: Buffer, ids: Set<string>): Set<string> | 'all' {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return new Set();
  }
  const list = v && typeof v === 'object' ? (v as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = item && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}
