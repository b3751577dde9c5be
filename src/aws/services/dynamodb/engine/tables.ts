// Tables as the API shows them: descriptions, status transitions on the clock, and the lookups every
// operation starts with.
import type { RequestContext } from '../../../../core/service.ts';
import type { TimerHandle } from '../../../../core/clock.ts';
import type { DynamoStore } from '../store.ts';
import type { IndexSpec, TableSpec } from './schema.ts';
import { tableNotFound } from '../errors.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

export type Ctx = RequestContext<DynamoStore>;

/** The table an item operation names; tables being created or deleted are not found yet (or any more). */
export async function itemTable(ctx: Ctx, name: string): Promise<TableSpec> {
  const spec = ctx.state.cachedTable(ctx.account, ctx.region, name) ?? (await ctx.state.table(ctx.account, ctx.region, name));
  if (!spec || spec.status === 'CREATING' || spec.status === 'DELETING') throw tableNotFound();
  return spec;
}

/** The table a control-plane operation names (any status). */
export async function anyTable(ctx: Ctx, name: string): Promise<TableSpec> {
  const spec = await ctx.state.table(ctx.account, ctx.region, name);
  if (!spec) throw tableNotFound(name);
  return spec;
}

/** Table names may also be given as ARNs (since 2024). */
export function tableNameOf(nameOrArn: string): string {
  const m = /^arn:aws[\w-]*:dynamodb:[^:]*:\d{12}:table\/([^/]+)$/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}

const timers = new WeakMap<DynamoStore, Set<TimerHandle>>();

/**
 * Runs `fn` after the configured status delay on the clock (at once when the delay is 0, which is
 * the default: Fogbank's tables are created as fast as the response can be read). Call it after the
 * unit that started the transition has committed: fn runs its own.
 */
export async function afterStatusDelay(store: DynamoStore, fn: () => Promise<void>): Promise<void> {
  const delay = store.settings.tableStatusDelayMs;
  if (delay <= 0) return await fn();
  let set = timers.get(store);
  if (!set) {
    timers.set(store, (set = new Set()));
    const pending = set;
    store.resetHooks.push(() => {
      for (const h of pending) store.env.clock.clearTimeout(h);
      pending.clear();
    });
  }
  const pending = set;
  const h = store.env.clock.setTimeout(() => {
    pending.delete(h);
    fn().catch((err: unknown) => store.env.log.error('dynamodb: a table status change failed', err));
  }, delay);
  pending.add(h);
}

function throughputDescription(t: TableSpec['throughput'] | IndexSpec['throughput'], payPerRequest: boolean) {
  const out: Record<string, unknown> = {
    NumberOfDecreasesToday: t?.decreasesToday ?? 0,
    ReadCapacityUnits: payPerRequest ? 0 : (t?.read ?? 0),
    WriteCapacityUnits: payPerRequest ? 0 : (t?.write ?? 0),
  };
  if (t?.lastIncrease) out.LastIncreaseDateTime = new Date(t.lastIncrease);
  if (t?.lastDecrease) out.LastDecreaseDateTime = new Date(t.lastDecrease);
  return out;
}

export function indexArn(spec: TableSpec, index: IndexSpec): string {
  return `${spec.arn}/index/${index.name}`;
}

export async function describeTable(store: DynamoStore, spec: TableSpec): Promise<Record<string, unknown>> {
  const ppr = spec.billingMode === 'PAY_PER_REQUEST';
  const counts = await store.counts(spec.id);
  const indexCounts = new Map<number, { items: number; bytes: number }>();
  for (const ix of [...spec.lsis, ...spec.gsis]) indexCounts.set(ix.id, await store.indexCounts(ix.id));
  const d: Record<string, unknown> = {
    AttributeDefinitions: spec.attributeDefinitions,
    TableName: spec.name,
    KeySchema: spec.keySchema,
    TableStatus: spec.status,
    CreationDateTime: new Date(spec.createdAt),
    ProvisionedThroughput: throughputDescription(spec.throughput, ppr),
    TableSizeBytes: counts.bytes,
    ItemCount: counts.items,
    TableArn: spec.arn,
    TableId: spec.tableId,
  };
  if (ppr || spec.billingModeSet) {
    d.BillingModeSummary = { BillingMode: spec.billingMode, ...(ppr ? { LastUpdateToPayPerRequestDateTime: new Date(spec.payPerRequestSince ?? spec.createdAt) } : {}) };
  }
  if (spec.lsis.length) {
    d.LocalSecondaryIndexes = spec.lsis.map((ix) => {
      const c = indexCounts.get(ix.id)!;
      return { IndexName: ix.name, KeySchema: ix.keySchema, Projection: ix.projection, IndexSizeBytes: c.bytes, ItemCount: c.items, IndexArn: indexArn(spec, ix) };
    });
  }
  if (spec.gsis.length) {
    d.GlobalSecondaryIndexes = spec.gsis.map((ix) => {
      const c = indexCounts.get(ix.id)!;
      const g: Record<string, unknown> = {
        IndexName: ix.name,
        KeySchema: ix.keySchema,
        Projection: ix.projection,
        IndexStatus: ix.status,
        ProvisionedThroughput: throughputDescription(ix.throughput, ppr),
        IndexSizeBytes: c.bytes,
        ItemCount: c.items,
        IndexArn: indexArn(spec, ix),
      };
      if (ix.status === 'CREATING') g.Backfilling = !!ix.backfilling;
      if (ix.onDemand) g.OnDemandThroughput = ix.onDemand;
      g.WarmThroughput = { ReadUnitsPerSecond: ix.warm?.ReadUnitsPerSecond ?? 12000, WriteUnitsPerSecond: ix.warm?.WriteUnitsPerSecond ?? 4000, Status: ix.status === 'ACTIVE' ? 'ACTIVE' : 'UPDATING' };
      return g;
    });
  }
  if (spec.stream.enabled) d.StreamSpecification = { StreamEnabled: true, StreamViewType: spec.stream.viewType };
  if (spec.stream.label) {
    d.LatestStreamLabel = spec.stream.label;
    d.LatestStreamArn = spec.stream.arn;
  }
  if (spec.restoreSummary) {
    d.RestoreSummary = { ...spec.restoreSummary, RestoreDateTime: new Date(spec.restoreSummary.RestoreDateTime) };
  }
  if (spec.sse?.enabled) {
    d.SSEDescription = {
      Status: 'ENABLED',
      SSEType: 'KMS',
      KMSMasterKeyArn: spec.sse.kmsKey ?? formatArn({ service: 'kms', region: spec.region, account: spec.account, resource: 'key/aws/dynamodb' }),
    };
  }
  if (spec.tableClass) d.TableClassSummary = { TableClass: spec.tableClass, ...(spec.tableClassUpdated ? { LastUpdateDateTime: new Date(spec.tableClassUpdated) } : {}) };
  d.DeletionProtectionEnabled = spec.deletionProtection;
  if (spec.onDemand) d.OnDemandThroughput = spec.onDemand;
  d.WarmThroughput = {
    ReadUnitsPerSecond: spec.warm?.ReadUnitsPerSecond ?? 12000,
    WriteUnitsPerSecond: spec.warm?.WriteUnitsPerSecond ?? 4000,
    Status: spec.status === 'ACTIVE' ? 'ACTIVE' : 'UPDATING',
  };
  return d;
}
