// What subscribers receive: the JSON envelope (Notification, SubscriptionConfirmation,
// UnsubscribeConfirmation) in AWS's own layout, and the Lambda event.
import type { MessageAttributeValue } from '../../../core/delivery.ts';
import type { SnsStore, Subscription } from './store.ts';
import { signMessage, signingCertUrl } from './signing.ts';

/** A published message as it is fanned out (and kept with pending retries): JSON-safe. */
export interface Published {
  messageId: string;
  topicArn: string;
  /** The message, or the per-protocol messages of MessageStructure=json. */
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  /** Binary values as base64. */
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  timestamp: string;
  signatureVersion: '1' | '2';
  /** Whether the topic is FIFO (its notifications carry SequenceNumber and no signature). */
  fifo: boolean;
  /** The request that published it, for the request log. */
  causedBy?: string;
}

export function messageFor(p: Published, protocol: string): string {
  if (!p.perProtocol) return p.message;
  return p.perProtocol[protocol] ?? p.perProtocol.default;
}

export function deliveryAttributes(p: Published): Record<string, MessageAttributeValue> | undefined {
  if (!p.attributes) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, a] of Object.entries(p.attributes)) {
    out[k] = a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, 'base64') } : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}

function envelopeAttributes(p: Published): Record<string, { Type: string; Value: string }> | undefined {
  if (!p.attributes || Object.keys(p.attributes).length === 0) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [k, a] of Object.entries(p.attributes)) out[k] = { Type: a.DataType, Value: a.BinaryValue ?? a.StringValue ?? '' };
  return out;
}

export function subscribeUrl(store: SnsStore, topicArn: string, token: string): string {
  return `${store.env.endpoint}/?Action=ConfirmSubscription&Version=2010-03-31&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
}

export function unsubscribeUrl(store: SnsStore, subscriptionArn: string): string {
  // AWS writes the ARN as it is (its characters are all safe in a query string); so do we.
  return `${store.env.endpoint}/?Action=Unsubscribe&Version=2010-03-31&SubscriptionArn=${subscriptionArn}`;
}

/** Signatures depend only on the message, not the subscription: computed once per message and version. */
const signatures = new WeakMap<Published, string>();

/** The Notification envelope's fields, in AWS's order. */
export async function notification(store: SnsStore, p: Published, sub: Subscription): Promise<Record<string, unknown>> {
  const message = messageFor(p, sub.protocol);
  const e: Record<string, unknown> = { Type: 'Notification', MessageId: p.messageId };
  if (p.fifo && p.sequenceNumber) e.SequenceNumber = p.sequenceNumber;
  e.TopicArn = p.topicArn;
  if (p.subject !== undefined) e.Subject = p.subject;
  e.Message = message;
  e.Timestamp = p.timestamp;
  if (!p.fifo) {
    e.SignatureVersion = p.signatureVersion;
    let signature = p.perProtocol ? undefined : signatures.get(p);
    if (!signature) {
      signature = await signMessage(store, { Type: 'Notification', MessageId: p.messageId, TopicArn: p.topicArn, Subject: p.subject, Message: message, Timestamp: p.timestamp }, p.signatureVersion);
      if (!p.perProtocol) signatures.set(p, signature);
    }
    e.Signature = signature;
    e.SigningCertURL = await signingCertUrl(store);
  }
  e.UnsubscribeURL = unsubscribeUrl(store, sub.arn);
  const attrs = envelopeAttributes(p);
  if (attrs) e.MessageAttributes = attrs;
  return e;
}

export async function confirmation(
  store: SnsStore,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation',
  sub: { topicArn: string; arn: string },
  token: string,
  messageId: string,
  timestamp: string,
  signatureVersion: '1' | '2',
): Promise<Record<string, unknown>> {
  const text =
    type === 'SubscriptionConfirmation'
      ? `You have chosen to subscribe to the topic ${sub.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
      : `You have chosen to deactivate subscription ${sub.arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
  const e: Record<string, string | undefined> = {
    Type: type,
    MessageId: messageId,
    Token: token,
    TopicArn: sub.topicArn,
    Message: text,
    SubscribeURL: subscribeUrl(store, sub.topicArn, token),
    Timestamp: timestamp,
    SignatureVersion: signatureVersion,
  };
  e.Signature = await signMessage(store, e, signatureVersion);
  e.SigningCertURL = await signingCertUrl(store);
  return e;
}

/** JSON as SNS writes its envelopes: one `"Key" : value` per line. */
export function envelopeJson(e: Record<string, unknown>): string {
  const lines = Object.entries(e).map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** The event a Lambda function subscribed to a topic receives. */
export async function lambdaEvent(store: SnsStore, p: Published, sub: Subscription): Promise<string> {
  const n = await notification(store, p, sub);
  const sns: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: p.messageId,
    TopicArn: p.topicArn,
    Subject: p.subject ?? null,
    Message: n.Message,
    Timestamp: p.timestamp,
    SignatureVersion: n.SignatureVersion,
    Signature: n.Signature,
    SigningCertUrl: n.SigningCertURL,
    UnsubscribeUrl: n.UnsubscribeURL,
    MessageAttributes: n.MessageAttributes ?? {},
  };
  if (p.fifo) {
    delete sns.SignatureVersion;
    delete sns.Signature;
    delete sns.SigningCertUrl;
    sns.SequenceNumber = p.sequenceNumber;
    sns.MessageGroupId = p.groupId;
  }
  return JSON.stringify({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: sub.arn, Sns: sns }] });
}
