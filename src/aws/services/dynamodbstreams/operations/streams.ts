// The DynamoDB Streams API over the records the dynamodb service writes (they share one store, as
// the two endpoints share one backend in AWS): ListStreams, DescribeStream, GetShardIterator and
// GetRecords. Each stream has one shard, closed when the stream is disabled; records are kept 24
// hours on the clock; iterators expire after 15 minutes.
import type { DynamodbstreamsHandlers } from '../generated/types.ts';
import type { DynamoStore, StreamRow } from '../../dynamodb/store.ts';
import { RETENTION_MS, formatSequence, parseSequence } from '../../dynamodb/engine/streams.ts';
import { itemFromWire } from '../../dynamodb/values/attribute.ts';
import { checks } from '../../dynamodb/operations/validate.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { validation } from '../../dynamodb/errors.ts';

type H = DynamodbstreamsHandlers;
const ITERATOR_TTL_MS = 15 * 60 * 1000;
const ITERATOR_TYPES = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message, 400);
}

/** A stream that is still visible: enabled, or disabled less than 24 hours ago. */
async function liveStream(store: DynamoStore, arn: string, now: number): Promise<StreamRow> {
  const s = await store.stream(arn);
  if (!s || (s.disabled_at !== null && s.disabled_at < now - RETENTION_MS)) throw notFound(`Requested resource not found: Stream: ${arn} not found`);
  return s;
}

/** The first sequence number still readable (records older than 24 hours are trimmed). */
async function trimHorizon(store: DynamoStore, s: StreamRow, now: number): Promise<number> {
  const rows = await store.records(s.id, 0, 1);
  let seq = rows[0]?.seq;
  if (seq !== undefined && rows[0].created_at < now - RETENTION_MS) {
    seq = (await store.firstSeqSince(s.id, now - RETENTION_MS)) ?? (await store.maxSeq()) + 1;
  }
  return seq ?? (await store.maxSeq()) + 1;
}

export const listStreams: H['ListStreams'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1, 100);
  if (input.TableName !== undefined) c.tableName('tableName', input.TableName, false);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  let list = (await store.streams(ctx.account, ctx.region, input.TableName)).filter((s) => s.disabled_at === null || s.disabled_at >= now - RETENTION_MS);
  if (input.ExclusiveStartStreamArn !== undefined) {
    const at = list.findIndex((s) => s.arn === input.ExclusiveStartStreamArn);
    if (at < 0) throw notFound(`Requested resource not found: Stream: ${input.ExclusiveStartStreamArn} not found`);
    list = list.slice(at + 1);
  }
  const limit = input.Limit ?? 100;
  const page = list.slice(0, limit);
  return {
    Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.table_name, StreamLabel: s.label })),
    LastEvaluatedStreamArn: list.length > limit ? page[page.length - 1].arn : undefined,
  };
};

export const describeStream: H['DescribeStream'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1, 100);
  c.length('streamArn', input.StreamArn, 37, 1024);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const s = await liveStream(store, input.StreamArn, now);
  const horizon = await trimHorizon(store, s, now);
  const range: Record<string, string> = { StartingSequenceNumber: formatSequence(horizon) };
  if (s.status === 'DISABLED') range.EndingSequenceNumber = formatSequence(s.ending_seq || horizon);
  let shards = [{ ShardId: s.shard_id, SequenceNumberRange: range }];
  if (input.ExclusiveStartShardId !== undefined && input.ExclusiveStartShardId >= s.shard_id) shards = [];
  if (input.ShardFilter?.Type === 'CHILD_SHARDS') shards = [];
  return {
    StreamDescription: {
      StreamArn: s.arn,
      StreamLabel: s.label,
      StreamStatus: s.status,
      StreamViewType: s.view_type,
      CreationRequestDateTime: new Date(s.created_at),
      TableName: s.table_name,
      KeySchema: JSON.parse(s.key_schema),
      Shards: shards,
    },
  };
};

interface IteratorState {
  /** Stream row id, shard, the next sequence number to read, and when the iterator was issued. */
  i: number;
  h: string;
  s: number;
  t: number;
}

function encodeIterator(s: StreamRow, position: number, now: number): string {
  const state: IteratorState = { i: s.id, h: s.shard_id, s: position, t: now };
  return `${s.arn}|1|${Buffer.from(JSON.stringify(state)).toString('base64url')}`;
}

function decodeIterator(text: string): IteratorState {
  const bar = text.lastIndexOf('|');
  try {
    const state = JSON.parse(Buffer.from(text.slice(bar + 1), 'base64url').toString('utf8')) as IteratorState;
    if (typeof state.i === 'number' && typeof state.s === 'number' && typeof state.t === 'number') return state;
  } catch {
    // fall through
  }
  throw validation('Invalid ShardIterator');
}

export const getShardIterator: H['GetShardIterator'] = async (input, ctx) => {
  const c = checks();
  c.length('streamArn', input.StreamArn, 37, 1024);
  c.length('shardId', input.ShardId, 28, 65);
  c.enumValue('shardIteratorType', input.ShardIteratorType, ITERATOR_TYPES);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const s = await liveStream(store, input.StreamArn, now);
  if (input.ShardId !== s.shard_id) throw notFound(`Requested resource not found: Shard does not exist`);
  const type = input.ShardIteratorType;
  let position: number;
  if (type === 'TRIM_HORIZON' || type === 'LATEST') {
    if (input.SequenceNumber !== undefined) throw validation(`Invalid Request: SequenceNumber should not be specified for ${type} shard iterator type`);
    position = type === 'TRIM_HORIZON' ? await trimHorizon(store, s, now) : s.status === 'DISABLED' ? (s.ending_seq ?? 0) + 1 : (await store.maxSeq()) + 1;
  } else {
    if (input.SequenceNumber === undefined) throw validation(`Invalid Request: SequenceNumber must be specified for ${type} shard iterator type`);
    const seq = parseSequence(input.SequenceNumber);
    if (seq === undefined) throw validation(`Invalid Request: SequenceNumber ${input.SequenceNumber} is not valid`);
    if (seq < (await trimHorizon(store, s, now))) {
      throw new ServiceError('TrimmedDataAccessException', `Requested data is no longer available: SequenceNumber ${input.SequenceNumber} is beyond the trim horizon of the shard`, 400);
    }
    if (seq > (await store.maxSeq())) throw validation(`Invalid Request: SequenceNumber ${input.SequenceNumber} does not exist in the shard`);
    position = type === 'AT_SEQUENCE_NUMBER' ? seq : seq + 1;
  }
  return { ShardIterator: encodeIterator(s, position, now) };
};

export const getRecords: H['GetRecords'] = async (input, ctx) => {
  const c = checks();
  c.range('limit', input.Limit, 1, 1000);
  c.length('shardIterator', input.ShardIterator, 1, 2048);
  c.done();
  const store: DynamoStore = ctx.state;
  const now = ctx.clock.now();
  const state = decodeIterator(input.ShardIterator);
  if (now - state.t > ITERATOR_TTL_MS) throw new ServiceError('ExpiredIteratorException', 'Shard iterator has expired', 400);
  const s = await store.streamById(state.i);
  if (!s || (s.disabled_at !== null && s.disabled_at < now - RETENTION_MS)) throw notFound('Requested resource not found: Stream not found');
  const horizon = now - RETENTION_MS;
  const rows = (await store.records(s.id, state.s, input.Limit ?? 1000)).filter((r) => r.created_at >= horizon);
  const Records = rows.map((r) => {
    const rec = JSON.parse(r.record) as { dynamodb: Record<string, unknown> } & Record<string, unknown>;
    const d = rec.dynamodb;
    d.SequenceNumber = formatSequence(r.seq);
    d.ApproximateCreationDateTime = new Date((d.ApproximateCreationDateTime as number) * 1000);
    for (const k of ['Keys', 'NewImage', 'OldImage']) if (d[k]) d[k] = itemFromWire(d[k] as Record<string, unknown>);
    return rec;
  });
  const next = rows.length ? rows[rows.length - 1].seq + 1 : state.s;
  const closed = s.status === 'DISABLED' && next > (s.ending_seq ?? 0);
  return {
    Records: Records as never,
    NextShardIterator: closed ? undefined : encodeIterator(s, next, now),
  };
};
