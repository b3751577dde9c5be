// Event source mappings: SQS queues, DynamoDB streams and Kinesis streams feeding a function. Created
// in state Creating, then Enabled (or Disabled); updates go through Updating; deletion through
// Deleting. Pollers run in engine/mappings.ts.
import { randomUUID } from 'node:crypto';
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { MappingRow } from '../store.ts';
import { conflict, functionArn, invalidParameter, notFound, parseFunctionName, validation } from '../names.ts';
import { sourceKind, type MappingConfig, type SourceKind } from '../engine/mapping-config.ts';
import { parsePattern } from '../engine/event-filter.ts';
import { resolveTarget } from '../engine/target.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { makeMarker, readIndexMarker, scope } from './common.ts';
import { checkTags } from './tags.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

function mappingArn(row: Pick<MappingRow, 'account' | 'region' | 'uuid'>): string {
  return formatArn({ service: 'lambda', region: row.region, account: row.account, resource: `event-source-mapping:${row.uuid}` });
}

function describe(row: MappingRow): T.EventSourceMappingConfiguration {
  const c = JSON.parse(row.config) as MappingConfig;
  const kind = sourceKind(c.EventSourceArn);
  const stream = kind !== 'sqs';
  return {
    UUID: row.uuid,
    BatchSize: c.BatchSize,
    MaximumBatchingWindowInSeconds: c.MaximumBatchingWindowInSeconds,
    EventSourceArn: c.EventSourceArn,
    FilterCriteria: c.FilterCriteria,
    FunctionArn: row.function_arn,
    LastModified: new Date(row.last_modified),
    State: row.state,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: c.FunctionResponseTypes ?? [],
    EventSourceMappingArn: mappingArn(row),
    ...(kind === 'sqs' && c.ScalingConfig ? { ScalingConfig: c.ScalingConfig } : {}),
    ...(stream
      ? {
          LastProcessingResult: row.last_result,
          StartingPosition: c.StartingPosition,
          StartingPositionTimestamp: c.StartingPositionTimestamp !== undefined ? new Date(c.StartingPositionTimestamp) : undefined,
          ParallelizationFactor: c.ParallelizationFactor ?? 1,
          DestinationConfig: c.DestinationConfig ?? { OnFailure: {} },
          MaximumRecordAgeInSeconds: c.MaximumRecordAgeInSeconds ?? -1,
          BisectBatchOnFunctionError: c.BisectBatchOnFunctionError ?? false,
          MaximumRetryAttempts: c.MaximumRetryAttempts ?? -1,
          TumblingWindowInSeconds: c.TumblingWindowInSeconds ?? 0,
        }
      : {}),
  };
}

type Options = Partial<T.CreateEventSourceMappingRequest> & Partial<T.UpdateEventSourceMappingRequest>;

/** Applies and checks the options of a create or update request. */
function applyOptions(kind: SourceKind, c: MappingConfig, input: Options): MappingConfig {
  const out: MappingConfig = { ...c };
  const set = <K extends keyof MappingConfig>(k: K, v: MappingConfig[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('BatchSize', input.BatchSize);
  set('MaximumBatchingWindowInSeconds', input.MaximumBatchingWindowInSeconds);
  set('FunctionResponseTypes', input.FunctionResponseTypes);
  if (input.FilterCriteria !== undefined) {
    const filters = input.FilterCriteria.Filters ?? [];
    if (filters.length > 5) throw invalidParameter('The maximum number of filters is 5.');
    for (const f of filters) parsePattern(f.Pattern ?? '');
    out.FilterCriteria = filters.length ? input.FilterCriteria : undefined;
  }
  if (kind === 'sqs') {
    for (const k of ['StartingPosition', 'MaximumRecordAgeInSeconds', 'BisectBatchOnFunctionError', 'MaximumRetryAttempts', 'ParallelizationFactor', 'DestinationConfig', 'TumblingWindowInSeconds'] as const) {
      if (input[k] !== undefined) throw invalidParameter(`The parameter ${k} is not supported for SQS event sources.`);
    }
    if (input.ScalingConfig !== undefined) {
      const m = input.ScalingConfig.MaximumConcurrency;
      if (m !== undefined && (m < 2 || m > 1000)) throw validation('scalingConfig.maximumConcurrency', String(m), 'Member must have value between 2 and 1000');
      out.ScalingConfig = input.ScalingConfig;
    }
    const fifo = out.EventSourceArn.endsWith('.fifo');
    const size = out.BatchSize ?? 10;
    if (size < 1 || size > (fifo ? 10 : 10000)) throw invalidParameter(`BatchSize must be between 1 and ${fifo ? 10 : 10000} for ${fifo ? 'FIFO ' : ''}SQS event sources.`);
    if (size > 10 && !(out.MaximumBatchingWindowInSeconds ?? 0)) {
      throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    }
    out.BatchSize = size;
    out.MaximumBatchingWindowInSeconds ??= 0;
  } else {
    if (input.ScalingConfig !== undefined) throw invalidParameter('ScalingConfig is only supported for SQS event sources.');
    set('StartingPosition', input.StartingPosition);
    if (input.StartingPositionTimestamp !== undefined) out.StartingPositionTimestamp = new Date(input.StartingPositionTimestamp).getTime();
    set('MaximumRecordAgeInSeconds', input.MaximumRecordAgeInSeconds);
    set('BisectBatchOnFunctionError', input.BisectBatchOnFunctionError);
    set('MaximumRetryAttempts', input.MaximumRetryAttempts);
    set('ParallelizationFactor', input.ParallelizationFactor);
    set('DestinationConfig', input.DestinationConfig);
    set('TumblingWindowInSeconds', input.TumblingWindowInSeconds);
    if (!out.StartingPosition) throw invalidParameter('1 validation error detected: Value null at \'startingPosition\' failed to satisfy constraint: Member must not be null');
    const positions = kind === 'kinesis' ? ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] : ['TRIM_HORIZON', 'LATEST'];
    if (!positions.includes(out.StartingPosition)) throw validation('startingPosition', out.StartingPosition, `Member must satisfy enum value set: [${positions.join(', ')}]`);
    const size = out.BatchSize ?? 100;
    if (size < 1 || size > 10000) throw validation('batchSize', String(size), 'Member must have value between 1 and 10000');
    out.BatchSize = size;
    out.MaximumBatchingWindowInSeconds ??= 0;
    const r = out.MaximumRetryAttempts;
    if (r !== undefined && (r < -1 || r > 10000)) throw validation('maximumRetryAttempts', String(r), 'Member must have value between -1 and 10000');
    const a = out.MaximumRecordAgeInSeconds;
    if (a !== undefined && a !== -1 && (a < 60 || a > 604800)) throw validation('maximumRecordAgeInSeconds', String(a), 'Member must have value between -1 and 604800');
    const p = out.ParallelizationFactor;
    if (p !== undefined && (p < 1 || p > 10)) throw validation('parallelizationFactor', String(p), 'Member must have value between 1 and 10');
    const d = out.DestinationConfig?.OnFailure?.Destination;
    if (d && !/^arn:[^:]+:(sqs|sns|s3):/.test(d)) throw invalidParameter(`The provided destination config DestinationConfig has an invalid ARN: ${d}`);
  }
  const w = out.MaximumBatchingWindowInSeconds;
  if (w !== undefined && (w < 0 || w > 300)) throw validation('maximumBatchingWindowInSeconds', String(w), 'Member must have value between 0 and 300');
  for (const t of out.FunctionResponseTypes ?? []) {
    if (t !== 'ReportBatchItemFailures') throw validation('functionResponseTypes', t, 'Member must satisfy enum value set: [ReportBatchItemFailures]');
  }
  return out;
}

/** The function ARN a mapping points at (qualified when the name carried a version or alias). */
async function resolveFunction(ctx: Ctx, name: string): Promise<string> {
  const ref = parseFunctionName(name, scope(ctx));
  await resolveTarget(ctx.state.tables, ref, () => 1);
  return functionArn(ref.account, ref.region, ref.name, ref.qualifier);
}

/**
 * Creating / Updating becomes Enabled or Disabled once the answer has gone, and the pollers follow.
 * setImmediate, not the clock: a test that holds the virtual clock still must not see its mappings
 * stay Creating.
 */
function settle(ctx: Ctx, uuid: string): void {
  setImmediate(() => {
    const t = ctx.state.tables;
    t.atomically(async () => {
      const row = await t.mapping(uuid);
      if (!row || row.state === 'Deleting') return false;
      const enabled = (JSON.parse(row.config) as MappingConfig).Enabled;
      await t.setMappingState(uuid, enabled ? 'Enabled' : 'Disabled');
      return true;
    })
      .then((settled) => (settled ? ctx.state.mappings.sync(uuid) : undefined))
      .catch((err) => ctx.env.log.error(`lambda: settling event source mapping ${uuid} failed`, err));
  });
}

export async function createEventSourceMapping(input: T.CreateEventSourceMappingRequest, ctx: Ctx): Promise<T.EventSourceMappingConfiguration> {
  const source = input.EventSourceArn;
  if (!source) throw invalidParameter('Unrecognized event source, must be kafka or specify an EventSourceArn.');
  const kind = sourceKind(source);
  if (!kind) throw invalidParameter(`Unrecognized event source: ${source}. Fogbank maps SQS queues, DynamoDB streams and Kinesis streams.`);
  const t = ctx.state.tables;
  // From the duplicate check to the insert, one unit: of two creates for one source and function, one is made.
  const row = await t.atomically(async () => {
    const fnArn = await resolveFunction(ctx, input.FunctionName);
    if (input.Tags) checkTags(input.Tags);
    for (const m of await t.mappings(ctx.account, ctx.region)) {
      if ((JSON.parse(m.config) as MappingConfig).EventSourceArn === source && m.function_arn === fnArn) {
        throw conflict(`The event source arn (" ${source} ") and function (" ${fnArn.split(':')[6]} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${m.uuid}`);
      }
    }
    const config = applyOptions(kind, { EventSourceArn: source, Enabled: input.Enabled ?? true, Tags: input.Tags }, input);
    const now = ctx.clock.now();
    const row: MappingRow = { uuid: randomUUID(), account: ctx.account, region: ctx.region, function_arn: fnArn, config: JSON.stringify(config), state: 'Creating', created_at: now, last_modified: now, last_result: 'No records processed' };
    await t.putMapping(row);
    return row;
  });
  settle(ctx, row.uuid);
  return describe(row);
}

async function find(ctx: Ctx, uuid: string): Promise<MappingRow> {
  const row = await ctx.state.tables.mapping(uuid);
  if (!row || row.account !== ctx.account || row.region !== ctx.region) {
    throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${ctx.requestId})`);
  }
  return row;
}

export async function getEventSourceMapping(input: T.GetEventSourceMappingRequest, ctx: Ctx): Promise<T.EventSourceMappingConfiguration> {
  return describe(await find(ctx, input.UUID));
}

export async function updateEventSourceMapping(input: T.UpdateEventSourceMappingRequest, ctx: Ctx): Promise<T.EventSourceMappingConfiguration> {
  // The state check and the move to Updating in one unit: of two updates at once, one is refused.
  const updated = await ctx.state.tables.atomically(async () => {
    const row = await find(ctx, input.UUID);
    if (row.state === 'Creating' || row.state === 'Updating' || row.state === 'Deleting') {
      throw resourceInUse(row);
    }
    const c = JSON.parse(row.config) as MappingConfig;
    const kind = sourceKind(c.EventSourceArn)!;
    const config = applyOptions(kind, { ...c, Enabled: input.Enabled ?? c.Enabled }, input);
    const updated: MappingRow = {
      ...row,
      function_arn: input.FunctionName !== undefined ? await resolveFunction(ctx, input.FunctionName) : row.function_arn,
      config: JSON.stringify(config),
      state: 'Updating',
      last_modified: ctx.clock.now(),
    };
    await ctx.state.tables.putMapping(updated);
    return updated;
  });
  settle(ctx, updated.uuid);
  return describe(updated);
}

function resourceInUse(row: MappingRow): ServiceError {
  return new ServiceError('ResourceInUseException', `Cannot update the event source mapping because it is in use. (state: ${row.state})`, { status: 400, fields: { Type: 'User' } });
}

export async function deleteEventSourceMapping(input: T.DeleteEventSourceMappingRequest, ctx: Ctx): Promise<T.EventSourceMappingConfiguration> {
  const row = await find(ctx, input.UUID);
  await ctx.state.tables.deleteMapping(row.uuid);
  // After the row is gone: a sync that read it before cannot start the pollers again (see MappingEngine.remove).
  ctx.state.mappings.remove(row.uuid);
  return describe({ ...row, state: 'Deleting' });
}

export async function listEventSourceMappings(input: T.ListEventSourceMappingsRequest, ctx: Ctx): Promise<T.ListEventSourceMappingsResponse> {
  const max = input.MaxItems ?? 100;
  if (max < 1 || max > 10000) throw validation('maxItems', String(max), 'Member must have value between 1 and 10000');
  let fnArn: string | undefined;
  if (input.FunctionName !== undefined) {
    const ref = parseFunctionName(input.FunctionName, scope(ctx));
    fnArn = functionArn(ref.account, ref.region, ref.name, ref.qualifier);
  }
  const all = (await ctx.state.tables.mappings(ctx.account, ctx.region)).filter((m) => {
    if (input.EventSourceArn !== undefined && (JSON.parse(m.config) as MappingConfig).EventSourceArn !== input.EventSourceArn) return false;
    if (fnArn !== undefined && m.function_arn !== fnArn && !(fnArn.split(':').length === 7 && m.function_arn.startsWith(`${fnArn}:`))) return false;
    return true;
  });
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    EventSourceMappings: all.slice(start, start + max).map(describe),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}
