// Event invoke configs: retries, maximum event age and destinations of asynchronous invocations, per
// function or per version/alias.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { FunctionRow } from '../store.ts';
import { functionArn, invalidParameter, isVersionNumber, notFound, parseFunctionName, validation } from '../names.ts';
import { findFunction, makeMarker, readIndexMarker, scope, unqualified } from './common.ts';

interface StoredInvokeConfig {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: T.DestinationConfig;
}

async function target(ctx: Ctx, name: string, qualifier: string | undefined): Promise<{ fn: FunctionRow; q: string }> {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = await findFunction(ctx, ref);
  const q = ref.qualifier ?? '';
  if (q && q !== '$LATEST') {
    const t = ctx.state.tables;
    if (isVersionNumber(q) ? !(await t.version(fn.id, q)) : !(await t.alias(fn.id, q))) {
      throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, q)}`);
    }
  }
  return { fn, q };
}

function check(c: StoredInvokeConfig): void {
  if (c.MaximumRetryAttempts !== undefined && (c.MaximumRetryAttempts < 0 || c.MaximumRetryAttempts > 2)) {
    throw validation('maximumRetryAttempts', String(c.MaximumRetryAttempts), `Member must have value ${c.MaximumRetryAttempts < 0 ? 'greater than or equal to 0' : 'less than or equal to 2'}`);
  }
  if (c.MaximumEventAgeInSeconds !== undefined && (c.MaximumEventAgeInSeconds < 60 || c.MaximumEventAgeInSeconds > 21600)) {
    throw validation('maximumEventAgeInSeconds', String(c.MaximumEventAgeInSeconds), `Member must have value ${c.MaximumEventAgeInSeconds < 60 ? 'greater than or equal to 60' : 'less than or equal to 21600'}`);
  }
  for (const d of [c.DestinationConfig?.OnSuccess?.Destination, c.DestinationConfig?.OnFailure?.Destination]) {
    if (d !== undefined && !/^arn:[^:]+:(sqs|sns|lambda|events|s3):/.test(d)) {
      throw invalidParameter(`The provided destination config DestinationConfig has an invalid ARN: ${d}. Destinations must be SQS queues, SNS topics, Lambda functions, EventBridge event buses or S3 buckets.`);
    }
  }
}

function describe(fn: FunctionRow, q: string, c: StoredInvokeConfig, modified: number): T.FunctionEventInvokeConfig {
  return {
    LastModified: new Date(modified),
    FunctionArn: functionArn(fn.account, fn.region, fn.name, q || undefined),
    MaximumRetryAttempts: c.MaximumRetryAttempts,
    MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds,
    DestinationConfig: c.DestinationConfig ?? { OnSuccess: {}, OnFailure: {} },
  };
}

export async function putFunctionEventInvokeConfig(input: T.PutFunctionEventInvokeConfigRequest, ctx: Ctx): Promise<T.FunctionEventInvokeConfig> {
  // The function is found and the config written in one unit: a delete between would leave the write nothing to belong to.
  return await ctx.state.tables.atomically(async () => {
    const { fn, q } = await target(ctx, input.FunctionName, input.Qualifier);
    const c: StoredInvokeConfig = { MaximumRetryAttempts: input.MaximumRetryAttempts, MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds, DestinationConfig: input.DestinationConfig };
    check(c);
    const now = ctx.clock.now();
    await ctx.state.tables.putInvokeConfig(fn.id, q, JSON.stringify(c), now);
    return describe(fn, q, c, now);
  });
}

export async function updateFunctionEventInvokeConfig(input: T.UpdateFunctionEventInvokeConfigRequest, ctx: Ctx): Promise<T.FunctionEventInvokeConfig> {
  const tables = ctx.state.tables;
  // Read, merge and write in one unit: concurrent updates of different members lose neither.
  return await tables.atomically(async () => {
    const { fn, q } = await target(ctx, input.FunctionName, input.Qualifier);
    const existing = await tables.invokeConfig(fn.id, q);
    const base = existing ? (JSON.parse(existing.config) as StoredInvokeConfig) : {};
    const c: StoredInvokeConfig = {
      MaximumRetryAttempts: input.MaximumRetryAttempts ?? base.MaximumRetryAttempts,
      MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds ?? base.MaximumEventAgeInSeconds,
      DestinationConfig: input.DestinationConfig
        ? {
            OnSuccess: input.DestinationConfig.OnSuccess ?? base.DestinationConfig?.OnSuccess,
            OnFailure: input.DestinationConfig.OnFailure ?? base.DestinationConfig?.OnFailure,
          }
        : base.DestinationConfig,
    };
    check(c);
    const now = ctx.clock.now();
    await tables.putInvokeConfig(fn.id, q, JSON.stringify(c), now);
    return describe(fn, q, c, now);
  });
}

export async function getFunctionEventInvokeConfig(input: T.GetFunctionEventInvokeConfigRequest, ctx: Ctx): Promise<T.FunctionEventInvokeConfig> {
  const { fn, q } = await target(ctx, input.FunctionName, input.Qualifier);
  const row = await ctx.state.tables.invokeConfig(fn.id, q);
  if (!row) throw notFound(`The function ${functionArn(fn.account, fn.region, fn.name, q || undefined)} doesn't have an EventInvokeConfig`);
  return describe(fn, q, JSON.parse(row.config) as StoredInvokeConfig, row.modified_at);
}

export async function deleteFunctionEventInvokeConfig(input: T.DeleteFunctionEventInvokeConfigRequest, ctx: Ctx): Promise<void> {
  const { fn, q } = await target(ctx, input.FunctionName, input.Qualifier);
  if (!(await ctx.state.tables.deleteInvokeConfig(fn.id, q))) {
    throw notFound(`The function ${functionArn(fn.account, fn.region, fn.name, q || undefined)} doesn't have an EventInvokeConfig`);
  }
}

export async function listFunctionEventInvokeConfigs(input: T.ListFunctionEventInvokeConfigsRequest, ctx: Ctx): Promise<T.ListFunctionEventInvokeConfigsResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = await ctx.state.tables.invokeConfigs(fn.id);
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    FunctionEventInvokeConfigs: all.slice(start, start + max).map((r) => describe(fn, r.qualifier, JSON.parse(r.config) as StoredInvokeConfig, r.modified_at)),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}

