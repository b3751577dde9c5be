// Receiving: standard queues hand out their earliest visible messages; FIFO queues hand out the
// heads of message groups with nothing in flight, in order, as many of one group as fit first. A
// message received more often than its queue's maxReceiveCount moves to the dead-letter queue
// instead. Long polls wait on the engine until something may be receivable or time runs out.
import { effects, type Effects, type SqsEngine } from './engine.ts';
import { QueueGone, sequenceNumberOf, type MessageRow, type Queue } from './store.ts';
import { newReceipt } from './receipts.ts';
import { parseQueueArn } from './queue-url.ts';
import { loadAttributes, selectAttributes, type MessageAttributes } from './message-attributes.ts';
import { md5OfAttributes, md5OfBody } from './md5.ts';

export interface ReceiveOptions {
  max: number;
  visibilityMs: number;
  waitMs: number;
  attemptId?: string;
  /** System attribute names asked for (AttributeNames and MessageSystemAttributeNames). */
  systemAttributeNames: string[];
  messageAttributeNames: string[];
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributes;
}

const ATTEMPT_WINDOW_MS = 5 * 60_000;

export async function receiveMessages(engine: SqsEngine, queue: Queue, o: ReceiveOptions): Promise<ReceivedMessage[]> {
  const deadline = engine.clock.now() + o.waitMs;
  let current: Queue | undefined = queue;
  for (;;) {
    // Noted before looking: a message sent while we look moves it, and we look again instead of sleeping.
    const mark = engine.changeMark(queue.id);
    const fx = effects();
    const rows = await receiveNow(engine, current, o, fx);
    // The unit has resolved: now wake whom it concerns (messages moved to a dead-letter queue).
    engine.apply(fx);
    if (rows.length > 0) {
      // There may be more where these came from: the next waiting receiver gets its turn.
      engine.notify(queue.id);
      return rows.map((r) => present(r, o));
    }
    if (engine.clock.now() >= deadline) return [];
    await engine.waitForChange(current, deadline, mark);
    // The queue may have been deleted (or everything reset) while we waited.
    current = await engine.store.queueById(queue.id);
    if (!current) return [];
  }
}

/**
 * One attempt, in one unit: the messages chosen are marked in flight before any other request can
 * look, so two receivers never get one message.
 */
function receiveNow(engine: SqsEngine, queue: Queue, o: ReceiveOptions, fx: Effects): Promise<MessageRow[]> {
  const store = engine.store;
  return store.atomically(async () => {
    const now = engine.clock.now();
    if (queue.fifo && o.attemptId !== undefined) {
      const again = await retriedAttempt(engine, queue, o.attemptId, now, o.visibilityMs);
      if (again) return again;
    }
    const taken = queue.fifo ? await takeFifo(engine, queue, o.max, now, fx) : await takeStandard(engine, queue, o.max, now, fx);
    if (taken.length === 0) return taken;
    const visibleAt = now + o.visibilityMs;
    const marks = taken.map((row) => ({ seq: row.seq, receipt: newReceipt(queue.id, row.seq) }));
    await store.markReceived(marks, visibleAt, now);
    const received: MessageRow[] = [];
    const groups = new Set<string>();
    for (let i = 0; i < taken.length; i++) {
      const row = taken[i];
      received.push({
        ...row, receipt: marks[i].receipt, visible_at: visibleAt, received_at: now,
        receive_count: row.receive_count + 1, first_receive_at: row.first_receive_at ?? now,
      });
      if (row.group_id !== null && queue.fifo) groups.add(row.group_id);
    }
    for (const g of groups) await store.refreshGroup(queue.id, g);
    if (queue.fifo && o.attemptId !== undefined) {
      await store.rememberReceiveAttempt(queue.id, o.attemptId, received.map((r) => [r.seq, r.receipt!]), now + ATTEMPT_WINDOW_MS);
      fx.dedupExpiresAt = Math.min(fx.dedupExpiresAt, now + ATTEMPT_WINDOW_MS);
    }
    return received;
  });
}

/**
 * A FIFO receive retried with the same ReceiveRequestAttemptId gets the same messages and receipt
 * handles again, with a fresh visibility timeout, as long as none was deleted or received since.
 */
async function retriedAttempt(engine: SqsEngine, queue: Queue, attemptId: string, now: number, visibilityMs: number): Promise<MessageRow[] | undefined> {
  const store = engine.store;
  const remembered = await store.receiveAttempt(queue.id, attemptId, now);
  if (!remembered) return undefined;
  const rows: MessageRow[] = [];
  for (const [seq, receipt] of remembered) {
    const row = await store.message(seq);
    if (!row || row.receipt !== receipt) return undefined;
    rows.push(row);
  }
  const groups = new Set<string>();
  for (const row of rows) {
    row.visible_at = now + visibilityMs;
    await store.setVisibleAt(row.seq, row.visible_at);
    if (row.group_id !== null) groups.add(row.group_id);
  }
  for (const g of groups) await store.refreshGroup(queue.id, g);
  return rows;
}

async function takeStandard(engine: SqsEngine, queue: Queue, max: number, now: number, fx: Effects): Promise<MessageRow[]> {
  const out: MessageRow[] = [];
  const taken = new Set<number>();
  // Messages moved to a dead-letter queue make room for more; rows taken stay visible until marked.
  for (let round = 0; out.length < max && round < 100; round++) {
    const rows = await engine.store.visibleMessages(queue.id, now, max);
    let fresh = 0;
    for (const row of rows) {
      if (out.length >= max) break;
      if (taken.has(row.seq)) continue;
      fresh++;
      if (queue.settings.redrive && (await deadLettered(engine, queue, row, now, fx))) continue;
      taken.add(row.seq);
      out.push(row);
    }
    if (rows.length < max || fresh === 0) break;
  }
  return out;
}

async function takeFifo(engine: SqsEngine, queue: Queue, max: number, now: number, fx: Effects): Promise<MessageRow[]> {
  const out: MessageRow[] = [];
  const tried = new Set<string>();
  for (let round = 0; out.length < max && round < 100; round++) {
    const groups = (await engine.store.availableGroups(queue.id, now, max + tried.size)).filter((g) => !tried.has(g));
    if (groups.length === 0) break;
    for (const group of groups) {
      if (out.length >= max) break;
      tried.add(group);
      let moved = false;
      for (const row of await engine.store.groupMessages(queue.id, group, max - out.length + 1)) {
        if (out.length >= max) break;
        if (row.visible_at > now || row.expires_at <= now) break;
        if (queue.settings.redrive && (await deadLettered(engine, queue, row, now, fx))) {
          moved = true;
          continue;
        }
        out.push(row);
      }
      if (moved) await engine.store.refreshGroup(queue.id, group);
    }
  }
  return out;
}

/** Moves a message received maxReceiveCount times to the queue's dead-letter queue, if it has one. */
async function deadLettered(engine: SqsEngine, queue: Queue, row: MessageRow, now: number, fx: Effects): Promise<boolean> {
  const redrive = queue.settings.redrive;
  if (!redrive || row.receive_count < redrive.maxReceiveCount) return false;
  const address = parseQueueArn(redrive.deadLetterTargetArn);
  const dlq = address && (await engine.store.queue(address.account, address.region, address.name));
  if (!dlq || dlq.fifo !== queue.fifo) return false;
  try {
    await moveMessage(engine, row, queue, dlq, now, queue.arn, fx);
  } catch (err) {
    // The dead-letter queue was deleted meanwhile: as if it had never been there.
    if (err instanceof QueueGone) return false;
    throw err;
  }
  return true;
}

/**
 * Moves a message to another queue as a redrive does: same id, body and attributes, received
 * afresh. A standard queue keeps the original enqueue time (retention counts from it); a FIFO
 * queue enqueues it anew with a new sequence number. Inside the caller's unit; `fx` notes the
 * receivers to wake and the expiry once it has resolved. The copy is written first, so that when the
 * target is gone (QueueGone) nothing has changed.
 */
export async function moveMessage(engine: SqsEngine, row: MessageRow, from: Queue, to: Queue, now: number, deadLetterSource: string | null, fx: Effects): Promise<void> {
  const store = engine.store;
  const sentAt = to.fifo ? now : row.sent_at;
  const expiresAt = sentAt + to.settings.retentionMs;
  const seq = await store.insertMessage({
    ...row,
    queue_id: to.id,
    sent_at: sentAt,
    visible_at: now,
    expires_at: expiresAt,
    receive_count: 0,
    first_receive_at: null,
    group_id: to.fifo ? row.group_id : null,
    dedup_id: to.fifo ? row.dedup_id : null,
    dead_letter_source: deadLetterSource,
  });
  await store.deleteMessage(row.seq);
  if (to.fifo && row.group_id !== null) await store.addToGroup(to.id, row.group_id, seq, now);
  if (from.fifo && row.group_id !== null) await store.refreshGroup(from.id, row.group_id);
  fx.expiresAt = Math.min(fx.expiresAt, expiresAt);
  fx.notify.add(to.id);
}

const ALL_SYSTEM = [
  'SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp',
  'SequenceNumber', 'MessageDeduplicationId', 'MessageGroupId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn',
];

function present(row: MessageRow, o: ReceiveOptions): ReceivedMessage {
  const out: ReceivedMessage = {
    MessageId: row.message_id,
    ReceiptHandle: row.receipt!,
    MD5OfBody: md5OfBody(row.body),
    Body: row.body,
  };
  const names = o.systemAttributeNames.includes('All') ? ALL_SYSTEM : o.systemAttributeNames;
  if (names.length) {
    const attrs: Record<string, string> = {};
    for (const name of names) {
      const value = systemAttribute(row, name);
      if (value !== undefined) attrs[name] = value;
    }
    if (Object.keys(attrs).length) out.Attributes = attrs;
  }
  const selected = selectAttributes(loadAttributes(row.attributes), o.messageAttributeNames);
  if (selected) {
    out.MessageAttributes = selected;
    out.MD5OfMessageAttributes = md5OfAttributes(selected);
  }
  return out;
}

function systemAttribute(row: MessageRow, name: string): string | undefined {
  switch (name) {
    case 'SenderId': return row.sender_id;
    case 'SentTimestamp': return String(row.sent_at);
    case 'ApproximateReceiveCount': return String(row.receive_count);
    case 'ApproximateFirstReceiveTimestamp': return row.first_receive_at === null ? undefined : String(row.first_receive_at);
    case 'SequenceNumber': return sequenceNumberOf(row);
    case 'MessageDeduplicationId': return row.dedup_id ?? undefined;
    case 'MessageGroupId': return row.group_id ?? undefined;
    case 'AWSTraceHeader': return row.trace_header ?? undefined;
    case 'DeadLetterQueueSourceArn': return row.dead_letter_source ?? undefined;
    default: return undefined;
  }
}
