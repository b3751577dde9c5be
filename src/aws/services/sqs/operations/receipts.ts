// Acting on received messages by receipt handle: DeleteMessage(Batch), ChangeMessageVisibility(Batch).
import type {
  BatchResultErrorEntry, DeleteMessageRequest, DeleteMessageBatchRequest, DeleteMessageBatchResult, ChangeMessageVisibilityRequest,
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
async function deleteByReceipt(engine: SqsEngine, queue: Queue, handle: string): Promise<void> {
  const receipt = parseReceipt(handle);
  if (receipt.queueId !== queue.id) throw invalidReceipt(handle);
  await engine.store.deleteReceivedMessage(queue, receipt.seq, handle);
}

/** The caller notifies the queue's receivers once the change (or the batch's unit) has resolved. */
async function changeVisibility(engine: SqsEngine, queue: Queue, handle: string, seconds: number): Promise<void> {
  const receipt = parseReceipt(handle);
  if (receipt.queueId !== queue.id) throw invalidReceipt(handle);
  if (seconds < 0 || seconds > 43200) {
    throw invalidParameter(`Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.`);
  }
  const now = engine.clock.now();
  const outcome = await engine.store.changeMessageVisibility(queue, receipt.seq, handle, now, now + seconds * 1000, MAX_VISIBILITY_MS);
  if (outcome === 'not-in-flight') {
    throw invalidParameter(`Value ${handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  }
  if (outcome === 'beyond-limit') {
    throw invalidParameter(`Value ${seconds} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`);
  }
}

export async function deleteMessage(input: DeleteMessageRequest, ctx: SqsContext): Promise<void> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  await deleteByReceipt(engine, queue, input.ReceiptHandle);
  // A FIFO group may be unlocked now.
  if (queue.fifo) engine.notify(queue.id);
}

/** Runs a batch's entries in order, each failing on its own; in one unit when `atomically`. */
async function eachEntry<E extends { Id: string }>(
  engine: SqsEngine, entries: E[], atomically: boolean, act: (e: E) => Promise<void>,
): Promise<{ Successful: { Id: string }[]; Failed: BatchResultErrorEntry[] }> {
  const result = { Successful: [] as { Id: string }[], Failed: [] as BatchResultErrorEntry[] };
  const run = async () => {
    for (const e of entries) {
      try {
        await act(e);
        result.Successful.push({ Id: e.Id });
      } catch (err) {
        result.Failed.push(failedEntry(e.Id, err));
      }
    }
  };
  await (atomically ? engine.store.atomically(run) : run());
  return result;
}

export async function deleteMessageBatch(input: DeleteMessageBatchRequest, ctx: SqsContext): Promise<DeleteMessageBatchResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  checkBatch(input.Entries, 'DeleteMessage');
  // FIFO: one unit for the batch (each delete reads the receipt it deletes by and refreshes its group);
  // a standard queue's deletes are single statements and need none.
  const result = await eachEntry(engine, input.Entries, queue.fifo, (e) => deleteByReceipt(engine, queue, e.ReceiptHandle));
  if (queue.fifo && result.Successful.length) engine.notify(queue.id);
  return result;
}

export async function changeMessageVisibility(input: ChangeMessageVisibilityRequest, ctx: SqsContext): Promise<void> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  await changeVisibility(engine, queue, input.ReceiptHandle, input.VisibilityTimeout);
  engine.notify(queue.id);
}

export async function changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchRequest, ctx: SqsContext): Promise<ChangeMessageVisibilityBatchResult> {
  const engine = ctx.state;
  const queue = await engine.queueAt(input.QueueUrl, ctx);
  checkBatch(input.Entries, 'ChangeMessageVisibility');
  // One unit for the batch on either kind of queue: each change reads the message it checks.
  const result = await eachEntry(engine, input.Entries, true, (e) => changeVisibility(engine, queue, e.ReceiptHandle, e.VisibilityTimeout ?? 0));
  if (result.Successful.length) engine.notify(queue.id);
  return result;
}
