// Sending and receiving: SendMessage(Batch) and ReceiveMessage (with long polling).
import type {
  SendMessageRequest, SendMessageResult, SendMessageBatchRequest, SendMessageBatchResult, ReceiveMessageRequest,
  ReceiveMessageResult, MessageAttributeValue,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { QueueGone } from '../store.ts';
import { asQueueDoesNotExist, enqueue, prepareMessage, sendMessage, type CheckedMessage, type OutgoingMessage } from '../send.ts';
import { effects } from '../engine.ts';
import { receiveMessages } from '../receive.ts';
import { invalidParameter, type MessageAttributes } from '../message-attributes.ts';
import { checkBatch, failedEntry } from './batch.ts';
import type { SqsContext } from './context.ts';

function attributesIn(a: Record<string, MessageAttributeValue> | undefined): MessageAttributes | undefined {
  return a as MessageAttributes | undefined;
}

function outgoing(input: Omit<SendMessageRequest, 'QueueUrl'>, ctx: SqsContext): OutgoingMessage {
  return {
    body: input.MessageBody,
    delaySeconds: input.DelaySeconds,
    attributes: attributesIn(input.MessageAttributes),
    systemAttributes: attributesIn(input.MessageSystemAttributes),
    groupId: input.MessageGroupId,
    deduplicationId: input.MessageDeduplicationId,
    senderId: ctx.caller.userId,
  };
}

export async function sendMessageOp(input: SendMessageRequest, ctx: SqsContext): Promise<SendMessageResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  return sendMessage(engine, queue, outgoing(input, ctx));
}

const MAX_BATCH_BYTES = 1_048_576;

export async function sendMessageBatch(input: SendMessageBatchRequest, ctx: SqsContext): Promise<SendMessageBatchResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  checkBatch(input.Entries, 'SendMessage');
  let total = 0;
  for (const e of input.Entries) {
    total += Buffer.byteLength(e.MessageBody ?? '');
    for (const [name, a] of Object.entries(e.MessageAttributes ?? {})) {
      total += Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + Buffer.byteLength(a.StringValue ?? '') + (a.BinaryValue?.length ?? 0);
    }
  }
  if (total > MAX_BATCH_BYTES) {
    throw new ServiceError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
      { status: 400, queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong' });
  }
  const result: SendMessageBatchResult = { Successful: [], Failed: [] };
  // Entries are checked first, outside the unit; the valid ones are enqueued in one unit, in order,
  // together (a FIFO batch's deduplication reads and its inserts see no other request in between).
  const checked: { id: string; message: CheckedMessage }[] = [];
  for (const e of input.Entries) {
    try {
      checked.push({ id: e.Id, message: prepareMessage(queue, outgoing(e, ctx)) });
    } catch (err) {
      result.Failed.push(failedEntry(e.Id, err));
    }
  }
  if (checked.length === 0) return result;
  const fx = effects();
  const now = ctx.clock.now();
  await engine.store.atomically(async () => {
    for (const { id, message } of checked) {
      try {
        result.Successful.push({ Id: id, ...await enqueue(engine, queue, message, now, fx) });
      } catch (err) {
        if (err instanceof QueueGone) throw err;
        result.Failed.push(failedEntry(id, err));
      }
    }
  }).catch(asQueueDoesNotExist);
  engine.apply(fx);
  return result;
}

const ATTEMPT_ID = /^[!-~]{1,128}$/;

export async function receiveMessage(input: ReceiveMessageRequest, ctx: SqsContext): Promise<ReceiveMessageResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  const max = input.MaxNumberOfMessages ?? 1;
  if (max < 1 || max > 10) {
    throw invalidParameter(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
  }
  const visibility = input.VisibilityTimeout;
  if (visibility !== undefined && (visibility < 0 || visibility > 43200)) {
    throw invalidParameter(`Value ${visibility} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`);
  }
  const wait = input.WaitTimeSeconds;
  if (wait !== undefined && (wait < 0 || wait > 20)) {
    throw invalidParameter(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
  }
  const attemptId = input.ReceiveRequestAttemptId;
  if (attemptId !== undefined && !ATTEMPT_ID.test(attemptId)) {
    throw invalidParameter(`Value ${attemptId} for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  const messages = await receiveMessages(engine, queue, {
    max,
    visibilityMs: visibility !== undefined ? visibility * 1000 : queue.settings.visibilityMs,
    waitMs: (wait ?? queue.settings.waitSeconds) * 1000,
    attemptId: queue.fifo ? attemptId : undefined,
    // Query clients send both lists as AttributeName.N; either may hold the names.
    systemAttributeNames: [...new Set([...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])])],
    messageAttributeNames: input.MessageAttributeNames ?? [],
  });
  return messages.length ? { Messages: messages } : {};
}
