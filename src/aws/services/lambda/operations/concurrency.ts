// Reserved concurrency (enforced by the executor: TooManyRequestsException past it), provisioned
// concurrency (environments started ahead and kept warm), and the account's settings.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { functionArn, functionNotFound, invalidParameter, isVersionNumber, lambdaTime, notFound, parseFunctionName, validation } from '../names.ts';
import { resolveTarget } from '../engine/target.ts';
import { findFunction, makeMarker, readIndexMarker, scope, unqualified } from './common.ts';

/** Lambda keeps 100 of the account's 1000 concurrent executions unreserved. */
const ACCOUNT_CONCURRENCY = 1000;
const UNRESERVED_MINIMUM = 100;

export async function putFunctionConcurrency(input: T.PutFunctionConcurrencyRequest, ctx: Ctx): Promise<T.Concurrency> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  const n = input.ReservedConcurrentExecutions;
  if (n < 0) throw validation('reservedConcurrentExecutions', String(n), 'Member must have value greater than or equal to 0');
  const t = ctx.state.tables;
  // The account's quota is read and the reservation written in one unit: concurrent reservations
  // never leave less than the unreserved minimum between them.
  await t.atomically(async () => {
    const current = await t.fnById(fn.id);
    if (!current) throw functionNotFound({ account: fn.account, region: fn.region, name: fn.name });
    const others = (await t.reservedTotal(fn.account, fn.region)) - (current.reserved_concurrency ?? 0);
    if (others + n > ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM) {
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${UNRESERVED_MINIMUM}].`,
      );
    }
    await t.setFunction(fn.id, 'reserved_concurrency', n);
  });
  return { ReservedConcurrentExecutions: n };
}

export async function getFunctionConcurrency(input: T.GetFunctionConcurrencyRequest, ctx: Ctx): Promise<T.GetFunctionConcurrencyResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  return fn.reserved_concurrency === null ? {} : { ReservedConcurrentExecutions: fn.reserved_concurrency };
}

export async function deleteFunctionConcurrency(input: T.DeleteFunctionConcurrencyRequest, ctx: Ctx): Promise<void> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  await ctx.state.tables.setFunction(fn.id, 'reserved_concurrency', null);
}

async function provisionedQualifier(ctx: Ctx, name: string, qualifier: string) {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = await findFunction(ctx, ref);
  if (qualifier === '$LATEST') throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
  const t = ctx.state.tables;
  if (isVersionNumber(qualifier) ? !(await t.version(fn.id, qualifier)) : !(await t.alias(fn.id, qualifier))) {
    throw notFound(`Function not found: ${functionArn(fn.account, fn.region, fn.name, qualifier)}`);
  }
  return { ref, fn };
}

function describeProvisioned(p: { requested: number; status: string; modified_at: number }, ready: number) {
  return {
    RequestedProvisionedConcurrentExecutions: p.requested,
    AvailableProvisionedConcurrentExecutions: p.status === 'READY' ? p.requested : ready,
    AllocatedProvisionedConcurrentExecutions: p.status === 'READY' ? p.requested : ready,
    Status: p.status,
    LastModified: lambdaTime(p.modified_at),
  };
}

export async function putProvisionedConcurrencyConfig(input: T.PutProvisionedConcurrencyConfigRequest, ctx: Ctx): Promise<T.PutProvisionedConcurrencyConfigResponse> {
  const n = input.ProvisionedConcurrentExecutions;
  if (n < 1) throw validation('provisionedConcurrentExecutions', String(n), 'Member must have value greater than or equal to 1');
  const t = ctx.state.tables;
  const now = ctx.clock.now();
  // The qualifier, the function's reservation and the other configs are read, and the config written, in one unit.
  const ref = await t.atomically(async () => {
    const { ref, fn } = await provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
    if (fn.reserved_concurrency !== null) {
      const others = (await t.provisionedAll(fn.id)).filter((p) => p.qualifier !== input.Qualifier).reduce((s, p) => s + p.requested, 0);
      if (others + n > fn.reserved_concurrency) {
        throw invalidParameter(`Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function`);
      }
    }
    await t.putProvisioned(fn.id, input.Qualifier, n, 'IN_PROGRESS', now);
    return { ...ref, id: fn.id };
  });
  const target = await resolveTarget(t, { ...ref, qualifier: input.Qualifier }, () => 1);
  // Environments start in the background; the config is READY once they have initialized (unless
  // it has been changed or deleted since).
  void ctx.state.executor
    .provision(target, n)
    .then(() => t.provisionedReady(ref.id, input.Qualifier, n))
    .catch((err) => ctx.env.log.error(`lambda: provisioning ${target.invokedArn} failed`, err));
  return describeProvisioned({ requested: n, status: 'IN_PROGRESS', modified_at: now }, 0);
}

export async function getProvisionedConcurrencyConfig(input: T.GetProvisionedConcurrencyConfigRequest, ctx: Ctx): Promise<T.GetProvisionedConcurrencyConfigResponse> {
  const { fn } = await provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
  const p = await ctx.state.tables.provisioned(fn.id, input.Qualifier);
  if (!p) {
    throw new ServiceError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`, { status: 404, fields: { Type: 'User' } });
  }
  return describeProvisioned(p, 0);
}

export async function deleteProvisionedConcurrencyConfig(input: T.DeleteProvisionedConcurrencyConfigRequest, ctx: Ctx): Promise<void> {
  const { fn } = await provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
  if (!(await ctx.state.tables.deleteProvisioned(fn.id, input.Qualifier))) {
    throw new ServiceError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`, { status: 404, fields: { Type: 'User' } });
  }
}

export async function listProvisionedConcurrencyConfigs(input: T.ListProvisionedConcurrencyConfigsRequest, ctx: Ctx): Promise<T.ListProvisionedConcurrencyConfigsResponse> {
  const { fn } = await unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = await ctx.state.tables.provisionedAll(fn.id);
  const start = await readIndexMarker(ctx, input.Marker);
  return {
    ProvisionedConcurrencyConfigs: all.slice(start, start + max).map((p) => ({
      FunctionArn: functionArn(fn.account, fn.region, fn.name, p.qualifier),
      ...describeProvisioned(p, 0),
    })),
    NextMarker: start + max < all.length ? await makeMarker(ctx, start + max) : undefined,
  };
}

export async function getAccountSettings(_input: T.GetAccountSettingsRequest, ctx: Ctx): Promise<T.GetAccountSettingsResponse> {
  const t = ctx.state.tables;
  const usage = await t.usage(ctx.account, ctx.region);
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: ACCOUNT_CONCURRENCY,
      UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - (await t.reservedTotal(ctx.account, ctx.region)),
    },
    AccountUsage: { TotalCodeSize: usage.codeSize, FunctionCount: usage.functions },
  };
}
