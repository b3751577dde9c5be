// Tags, resource policies, limits, endpoints, and the settings-only features (contributor insights,
// Kinesis streaming destinations, point-in-time recovery settings).
import type { DynamodbHandlers } from '../generated/types.ts';
import type { DynamoStore } from '../store.ts';
import type { TableSpec } from '../engine/schema.ts';
import { anyTable, tableNameOf, type Ctx } from '../engine/tables.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { resourceNotFound, validation } from '../errors.ts';
import { checks } from './validate.ts';
import { indexTokens } from '../page-tokens.ts';
import { removeTags, tagMap, validateTags, type TagRules } from '../../../../core/resources/tags.ts';

type H = DynamodbHandlers;

/** The table an ARN names (tables, their indexes and streams share the table's ARN prefix). */
async function tableOfArn(ctx: Ctx, arn: string): Promise<TableSpec> {
  const m = /^arn:aws[\w-]*:dynamodb:([^:]+):(\d{12}):table\/([^/]+)/.exec(arn);
  if (!m) throw validation(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  const store: DynamoStore = ctx.state;
  const spec = m[1] === ctx.region && m[2] === ctx.account ? await store.table(m[2], m[1], m[3]) : undefined;
  if (!spec || spec.status === 'DELETING') throw resourceNotFound(`Requested resource not found: ResourcArn: ${arn} not found`);
  return spec;
}

/** DynamoDB's tag rules and words: each tag's lengths (in the model's words) and prefix, then the count. */
const DYNAMODB_TAGS: TagRules = {
  error: (p) => {
    switch (p.kind) {
      case 'key':
      case 'value':
        try {
          checks().length('tags.member.key', p.key, 1, 128).length('tags.member.value', p.value, 0, 256).done();
        } catch (err) {
          return err as Error;
        }
        return validation('One or more parameter values were invalid: invalid tag');
      case 'reserved':
        return validation('One or more parameter values were invalid: Tag key cannot start with the aws: prefix');
      default:
        return new ServiceError('LimitExceededException', 'One or more parameter values were invalid: The number of tags exceeds the limit of 50 for the resource', 400);
    }
  },
};

export const tagResource: H['TagResource'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await tableOfArn(ctx, input.ResourceArn);
    validateTags(input.Tags, { ...DYNAMODB_TAGS, max: Infinity });
    // A Map keeps the tags in the order they were added (an object would move numeric keys first).
    const tags = new Map(spec.tags.map((t) => [t.Key, t.Value]));
    for (const t of input.Tags) tags.set(t.Key, t.Value);
    const merged = [...tags].map(([Key, Value]) => ({ Key, Value }));
    validateTags(merged, DYNAMODB_TAGS);
    spec.tags = merged;
    await (ctx.state as DynamoStore).saveTable(spec);
  });

export const untagResource: H['UntagResource'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await tableOfArn(ctx, input.ResourceArn);
    const kept = removeTags(tagMap(spec.tags), input.TagKeys);
    spec.tags = spec.tags.filter((t) => Object.hasOwn(kept, t.Key));
    await (ctx.state as DynamoStore).saveTable(spec);
  });

export const listTagsOfResource: H['ListTagsOfResource'] = async (input, ctx) => {
  const spec = await tableOfArn(ctx, input.ResourceArn);
  const start = (await indexTokens.read(ctx, input.NextToken)) ?? 0;
  const page = spec.tags.slice(start, start + 100);
  return { Tags: page, NextToken: start + 100 < spec.tags.length ? await indexTokens.issue(ctx, start + 100) : undefined };
};

export const describeLimits: H['DescribeLimits'] = () => ({
  AccountMaxReadCapacityUnits: 80000,
  AccountMaxWriteCapacityUnits: 80000,
  TableMaxReadCapacityUnits: 40000,
  TableMaxWriteCapacityUnits: 40000,
});

export const describeEndpoints: H['DescribeEndpoints'] = (_input, ctx) => {
  // Clients that discover endpoints must be sent back to Fogbank, not to AWS.
  const host = ctx.http.headers.host;
  return { Endpoints: [{ Address: typeof host === 'string' ? host : `dynamodb.${ctx.region}.amazonaws.com`, CachePeriodInMinutes: 1440 }] };
};

// ---------------------------------------------------------------------------------------------
// Resource policies

function policyNotFound(arn: string): ServiceError {
  return new ServiceError('PolicyNotFoundException', `Resource-based policy not found for the provided ResourceArn: ${arn}`, 400);
}

export const putResourcePolicy: H['PutResourcePolicy'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await tableOfArn(ctx, input.ResourceArn);
    try {
      const doc = JSON.parse(input.Policy);
      if (typeof doc !== 'object' || doc === null || !doc.Statement) throw new Error('no statement');
    } catch {
      throw validation('Invalid policy document');
    }
    if (input.ExpectedRevisionId !== undefined && input.ExpectedRevisionId !== spec.policy?.revisionId) {
      throw new ServiceError('PolicyNotFoundException', `A policy with the specified revision ID ${input.ExpectedRevisionId} was not found for the provided ResourceArn: ${input.ResourceArn}`, 400);
    }
    spec.policy = { document: input.Policy, revisionId: String(ctx.clock.now()) };
    await (ctx.state as DynamoStore).saveTable(spec);
    return { RevisionId: spec.policy.revisionId };
  });

export const getResourcePolicy: H['GetResourcePolicy'] = async (input, ctx) => {
  const spec = await tableOfArn(ctx, input.ResourceArn);
  if (!spec.policy) throw policyNotFound(input.ResourceArn);
  return { Policy: spec.policy.document, RevisionId: spec.policy.revisionId };
};

export const deleteResourcePolicy: H['DeleteResourcePolicy'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await tableOfArn(ctx, input.ResourceArn);
    if (!spec.policy) throw policyNotFound(input.ResourceArn);
    if (input.ExpectedRevisionId !== undefined && input.ExpectedRevisionId !== spec.policy.revisionId) {
      throw new ServiceError('PolicyNotFoundException', `A policy with the specified revision ID ${input.ExpectedRevisionId} was not found for the provided ResourceArn: ${input.ResourceArn}`, 400);
    }
    spec.policy = undefined;
    await (ctx.state as DynamoStore).saveTable(spec);
    return { RevisionId: String(ctx.clock.now()) };
  });

// ---------------------------------------------------------------------------------------------
// Point-in-time recovery settings

async function tableOrTableNotFound(ctx: Ctx, name: string): Promise<TableSpec> {
  const spec = await (ctx.state as DynamoStore).table(ctx.account, ctx.region, tableNameOf(name));
  if (!spec) throw new ServiceError('TableNotFoundException', `Table not found: ${tableNameOf(name)}`, 400);
  return spec;
}

export function continuousBackups(spec: TableSpec, now: number) {
  const p = spec.pitr;
  return {
    ContinuousBackupsStatus: 'ENABLED',
    PointInTimeRecoveryDescription: p.enabled
      ? {
          PointInTimeRecoveryStatus: 'ENABLED',
          RecoveryPeriodInDays: p.recoveryPeriodInDays ?? 35,
          EarliestRestorableDateTime: new Date(Math.max(p.since ?? now, now - (p.recoveryPeriodInDays ?? 35) * 86400000)),
          LatestRestorableDateTime: new Date(now),
        }
      : { PointInTimeRecoveryStatus: 'DISABLED' },
  };
}

export const describeContinuousBackups: H['DescribeContinuousBackups'] = async (input, ctx) => {
  const spec = await tableOrTableNotFound(ctx, input.TableName);
  return { ContinuousBackupsDescription: continuousBackups(spec, ctx.clock.now()) };
};

export const updateContinuousBackups: H['UpdateContinuousBackups'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await tableOrTableNotFound(ctx, input.TableName);
    const p = input.PointInTimeRecoverySpecification;
    const days = p.RecoveryPeriodInDays;
    if (days !== undefined && (days < 1 || days > 35)) throw validation('One or more parameter values were invalid: RecoveryPeriodInDays must be between 1 and 35');
    if (p.PointInTimeRecoveryEnabled) spec.pitr = { enabled: true, since: spec.pitr.enabled ? spec.pitr.since : ctx.clock.now(), recoveryPeriodInDays: days ?? spec.pitr.recoveryPeriodInDays };
    else spec.pitr = { enabled: false };
    await (ctx.state as DynamoStore).saveTable(spec);
    return { ContinuousBackupsDescription: continuousBackups(spec, ctx.clock.now()) };
  });

// ---------------------------------------------------------------------------------------------
// Contributor insights and Kinesis destinations: recorded, reported, nothing more.

export const describeContributorInsights: H['DescribeContributorInsights'] = async (input, ctx) => {
  const spec = await anyTable(ctx, tableNameOf(input.TableName));
  const ci = spec.contributorInsights;
  const status = input.IndexName ? (ci?.indexes?.[input.IndexName] ?? 'DISABLED') : (ci?.status ?? 'DISABLED');
  return { TableName: spec.name, IndexName: input.IndexName, ContributorInsightsStatus: status, ContributorInsightsMode: ci?.mode };
};

export const updateContributorInsights: H['UpdateContributorInsights'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    const status = input.ContributorInsightsAction === 'ENABLE' ? 'ENABLED' : 'DISABLED';
    const ci = (spec.contributorInsights ??= { status: 'DISABLED' });
    if (input.IndexName) {
      if (!spec.gsis.some((g) => g.name === input.IndexName) && !spec.lsis.some((l) => l.name === input.IndexName)) {
        throw resourceNotFound(`Requested resource not found: Index: ${input.IndexName} not found`);
      }
      (ci.indexes ??= {})[input.IndexName] = status;
    } else ci.status = status;
    if (input.ContributorInsightsMode) ci.mode = input.ContributorInsightsMode;
    await (ctx.state as DynamoStore).saveTable(spec);
    return { TableName: spec.name, IndexName: input.IndexName, ContributorInsightsStatus: status, ContributorInsightsMode: ci.mode };
  });

export const listContributorInsights: H['ListContributorInsights'] = async (input, ctx) => {
  const store: DynamoStore = ctx.state;
  const names = input.TableName ? [tableNameOf(input.TableName)] : await store.tableNames(ctx.account, ctx.region, undefined, 10000);
  const out: Array<Record<string, unknown>> = [];
  for (const n of names) {
    const spec = await store.table(ctx.account, ctx.region, n);
    if (!spec) continue;
    out.push({ TableName: n, ContributorInsightsStatus: spec.contributorInsights?.status ?? 'DISABLED', ContributorInsightsMode: spec.contributorInsights?.mode });
    for (const [ix, st] of Object.entries(spec.contributorInsights?.indexes ?? {})) out.push({ TableName: n, IndexName: ix, ContributorInsightsStatus: st });
  }
  const start = (await indexTokens.read(ctx, input.NextToken)) ?? 0;
  const size = input.MaxResults ?? 100;
  return { ContributorInsightsSummaries: out.slice(start, start + size) as never, NextToken: start + size < out.length ? await indexTokens.issue(ctx, start + size) : undefined };
};

export const enableKinesisStreamingDestination: H['EnableKinesisStreamingDestination'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    const list = (spec.kinesis ??= []);
    if (list.some((k) => k.StreamArn === input.StreamArn && k.DestinationStatus === 'ACTIVE')) throw validation('Table is already streaming to the destination');
    const precision = input.EnableKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision;
    spec.kinesis = [...list.filter((k) => k.StreamArn !== input.StreamArn), { StreamArn: input.StreamArn, DestinationStatus: 'ACTIVE', ApproximateCreationDateTimePrecision: precision }];
    await (ctx.state as DynamoStore).saveTable(spec);
    return { TableName: spec.name, StreamArn: input.StreamArn, DestinationStatus: 'ENABLING', EnableKinesisStreamingConfiguration: input.EnableKinesisStreamingConfiguration };
  });

export const disableKinesisStreamingDestination: H['DisableKinesisStreamingDestination'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    const k = spec.kinesis?.find((x) => x.StreamArn === input.StreamArn && x.DestinationStatus === 'ACTIVE');
    if (!k) throw validation('Table is not streaming to the destination');
    k.DestinationStatus = 'DISABLED';
    await (ctx.state as DynamoStore).saveTable(spec);
    return { TableName: spec.name, StreamArn: input.StreamArn, DestinationStatus: 'DISABLING' };
  });

export const describeKinesisStreamingDestination: H['DescribeKinesisStreamingDestination'] = async (input, ctx) => {
  const spec = await anyTable(ctx, tableNameOf(input.TableName));
  return {
    TableName: spec.name,
    KinesisDataStreamDestinations: (spec.kinesis ?? []).map((k) => ({ StreamArn: k.StreamArn, DestinationStatus: k.DestinationStatus, ApproximateCreationDateTimePrecision: k.ApproximateCreationDateTimePrecision })),
  };
};

export const updateKinesisStreamingDestination: H['UpdateKinesisStreamingDestination'] = (input, ctx) =>
  // Read, changed and saved in one unit: concurrent changes to one table lose none of each other's.
  (ctx.state as DynamoStore).atomically(async () => {
    const spec = await anyTable(ctx, tableNameOf(input.TableName));
    const k = spec.kinesis?.find((x) => x.StreamArn === input.StreamArn && x.DestinationStatus === 'ACTIVE');
    if (!k) throw validation('Table is not streaming to the destination');
    k.ApproximateCreationDateTimePrecision = input.UpdateKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision;
    await (ctx.state as DynamoStore).saveTable(spec);
    return { TableName: spec.name, StreamArn: input.StreamArn, DestinationStatus: 'UPDATING', UpdateKinesisStreamingConfiguration: input.UpdateKinesisStreamingConfiguration };
  });
