// Publish and PublishBatch: checks (size, subject, attributes, MessageStructure, FIFO rules), FIFO
// deduplication and sequence numbers, then fan-out to the topic's subscriptions. Publishing to a
// phone number or a platform endpoint goes straight to the outbox.
import { createHash, randomUUID } from 'node:crypto';
import { ServiceError } from '../../../../core/errors.ts';
import { parseArn } from '../../../../core/resources/arn.ts';
import type { MessageAttributeValue, PublishBatchInput, PublishBatchResponse, PublishInput, PublishResponse } from '../generated/types.ts';
import type { Ctx, Sns } from '../state.ts';
import type { Published } from '../messages.ts';
import type { Topic } from '../store.ts';
import { checkArn, invalidParameter, invalidParameterValue, notFound } from './common.ts';
import { jsonNestingDepth } from '../../../../core/json-depth.ts';

/** Deepest MessageStructure document accepted (as EventBridge's Detail): far past any real message. */
const MAX_STRUCTURE_DEPTH = 1000;

const MAX_SIZE = 262_144;
const DEDUP_WINDOW_MS = 5 * 60_000;

interface Entry {
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** Byte size as SNS counts it: the message plus each attribute's name, type and value. */
function sizeOf(e: Entry): number {
  let n = Buffer.byteLength(e.Message ?? '', 'utf8');
  for (const [k, a] of Object.entries(e.MessageAttributes ?? {})) {
    n += Buffer.byteLength(k) + Buffer.byteLength(a.DataType ?? '');
    n += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return n;
}

function checkAttributes(attrs: Record<string, MessageAttributeValue> | undefined): void {
  if (!attrs) return;
  for (const [name, a] of Object.entries(attrs)) {
    if (!name || name.length > 256 || !/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameterValue(`The message attribute name '${name}' is invalid.`);
    }
    if (/^(aws|amazon)\./i.test(name) && !name.startsWith('AWS.SNS.') && !name.startsWith('AWS.MM.')) {
      throw invalidParameterValue(`The message attribute name '${name}' is reserved for use by Amazon.`);
    }
    const type = a.DataType ?? '';
    const base = /^(String\.Array|String|Number|Binary)(\..+)?$/.exec(type)?.[1];
    if (!base) throw invalidParameterValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    if (base === 'Binary') {
      if (!a.BinaryValue || a.BinaryValue.length === 0) throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      continue;
    }
    if (a.StringValue === undefined || a.StringValue === '') {
      throw invalidParameterValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    if (base === 'Number') {
      const n = Number(a.StringValue);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a.StringValue.trim()) || !Number.isFinite(n) || Math.abs(n) >= 1e126) {
        throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
      }
    }
    if (base === 'String.Array') {
      let arr: unknown;
      try {
        arr = JSON.parse(a.StringValue);
      } catch {
        arr = undefined;
      }
      if (!Array.isArray(arr) || arr.some((x) => typeof x === 'object' && x !== null)) {
        throw invalidParameterValue(`The message attribute '${name}' with type 'String.Array' has an invalid value: ${a.StringValue}`);
      }
    }
  }
}

/** Checks an entry and returns its per-protocol messages when MessageStructure is json. */
function checkEntry(e: Entry, topic: Topic | undefined): Record<string, string> | undefined {
  if (e.Message === undefined || e.Message === '') throw invalidParameter('Empty message');
  if (sizeOf(e) > MAX_SIZE) throw invalidParameter('Message too long');
  if (e.Subject !== undefined && (e.Subject.length === 0 || e.Subject.length > 100 || !/^[\x20-\x7e]*$/.test(e.Subject))) throw invalidParameter('Subject');
  checkAttributes(e.MessageAttributes);
  let perProtocol: Record<string, string> | undefined;
  if (e.MessageStructure !== undefined) {
    if (e.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
    let doc: unknown;
    try {
      doc = JSON.parse(e.Message);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    // Deeper documents fit in 256 KB (100,000 nested arrays) and would overflow the stack below.
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || jsonNestingDepth(doc, MAX_STRUCTURE_DEPTH) > MAX_STRUCTURE_DEPTH) {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    const d = doc as Record<string, unknown>;
    if (typeof d.default !== 'string') throw invalidParameter('Message Structure - No default entry in JSON message body');
    perProtocol = {};
    for (const [k, v] of Object.entries(d)) perProtocol[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (topic?.fifo) {
    if (!e.MessageGroupId) throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
    if (!e.MessageDeduplicationId && topic.attributes.ContentBasedDeduplication !== 'true') {
      throw invalidParameter('The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (topic && e.MessageDeduplicationId !== undefined) {
    throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
  }
  for (const [name, v] of [['MessageGroupId', e.MessageGroupId], ['MessageDeduplicationId', e.MessageDeduplicationId]] as const) {
    if (v !== undefined && !/^[\x21-\x7e]{1,128}$/.test(v)) throw invalidParameter(`${name} Reason: ${name} must be 1 to 128 printable ASCII characters`);
  }
  return perProtocol;
}

function toPublished(e: Entry, topic: Topic, perProtocol: Record<string, string> | undefined, now: number, causedBy: string | undefined): Published {
  const p: Published = {
    messageId: randomUUID(),
    topicArn: topic.arn,
    message: e.Message,
    timestamp: new Date(now).toISOString(),
    signatureVersion: topic.attributes.SignatureVersion === '2' ? '2' : '1',
    fifo: topic.fifo,
    causedBy,
  };
  if (perProtocol) p.perProtocol = perProtocol;
  if (e.Subject !== undefined) p.subject = e.Subject;
  if (e.MessageAttributes && Object.keys(e.MessageAttributes).length) {
    p.attributes = {};
    for (const [k, a] of Object.entries(e.MessageAttributes)) {
      p.attributes[k] = a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue).toString('base64') } : { DataType: a.DataType, StringValue: a.StringValue };
    }
  }
  if (e.MessageGroupId !== undefined) p.groupId = e.MessageGroupId;
  return p;
}

/** FIFO: assigns the deduplication id and sequence number; returns the earlier message for a duplicate. */
function fifoAssign(sns: Sns, topic: Topic, e: Entry, p: Published, now: number): { duplicate?: { messageId: string; sequenceNumber: string } } {
  const dedupId = e.MessageDeduplicationId ?? createHash('sha256').update(e.Message).digest('hex');
  let seen = sns.dedup.get(topic.arn);
  if (!seen) sns.dedup.set(topic.arn, (seen = new Map()));
  const prior = seen.get(dedupId);
  if (prior && now - prior.at < DEDUP_WINDOW_MS) return { duplicate: prior };
  if (seen.size > 1000) for (const [k, v] of seen) if (now - v.at >= DEDUP_WINDOW_MS) seen.delete(k);
  const last = sns.sequence.get(topic.arn) ?? BigInt(now) * 1_000_000n;
  const next = (last > BigInt(now) * 1_000_000n ? last : BigInt(now) * 1_000_000n) + 1n;
  sns.sequence.set(topic.arn, next);
  p.deduplicationId = dedupId;
  p.sequenceNumber = next.toString().padStart(20, '1');
  seen.set(dedupId, { messageId: p.messageId, sequenceNumber: p.sequenceNumber, at: now });
  return {};
}

export async function publish(input: PublishInput, ctx: Ctx): Promise<PublishResponse> {
  const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((x) => x !== undefined);
  if (targets.length === 0) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  if (targets.length > 1) throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given');
  if (input.PhoneNumber !== undefined) return publishSms(input, ctx);
  const arn = (input.TopicArn ?? input.TargetArn)!;
  const parsed = checkArn(arn, input.TopicArn ? 'TopicArn' : 'TargetArn');
  if (parsed.resource.startsWith('endpoint/')) return publishToEndpoint(input, arn, ctx);
  return publishToTopic(ctx.state, arn, input, ctx.clock.now(), ctx.requestId);
}

/** Publishes one message to a topic: Publish, and deliveries addressed to the topic's ARN. */
export async function publishToTopic(sns: Sns, arn: string, input: Entry, now: number, causedBy: string | undefined): Promise<PublishResponse> {
  const entry = await sns.store.topicForPublish(arn);
  if (!entry) throw notFound('Topic does not exist');
  const perProtocol = checkEntry(input, entry.topic);
  const p = toPublished(input, entry.topic, perProtocol, now, causedBy);
  if (entry.topic.fifo) {
    const { duplicate } = fifoAssign(sns, entry.topic, input, p, now);
    if (duplicate) return { MessageId: duplicate.messageId, SequenceNumber: duplicate.sequenceNumber };
  }
  await sns.engine.publish(p, entry.subscriptions);
  return { MessageId: p.messageId, SequenceNumber: p.sequenceNumber };
}

export async function publishBatch(input: PublishBatchInput, ctx: Ctx): Promise<PublishBatchResponse> {
  const entries = input.PublishBatchRequestEntries ?? [];
  if (entries.length === 0) throw new ServiceError('EmptyBatchRequest', 'The batch request doesn\'t contain any entries.', 400);
  if (entries.length > 10) throw new ServiceError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.', 400);
  const ids = new Set<string>();
  for (const e of entries) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(e.Id)) throw new ServiceError('InvalidBatchEntryId', 'The Id of a batch entry in a batch request doesn\'t abide by the specification.', 400);
    if (ids.has(e.Id)) throw new ServiceError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.', 400);
    ids.add(e.Id);
  }
  if (entries.reduce((n, e) => n + sizeOf(e), 0) > MAX_SIZE) throw new ServiceError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.', 400);
  checkArn(input.TopicArn, 'TopicArn');
  const entry = await ctx.state.store.topicForPublish(input.TopicArn);
  if (!entry) throw notFound('Topic does not exist');
  const topic = entry.topic;
  const out: PublishBatchResponse = { Successful: [], Failed: [] };
  const fanouts: Promise<void>[] = [];
  for (const e of entries) {
    try {
      const perProtocol = checkEntry(e, topic);
      const p = toPublished(e, topic, perProtocol, ctx.clock.now(), ctx.requestId);
      if (topic.fifo) {
        const { duplicate } = fifoAssign(ctx.state, topic, e, p, ctx.clock.now());
        if (duplicate) {
          out.Successful!.push({ Id: e.Id, MessageId: duplicate.messageId, SequenceNumber: duplicate.sequenceNumber });
          continue;
        }
      }
      out.Successful!.push({ Id: e.Id, MessageId: p.messageId, SequenceNumber: p.sequenceNumber });
      // FIFO order within the batch is kept: each entry's fan-out starts after the previous one's.
      fanouts.push(topic.fifo && fanouts.length ? fanouts.at(-1)!.then(() => ctx.state.engine.publish(p, entry.subscriptions)) : ctx.state.engine.publish(p, entry.subscriptions));
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      out.Failed!.push({ Id: e.Id, Code: err.code, Message: err.message, SenderFault: err.senderFault });
    }
  }
  await Promise.all(fanouts);
  return out;
}

async function publishSms(input: PublishInput, ctx: Ctx): Promise<PublishResponse> {
  const phone = input.PhoneNumber!.replace(/[ ()-]/g, '');
  if (!/^\+?[1-9]\d{3,14}$/.test(phone)) throw invalidParameter('PhoneNumber Reason: ' + input.PhoneNumber + ' is not valid to publish to');
  checkEntry({ ...input, MessageStructure: undefined }, undefined);
  if (Buffer.byteLength(input.Message) > 1600) throw invalidParameter('Message too long');
  if (await ctx.state.store.isPhoneOptedOut(ctx, phone)) throw new ServiceError('OptedOut', `Phone number ${phone} is opted out`, 400);
  const messageId = randomUUID();
  await ctx.state.store.addToOutbox({
    account: ctx.account, region: ctx.region, kind: 'sms', destination: phone, subject: null, message: input.Message,
    message_id: messageId, topic_arn: null, subscription_arn: null,
    attributes: input.MessageAttributes ? JSON.stringify(input.MessageAttributes) : null, time: ctx.clock.now(),
  });
  return { MessageId: messageId };
}

async function publishToEndpoint(input: PublishInput, arn: string, ctx: Ctx): Promise<PublishResponse> {
  const row = await ctx.state.store.platformEndpoint(arn);
  if (!row) throw notFound('Endpoint does not exist');
  const attrs = JSON.parse(row.attributes) as Record<string, string>;
  if (attrs.Enabled === 'false') throw new ServiceError('EndpointDisabled', 'Endpoint is disabled', 400);
  checkEntry({ ...input, MessageGroupId: undefined, MessageDeduplicationId: undefined }, undefined);
  const messageId = randomUUID();
  const scope = parseArn(arn)!;
  await ctx.state.store.addToOutbox({
    account: scope.account, region: scope.region, kind: 'application', destination: arn, subject: input.Subject ?? null, message: input.Message,
    message_id: messageId, topic_arn: null, subscription_arn: null,
    attributes: input.MessageAttributes ? JSON.stringify(input.MessageAttributes) : null, time: ctx.clock.now(),
  });
  return { MessageId: messageId };
}

