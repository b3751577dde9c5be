// Log events: PutLogEvents (batch limits, chronological order, too old / too new / expired events
// rejected as AWS does), GetLogEvents (forward and backward tokens) and FilterLogEvents (filter
// patterns across the streams of a group, interleaved by time).
import type * as T from '../generated/types.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { compileFilterPattern } from '../filter-pattern.ts';
import { type Ctx, decodeToken, encodeToken, findGroup, invalidParameter, requireGroup, retentionCutoff, streamNotFound } from '../common.ts';
import { sequenceToken } from './streams.ts';
import { forwardToSubscriptions } from '../subscriptions.ts';
import type { EventRow } from '../store.ts';

const MAX_BATCH_EVENTS = 10_000;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const MAX_EVENT_BYTES = 1_048_576 - EVENT_OVERHEAD;
const DAY = 86_400_000;

export async function putLogEvents(input: T.PutLogEventsRequest, ctx: Ctx): Promise<T.PutLogEventsResponse> {
  constraints()
    .length('logEvents', input.logEvents, 1, MAX_BATCH_EVENTS)
    .check('InvalidParameterException');
  let bytes = 0;
  for (const e of input.logEvents) {
    const n = Buffer.byteLength(e.message);
    if (n > MAX_EVENT_BYTES) throw invalidParameter(`Log event too large: ${n} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    bytes += n + EVENT_OVERHEAD;
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
  for (let i = 1; i < input.logEvents.length; i++) {
    if (input.logEvents[i].timestamp < input.logEvents[i - 1].timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  const events = input.logEvents;
  if (events[events.length - 1].timestamp - events[0].timestamp > DAY) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const g = await requireGroup(ctx, input.logGroupName);
  const now = ctx.clock.now();
  // Events more than 14 days old (or older than retention) and more than 2 hours ahead are rejected
  // by index, and the rest are accepted.
  const tooOldBefore = now - 14 * DAY;
  const expiredBefore = retentionCutoff(g, now);
  const tooNewAfter = now + 2 * 3_600_000;
  let tooOldEnd = -1;
  let expiredEnd = -1;
  let tooNewStart = -1;
  const accepted: Array<{ timestamp: number; message: string }> = [];
  events.forEach((e, i) => {
    if (e.timestamp < expiredBefore) expiredEnd = i;
    else if (e.timestamp < tooOldBefore) tooOldEnd = i;
    else if (e.timestamp > tooNewAfter) {
      if (tooNewStart < 0) tooNewStart = i;
    } else accepted.push({ timestamp: e.timestamp, message: e.message });
  });
  const rejected: T.RejectedLogEventsInfo = {};
  // The index of the last too-old event (a single too-old first event answers 0, as AWS does, though
  // its reference calls the field exclusive).
  if (tooOldEnd >= 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd >= 0) rejected.expiredLogEventEndIndex = expiredEnd + 1;
  if (tooNewStart >= 0) rejected.tooNewLogEventStartIndex = tooNewStart;
  // The stream is read in the unit that writes to it, so the sequence token answered is this batch's.
  const { stream, ids } = await ctx.state.atomically(async () => {
    const stream = await ctx.state.stream(g.id, input.logStreamName);
    if (!stream) throw streamNotFound();
    return { stream, ids: accepted.length ? await ctx.state.insertEvents(g.id, stream, accepted, now) : [] };
  });
  if (accepted.length) await forwardToSubscriptions(ctx, g, stream.name, accepted.map((e, i) => ({ id: ids[i], ...e })));
  return {
    nextSequenceToken: sequenceToken(stream.sequence + 1),
    rejectedLogEventsInfo: Object.keys(rejected).length ? rejected : undefined,
  };
}

/** GetLogEvents tokens: f/ or b/ followed by the (timestamp, id) position, as fixed-width digits. */
function positionToken(direction: 'f' | 'b', ts: number, id: number): string {
  const t = BigInt(ts) + 10n ** 19n; // keep negative timestamps sortable
  return `${direction}/${t.toString().padStart(20, '0')}${String(id).padStart(36, '0')}`;
}

function readPosition(token: string): { direction: 'f' | 'b'; ts: number; id: number } {
  const m = /^([fb])\/(\d{20})(\d{36})$/.exec(token);
  if (!m) throw invalidParameter('The specified nextToken is invalid.');
  return { direction: m[1] as 'f' | 'b', ts: Number(BigInt(m[2]) - 10n ** 19n), id: Number(m[3]) };
}

const FAR_PAST = -(2 ** 52);
const FAR_FUTURE = 2 ** 52;

export async function getLogEvents(input: T.GetLogEventsRequest, ctx: Ctx): Promise<T.GetLogEventsResponse> {
  constraints().range('limit', input.limit, 1, 10_000).check('InvalidParameterException');
  const g = await findGroup(ctx, input);
  const stream = await ctx.state.stream(g.id, input.logStreamName);
  if (!stream) throw streamNotFound();
  const start = Math.max(input.startTime ?? FAR_PAST, retentionCutoff(g, ctx.clock.now()));
  const end = input.endTime ?? FAR_FUTURE;
  const limit = input.limit ?? 10_000;
  const position = input.nextToken ? readPosition(input.nextToken) : undefined;
  const forward = position ? position.direction === 'f' : (input.startFromHead ?? false);
  let rows: EventRow[];
  if (forward) {
    rows = await ctx.state.eventsForward(stream.id, start, end, position?.ts ?? FAR_PAST, position?.id ?? -1, limit);
  } else {
    rows = (await ctx.state.eventsBackward(stream.id, start, end, position?.ts ?? FAR_FUTURE, position?.id ?? Number.MAX_SAFE_INTEGER, limit)).reverse();
  }
  rows = fitBytes(rows, forward);
  if (rows.length === 0) {
    // At either end the token handed back is the one passed, which is how clients know to stop.
    const ts = position?.ts ?? (forward ? FAR_PAST : FAR_FUTURE);
    const id = position?.id ?? (forward ? -1 : Number.MAX_SAFE_INTEGER);
    return { events: [], nextForwardToken: positionToken('f', ts, id), nextBackwardToken: positionToken('b', ts, id) };
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    events: rows.map((r) => ({ timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion_time })),
    nextForwardToken: positionToken('f', last.timestamp, last.id),
    nextBackwardToken: positionToken('b', first.timestamp, first.id),
  };
}

/** A response carries at most 1 MB of events. */
function fitBytes(rows: EventRow[], forward: boolean): EventRow[] {
  let bytes = 0;
  const ordered = forward ? rows : [...rows].reverse();
  let n = 0;
  for (const r of ordered) {
    bytes += Buffer.byteLength(r.message) + EVENT_OVERHEAD;
    if (bytes > MAX_BATCH_BYTES && n > 0) break;
    n++;
  }
  if (n === rows.length) return rows;
  return forward ? rows.slice(0, n) : rows.slice(rows.length - n);
}

export function eventId(id: number): string {
  return String(id).padStart(56, '0');
}

const SCAN_CHUNK = 1000;
const SCAN_BUDGET = 200_000;

export async function filterLogEvents(input: T.FilterLogEventsRequest, ctx: Ctx): Promise<T.FilterLogEventsResponse> {
  constraints()
    .range('limit', input.limit, 1, 10_000)
    .length('logStreamNames', input.logStreamNames, 1, 100)
    .check('InvalidParameterException');
  if (input.logStreamNames && input.logStreamNamePrefix !== undefined) {
    throw invalidParameter('Cannot specify both logStreamNames and logStreamNamePrefix.');
  }
  const g = await findGroup(ctx, input);
  const matcher = compileFilterPattern(input.filterPattern);
  const streams = new Map((await ctx.state.streamsOf(g.id)).map((s) => [s.id, s.name]));
  let allowed: ((id: number) => boolean) | undefined;
  if (input.logStreamNames) {
    const names = new Set(input.logStreamNames);
    allowed = (id) => names.has(streams.get(id) ?? '');
  } else if (input.logStreamNamePrefix !== undefined) {
    const prefix = input.logStreamNamePrefix;
    allowed = (id) => (streams.get(id) ?? '').startsWith(prefix);
  }
  const start = Math.max(input.startTime ?? FAR_PAST, retentionCutoff(g, ctx.clock.now()));
  const end = input.endTime ?? FAR_FUTURE;
  const limit = input.limit ?? 10_000;
  const token = await decodeToken<{ ts: number; id: number }>(ctx, input.nextToken);
  let afterTs = token?.ts ?? FAR_PAST;
  let afterId = token?.id ?? -1;
  const events: T.FilteredLogEvent[] = [];
  let scanned = 0;
  let exhausted = false;
  let bytes = 0;
  while (events.length < limit && scanned < SCAN_BUDGET) {
    const rows = await ctx.state.groupEvents(g.id, start, end, afterTs, afterId, SCAN_CHUNK);
    for (const r of rows) {
      afterTs = r.timestamp;
      afterId = r.id;
      scanned++;
      if (allowed && !allowed(r.stream_id)) continue;
      if (!matcher.matches(r.message)) continue;
      events.push({ logStreamName: streams.get(r.stream_id), timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion_time, eventId: eventId(r.id) });
      bytes += Buffer.byteLength(r.message) + EVENT_OVERHEAD;
      if (events.length >= limit || bytes >= MAX_BATCH_BYTES) break;
    }
    if (rows.length < SCAN_CHUNK && (events.length < limit && bytes < MAX_BATCH_BYTES)) {
      exhausted = true;
      break;
    }
    if (events.length >= limit || bytes >= MAX_BATCH_BYTES) break;
  }
  if (!exhausted) {
    // A full page: there is more only if any event lies beyond the position reached.
    exhausted = (await ctx.state.groupEvents(g.id, start, end, afterTs, afterId, 1)).length === 0;
  }
  return {
    events,
    searchedLogStreams: [],
    nextToken: exhausted ? undefined : await encodeToken(ctx, { ts: afterTs, id: afterId }),
  };
}
