// Subscriptions: subscribe (with the confirmation flow for HTTP/S and email), confirm, unsubscribe,
// list, and their attributes (filter policy, raw delivery, redrive and delivery policies).
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ConfirmSubscriptionInput, ConfirmSubscriptionResponse, GetSubscriptionAttributesInput, GetSubscriptionAttributesResponse,
  ListSubscriptionsByTopicInput, ListSubscriptionsByTopicResponse, ListSubscriptionsInput, ListSubscriptionsResponse,
  SetSubscriptionAttributesInput, SubscribeInput, SubscribeResponse, UnsubscribeInput,
} from '../generated/types.ts';
import { accountRootArn, parseArn } from '../../../../core/resources/arn.ts';
import { ServiceError } from '../../../../core/errors.ts';
import type { Ctx } from '../state.ts';
import { toSubscription, type OutboxRow, type SubscriptionRow, type TopicRow } from '../store.ts';
import { FilterPolicyError, parseFilterPolicy, type FilterScope } from '../filter-policy.ts';
import { DeliveryPolicyError, effectiveHttpPolicy, validateDeliveryPolicy } from '../delivery-policy.ts';
import { confirmation, envelopeJson, subscribeUrl } from '../messages.ts';
import { checkArn, decodeToken, encodeToken, invalidParameter, isoNow, notFound, requireSubscription, requireTopic } from './common.ts';

const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const SETTABLE = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
const RAW_PROTOCOLS = new Set(['http', 'https', 'sqs', 'firehose']);
/** Confirmation tokens are good for three days. */
const TOKEN_LIFETIME_MS = 3 * 86_400_000;

function checkEndpoint(protocol: string, endpoint: string | undefined, topicFifo: boolean): string {
  if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
  if (endpoint === undefined || endpoint === '') throw invalidParameter('Endpoint');
  const arn = parseArn(endpoint);
  switch (protocol) {
    case 'http':
    case 'https':
      if (!endpoint.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter('Endpoint must match the specified protocol');
      try {
        new URL(endpoint);
      } catch {
        throw invalidParameter('Endpoint');
      }
      break;
    case 'email':
    case 'email-json':
      if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw invalidParameter('Email address');
      break;
    case 'sms':
      if (!/^\+?[0-9][0-9 ()-]{3,19}$/.test(endpoint)) throw invalidParameter(`Invalid SMS endpoint: ${endpoint}`);
      return endpoint.replace(/[ ()-]/g, '');
    case 'sqs':
      if (arn?.service !== 'sqs') throw invalidParameter('SQS endpoint ARN');
      if (!topicFifo && arn.resource.endsWith('.fifo')) throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
      break;
    case 'lambda':
      if (arn?.service !== 'lambda') throw invalidParameter('Lambda endpoint ARN');
      break;
    case 'firehose':
      if (arn?.service !== 'firehose') throw invalidParameter('Firehose endpoint ARN');
      break;
    case 'application':
      if (arn?.service !== 'sns' || !arn.resource.startsWith('endpoint/')) throw invalidParameter('Application endpoint ARN');
      break;
  }
  if (topicFifo && protocol !== 'sqs' && protocol !== 'firehose') {
    throw invalidParameter('Invalid parameter: Endpoint Reason: FIFO SNS Topics currently only support Amazon SQS queues as endpoints');
  }
  return endpoint;
}

/** Checks one subscription attribute against the subscription it is for (throws InvalidParameter). */
function checkAttribute(name: string, value: string, protocol: string, topicFifo: boolean, all: Record<string, string>): void {
  if (!SETTABLE.has(name)) throw invalidParameter('AttributeName');
  switch (name) {
    case 'RawMessageDelivery':
      if (value !== 'true' && value !== 'false') throw invalidParameter('Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
      if (value === 'true' && !RAW_PROTOCOLS.has(protocol)) throw invalidParameter(`Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`);
      break;
    case 'FilterPolicyScope':
      if (value !== 'MessageAttributes' && value !== 'MessageBody') {
        throw invalidParameter(`Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      if (all.FilterPolicy) checkFilter(all.FilterPolicy, value);
      break;
    case 'FilterPolicy':
      if (value !== '') checkFilter(value, (all.FilterPolicyScope ?? 'MessageAttributes') as FilterScope);
      break;
    case 'RedrivePolicy': {
      if (value === '') break;
      let target: unknown;
      try {
        target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
      } catch {
        throw invalidParameter('RedrivePolicy: failed to parse JSON.');
      }
      const arn = typeof target === 'string' ? parseArn(target) : undefined;
      if (!arn || arn.service !== 'sqs') throw invalidParameter('RedrivePolicy: deadLetterTargetArn is an invalid arn');
      if (topicFifo && !arn.resource.endsWith('.fifo')) throw invalidParameter('RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
      if (!topicFifo && arn.resource.endsWith('.fifo')) throw invalidParameter('RedrivePolicy: must use a standard queue as DLQ for a standard Subscription.');
      break;
    }
    case 'DeliveryPolicy':
      if (value === '') break;
      if (protocol !== 'http' && protocol !== 'https') throw invalidParameter(`DeliveryPolicy: Delivery protocol [${protocol}] does not support delivery policies.`);
      try {
        validateDeliveryPolicy(value, 'subscription');
      } catch (err) {
        throw invalidParameter(`DeliveryPolicy: ${err instanceof DeliveryPolicyError ? err.message : 'failed to parse JSON.'}`);
      }
      break;
    case 'SubscriptionRoleArn':
      if (value !== '' && parseArn(value)?.service !== 'iam') throw invalidParameter('SubscriptionRoleArn');
      break;
  }
}

function checkFilter(policy: string, scope: string): void {
  try {
    parseFilterPolicy(policy, scope as FilterScope);
  } catch (err) {
    if (err instanceof FilterPolicyError) throw invalidParameter(`FilterPolicy: ${err.message}`);
    throw err;
  }
}

export async function subscribe(input: SubscribeInput, ctx: Ctx): Promise<SubscribeResponse> {
  const { store, engine } = ctx.state;
  // Checked first against the topic as it is now (the answer's errors), then again in the unit below.
  const topic = await requireTopic(ctx, input.TopicArn);
  const topicFifo = (JSON.parse(topic.attributes) as Record<string, string>).FifoTopic === 'true';
  const protocol = input.Protocol?.toLowerCase();
  const endpoint = checkEndpoint(protocol, input.Endpoint, topicFifo);
  const attrs = { ...(input.Attributes ?? {}) };
  for (const [k, v] of Object.entries(attrs)) checkAttribute(k, v, protocol, topicFifo, attrs);
  if (protocol === 'firehose' && !attrs.SubscriptionRoleArn) throw invalidParameter('Invalid parameter: SubscriptionRoleArn');
  const needsConfirmation = protocol === 'http' || protocol === 'https' || protocol === 'email' || protocol === 'email-json';
  const arn = `${topic.arn}:${randomUUID()}`;
  const token = needsConfirmation ? randomBytes(64).toString('hex') : null;
  // An email confirmation is signed before the unit (signing may load the key; a unit awaits only the store).
  const email = token && (protocol === 'email' || protocol === 'email-json') ? await emailConfirmation(ctx, topic, arn, protocol, endpoint, token) : undefined;
  // "Is this endpoint subscribed?" and the insert are one unit: concurrent Subscribes of one endpoint
  // make one subscription, and all of them answer with it.
  const created = await store.atomically(async () => {
    if (!(await store.topicRow(topic.arn))) throw notFound('Topic does not exist');
    const existing = await store.subscriptionByEndpoint(topic.arn, protocol, endpoint);
    if (existing) {
      const had = JSON.parse(existing.attributes) as Record<string, string>;
      for (const [k, v] of Object.entries(attrs)) if ((had[k] ?? defaultAttribute(k)) !== v) throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      return existing;
    }
    await store.insertSubscription({
      arn, topic_arn: topic.arn, account: topic.account, region: topic.region, owner: ctx.account, protocol, endpoint,
      confirmed: needsConfirmation ? 0 : 1, token, attributes: JSON.stringify(attrs), created: ctx.clock.now(),
    });
    if (email) await store.addToOutbox(email);
    return undefined;
  });
  if (created) return { SubscriptionArn: created.confirmed || input.ReturnSubscriptionArn ? created.arn : 'pending confirmation' };
  if (token && (protocol === 'http' || protocol === 'https')) {
    // Sent once Subscribe has answered, as on AWS; the endpoint may call ConfirmSubscription straight
    // away. setImmediate, not a clock timer: it is not time-based, and must go out under a frozen clock.
    setImmediate(() => engine.sendConfirmation(arn, token).catch((err) => ctx.log.error('sns: confirmation request failed', err)));
  }
  return { SubscriptionArn: !needsConfirmation || input.ReturnSubscriptionArn ? arn : 'pending confirmation' };
}

/** The outbox entry of an email (or email-json) subscription's confirmation. */
async function emailConfirmation(ctx: Ctx, topic: TopicRow, arn: string, protocol: string, endpoint: string, token: string): Promise<Omit<OutboxRow, 'id'>> {
  const { store } = ctx.state;
  const topicAttrs = JSON.parse(topic.attributes) as Record<string, string>;
  const e = await confirmation(store, 'SubscriptionConfirmation', { topicArn: topic.arn, arn }, token, randomUUID(), isoNow(ctx), topicAttrs.SignatureVersion === '2' ? '2' : '1');
  return {
    account: topic.account, region: topic.region, kind: 'email', destination: endpoint,
    subject: `AWS Notification - Subscription Confirmation`,
    message: protocol === 'email-json' ? envelopeJson(e) : `You have chosen to subscribe to the topic:\n${topic.arn}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n${subscribeUrl(store, topic.arn, token)}`,
    message_id: String(e.MessageId), topic_arn: topic.arn, subscription_arn: arn, attributes: null, time: ctx.clock.now(),
  };
}

function defaultAttribute(name: string): string | undefined {
  if (name === 'RawMessageDelivery') return 'false';
  return undefined;
}

export async function confirmSubscription(input: ConfirmSubscriptionInput, ctx: Ctx): Promise<ConfirmSubscriptionResponse> {
  checkArn(input.TopicArn, 'TopicArn');
  const { store } = ctx.state;
  // The token check and the confirmation are one unit (the subscription's attributes are merged).
  return store.atomically(async () => {
    if (!(await store.topicRow(input.TopicArn))) throw notFound('Topic does not exist');
    const row = await store.subscriptionByToken(input.Token);
    if (!row || row.topic_arn !== input.TopicArn) throw invalidParameter('Token');
    if (!row.confirmed && ctx.clock.now() - row.created > TOKEN_LIFETIME_MS) throw invalidParameter('Token');
    const attrs = JSON.parse(row.attributes) as Record<string, string>;
    // AWS: the flag counts only when the confirming request is signed (not the SubscribeURL link).
    if (input.AuthenticateOnUnsubscribe === 'true' && !ctx.caller.anonymous) attrs.ConfirmationWasAuthenticated = 'true';
    await store.updateSubscription(row, { confirmed: 1, attributes: JSON.stringify(attrs) });
    return { SubscriptionArn: row.arn };
  });
}

export async function unsubscribe(input: UnsubscribeInput, ctx: Ctx): Promise<void> {
  const { store, engine } = ctx.state;
  // The check and the delete are one unit; the endpoint hears of it after (HTTP, never inside a unit).
  const row = await store.atomically(async () => {
    const row = await requireSubscription(ctx, input.SubscriptionArn);
    // The UnsubscribeURL link works unsigned, unless the subscription was confirmed with AuthenticateOnUnsubscribe.
    if (ctx.caller.anonymous && (JSON.parse(row.attributes) as Record<string, string>).ConfirmationWasAuthenticated === 'true') {
      throw new ServiceError('AuthorizationError', 'This subscription was confirmed with AuthenticateOnUnsubscribe: unsubscribing needs a signed request', 403);
    }
    await store.deleteSubscription(row);
    return row;
  });
  if ((row.protocol === 'http' || row.protocol === 'https') && row.confirmed) {
    const token = row.token ?? randomBytes(64).toString('hex');
    setImmediate(() => engine.sendUnsubscribeConfirmation(toSubscription(row), token).catch(() => undefined));
  }
}

function listed(row: SubscriptionRow) {
  return { SubscriptionArn: row.confirmed ? row.arn : 'PendingConfirmation', Owner: row.owner, Protocol: row.protocol, Endpoint: row.endpoint, TopicArn: row.topic_arn };
}

export async function listSubscriptions(input: ListSubscriptionsInput, ctx: Ctx): Promise<ListSubscriptionsResponse> {
  const after = await decodeToken(ctx, input.NextToken, 0);
  const rows = await ctx.state.store.subscriptionsInScope(ctx.account, ctx.region, after, 101);
  const page = rows.slice(0, 100);
  return { Subscriptions: page.map(listed), NextToken: rows.length > 100 ? await encodeToken(ctx, page.at(-1)!.seq) : undefined };
}

export async function listSubscriptionsByTopic(input: ListSubscriptionsByTopicInput, ctx: Ctx): Promise<ListSubscriptionsByTopicResponse> {
  const topic = await requireTopic(ctx, input.TopicArn);
  const after = await decodeToken(ctx, input.NextToken, 0);
  const rows = await ctx.state.store.subscriptionsPage(topic.arn, after, 101);
  const page = rows.slice(0, 100);
  return { Subscriptions: page.map(listed), NextToken: rows.length > 100 ? await encodeToken(ctx, page.at(-1)!.seq) : undefined };
}

export async function getSubscriptionAttributes(input: GetSubscriptionAttributesInput, ctx: Ctx): Promise<GetSubscriptionAttributesResponse> {
  const row = await requireSubscription(ctx, input.SubscriptionArn);
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const out: Record<string, string> = {
    ConfirmationWasAuthenticated: attrs.ConfirmationWasAuthenticated ?? (row.confirmed && (row.protocol === 'sqs' || row.protocol === 'lambda') ? 'true' : 'false'),
    PendingConfirmation: row.confirmed ? 'false' : 'true',
    Owner: row.owner,
    RawMessageDelivery: 'false',
    SubscriptionArn: row.arn,
    TopicArn: row.topic_arn,
    Endpoint: row.endpoint,
    Protocol: row.protocol,
    SubscriptionPrincipal: accountRootArn(row.owner),
  };
  for (const [k, v] of Object.entries(attrs)) out[k] = v;
  if (attrs.FilterPolicy && !attrs.FilterPolicyScope) out.FilterPolicyScope = 'MessageAttributes';
  if (row.protocol === 'http' || row.protocol === 'https') {
    const topic = await ctx.state.store.topicRow(row.topic_arn);
    const topicAttrs = topic ? (JSON.parse(topic.attributes) as Record<string, string>) : {};
    out.EffectiveDeliveryPolicy = JSON.stringify(effectiveHttpPolicy(topicAttrs.DeliveryPolicy, attrs.DeliveryPolicy).json);
  }
  return { Attributes: out };
}

/** Read, checked, merged and written in one unit: concurrent calls lose none of each other's attributes. */
export async function setSubscriptionAttributes(input: SetSubscriptionAttributesInput, ctx: Ctx): Promise<void> {
  await ctx.state.store.atomically(() => setSubscriptionAttributesNow(input, ctx));
}

async function setSubscriptionAttributesNow(input: SetSubscriptionAttributesInput, ctx: Ctx): Promise<void> {
  const row = await requireSubscription(ctx, input.SubscriptionArn);
  const topic = await ctx.state.store.topicRow(row.topic_arn);
  const topicFifo = topic ? (JSON.parse(topic.attributes) as Record<string, string>).FifoTopic === 'true' : false;
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  const value = input.AttributeValue ?? '';
  const next = { ...attrs, [input.AttributeName]: value };
  checkAttribute(input.AttributeName, value, row.protocol, topicFifo, next);
  if (value === '' && input.AttributeName !== 'RawMessageDelivery') delete next[input.AttributeName];
  if (input.AttributeName === 'FilterPolicy' && value === '') delete next.FilterPolicyScope;
  await ctx.state.store.updateSubscription(row, { attributes: JSON.stringify(next) });
}
