// Acting on received messages by receipt handle: DeleteMessage(Batch), ChangeMessageVisibility(Batch).
import type {
  DeleteMessageRequest, DeleteMessageBatchRequest, DeleteMessageBatchResult, ChangeMessageVisibilityRequest,
  ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResult,
} from '../generated/types.ts';
import { invalidParameter } from '../message-attributes.ts';
import { invalidReceipt, parseReceipt } from '../receipts.ts';
import type { SqsEngine } from '../engine.ts';
import type { Queue } from '../store.ts';
import { checkBatch, failedEntry } from './batch.ts';
import type { SqsContext } from './context.ts';

const MAX_VISIBILITY_MS = 43_200_000;

/**
 * Deletes the message a receipt handle names. A message already gone is not an error. On a FIFO
 * queue, a handle from an earlier receive no longer deletes the message (it may be someone else's now).
 */
function deleteByReceipt(engine: SqsEngine, queue: Queue, handle: string): void {
  const receipt = parseReceipt(handle);
  if (receipt.queueId !== queue.id) throw invalidReceipt(handle);
  engine.store.deleteReceivedMessage(queue, receipt.seq, handle);
  // A FIFO group may be unlocked now.
  if (queue.fifo) engine.notify(queue.id);
}

function changeVisibility(engine: SqsEngine, queue: Queue, handle: string, seconds: number): void {
  const receipt = parseReceipt(handle);
  if (receipt.queueId !== queue.id) throw invalidReceipt(handle);
  if (seconds < 0 || seconds > 43200) {
    throw invalidParameter(`Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`);
  }
  const now = engine.clock.now();
  const outcome = engine.store.changeMessageVisibility(queue, receipt.seq, handle, now, now + seconds * 1000, MAX_VISIBILITY_MS);
  if (outcome === 'not-in-flight') {
    throw invalidParameter(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  }
  if (outcome === 'beyond-limit') {
    throw invalidParameter(`Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`);
  }
  engine.notify(queue.id);
}

export function deleteMessage(input: DeleteMessageRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  deleteByReceipt(engine, engine.queueAt(input.QueueUrl, ctx), input.ReceiptHandle);
}

export function deleteMessageBatch(input: DeleteMessageBatchRequest, ctx: SqsContext): DeleteMessageBatchResult {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  checkBatch(input.Entries, 'DeleteMessage');
  const result: DeleteMessageBatchResult = { Successful: [], Failed: [] };
  for (const e of input.Entries) {
    try {
      deleteByReceipt(engine, queue, e.ReceiptHandle);
      result.Successful.push({ Id: e.Id });
    } catch (err) {
      result.Failed.push(failedEntry(e.Id, err));
    }
  }
  return result;
}

export function changeMessageVisibility(input: ChangeMessageVisibilityRequest, ctx: SqsContext): void {
  const engine = ctx.state;
  changeVisibility(engine, engine.queueAt(input.QueueUrl, ctx), input.ReceiptHandle, input.VisibilityTimeout);
}

export function changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchRequest, ctx: SqsContext): ChangeMessageVisibilityBatchResult {
  const engine = ctx.state;
  const queue = engine.queueAt(input.QueueUrl, ctx);
  checkBatch(input.Entries, 'ChangeMessageVisibility');
  const result: ChangeMessageVisibilityBatchResult = { Successful: [], Failed: [] };
  for (const e of input.Entries) {
    try {
      changeVisibility(engine, queue, e.ReceiptHandle, e.VisibilityTimeout ?? 0);
      result.Successful.push({ Id: e.Id });
    } catch (err) {
      result.Failed.push(failedEntry(e.Id, err));
    }
  }
  return result;
}
