// Topics: create (idempotent by name and attributes), attributes, permissions, data protection, delete.
import type {
  AddPermissionInput, CreateTopicInput, CreateTopicResponse, DeleteTopicInput, GetDataProtectionPolicyInput,
  GetDataProtectionPolicyResponse, GetTopicAttributesInput, GetTopicAttributesResponse, ListTopicsInput, ListTopicsResponse,
  PutDataProtectionPolicyInput, RemovePermissionInput, SetTopicAttributesInput,
} from '../generated/types.ts';
import type { Ctx } from '../state.ts';
import type { TopicRow } from '../store.ts';
import { checkArn, decodeToken, encodeToken, invalidParameter, requireTopic } from './common.ts';
import { DeliveryPolicyError, validateDeliveryPolicy } from '../delivery-policy.ts';
import { checkTags } from './tags.ts';
import { formatArn, accountRootArn } from '../../../../core/resources/arn.ts';

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME_RE = /^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** Attributes a topic accepts, beside FifoTopic (CreateTopic only). */
const SETTABLE = new Set([
  'DeliveryPolicy', 'DisplayName', 'Policy', 'TracingConfig', 'KmsMasterKeyId', 'SignatureVersion',
  'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope',
  ...['Application', 'HTTP', 'Lambda', 'SQS', 'Firehose'].flatMap((p) => [`${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`]),
]);

const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope']);

export function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: arn,
      Condition: { StringEquals: { 'AWS:SourceOwner': account } },
    }],
  });
}

function checkAttribute(name: string, value: string, fifo: boolean): void {
  if (!SETTABLE.has(name)) throw invalidParameter('AttributeName');
  if (FIFO_ONLY.has(name) && !fifo) throw invalidParameter(`Attributes Reason: ${name} is only valid for FIFO topics`);
  switch (name) {
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw invalidParameter('Attributes Reason: SignatureVersion: Invalid value [' + value + ']. Should be one of [1, 2]');
      break;
    case 'ContentBasedDeduplication':
      if (value !== 'true' && value !== 'false') throw invalidParameter('Attributes Reason: ContentBasedDeduplication must be true or false');
      break;
    case 'TracingConfig':
      if (value !== 'Active' && value !== 'PassThrough') throw invalidParameter('Attributes Reason: TracingConfig: Invalid value [' + value + ']. Should be one of [PassThrough, Active]');
      break;
    case 'FifoThroughputScope':
      if (value !== 'Topic' && value !== 'MessageGroup') throw invalidParameter('Attributes Reason: FifoThroughputScope: Invalid value [' + value + ']. Should be one of [Topic, MessageGroup]');
      break;
    case 'DisplayName':
      if (value.length > 100) throw invalidParameter('DisplayName');
      break;
    case 'Policy':
    case 'ArchivePolicy':
      if (value !== '') {
        try {
          const doc = JSON.parse(value);
          if (typeof doc !== 'object' || doc === null) throw new Error();
        } catch {
          throw invalidParameter(`${name}: failed to parse JSON.`);
        }
      }
      break;
    case 'DeliveryPolicy':
      if (value !== '') {
        try {
          validateDeliveryPolicy(value, 'topic');
        } catch (err) {
          throw invalidParameter(`DeliveryPolicy: ${err instanceof DeliveryPolicyError ? err.message : 'failed to parse JSON.'}`);
        }
      }
      break;
  }
}

export async function createTopic(input: CreateTopicInput, ctx: Ctx): Promise<CreateTopicResponse> {
  const attrs = { ...(input.Attributes ?? {}) };
  const fifo = attrs.FifoTopic === 'true';
  if (attrs.FifoTopic !== undefined && attrs.FifoTopic !== 'true' && attrs.FifoTopic !== 'false') throw invalidParameter('Attributes Reason: FifoTopic must be true or false');
  if (fifo ? !FIFO_NAME_RE.test(input.Name) : !NAME_RE.test(input.Name)) {
    throw invalidParameter(
      fifo
        ? 'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.'
        : 'Topic Name',
    );
  }
  for (const [k, v] of Object.entries(attrs)) if (k !== 'FifoTopic') checkAttribute(k, v, fifo);
  if (input.Tags) checkTags(input.Tags);
  if (input.DataProtectionPolicy !== undefined) checkJson(input.DataProtectionPolicy, 'DataProtectionPolicy');
  if (fifo) attrs.ContentBasedDeduplication ??= 'false';
  if (attrs.FifoTopic === 'false') delete attrs.FifoTopic;
  const { store } = ctx.state;
  // The name lookup and the insert are one unit: concurrent creates of one name make one topic, and
  // each caller gets its ARN (or the error for different attributes), as a repeated CreateTopic does.
  return store.atomically(async () => {
    const existing = await store.topicByName(ctx.account, ctx.region, input.Name);
    if (existing) return { TopicArn: sameTopic(existing, attrs, input) };
    const arn = formatArn({ service: 'sns', region: ctx.region, account: ctx.account, resource: input.Name });
    await store.insertTopic({
      arn, account: ctx.account, region: ctx.region, name: input.Name, attributes: JSON.stringify(attrs),
      tags: JSON.stringify(Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value]))),
      data_protection: input.DataProtectionPolicy ?? null, created: ctx.clock.now(),
    });
    return { TopicArn: arn };
  });
}

/** CreateTopic of a name taken: the same topic when attributes and tags agree, else the error. */
function sameTopic(existing: TopicRow, attrs: Record<string, string>, input: CreateTopicInput): string {
  const had = JSON.parse(existing.attributes) as Record<string, string>;
  for (const [k, v] of Object.entries(attrs)) {
    if ((had[k] ?? (k === 'FifoTopic' ? 'false' : undefined)) !== v) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
  }
  if (input.Tags?.length) {
    const tags = JSON.parse(existing.tags) as Record<string, string>;
    if (input.Tags.some((t) => tags[t.Key] !== t.Value) || Object.keys(tags).length !== input.Tags.length) {
      throw invalidParameter('Tags Reason: Topic already exists with different tags');
    }
  }
  return existing.arn;
}

function checkJson(text: string, name: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw invalidParameter(`${name}: failed to parse JSON.`);
  }
}

export async function deleteTopic(input: DeleteTopicInput, ctx: Ctx): Promise<void> {
  checkArn(input.TopicArn, 'TopicArn');
  // Deleting a topic that does not exist succeeds, as on AWS.
  await ctx.state.store.deleteTopic(input.TopicArn);
}

export async function listTopics(input: ListTopicsInput, ctx: Ctx): Promise<ListTopicsResponse> {
  const after = await decodeToken(ctx, input.NextToken, '');
  const rows = await ctx.state.store.listTopics(ctx.account, ctx.region, after, 101);
  const page = rows.slice(0, 100);
  return { Topics: page.map((r) => ({ TopicArn: r.arn })), NextToken: rows.length > 100 ? await encodeToken(ctx, page.at(-1)!.arn) : undefined };
}

const DEFAULT_EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear' },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

export async function getTopicAttributes(input: GetTopicAttributesInput, ctx: Ctx): Promise<GetTopicAttributesResponse> {
  const row = await requireTopic(ctx, input.TopicArn);
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const counts = await ctx.state.store.countSubscriptions(row.arn);
  const out: Record<string, string> = {
    Policy: attrs.Policy ?? defaultPolicy(row.arn, row.account),
    Owner: row.account,
    SubscriptionsPending: String(counts.pending),
    TopicArn: row.arn,
    EffectiveDeliveryPolicy: attrs.DeliveryPolicy ? mergeDelivery(attrs.DeliveryPolicy) : DEFAULT_EFFECTIVE_DELIVERY_POLICY,
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: attrs.DisplayName ?? '',
    SubscriptionsDeleted: '0',
  };
  for (const [k, v] of Object.entries(attrs)) if (k !== 'Policy') out[k] = v;
  return { Attributes: out };
}

function mergeDelivery(policy: string): string {
  const base = JSON.parse(DEFAULT_EFFECTIVE_DELIVERY_POLICY) as { http: Record<string, unknown> };
  const doc = JSON.parse(policy) as Record<string, Record<string, unknown>>;
  return JSON.stringify({ ...doc, http: { ...base.http, ...(doc.http ?? {}) } });
}

/**
 * The attribute writers below read the topic's attributes (or policy), change them and write them
 * back in one unit: concurrent calls on one topic lose none of each other's changes.
 */
export async function setTopicAttributes(input: SetTopicAttributesInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => setTopicAttributesNow(input, ctx));
}

async function setTopicAttributesNow(input: SetTopicAttributesInput, ctx: Ctx): Promise<void> {
  const row = await requireTopic(ctx, input.TopicArn);
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const fifo = attrs.FifoTopic === 'true';
  if (input.AttributeName === 'FifoTopic') throw invalidParameter('AttributeName');
  const value = input.AttributeValue ?? '';
  checkAttribute(input.AttributeName, value, fifo);
  if (value === '' && input.AttributeName !== 'DisplayName') delete attrs[input.AttributeName];
  else attrs[input.AttributeName] = value;
  await ctx.state.store.updateTopic(row.arn, { attributes: JSON.stringify(attrs) });
}

export async function addPermission(input: AddPermissionInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => addPermissionNow(input, ctx));
}

async function addPermissionNow(input: AddPermissionInput, ctx: Ctx): Promise<void> {
  const row = await requireTopic(ctx, input.TopicArn);
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const policy = JSON.parse(attrs.Policy ?? defaultPolicy(row.arn, row.account)) as { Statement: Array<Record<string, unknown>> };
  if (policy.Statement.some((s) => s.Sid === input.Label)) throw invalidParameter('Statement already exists');
  if (!input.AWSAccountId.length || !input.ActionName.length) throw invalidParameter('AWSAccountId and ActionName must not be empty');
  policy.Statement.push({
    Sid: input.Label,
    Effect: 'Allow',
    Principal: { AWS: input.AWSAccountId.map((a) => (/^\d{12}$/.test(a) ? accountRootArn(a) : a)) },
    Action: input.ActionName.map((a) => `SNS:${a}`),
    Resource: row.arn,
  });
  attrs.Policy = JSON.stringify(policy);
  await ctx.state.store.updateTopic(row.arn, { attributes: JSON.stringify(attrs) });
}

export async function removePermission(input: RemovePermissionInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => removePermissionNow(input, ctx));
}

async function removePermissionNow(input: RemovePermissionInput, ctx: Ctx): Promise<void> {
  const row = await requireTopic(ctx, input.TopicArn);
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const policy = JSON.parse(attrs.Policy ?? defaultPolicy(row.arn, row.account)) as { Statement: Array<Record<string, unknown>> };
  policy.Statement = policy.Statement.filter((s) => s.Sid !== input.Label);
  attrs.Policy = JSON.stringify(policy);
  await ctx.state.store.updateTopic(row.arn, { attributes: JSON.stringify(attrs) });
}

export async function putDataProtectionPolicy(input: PutDataProtectionPolicyInput, ctx: Ctx): Promise<void> {
  const row = await requireTopic(ctx, input.ResourceArn, 'ResourceArn');
  checkJson(input.DataProtectionPolicy, 'DataProtectionPolicy');
  // Stored and returned; messages are not audited or masked. One statement that sets one column: no
  // unit needed (a topic deleted meanwhile is simply not updated).
  await ctx.state.store.updateTopic(row.arn, { data_protection: input.DataProtectionPolicy });
}

export async function getDataProtectionPolicy(input: GetDataProtectionPolicyInput, ctx: Ctx): Promise<GetDataProtectionPolicyResponse> {
  const row = await requireTopic(ctx, input.ResourceArn, 'ResourceArn');
  return { DataProtectionPolicy: row.data_protection ?? undefined };
}
