// Reserved concurrency (enforced by the executor: TooManyRequestsException past it), provisioned
// concurrency (environments started ahead and kept warm), and the account's settings.
import type * as T from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { functionArn, invalidParameter, isVersionNumber, lambdaTime, notFound, parseFunctionName, validation } from '../names.ts';
import { resolveTarget } from '../engine/target.ts';
import { findFunction, makeMarker, readIndexMarker, scope, unqualified } from './common.ts';

/** Lambda keeps 100 of the account's 1000 concurrent executions unreserved. */
const ACCOUNT_CONCURRENCY = 1000;
const UNRESERVED_MINIMUM = 100;

export function putFunctionConcurrency(input: T.PutFunctionConcurrencyRequest, ctx: Ctx): T.Concurrency {
  const { fn } = unqualified(ctx, input.FunctionName);
  const n = input.ReservedConcurrentExecutions;
  if (n < 0) throw validation('reservedConcurrentExecutions', String(n), 'Member must have value greater than or equal to 0');
  const t = ctx.state.tables;
  const others = t.reservedTotal(fn.account, fn.region) - (fn.reserved_concurrency ?? 0);
  if (others + n > ACCOUNT_CONCURRENCY - UNRESERVED_MINIMUM) {
    throw invalidParameter(
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${UNRESERVED_MINIMUM}].`,
    );
  }
  t.setFunction(fn.id, 'reserved_concurrency', n);
  return { ReservedConcurrentExecutions: n };
}

export function getFunctionConcurrency(input: T.GetFunctionConcurrencyRequest, ctx: Ctx): T.GetFunctionConcurrencyResponse {
  const { fn } = unqualified(ctx, input.FunctionName);
  return fn.reserved_concurrency === null ? {} : { ReservedConcurrentExecutions: fn.reserved_concurrency };
}

export function deleteFunctionConcurrency(input: T.DeleteFunctionConcurrencyRequest, ctx: Ctx): void {
  const { fn } = unqualified(ctx, input.FunctionName);
  ctx.state.tables.setFunction(fn.id, 'reserved_concurrency', null);
}

function provisionedQualifier(ctx: Ctx, name: string, qualifier: string) {
  const ref = parseFunctionName(name, scope(ctx), qualifier);
  const fn = findFunction(ctx, ref);
  if (qualifier === '$LATEST') throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
  const t = ctx.state.tables;
  if (isVersionNumber(qualifier) ? !t.version(fn.id, qualifier) : !t.alias(fn.id, qualifier)) {
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

export function putProvisionedConcurrencyConfig(input: T.PutProvisionedConcurrencyConfigRequest, ctx: Ctx): T.PutProvisionedConcurrencyConfigResponse {
  const n = input.ProvisionedConcurrentExecutions;
  if (n < 1) throw validation('provisionedConcurrentExecutions', String(n), 'Member must have value greater than or equal to 1');
  const { ref, fn } = provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
  const t = ctx.state.tables;
  if (fn.reserved_concurrency !== null) {
    const others = t.provisionedAll(fn.id).filter((p) => p.qualifier !== input.Qualifier).reduce((s, p) => s + p.requested, 0);
    if (others + n > fn.reserved_concurrency) {
      throw invalidParameter(`Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function`);
    }
  }
  const now = ctx.clock.now();
  t.putProvisioned(fn.id, input.Qualifier, n, 'IN_PROGRESS', now);
  const target = resolveTarget(t, { ...ref, qualifier: input.Qualifier }, () => 1);
  // Environments start in the background; the config is READY once they have initialized.
  void ctx.state.executor.provision(target, n).then(() => {
    const p = t.provisioned(fn.id, input.Qualifier);
    if (p && p.requested === n) t.putProvisioned(fn.id, input.Qualifier, n, 'READY', p.modified_at);
  });
  return describeProvisioned({ requested: n, status: 'IN_PROGRESS', modified_at: now }, 0);
}

export function getProvisionedConcurrencyConfig(input: T.GetProvisionedConcurrencyConfigRequest, ctx: Ctx): T.GetProvisionedConcurrencyConfigResponse {
  const { fn } = provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
  const p = ctx.state.tables.provisioned(fn.id, input.Qualifier);
  if (!p) {
    throw new ServiceError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`, { status: 404, fields: { Type: 'User' } });
  }
  return describeProvisioned(p, 0);
}

export function deleteProvisionedConcurrencyConfig(input: T.DeleteProvisionedConcurrencyConfigRequest, ctx: Ctx): void {
  const { fn } = provisionedQualifier(ctx, input.FunctionName, input.Qualifier);
  if (!ctx.state.tables.deleteProvisioned(fn.id, input.Qualifier)) {
    throw new ServiceError('ProvisionedConcurrencyConfigNotFoundException', `No Provisioned Concurrency Config found for this function`, { status: 404, fields: { Type: 'User' } });
  }
}

export function listProvisionedConcurrencyConfigs(input: T.ListProvisionedConcurrencyConfigsRequest, ctx: Ctx): T.ListProvisionedConcurrencyConfigsResponse {
  const { fn } = unqualified(ctx, input.FunctionName);
  const max = input.MaxItems ?? 50;
  if (max < 1 || max > 50) throw validation('maxItems', String(max), 'Member must have value between 1 and 50');
  const all = ctx.state.tables.provisionedAll(fn.id);
  const start = readIndexMarker(ctx, input.Marker);
  return {
    ProvisionedConcurrencyConfigs: all.slice(start, start + max).map((p) => ({
      FunctionArn: functionArn(fn.account, fn.region, fn.name, p.qualifier),
      ...describeProvisioned(p, 0),
    })),
    NextMarker: start + max < all.length ? makeMarker(ctx, start + max) : undefined,
  };
}

export function getAccountSettings(_input: T.GetAccountSettingsRequest, ctx: Ctx): T.GetAccountSettingsResponse {
  const t = ctx.state.tables;
  const fns = t.functions(ctx.account, ctx.region, '', 1_000_000);
  let total = 0;
  for (const f of fns) for (const v of t.versions(f.id)) total += v.code_size;
  for (const name of t.layerNames(ctx.account, ctx.region)) for (const l of t.layerVersions(ctx.account, ctx.region, name)) total += l.code_size;
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: ACCOUNT_CONCURRENCY,
      UnreservedConcurrentExecutions: ACCOUNT_CONCURRENCY - t.reservedTotal(ctx.account, ctx.region),
    },
    AccountUsage: { TotalCodeSize: total, FunctionCount: fns.length },
  };
}
