// Subscription filters (at most two per log group; matching events are delivered, see
// subscriptions.ts), metric filters (stored and tested; Fogbank has no CloudWatch metrics to emit to)
// and TestMetricFilter.
import type * as T from '../generated/types.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { compileFilterPattern, type FilterMatcher } from '../filter-pattern.ts';
import { type Ctx, decodeToken, encodeToken, invalidParameter, requireGroup } from '../common.ts';

const FILTER_NAME = /^[^:*]*$/;
const MAX_SUBSCRIPTIONS = 2;
const MAX_METRIC_FILTERS = 100;
/** "A maximum of 5 filter patterns containing regex for each log group" (metric and subscription filters). */
const MAX_REGEX_FILTERS = 5;

function checkFilter(name: string, pattern: string): FilterMatcher {
  constraints()
    .length('filterName', name, 1, 512)
    .pattern('filterName', name, FILTER_NAME, '[^:*]*')
    .length('filterPattern', pattern, 0, 1024)
    .check('InvalidParameterException');
  return compileFilterPattern(pattern);
}

/** Refuses a sixth regex filter in the group; replacing a filter of the same kind and name is not a new one. */
async function checkRegexQuota(ctx: Ctx, groupId: number, matcher: FilterMatcher, kind: 'metric' | 'subscription', name: string): Promise<void> {
  if (matcher.regexCount === 0) return;
  const others = [
    ...(await ctx.state.metricFilters(groupId)).filter((f) => kind !== 'metric' || f.name !== name),
    ...(await ctx.state.subscriptions(groupId)).filter((f) => kind !== 'subscription' || f.name !== name),
  ];
  const withRegex = others.filter((f) => {
    try {
      return compileFilterPattern(f.pattern).regexCount > 0;
    } catch {
      return false;
    }
  }).length;
  if (withRegex >= MAX_REGEX_FILTERS) throw new ServiceError('LimitExceededException', 'Resource limit exceeded.', 400);
}

export async function putSubscriptionFilter(input: T.PutSubscriptionFilterRequest, ctx: Ctx): Promise<void> {
  const matcher = checkFilter(input.filterName, input.filterPattern);
  return ctx.state.atomically(async () => {
    const g = await requireGroup(ctx, input.logGroupName);
    if (!/^arn:[^:]+:(lambda|kinesis|firehose|logs):/.test(input.destinationArn)) {
      throw invalidParameter(`Invalid destination ARN: ${input.destinationArn}`);
    }
    if (input.distribution && input.distribution !== 'Random' && input.distribution !== 'ByLogStream') {
      throw invalidParameter(`1 validation error detected: Value '${input.distribution}' at 'distribution' failed to satisfy constraint: Member must satisfy enum value set: [Random, ByLogStream]`);
    }
    const existing = await ctx.state.subscriptions(g.id);
    if (!existing.some((s) => s.name === input.filterName) && existing.length >= MAX_SUBSCRIPTIONS) {
      throw new ServiceError('LimitExceededException', 'Resource limit exceeded.', 400);
    }
    await checkRegexQuota(ctx, g.id, matcher, 'subscription', input.filterName);
    await ctx.state.putSubscription({
      group_id: g.id,
      name: input.filterName,
      pattern: input.filterPattern,
      destination_arn: input.destinationArn,
      role_arn: input.roleArn ?? null,
      distribution: input.distribution ?? 'ByLogStream',
      created_at: ctx.clock.now(),
    });
  });
}

export async function describeSubscriptionFilters(input: T.DescribeSubscriptionFiltersRequest, ctx: Ctx): Promise<T.DescribeSubscriptionFiltersResponse> {
  constraints().range('limit', input.limit, 1, 50).check('InvalidParameterException');
  const g = await requireGroup(ctx, input.logGroupName);
  const after = (await decodeToken<{ after: string }>(ctx, input.nextToken))?.after ?? '';
  const rows = (await ctx.state.subscriptions(g.id)).filter((s) => s.name > after && s.name.startsWith(input.filterNamePrefix ?? ''));
  const limit = input.limit ?? 50;
  const page = rows.slice(0, limit);
  return {
    subscriptionFilters: page.map((s) => ({
      filterName: s.name,
      logGroupName: g.name,
      filterPattern: s.pattern,
      destinationArn: s.destination_arn,
      roleArn: s.role_arn ?? undefined,
      distribution: s.distribution,
      creationTime: s.created_at,
    })),
    nextToken: rows.length > limit ? await encodeToken(ctx, { after: page[page.length - 1].name }) : undefined,
  };
}

export async function deleteSubscriptionFilter(input: T.DeleteSubscriptionFilterRequest, ctx: Ctx): Promise<void> {
  const g = await requireGroup(ctx, input.logGroupName);
  if (!await ctx.state.deleteSubscription(g.id, input.filterName)) {
    throw new ServiceError('ResourceNotFoundException', 'The specified subscription filter does not exist.', 400);
  }
}

export async function putMetricFilter(input: T.PutMetricFilterRequest, ctx: Ctx): Promise<void> {
  const matcher = checkFilter(input.filterName, input.filterPattern);
  constraints().length('metricTransformations', input.metricTransformations, 1, 1).check('InvalidParameterException');
  for (const t of input.metricTransformations) {
    constraints()
      .length('metricTransformations.member.metricName', t.metricName, 1, 255)
      .length('metricTransformations.member.metricNamespace', t.metricNamespace, 1, 255)
      .length('metricTransformations.member.metricValue', t.metricValue, 1, 100)
      .check('InvalidParameterException');
  }
  return ctx.state.atomically(async () => {
    const g = await requireGroup(ctx, input.logGroupName);
    const existing = await ctx.state.metricFilters(g.id);
    if (!existing.some((f) => f.name === input.filterName) && existing.length >= MAX_METRIC_FILTERS) {
      throw new ServiceError('LimitExceededException', 'Resource limit exceeded.', 400);
    }
    await checkRegexQuota(ctx, g.id, matcher, 'metric', input.filterName);
    await ctx.state.putMetricFilter({
      group_id: g.id,
      name: input.filterName,
      pattern: input.filterPattern,
      transformations: JSON.stringify(input.metricTransformations),
      created_at: ctx.clock.now(),
    });
  });
}

export async function describeMetricFilters(input: T.DescribeMetricFiltersRequest, ctx: Ctx): Promise<T.DescribeMetricFiltersResponse> {
  constraints().range('limit', input.limit, 1, 50).check('InvalidParameterException');
  if (input.filterNamePrefix !== undefined && input.logGroupName === undefined) {
    throw invalidParameter('logGroupName is required when filterNamePrefix is specified.');
  }
  if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) {
    throw invalidParameter('metricName and metricNamespace must be specified together.');
  }
  const rows = input.logGroupName !== undefined
    ? (await ctx.state.metricFilters((await requireGroup(ctx, input.logGroupName)).id)).map((f) => ({ ...f, group_name: input.logGroupName! }))
    : await ctx.state.metricFiltersOfAccount(ctx.account, ctx.region);
  const after = (await decodeToken<{ after: string }>(ctx, input.nextToken))?.after ?? '';
  const selected = rows.filter((f) => {
    const key = `${f.name}\u0000${f.group_name}`;
    if (key <= after) return false;
    if (input.filterNamePrefix && !f.name.startsWith(input.filterNamePrefix)) return false;
    if (input.metricName !== undefined) {
      const ts = JSON.parse(f.transformations) as T.MetricTransformation[];
      if (!ts.some((t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace)) return false;
    }
    return true;
  });
  const limit = input.limit ?? 50;
  const page = selected.slice(0, limit);
  return {
    metricFilters: page.map((f) => ({
      filterName: f.name,
      filterPattern: f.pattern,
      metricTransformations: JSON.parse(f.transformations),
      creationTime: f.created_at,
      logGroupName: f.group_name,
    })),
    nextToken: selected.length > limit ? await encodeToken(ctx, { after: `${page[page.length - 1].name}\u0000${page[page.length - 1].group_name}` }) : undefined,
  };
}

export async function deleteMetricFilter(input: T.DeleteMetricFilterRequest, ctx: Ctx): Promise<void> {
  const g = await requireGroup(ctx, input.logGroupName);
  if (!await ctx.state.deleteMetricFilter(g.id, input.filterName)) {
    throw new ServiceError('ResourceNotFoundException', 'The specified metric filter does not exist.', 400);
  }
}

export function testMetricFilter(input: T.TestMetricFilterRequest, _ctx: Ctx): T.TestMetricFilterResponse {
  constraints().length('logEventMessages', input.logEventMessages, 1, 50).check('InvalidParameterException');
  const matcher = compileFilterPattern(input.filterPattern);
  const matches: T.MetricFilterMatchRecord[] = [];
  input.logEventMessages.forEach((message, i) => {
    const extracted = matcher.extract(message);
    if (extracted && matcher.matches(message)) matches.push({ eventNumber: i + 1, eventMessage: message, extractedValues: extracted });
  });
  return { matches };
}
