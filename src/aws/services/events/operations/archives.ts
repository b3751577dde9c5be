// Archives keep the events of a bus (optionally filtered by a pattern); replays send an archive's
// events from a time window back to the bus, to all rules or the ones named.
import { ServiceError } from '../../../../core/errors.ts';
import type {
  CancelReplayRequest, CancelReplayResponse, CreateArchiveRequest, CreateArchiveResponse, DeleteArchiveRequest, DeleteArchiveResponse, DescribeArchiveRequest,
  DescribeArchiveResponse, DescribeReplayRequest, DescribeReplayResponse, ListArchivesRequest, ListArchivesResponse, ListReplaysRequest,
  ListReplaysResponse, StartReplayRequest, StartReplayResponse, UpdateArchiveRequest, UpdateArchiveResponse,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { Event } from '../engine.ts';
import { alreadyExists, decodeToken, NAME_RE, notFound, page, validation, type BusData } from './common.ts';
import { checkPattern } from './rules.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

interface ArchiveData {
  EventSourceArn: string;
  Description?: string;
  EventPattern?: string;
  RetentionDays: number;
  KmsKeyIdentifier?: string;
  State: string;
}

interface ReplayData {
  EventSourceArn: string;
  Description?: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: number;
  EventEndTime: number;
  State: string;
  StateReason?: string;
  ReplayStartTime?: number;
  ReplayEndTime?: number;
  EventLastReplayedTime?: number;
}

async function requireArchive(ctx: Ctx, name: string) {
  const a = await ctx.state.store.get<ArchiveData>('archive', ctx.account, ctx.region, name);
  if (!a) throw notFound(`Archive ${name} does not exist.`);
  return a;
}

function stats(ctx: Ctx, arn: string): Promise<{ count: number; size: number }> {
  return ctx.state.store.archiveStats(arn);
}

export async function createArchive(input: CreateArchiveRequest, ctx: Ctx): Promise<CreateArchiveResponse> {
  if (!/^[.\-_A-Za-z0-9]{1,48}$/.test(input.ArchiveName)) throw validation(`Archive name ${input.ArchiveName} is not valid.`);
  const { store } = ctx.state;
  return store.atomically(() => createArchiveNow(input, ctx));
}

/** The checks (bus there, name free) and the write, in one unit: of concurrent creates, one wins. */
async function createArchiveNow(input: CreateArchiveRequest, ctx: Ctx): Promise<CreateArchiveResponse> {
  const bus = await ctx.state.store.byArn<BusData>(input.EventSourceArn);
  if (!bus || bus.kind !== 'bus') throw notFound(`Event bus ${input.EventSourceArn.split('/').pop()} does not exist.`);
  if (await ctx.state.store.get('archive', ctx.account, ctx.region, input.ArchiveName)) throw alreadyExists(`Archive ${input.ArchiveName} already exists.`);
  if (input.EventPattern !== undefined) checkPattern(input.EventPattern);
  const now = ctx.clock.now();
  const arn = formatArn({ service: 'events', region: ctx.region, account: ctx.account, resource: `archive/${input.ArchiveName}` });
  const data: ArchiveData = { EventSourceArn: input.EventSourceArn, RetentionDays: input.RetentionDays ?? 0, State: 'ENABLED' };
  if (input.Description !== undefined) data.Description = input.Description;
  if (input.EventPattern !== undefined) data.EventPattern = input.EventPattern;
  if (input.KmsKeyIdentifier !== undefined) data.KmsKeyIdentifier = input.KmsKeyIdentifier;
  await ctx.state.store.put({ kind: 'archive', account: ctx.account, region: ctx.region, name: input.ArchiveName, arn, data, tags: {}, created: now, modified: now });
  return { ArchiveArn: arn, State: 'ENABLED', CreationTime: new Date(now) };
}

export async function describeArchive(input: DescribeArchiveRequest, ctx: Ctx): Promise<DescribeArchiveResponse> {
  const a = await requireArchive(ctx, input.ArchiveName);
  const s = await stats(ctx, a.arn);
  return {
    ArchiveArn: a.arn, ArchiveName: a.name, EventSourceArn: a.data.EventSourceArn, Description: a.data.Description, EventPattern: a.data.EventPattern,
    State: a.data.State, RetentionDays: a.data.RetentionDays, KmsKeyIdentifier: a.data.KmsKeyIdentifier, SizeBytes: s.size, EventCount: s.count, CreationTime: new Date(a.created),
  };
}

export async function updateArchive(input: UpdateArchiveRequest, ctx: Ctx): Promise<UpdateArchiveResponse> {
  return ctx.state.store.atomically(async () => {
    const a = await requireArchive(ctx, input.ArchiveName);
    if (input.EventPattern !== undefined) checkPattern(input.EventPattern);
    const data = { ...a.data };
    if (input.Description !== undefined) data.Description = input.Description;
    if (input.EventPattern !== undefined) data.EventPattern = input.EventPattern;
    if (input.RetentionDays !== undefined) data.RetentionDays = input.RetentionDays;
    if (input.KmsKeyIdentifier !== undefined) data.KmsKeyIdentifier = input.KmsKeyIdentifier;
    await ctx.state.store.put({ ...a, data, modified: ctx.clock.now() });
    return { ArchiveArn: a.arn, State: data.State, CreationTime: new Date(a.created) };
  });
}

export async function deleteArchive(input: DeleteArchiveRequest, ctx: Ctx): Promise<DeleteArchiveResponse> {
  await ctx.state.store.atomically(async () => {
    await requireArchive(ctx, input.ArchiveName);
    await ctx.state.store.delete('archive', ctx.account, ctx.region, input.ArchiveName);
  });
  return {};
}

export async function listArchives(input: ListArchivesRequest, ctx: Ctx): Promise<ListArchivesResponse> {
  let archives = await ctx.state.store.list<ArchiveData>('archive', ctx.account, ctx.region, input.NamePrefix ?? '', await decodeToken(ctx, input.NextToken));
  if (input.EventSourceArn) archives = archives.filter((a) => a.data.EventSourceArn === input.EventSourceArn);
  if (input.State) archives = archives.filter((a) => a.data.State === input.State);
  const p = await page(ctx, archives, input.Limit, (a) => a.name);
  const counted = await Promise.all(p.items.map((a) => stats(ctx, a.arn)));
  return {
    Archives: p.items.map((a, i) => {
      const s = counted[i];
      return { ArchiveName: a.name, EventSourceArn: a.data.EventSourceArn, State: a.data.State, RetentionDays: a.data.RetentionDays, SizeBytes: s.size, EventCount: s.count, CreationTime: new Date(a.created) };
    }),
    NextToken: p.next,
  };
}

export async function startReplay(input: StartReplayRequest, ctx: Ctx): Promise<StartReplayResponse> {
  if (!NAME_RE.test(input.ReplayName)) throw validation(`Replay name ${input.ReplayName} is not valid.`);
  const { now, arn } = await ctx.state.store.atomically(() => createReplay(input, ctx));
  const events = ctx.state;
  // The replay runs once StartReplay has answered. setImmediate, not a clock timer: this is not
  // time-based work, and it must run when a test has frozen the clock.
  setImmediate(() => runReplay(events, arn).catch((err) => ctx.log.error('events: replay failed', err)));
  return { ReplayArn: arn, State: 'STARTING', ReplayStartTime: new Date(now) };
}

/** The checks (archive there, name free) and the write, in one unit: of concurrent starts, one wins. */
async function createReplay(input: StartReplayRequest, ctx: Ctx): Promise<{ now: number; arn: string }> {
  const archive = await ctx.state.store.byArn<ArchiveData>(input.EventSourceArn);
  if (!archive || archive.kind !== 'archive') throw notFound(`Archive ${input.EventSourceArn.split('/').pop()} does not exist.`);
  if (input.Destination.Arn !== archive.data.EventSourceArn) throw validation('Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.');
  if (input.EventStartTime.getTime() >= input.EventEndTime.getTime()) throw validation('Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.');
  if (await ctx.state.store.get('replay', ctx.account, ctx.region, input.ReplayName)) throw alreadyExists(`Replay ${input.ReplayName} already exists.`);
  const now = ctx.clock.now();
  const arn = formatArn({ service: 'events', region: ctx.region, account: ctx.account, resource: `replay/${input.ReplayName}` });
  const data: ReplayData = {
    EventSourceArn: input.EventSourceArn, Description: input.Description, Destination: { Arn: input.Destination.Arn, FilterArns: input.Destination.FilterArns },
    EventStartTime: input.EventStartTime.getTime(), EventEndTime: input.EventEndTime.getTime(), State: 'STARTING', ReplayStartTime: now,
  };
  const replay = { kind: 'replay' as const, account: ctx.account, region: ctx.region, name: input.ReplayName, arn, data, tags: {}, created: now, modified: now };
  await ctx.state.store.put(replay);
  return { now, arn };
}

/**
 * Moves a replay from one state to the next when it is in `from` (one unit: a CancelReplay in
 * between is not overwritten); returns the replay as it was, or undefined when it was not in `from`.
 */
async function moveReplay(events: Ctx['state'], replayArn: string, from: (d: ReplayData) => boolean, to: (d: ReplayData) => ReplayData) {
  const store = events.store;
  return store.atomically(async () => {
    const replay = await store.byArn<ReplayData>(replayArn);
    if (!replay || !from(replay.data)) return undefined;
    await store.put({ ...replay, data: to(replay.data) });
    return replay;
  });
}

async function runReplay(events: Ctx['state'], replayArn: string): Promise<void> {
  const store = events.store;
  const replay = await moveReplay(events, replayArn, (d) => d.State === 'STARTING', (d) => ({ ...d, State: 'RUNNING' }));
  if (!replay) return;
  const [bus, rows] = await Promise.all([
    store.byArn<BusData>(replay.data.Destination.Arn),
    store.archivedEvents(replay.data.EventSourceArn, replay.data.EventStartTime, replay.data.EventEndTime),
  ]);
  let last: number | undefined;
  for (const row of rows) {
    const current = await store.byArn<ReplayData>(replayArn);
    if (!current || current.data.State === 'CANCELLING') break;
    if (!bus) break;
    const event = { ...(JSON.parse(row.event) as Event), 'replay-name': replay.name };
    await events.engine.putEvent(bus, event, { replay: { name: replay.name, rules: replay.data.Destination.FilterArns?.length ? replay.data.Destination.FilterArns : undefined } });
    last = row.time;
  }
  const end = store.env.clock.now();
  await moveReplay(events, replayArn, () => true, (d) => {
    const cancelled = d.State === 'CANCELLING';
    return { ...d, State: cancelled ? 'CANCELLED' : bus ? 'COMPLETED' : 'FAILED', StateReason: bus ? undefined : 'Destination event bus does not exist.', ReplayEndTime: end, EventLastReplayedTime: last };
  });
}

async function requireReplay(ctx: Ctx, name: string) {
  const r = await ctx.state.store.get<ReplayData>('replay', ctx.account, ctx.region, name);
  if (!r) throw notFound(`Replay ${name} does not exist.`);
  return r;
}

export async function describeReplay(input: DescribeReplayRequest, ctx: Ctx): Promise<DescribeReplayResponse> {
  const r = await requireReplay(ctx, input.ReplayName);
  const d = r.data;
  const date = (n?: number) => (n === undefined ? undefined : new Date(n));
  return {
    ReplayName: r.name, ReplayArn: r.arn, Description: d.Description, State: d.State, StateReason: d.StateReason, EventSourceArn: d.EventSourceArn,
    Destination: d.Destination, EventStartTime: new Date(d.EventStartTime), EventEndTime: new Date(d.EventEndTime),
    EventLastReplayedTime: date(d.EventLastReplayedTime), ReplayStartTime: date(d.ReplayStartTime), ReplayEndTime: date(d.ReplayEndTime),
  };
}

export async function cancelReplay(input: CancelReplayRequest, ctx: Ctx): Promise<CancelReplayResponse> {
  // The state check and the write are one unit: a replay that completes meanwhile is not un-completed.
  return ctx.state.store.atomically(async () => {
    const r = await requireReplay(ctx, input.ReplayName);
    if (r.data.State !== 'STARTING' && r.data.State !== 'RUNNING') throw new ServiceError('IllegalStatusException', `Replay ${r.name} is not in a state that can be cancelled.`, 400);
    await ctx.state.store.put({ ...r, data: { ...r.data, State: 'CANCELLING' } });
    return { ReplayArn: r.arn, State: 'CANCELLING' };
  });
}

export async function listReplays(input: ListReplaysRequest, ctx: Ctx): Promise<ListReplaysResponse> {
  let replays = await ctx.state.store.list<ReplayData>('replay', ctx.account, ctx.region, input.NamePrefix ?? '', await decodeToken(ctx, input.NextToken));
  if (input.State) replays = replays.filter((r) => r.data.State === input.State);
  if (input.EventSourceArn) replays = replays.filter((r) => r.data.EventSourceArn === input.EventSourceArn);
  const p = await page(ctx, replays, input.Limit, (r) => r.name);
  return {
    Replays: p.items.map((r) => ({
      ReplayName: r.name, EventSourceArn: r.data.EventSourceArn, State: r.data.State, StateReason: r.data.StateReason,
      EventStartTime: new Date(r.data.EventStartTime), EventEndTime: new Date(r.data.EventEndTime),
      EventLastReplayedTime: r.data.EventLastReplayedTime === undefined ? undefined : new Date(r.data.EventLastReplayedTime),
      ReplayStartTime: r.data.ReplayStartTime === undefined ? undefined : new Date(r.data.ReplayStartTime),
      ReplayEndTime: r.data.ReplayEndTime === undefined ? undefined : new Date(r.data.ReplayEndTime),
    })),
    NextToken: p.next,
  };
}
