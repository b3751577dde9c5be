// Bucket notification configuration: validated (destination ARNs, event names, prefix/suffix
// filters), stored, and announced with an s3:TestEvent to each SQS and SNS destination.
import { randomUUID } from 'node:crypto';
import type * as T from '../generated/types.ts';
import { requireBucket, type Ctx } from '../common.ts';
import { S3Errors } from '../errors.ts';
import { EVENT_NAMES, sendTestEvents, type FilterRule, type NotificationConfiguration } from '../events.ts';

const ARN_FORMS: Record<string, RegExp> = {
  Queue: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/,
  Topic: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/,
  CloudFunction: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/,
};

function checkDestination(kind: keyof typeof ARN_FORMS, arn: string | undefined, events: string[] | undefined, rules: FilterRule[] | undefined): void {
  if (!arn || !ARN_FORMS[kind].test(arn)) throw S3Errors.invalidArgument('The ARN is not well formed', kind, arn ?? '');
  if (!events?.length) throw S3Errors.malformedXml();
  for (const e of events) {
    if (!EVENT_NAMES.includes(e) || e === 's3:TestEvent') throw S3Errors.invalidArgument('The event is not supported for notifications', 'Event', e);
  }
  const seen = new Set<string>();
  for (const r of rules ?? []) {
    const name = (r.Name ?? '').toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') throw S3Errors.invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule.Name', r.Name ?? '');
    if (seen.has(name)) throw S3Errors.invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule.Name', r.Name ?? '');
    seen.add(name);
  }
}

export async function putBucketNotificationConfiguration(input: T.PutBucketNotificationConfigurationRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = (input.NotificationConfiguration ?? {}) as NotificationConfiguration;
  for (const q of c.QueueConfigurations ?? []) checkDestination('Queue', q.QueueArn, q.Events, q.Filter?.Key?.FilterRules);
  for (const t of c.TopicConfigurations ?? []) checkDestination('Topic', t.TopicArn, t.Events, t.Filter?.Key?.FilterRules);
  for (const l of c.LambdaFunctionConfigurations ?? []) checkDestination('CloudFunction', l.LambdaFunctionArn, l.Events, l.Filter?.Key?.FilterRules);
  // S3 names configurations that come without an id.
  for (const list of [c.QueueConfigurations, c.TopicConfigurations, c.LambdaFunctionConfigurations]) {
    for (const d of list ?? []) d.Id ??= randomUUID().replace(/-/g, '');
  }
  const empty = !c.QueueConfigurations?.length && !c.TopicConfigurations?.length && !c.LambdaFunctionConfigurations?.length && !c.EventBridgeConfiguration;
  if (empty) await ctx.state.deleteConfig(b.name, 'notification');
  else await ctx.state.putConfig(b.name, 'notification', c);
  sendTestEvents(ctx.env, b.name, c, ctx.requestId);
}

export async function getBucketNotificationConfiguration(input: T.GetBucketNotificationConfigurationRequest, ctx: Ctx): Promise<T.NotificationConfiguration> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return (await ctx.state.config<T.NotificationConfiguration>(b.name, 'notification') ?? {}) as T.NotificationConfiguration;
}
