// PutEvents: per-entry checks and results, then each event goes to its bus.
import { randomUUID } from 'node:crypto';
import type { PutEventsRequest, PutEventsRequestEntry, PutEventsResponse, PutEventsResultEntry } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import type { Ctx, Events } from '../state.ts';
import { isoSeconds, type Event } from '../engine.ts';
import { ensureDefaultBus, resolveBus, validation } from './common.ts';
import { jsonNestingDepth } from '../../../../core/json-depth.ts';

/** Deepest Detail accepted: far past any real event (Jackson, the usual JSON parser of JVM services, defaults to 1,000 levels). */
const MAX_DETAIL_DEPTH = 1000;

const MAX_SIZE = 256 * 1024;

/** An entry's size as EventBridge counts it. */
function entrySize(e: PutEventsRequestEntry): number {
  let n = 14; // Time
  for (const v of [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])]) if (v) n += Buffer.byteLength(v, 'utf8');
  return n;
}

/** Checks an entry and builds its event; returns the per-entry error instead when it is not valid. */
export function buildEvent(e: PutEventsRequestEntry, account: string, region: string, now: number, fromAws = false): Event | PutEventsResultEntry {
  const bad = (field: string, reason: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}` });
  if (!e.Source) return bad('Source', 'Source is a required argument.');
  if (!e.DetailType) return bad('DetailType', 'DetailType is a required argument.');
  if (e.Detail === undefined) return bad('Detail', 'Detail is a required argument.');
  if (!fromAws && e.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  // 100,000 nested arrays fit in 256 KB; matching and delivery walk the document recursively.
  if (jsonNestingDepth(detail, MAX_DETAIL_DEPTH) > MAX_DETAIL_DEPTH) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  if (entrySize(e) > MAX_SIZE) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Event too large.' };
  const time = e.Time ? e.Time.getTime() : now;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': e.DetailType,
    source: e.Source,
    account,
    time: isoSeconds(Number.isFinite(time) ? time : now),
    region,
    resources: e.Resources ?? [],
    detail,
  };
}

export async function putEvents(input: PutEventsRequest, ctx: Ctx): Promise<PutEventsResponse> {
  const entries = input.Entries ?? [];
  if (entries.length < 1 || entries.length > 10) {
    throw validation(`1 validation error detected: Value '${entries.length}' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`);
  }
  if (entries.reduce((n, e) => n + entrySize(e), 0) > MAX_SIZE) throw validation('Total size of the entries in the request is over the limit.');
  const results: PutEventsResultEntry[] = [];
  const routed: Promise<void>[] = [];
  for (const e of entries) {
    let bus;
    try {
      bus = await resolveBus(ctx, e.EventBusName);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      results.push({ ErrorCode: err.code, ErrorMessage: err.message });
      continue;
    }
    const built = buildEvent(e, ctx.account, ctx.region, ctx.clock.now());
    if (!('id' in built)) {
      results.push(built);
      continue;
    }
    // The event belongs to the sender's account and region, whichever bus it is put on.
    results.push({ EventId: built.id as string });
    routed.push(ctx.state.engine.putEvent(bus, built as Event));
  }
  await Promise.all(routed);
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
}

/**
 * A delivery to an event bus ARN: either a whole event (from another bus, keeping its id and account)
 * or a PutEvents entry {Source, DetailType, Detail, Resources, Time} (AWS services such as S3).
 */
export async function acceptDelivery(events: Events, busArn: string, body: string, now: number): Promise<string> {
  const bus = (await events.store.byArn<{ Name: string }>(busArn)) ?? (busArn.endsWith(':event-bus/default') ? await defaultBus(events, busArn, now) : undefined);
  if (!bus || bus.kind !== 'bus') throw new ServiceError('ResourceNotFoundException', `Event bus ${busArn.split('/').pop()} does not exist.`, 400);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new ServiceError('MalformedDetail', 'The delivered event is not JSON.', 400);
  }
  let event: Event;
  if (typeof doc['detail-type'] === 'string' && typeof doc.source === 'string' && typeof doc.id === 'string') {
    event = doc as Event;
  } else {
    const entry: PutEventsRequestEntry = {
      Source: doc.Source as string,
      DetailType: doc.DetailType as string,
      Detail: typeof doc.Detail === 'string' ? doc.Detail : JSON.stringify(doc.Detail ?? {}),
      Resources: Array.isArray(doc.Resources) ? (doc.Resources as string[]) : undefined,
      Time: doc.Time !== undefined ? new Date(doc.Time as string) : undefined,
    };
    const built = buildEvent(entry, bus.account, bus.region, now, true);
    if (!('id' in built)) throw new ServiceError(String(built.ErrorCode), String(built.ErrorMessage), 400);
    event = built as Event;
  }
  await events.engine.putEvent(bus, event);
  return event.id;
}

async function defaultBus(events: Events, arn: string, now: number) {
  const [, , , region, account] = arn.split(':');
  await ensureDefaultBus({ state: events, clock: { now: () => now } }, account, region);
  return events.store.byArn<{ Name: string }>(arn);
}
