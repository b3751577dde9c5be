// A DynamoDB Streams (or Kinesis) event source mapping at work: one reader per shard, in shard order
// (a child shard after its parent), through the stream service's own API. Batches of up to BatchSize
// records (filtered by FilterCriteria) go to the function in order; a failed batch is retried (split
// in two with BisectBatchOnFunctionError, resumed from the first reported failure with
// ReportBatchItemFailures) until MaximumRetryAttempts or MaximumRecordAgeInSeconds, then described
// to the on-failure destination and skipped. Progress is checkpointed per shard and survives restarts.
import { randomUUID } from 'node:crypto';
import type { EngineParts } from './parts.ts';
import type { MappingRow } from '../store.ts';
import type { MappingConfig, SourceKind } from './mapping-config.ts';
import { compileFilters } from './event-filter.ts';
import { Throttled } from './executor.ts';
import type { RunResult } from './records.ts';
import { resolveTarget, versionArn, type Target } from './target.ts';
import { parseFunctionName } from '../names.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

interface Shard {
  id: string;
  parent?: string;
}

interface StreamRecord {
  sequence: string;
  /** Epoch ms the record reached the stream. */
  arrival: number;
  event: Record<string, unknown>;
}

interface StreamApi {
  shards(): Promise<Shard[]>;
  iterator(shard: string, after: string | undefined): Promise<string | undefined>;
  read(shard: string, iterator: string, limit: number): Promise<{ records: StreamRecord[]; next?: string }>;
}

const IDLE_MS = 250;
const DISCOVERY_MS = 5000;

export class StreamPoller {
  readonly #state: EngineParts;
  readonly #uuid: string;
  readonly #config: MappingConfig;
  readonly #functionArn: string;
  readonly #kind: SourceKind;
  readonly #arn: string;
  readonly #scope: { account: string; region: string };
  readonly #filter: ((record: unknown) => boolean) | undefined;
  readonly #api: StreamApi;
  #stopped = false;
  #running = new Set<string>();
  #closed = new Set<string>();
  #timer?: NodeJS.Timeout;

  constructor(state: EngineParts, row: MappingRow, config: MappingConfig, kind: SourceKind) {
    this.#state = state;
    this.#uuid = row.uuid;
    this.#config = config;
    this.#functionArn = row.function_arn;
    this.#kind = kind;
    this.#arn = config.EventSourceArn;
    const [, , , region, account] = this.#arn.split(':');
    this.#scope = { account, region };
    this.#filter = compileFilters(config.FilterCriteria?.Filters);
    this.#api = kind === 'kinesis' ? this.#kinesis() : this.#dynamodb();
  }

  start(): void {
    this.#background(this.#begin());
  }

  async #begin(): Promise<void> {
    try {
      for (const c of await this.#state.tables.checkpoints(this.#uuid)) if (c.closed) this.#closed.add(c.shard);
    } catch (err) {
      this.#state.env.log.error(`event source mapping ${this.#uuid}: reading its checkpoints failed`, err);
    }
    await this.#discover();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Work nobody awaits: a failure is logged, never an unhandled rejection. */
  #background(work: Promise<void>): void {
    work.catch((err) => this.#state.env.log.error(`event source mapping ${this.#uuid} failed`, err));
  }

  #call<O>(service: string, operation: string, input: Record<string, unknown>): Promise<O> {
    return this.#state.env.invoke<O>(service, operation, input, this.#scope);
  }

  async #discover(): Promise<void> {
    if (this.#stopped) return;
    try {
      const shards = await this.#api.shards();
      const known = new Set(shards.map((s) => s.id));
      for (const s of shards) {
        if (this.#running.has(s.id) || this.#closed.has(s.id)) continue;
        // A child shard waits until its parent has been read to the end.
        if (s.parent && known.has(s.parent) && !this.#closed.has(s.parent)) continue;
        this.#running.add(s.id);
        this.#background(this.#readShard(s.id).finally(() => this.#running.delete(s.id)));
      }
      await this.#state.tables.setMappingResult(this.#uuid, this.#lastResult);
    } catch (err) {
      this.#state.env.log.debug?.(`event source mapping ${this.#uuid}: ${(err as Error).message}`);
      await this.#state.tables.setMappingResult(this.#uuid, 'PROBLEM: Lambda is unable to read from the event source.').catch(() => {});
    }
    // Wall-clock on purpose (as every pause of this poller): shards keep being read while a test
    // holds the virtual clock still.
    if (!this.#stopped) this.#timer = setTimeout(() => this.#background(this.#discover()), DISCOVERY_MS).unref();
  }

  #lastResult = 'No records processed';

  async #readShard(shard: string): Promise<void> {
    let iterator: string | undefined;
    try {
      iterator = await this.#api.iterator(shard, await this.#state.tables.checkpoint(this.#uuid, shard));
    } catch {
      this.#running.delete(shard);
      return;
    }
    while (!this.#stopped && iterator) {
      let page: { records: StreamRecord[]; next?: string };
      try {
        page = await this.#api.read(shard, iterator, Math.min(this.#config.BatchSize ?? 100, 1000));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ExpiredIteratorException' || code === 'TrimmedDataAccessException') {
          iterator = await this.#state.tables.checkpoint(this.#uuid, shard).then((after) => this.#api.iterator(shard, after)).catch(() => undefined);
          continue;
        }
        await delay(1000);
        continue;
      }
      if (page.records.length) await this.#deliver(shard, page.records);
      if (this.#stopped) return;
      if (!page.next) {
        const last = page.records[page.records.length - 1]?.sequence ?? (await this.#state.tables.checkpoint(this.#uuid, shard)) ?? '';
        await this.#state.tables.putCheckpoint(this.#uuid, shard, last, true);
        this.#closed.add(shard);
        this.#running.delete(shard);
        this.#background(this.#discover());
        return;
      }
      iterator = page.next;
      if (page.records.length === 0) await delay(IDLE_MS);
    }
    this.#running.delete(shard);
  }

  async #checkpoint(shard: string, sequence: string): Promise<void> {
    await this.#state.tables.putCheckpoint(this.#uuid, shard, sequence, false);
  }

  async #deliver(shard: string, records: StreamRecord[]): Promise<void> {
    const kept = this.#filter ? records.filter((r) => this.#filter!(r.event)) : records;
    if (kept.length === 0) {
      await this.#checkpoint(shard, records[records.length - 1].sequence);
      return;
    }
    const pending: StreamRecord[][] = [kept];
    while (pending.length && !this.#stopped) {
      let batch = pending.shift()!;
      let attempts = 0;
      for (;;) {
        if (this.#stopped) return;
        const target = await this.#target();
        if (!target) {
          await delay(1000);
          continue;
        }
        let result: RunResult;
        try {
          result = await this.#state.executor.run(target, { requestId: randomUUID(), payload: Buffer.from(JSON.stringify({ Records: batch.map((r) => r.event) })), kind: `${this.#kind} ${shard}` });
        } catch (err) {
          if (!(err instanceof Throttled)) throw err;
          await delay(1000);
          continue;
        }
        attempts++;
        let failedFrom = -1;
        if (result.status === 'success' && this.#config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) {
          failedFrom = firstFailure(result.payload, batch);
        }
        if (result.status === 'success' && failedFrom < 0) {
          this.#lastResult = 'OK';
          await this.#checkpoint(shard, batch[batch.length - 1].sequence);
          break;
        }
        this.#lastResult = 'PROBLEM: Function call failed';
        if (failedFrom > 0) {
          // Everything before the first reported failure is done.
          await this.#checkpoint(shard, batch[failedFrom - 1].sequence);
          batch = batch.slice(failedFrom);
        }
        const maxRetries = this.#config.MaximumRetryAttempts ?? -1;
        const maxAge = this.#config.MaximumRecordAgeInSeconds ?? -1;
        const expired = maxAge >= 0 && this.#state.env.clock.now() - batch[0].arrival > maxAge * 1000;
        if (expired || (maxRetries >= 0 && attempts > maxRetries)) {
          await this.#onFailure(shard, target, batch, attempts, expired ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', result);
          await this.#checkpoint(shard, batch[batch.length - 1].sequence);
          break;
        }
        if (this.#config.BisectBatchOnFunctionError && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          pending.unshift(batch.slice(half));
          batch = batch.slice(0, half);
          continue;
        }
        await delay(Math.min(5000, 100 * 2 ** Math.min(attempts, 6)));
      }
    }
  }

  async #target(): Promise<Target | undefined> {
    try {
      return await resolveTarget(this.#state.tables, parseFunctionName(this.#functionArn, this.#scope));
    } catch {
      await this.#state.tables.setMappingResult(this.#uuid, 'PROBLEM: Function not found.');
      return undefined;
    }
  }

  async #onFailure(shard: string, t: Target, batch: StreamRecord[], attempts: number, condition: string, result: RunResult): Promise<void> {
    const destination = this.#config.DestinationConfig?.OnFailure?.Destination;
    if (!destination) return;
    const info = {
      shardId: shard,
      startSequenceNumber: batch[0].sequence,
      endSequenceNumber: batch[batch.length - 1].sequence,
      approximateArrivalOfFirstRecord: new Date(batch[0].arrival).toISOString(),
      approximateArrivalOfLastRecord: new Date(batch[batch.length - 1].arrival).toISOString(),
      batchSize: batch.length,
      streamArn: this.#arn,
    };
    const record = {
      requestContext: { requestId: result.requestId, functionArn: versionArn(t), condition, approximateInvokeCount: attempts },
      responseContext: { statusCode: 200, executedVersion: result.executedVersion, functionError: result.functionError ?? 'Unhandled' },
      version: '1.0',
      timestamp: new Date(this.#state.env.clock.now()).toISOString(),
      [this.#kind === 'kinesis' ? 'KinesisBatchInfo' : 'DDBStreamBatchInfo']: info,
    };
    await this.#state.env
      .deliver({ target: destination, body: JSON.stringify(record), source: { service: 'lambda', arn: formatArn({ service: 'lambda', region: this.#scope.region, account: this.#scope.account, resource: `event-source-mapping:${this.#uuid}` }) } })
      .catch((err) => this.#state.env.log.warn(`event source mapping ${this.#uuid} could not send to ${destination}: ${(err as Error).message}`));
  }

  // ---- the two stream services

  #startingType(after: string | undefined): Record<string, unknown> {
    if (after) return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after };
    const p = this.#config.StartingPosition ?? 'LATEST';
    if (p === 'AT_TIMESTAMP') return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(this.#config.StartingPositionTimestamp ?? 0) };
    return { ShardIteratorType: p };
  }

  #dynamodb(): StreamApi {
    return {
      shards: async () => {
        const out: Shard[] = [];
        let start: string | undefined;
        do {
          const r = await this.#call<{ StreamDescription?: { Shards?: Array<{ ShardId: string; ParentShardId?: string }>; LastEvaluatedShardId?: string } }>(
            'dynamodbstreams', 'DescribeStream', { StreamArn: this.#arn, ...(start ? { ExclusiveStartShardId: start } : {}) },
          );
          for (const s of r.StreamDescription?.Shards ?? []) out.push({ id: s.ShardId, parent: s.ParentShardId });
          start = r.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        return out;
      },
      iterator: async (shard, after) => {
        const r = await this.#call<{ ShardIterator?: string }>('dynamodbstreams', 'GetShardIterator', {
          StreamArn: this.#arn, ShardId: shard, ...this.#startingType(after),
        });
        return r.ShardIterator;
      },
      read: async (_shard, iterator, limit) => {
        const r = await this.#call<{ Records?: Array<Record<string, unknown>>; NextShardIterator?: string }>('dynamodbstreams', 'GetRecords', { ShardIterator: iterator, Limit: limit });
        return {
          next: r.NextShardIterator,
          records: (r.Records ?? []).map((rec) => {
            const d = (rec.dynamodb ?? {}) as Record<string, unknown>;
            const created = d.ApproximateCreationDateTime;
            const seconds = created instanceof Date ? created.getTime() / 1000 : Number(created ?? 0);
            return {
              sequence: String(d.SequenceNumber ?? ''),
              arrival: seconds * 1000,
              event: { ...rec, dynamodb: { ...d, ApproximateCreationDateTime: seconds }, eventSourceARN: this.#arn },
            };
          }),
        };
      },
    };
  }

  #kinesis(): StreamApi {
    return {
      shards: async () => {
        const r = await this.#call<{ Shards?: Array<{ ShardId: string; ParentShardId?: string }> }>('kinesis', 'ListShards', { StreamARN: this.#arn });
        return (r.Shards ?? []).map((s) => ({ id: s.ShardId, parent: s.ParentShardId }));
      },
      iterator: async (shard, after) => {
        const t = this.#startingType(after);
        const r = await this.#call<{ ShardIterator?: string }>('kinesis', 'GetShardIterator', {
          StreamARN: this.#arn, ShardId: shard, ShardIteratorType: t.ShardIteratorType,
          ...(t.SequenceNumber ? { StartingSequenceNumber: t.SequenceNumber } : {}),
          ...(t.Timestamp ? { Timestamp: t.Timestamp } : {}),
        });
        return r.ShardIterator;
      },
      read: async (shard, iterator, limit) => {
        const r = await this.#call<{ Records?: Array<{ SequenceNumber: string; ApproximateArrivalTimestamp?: Date; Data?: Uint8Array; PartitionKey: string }>; NextShardIterator?: string }>(
          'kinesis', 'GetRecords', { ShardIterator: iterator, Limit: limit, StreamARN: this.#arn },
        );
        return {
          next: r.NextShardIterator,
          records: (r.Records ?? []).map((rec) => {
            const arrival = rec.ApproximateArrivalTimestamp instanceof Date ? rec.ApproximateArrivalTimestamp.getTime() : Number(rec.ApproximateArrivalTimestamp ?? 0) * 1000;
            return {
              sequence: rec.SequenceNumber,
              arrival,
              event: {
                kinesis: {
                  kinesisSchemaVersion: '1.0',
                  partitionKey: rec.PartitionKey,
                  sequenceNumber: rec.SequenceNumber,
                  data: Buffer.from(rec.Data ?? new Uint8Array()).toString('base64'),
                  approximateArrivalTimestamp: arrival / 1000,
                },
                eventSource: 'aws:kinesis',
                eventVersion: '1.0',
                eventID: `${shard}:${rec.SequenceNumber}`,
                eventName: 'aws:kinesis:record',
                invokeIdentityArn: formatArn({ service: 'iam', account: this.#scope.account, resource: 'role/lambda-role' }),
                awsRegion: this.#scope.region,
                eventSourceARN: this.#arn,
              },
            };
          }),
        };
      },
    };
  }
}

/** Index of the first record a function reported as failed (-1: none; 0: the whole batch). */
function firstFailure(payload: Buffer, batch: StreamRecord[]): number {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return -1;
  }
  const list = v && typeof v === 'object' ? (v as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (list === undefined || list === null) return -1;
  if (!Array.isArray(list)) return 0;
  if (list.length === 0) return -1;
  let first = Infinity;
  for (const item of list) {
    const id = item && typeof item === 'object' ? (item as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    const i = typeof id === 'string' ? batch.findIndex((r) => r.sequence === id) : -1;
    if (i < 0) return 0;
    first = Math.min(first, i);
  }
  return first;
}

/** A poller's pause: wall-clock on purpose (see #discover), never the virtual clock. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
