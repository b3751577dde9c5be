// Enqueueing one message: AWS's checks (body characters and size, delays, FIFO group and
// deduplication ids), FIFO deduplication within 5 minutes and sequence numbers, then the row.
// SendMessage, SendMessageBatch, deliveries from other services and redrives all come through here.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';
import { effects, queueDoesNotExist, type Effects, type SqsEngine } from './engine.ts';
import { QueueGone, sequenceNumberOf, type Queue } from './store.ts';
import { md5OfAttributes, md5OfBody } from './md5.ts';
import {
  ALLOWED_CHARACTERS, checkMessageAttributes, checkSystemAttributes, invalidCharacter, invalidParameter,
  storeAttributes, type MessageAttributes,
} from './message-attributes.ts';
import { createHash } from 'node:crypto';

export interface OutgoingMessage {
  body: string | undefined;
  delaySeconds?: number;
  attributes?: MessageAttributes;
  systemAttributes?: MessageAttributes;
  groupId?: string;
  deduplicationId?: string;
  senderId: string;
}

export interface SentMessage {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

const DEDUP_WINDOW_MS = 5 * 60_000;
const ID_PATTERN = /^[!-~]{1,128}$/;

export function missingParameter(name: string): ServiceError {
  return new ServiceError('MissingParameter', `The request must contain the parameter ${name}.`, 400);
}

function notForThisQueueType(name: string, value: unknown): ServiceError {
  return invalidParameter(`Value ${String(value)} for parameter ${name} is invalid. Reason: The request include parameter that is not valid for this queue type.`);
}

/** Checks a message against its queue; throws the error SQS answers. Returns the message size. */
export function checkMessage(queue: Queue, m: OutgoingMessage): number {
  if (m.body === undefined || m.body === '') throw missingParameter('MessageBody');
  const bad = invalidCharacter(m.body);
  if (bad !== undefined) {
    throw new ServiceError('InvalidMessageContents', `Invalid binary character '#x${bad.toString(16).toUpperCase()}' was found in the message body, the set of allowed characters is ${ALLOWED_CHARACTERS.replace('Valid unicode characters are ', '')}`, 400);
  }
  const size = Buffer.byteLength(m.body) + checkMessageAttributes(m.attributes);
  checkSystemAttributes(m.systemAttributes);
  if (size > queue.settings.maxMessageSize) {
    throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.maxMessageSize} bytes.`);
  }
  if (m.delaySeconds !== undefined) {
    if (queue.fifo && m.delaySeconds !== 0) throw notForThisQueueType('DelaySeconds', m.delaySeconds);
    if (m.delaySeconds < 0 || m.delaySeconds > 900) {
      throw invalidParameter(`Value ${m.delaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`);
    }
  }
  if (m.groupId !== undefined && !ID_PATTERN.test(m.groupId)) {
    throw invalidParameter(`Value ${m.groupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  if (m.deduplicationId !== undefined && !ID_PATTERN.test(m.deduplicationId)) {
    throw invalidParameter(`Value ${m.deduplicationId} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  if (queue.fifo) {
    if (m.groupId === undefined) throw missingParameter('MessageGroupId');
    if (m.deduplicationId === undefined && !queue.settings.contentBasedDeduplication) {
      throw invalidParameter('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  } else if (m.deduplicationId !== undefined) {
    throw notForThisQueueType('MessageDeduplicationId', m.deduplicationId);
  }
  return size;
}

/** A checked message, with its checksums: what a unit of work enqueues. */
export interface CheckedMessage {
  message: OutgoingMessage;
  md5Attributes?: string;
  md5System?: string;
}

/** Checks a message against its queue (throws the error SQS answers) and computes its checksums. */
export function prepareMessage(queue: Queue, m: OutgoingMessage): CheckedMessage {
  checkMessage(queue, m);
  return { message: m, md5Attributes: md5OfAttributes(m.attributes), md5System: md5OfAttributes(m.systemAttributes) };
}

/**
 * Checks and enqueues one message, then wakes a receiver. A standard queue's message is one INSERT;
 * a FIFO one is a unit (the deduplication id seen decides whether anything is written).
 */
export async function sendMessage(engine: SqsEngine, queue: Queue, m: OutgoingMessage): Promise<SentMessage> {
  const checked = prepareMessage(queue, m);
  const fx = effects();
  const now = engine.clock.now();
  const sent = await (queue.fifo
    ? engine.store.atomically(() => enqueue(engine, queue, checked, now, fx))
    : enqueue(engine, queue, checked, now, fx)
  ).catch(asQueueDoesNotExist);
  engine.apply(fx);
  return sent;
}

/** A queue deleted while a send was under way: SQS's answer for a queue that does not exist. */
export function asQueueDoesNotExist(err: unknown): never {
  throw err instanceof QueueGone ? queueDoesNotExist() : err;
}

/**
 * Writes a checked message (FIFO: inside a unit, with its deduplication and group), and notes in `fx`
 * the receivers to wake and the timers to move once the unit has resolved.
 */
export async function enqueue(engine: SqsEngine, queue: Queue, checked: CheckedMessage, now: number, fx: Effects): Promise<SentMessage> {
  const { message: m, md5Attributes, md5System } = checked;
  const store = engine.store;
  const result: SentMessage = { MessageId: '', MD5OfMessageBody: md5OfBody(m.body!) };
  if (md5Attributes) result.MD5OfMessageAttributes = md5Attributes;
  if (md5System) result.MD5OfMessageSystemAttributes = md5System;
  let dedupId = m.deduplicationId;
  let dedupKey: string | undefined;
  if (queue.fifo) {
    dedupId ??= createHash('sha256').update(m.body!, 'utf8').digest('hex');
    dedupKey = queue.settings.dedupByGroup ? `${m.groupId}\0${dedupId}` : dedupId;
    const seen = await store.dedup(queue.id, dedupKey, now);
    if (seen) {
      // Accepted, not enqueued again: the first message's id and sequence number.
      result.MessageId = seen.message_id;
      if (seen.sequence_number) result.SequenceNumber = seen.sequence_number;
      return result;
    }
  }
  const delayMs = queue.fifo ? queue.settings.delayMs : m.delaySeconds !== undefined ? m.delaySeconds * 1000 : queue.settings.delayMs;
  const visibleAt = now + delayMs;
  const expiresAt = now + queue.settings.retentionMs;
  result.MessageId = randomUUID();
  const seq = await store.insertMessage({
    queue_id: queue.id,
    message_id: result.MessageId,
    body: m.body!,
    attributes: storeAttributes(m.attributes),
    md5_attributes: md5Attributes ?? null,
    trace_header: m.systemAttributes?.AWSTraceHeader?.StringValue ?? null,
    md5_system: md5System ?? null,
    sender_id: m.senderId,
    sent_at: now,
    visible_at: visibleAt,
    expires_at: expiresAt,
    group_id: m.groupId ?? null,
    dedup_id: queue.fifo ? dedupId! : null,
    dead_letter_source: null,
  });
  if (queue.fifo) {
    const sequenceNumber = sequenceNumberOf({ seq, dedup_id: dedupId! })!;
    await store.addToGroup(queue.id, m.groupId!, seq, visibleAt);
    await store.remember(queue.id, dedupKey!, result.MessageId, sequenceNumber, now + DEDUP_WINDOW_MS);
    fx.dedupExpiresAt = Math.min(fx.dedupExpiresAt, now + DEDUP_WINDOW_MS);
    result.SequenceNumber = sequenceNumber;
  }
  fx.expiresAt = Math.min(fx.expiresAt, expiresAt);
  fx.notify.add(queue.id);
  return result;
}
