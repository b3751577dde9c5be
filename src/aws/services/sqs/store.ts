// SQS's tables (migrations/) and the statements on them. Nothing else touches these tables. Queues
// are cached in memory by address; the cache is only ever filled from SQLite, so it is rebuilt on
// demand after a restart and dropped on reset.
import type { Database, SqlValue } from '../../../store/database.ts';
import { queueArn } from './queue-url.ts';
import { settingsOf, type QueueAttributes, type QueueSettings } from './queue-attributes.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Queues live in an account and a region: the scope fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export interface Queue {
  id: number;
  account: string;
  region: string;
  name: string;
  fifo: boolean;
  arn: string;
  attributes: QueueAttributes;
  settings: QueueSettings;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  purgedAt: number | null;
}

interface QueueRow {
  id: number;
  account: string;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
  purged_at: number | null;
}

export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  attributes: string | null;
  md5_attributes: string | null;
  trace_header: string | null;
  md5_system: string | null;
  sender_id: string;
  sent_at: number;
  visible_at: number;
  expires_at: number;
  receive_count: number;
  first_receive_at: number | null;
  received_at: number | null;
  receipt: string | null;
  group_id: string | null;
  dedup_id: string | null;
  dead_letter_source: string | null;
}

export type NewMessage = Omit<MessageRow, 'seq' | 'receive_count' | 'first_receive_at' | 'received_at' | 'receipt'> &
  Partial<Pick<MessageRow, 'receive_count' | 'first_receive_at'>>;

export interface MoveTaskRow {
  handle: string;
  account: string;
  region: string;
  source_arn: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: string;
  moved: number;
  to_move: number;
  failure_reason: string | null;
  started_at: number;
  cutoff_seq: number;
}

// AWS's sequence numbers are large, increasing, not consecutive; ours are the message's row id in
// that range, so they increase within every group and queue and cost no counter to keep.
const SEQUENCE_BASE = 18_000_000_000_000_000_000n;

/** A FIFO message's SequenceNumber (FIFO rows are the ones with a deduplication id). */
export function sequenceNumberOf(row: Pick<MessageRow, 'seq' | 'dedup_id'>): string | undefined {
  return row.dedup_id === null ? undefined : String(SEQUENCE_BASE + BigInt(row.seq));
}

export class SqsStore {
  readonly #db: Database;
  #byAddress = new Map<string, Queue | null>();
  #byId = new Map<number, Queue>();

  constructor(env: { db: Database }) {
    this.#db = env.db;
    this.#db.migrate('sqs', new URL('./migrations/', import.meta.url));
    this.#db.onReset(() => this.forget());
  }

  /** Runs `fn` after a reset has emptied every table (the engine drops its timers and wakes receivers). */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }

  /** Drops cached queues (reset, or after a change). */
  forget(): void {
    this.#byAddress.clear();
    this.#byId.clear();
  }

  /**
   * A unit of work whose steps are SQS's own rules (sending with deduplication, receiving FIFO
   * groups, moving messages): the steps call this store's methods, all or none of them take effect.
   * Plain multi-statement changes are single methods below instead.
   */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  // ── Queues ─────────────────────────────────────────────────────────────────────────────────────

  queue(account: string, region: string, name: string): Queue | undefined {
    const key = `${account}\0${region}\0${name}`;
    const cached = this.#byAddress.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.#db.get<QueueRow>(`SELECT * FROM sqs_queues WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
    const queue = row ? this.#cache(row) : undefined;
    if (!queue) {
      // Remember misses too (clients poll queues that do not exist yet), within reason.
      if (this.#byAddress.size >= 10_000) this.forget();
      this.#byAddress.set(key, null);
    }
    return queue;
  }

  queueById(id: number): Queue | undefined {
    const cached = this.#byId.get(id);
    if (cached) return cached;
    const row = this.#db.get<QueueRow>('SELECT * FROM sqs_queues WHERE id = ?', id);
    return row ? this.#cache(row) : undefined;
  }

  #cache(row: QueueRow): Queue {
    const attributes = JSON.parse(row.attributes) as QueueAttributes;
    const queue: Queue = {
      id: row.id,
      account: row.account,
      region: row.region,
      name: row.name,
      fifo: row.fifo === 1,
      arn: queueArn(row.region, row.account, row.name),
      attributes,
      settings: settingsOf(attributes),
      tags: JSON.parse(row.tags),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      purgedAt: row.purged_at,
    };
    this.#byAddress.set(`${row.account}\0${row.region}\0${row.name}`, queue);
    this.#byId.set(row.id, queue);
    return queue;
  }

  #uncache(queue: Queue): void {
    this.#byAddress.delete(`${queue.account}\0${queue.region}\0${queue.name}`);
    this.#byId.delete(queue.id);
  }

  insertQueue(account: string, region: string, name: string, fifo: boolean, attributes: QueueAttributes, tags: Record<string, string>, now: number): Queue {
    this.#db.run(
      'INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      account, region, name, fifo ? 1 : 0, JSON.stringify(attributes), JSON.stringify(tags), now, now,
    );
    this.#byAddress.delete(`${account}\0${region}\0${name}`);
    return this.queue(account, region, name)!;
  }

  updateQueueAttributes(queue: Queue, attributes: QueueAttributes, now: number): void {
    this.#db.run('UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE id = ?', JSON.stringify(attributes), now, queue.id);
    this.#uncache(queue);
  }

  updateQueueTags(queue: Queue, tags: Record<string, string>): void {
    this.#db.run('UPDATE sqs_queues SET tags = ? WHERE id = ?', JSON.stringify(tags), queue.id);
    this.#uncache(queue);
  }

  /**
   * New attributes; a new retention period (retentionMs given) applies to the messages already there.
   * Returns their soonest expiry then, if any.
   */
  changeQueueAttributes(queue: Queue, attributes: QueueAttributes, now: number, retentionMs: number | undefined): number | undefined {
    return this.#db.transaction(() => {
      this.updateQueueAttributes(queue, attributes, now);
      if (retentionMs === undefined) return undefined;
      this.#db.run('UPDATE sqs_messages SET expires_at = sent_at + ? WHERE queue_id = ?', retentionMs, queue.id);
      return this.#db.get<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM sqs_messages WHERE queue_id = ?', queue.id)?.t ?? undefined;
    });
  }

  /** Empties the queue (messages, FIFO groups, receive attempts) and remembers when. */
  purgeQueue(queue: Queue, at: number): void {
    this.#db.transaction(() => {
      this.deleteAllMessages(queue.id);
      this.#db.run('UPDATE sqs_queues SET purged_at = ? WHERE id = ?', at, queue.id);
    });
    queue.purgedAt = at;
  }

  /** Deletes the queue and remembers when (a queue of that name cannot be made again for 60 s). */
  deleteQueue(queue: Queue, now: number): void {
    this.#db.transaction(() => {
      this.#db.run('DELETE FROM sqs_queues WHERE id = ?', queue.id);
      this.#db.run(
        'INSERT INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (account, region, name) DO UPDATE SET deleted_at = excluded.deleted_at',
        queue.account, queue.region, queue.name, now,
      );
    });
    this.#uncache(queue);
  }

  /** Every queue's id, ordered by account, region and name (the admin API's listing). */
  allQueueIds(): number[] {
    return this.#db.all<{ id: number }>('SELECT id FROM sqs_queues ORDER BY account, region, name').map((r) => r.id);
  }

  deletedAt(account: string, region: string, name: string): number | undefined {
    return this.#db.get<{ deleted_at: number }>(
      `SELECT deleted_at FROM sqs_deleted_queues WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name,
    )?.deleted_at;
  }

  /** Queue names of an account and region, in name order, from `after` (exclusive), with a prefix. */
  listQueueNames(account: string, region: string, prefix: string, after: string, limit: number): string[] {
    // The prefix bound uses the name index: names >= prefix and < prefix + U+FFFF.
    return this.#db
      .all<{ name: string }>(
        `SELECT name FROM sqs_queues WHERE ${IN_SCOPE} AND name >= ? AND name < ? AND name > ? ORDER BY name LIMIT ?`,
        ...scopeParams({ account, region }), prefix, prefix + '\uffff', after, limit,
      )
      .map((r) => r.name);
  }

  /** Queues whose RedrivePolicy names `dlqArn` (in the account and region of the DLQ). */
  deadLetterSources(account: string, region: string, dlqArn: string): Queue[] {
    const rows = this.#db.all<QueueRow>(
      `SELECT * FROM sqs_queues WHERE ${IN_SCOPE} AND json_extract(attributes, '$.RedrivePolicy') IS NOT NULL ORDER BY name`,
      ...scopeParams({ account, region }),
    );
    return rows.map((r) => this.queueById(r.id)!).filter((q) => q.settings.redrive?.deadLetterTargetArn === dlqArn);
  }

  // ── Messages ───────────────────────────────────────────────────────────────────────────────────

  insertMessage(m: NewMessage): number {
    const r = this.#db.run(
      'INSERT INTO sqs_messages (queue_id, message_id, body, attributes, md5_attributes, trace_header, md5_system, sender_id, sent_at, visible_at, ' +
        'expires_at, receive_count, first_receive_at, group_id, dedup_id, dead_letter_source) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      m.queue_id, m.message_id, m.body, m.attributes, m.md5_attributes, m.trace_header, m.md5_system, m.sender_id, m.sent_at,
      m.visible_at, m.expires_at, m.receive_count ?? 0, m.first_receive_at ?? null, m.group_id, m.dedup_id,
      m.dead_letter_source,
    );
    return Number(r.lastInsertRowid);
  }

  message(seq: number): MessageRow | undefined {
    return this.#db.get<MessageRow>('SELECT * FROM sqs_messages WHERE seq = ?', seq);
  }

  /** Standard queues: the earliest visible, unexpired messages. */
  visibleMessages(queueId: number, now: number, limit: number): MessageRow[] {
    return this.#db.all<MessageRow>(
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND expires_at > ? ORDER BY visible_at, seq LIMIT ?',
      queueId, now, now, limit,
    );
  }

  /** When the next message of a standard queue becomes visible (after `now`). */
  nextVisibleAt(queueId: number, now: number): number | undefined {
    return this.#db.get<{ t: number | null }>('SELECT MIN(visible_at) AS t FROM sqs_messages WHERE queue_id = ? AND visible_at > ?', queueId, now)?.t ?? undefined;
  }

  markReceived(seq: number, visibleAt: number, receipt: string, now: number): void {
    this.#db.run(
      'UPDATE sqs_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ?, received_at = ?, ' +
        'first_receive_at = COALESCE(first_receive_at, ?) WHERE seq = ?',
      visibleAt, receipt, now, now, seq,
    );
  }

  setVisibleAt(seq: number, visibleAt: number): void {
    this.#db.run('UPDATE sqs_messages SET visible_at = ? WHERE seq = ?', visibleAt, seq);
  }

/**
   * Deletes the message a receipt names, if it is still there. On a FIFO queue only the latest
   * receipt deletes (an earlier one's message may be someone else's now), and the group is refreshed.
   */
  deleteReceivedMessage(queue: Queue, seq: number, receipt: string): void {
    this.#db.transaction(() => {
      const row = this.message(seq);
      if (!row || row.queue_id !== queue.id) return;
      if (queue.fifo && row.receipt !== receipt) return;
      this.deleteMessage(row.seq);
      if (queue.fifo && row.group_id !== null) this.refreshGroup(queue.id, row.group_id);
    });
  }

  /**
   * Makes an in-flight message visible at `visibleAt`, all or nothing: not when the receipt is not
   * the message's latest or it is visible already, nor past `maxMs` after it was received.
   */
  changeMessageVisibility(queue: Queue, seq: number, receipt: string, now: number, visibleAt: number, maxMs: number): 'changed' | 'not-in-flight' | 'beyond-limit' {
    return this.#db.transaction(() => {
      const row = this.message(seq);
      if (!row || row.queue_id !== queue.id || row.receipt !== receipt || row.visible_at <= now) return 'not-in-flight';
      if (visibleAt - row.received_at! > maxMs) return 'beyond-limit';
      this.setVisibleAt(row.seq, visibleAt);
      if (queue.fifo && row.group_id !== null) this.refreshGroup(queue.id, row.group_id);
      return 'changed';
    });
  }

    deleteMessage(seq: number): void {
    this.#db.run('DELETE FROM sqs_messages WHERE seq = ?', seq);
  }

  deleteAllMessages(queueId: number): void {
    this.#db.run('DELETE FROM sqs_messages WHERE queue_id = ?', queueId);
    this.#db.run('DELETE FROM sqs_fifo_groups WHERE queue_id = ?', queueId);
    this.#db.run('DELETE FROM sqs_receive_attempts WHERE queue_id = ?', queueId);
  }

  counts(queueId: number, now: number): { visible: number; inFlight: number; delayed: number } {
    const visible = this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND expires_at > ?', queueId, now, now)!.n;
    const hidden = this.#db.get<{ inflight: number | null; delayed: number | null }>(
      'SELECT SUM(receive_count > 0) AS inflight, SUM(receive_count = 0) AS delayed FROM sqs_messages WHERE queue_id = ? AND visible_at > ? AND expires_at > ?',
      queueId, now, now,
    )!;
    return { visible, inFlight: hidden.inflight ?? 0, delayed: hidden.delayed ?? 0 };
  }

  /** Every message of a queue in order (admin peek), from `afterSeq`. */
  peek(queueId: number, afterSeq: number, limit: number): MessageRow[] {
    return this.#db.all<MessageRow>('SELECT * FROM sqs_messages WHERE queue_id = ? AND seq > ? ORDER BY seq LIMIT ?', queueId, afterSeq, limit);
  }

  /** Messages of a queue sent before `cutoffSeq` (message move tasks). */
  oldestBefore(queueId: number, cutoffSeq: number, limit: number): MessageRow[] {
    return this.#db.all<MessageRow>(
      // In the visible index's order, so no sort of the whole queue: earliest visible first.
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND seq < ? ORDER BY visible_at, seq LIMIT ?', queueId, cutoffSeq, limit,
    );
  }

  countBefore(queueId: number, cutoffSeq: number): number {
    return this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sqs_messages WHERE queue_id = ? AND seq < ?', queueId, cutoffSeq)!.n;
  }

  maxSeq(): number {
    return this.#db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM sqs_messages')!.s ?? 0;
  }

  // ── Retention ──────────────────────────────────────────────────────────────────────────────────

  nextExpiry(): number | undefined {
    return this.#db.get<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM sqs_messages')!.t ?? undefined;
  }

  /** Deletes up to `limit` expired messages, and refreshes the FIFO groups they were in; returns how many. */
  expireMessages(now: number, limit: number): number {
    return this.#db.transaction(() => {
      const rows = this.expired(now, limit);
      const groups = new Set<string>();
      for (const r of rows) {
        this.deleteMessage(r.seq);
        if (r.group_id !== null) groups.add(`${r.queue_id}\0${r.group_id}`);
      }
      for (const g of groups) {
        const [queueId, groupId] = g.split('\0');
        this.refreshGroup(Number(queueId), groupId);
      }
      return rows.length;
    });
  }

  expired(now: number, limit: number): Pick<MessageRow, 'seq' | 'queue_id' | 'group_id'>[] {
    return this.#db.all('SELECT seq, queue_id, group_id FROM sqs_messages WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', now, limit);
  }

  // ── FIFO groups ────────────────────────────────────────────────────────────────────────────────

  availableGroups(queueId: number, now: number, limit: number): string[] {
    return this.#db
      .all<{ group_id: string }>(
        'SELECT group_id FROM sqs_fifo_groups WHERE queue_id = ? AND available_at <= ? ORDER BY available_at, head_seq LIMIT ?',
        queueId, now, limit,
      )
      .map((r) => r.group_id);
  }

  nextGroupAvailableAt(queueId: number, now: number): number | undefined {
    return this.#db.get<{ t: number | null }>('SELECT MIN(available_at) AS t FROM sqs_fifo_groups WHERE queue_id = ? AND available_at > ?', queueId, now)?.t ?? undefined;
  }

  /** A new message joins its group's tail: the group's head and availability change only if it is new. */
  addToGroup(queueId: number, groupId: string, seq: number, visibleAt: number): void {
    this.#db.run(
      'INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq, available_at) VALUES (?, ?, ?, ?) ON CONFLICT (queue_id, group_id) DO NOTHING',
      queueId, groupId, seq, visibleAt,
    );
  }

  groupMessages(queueId: number, groupId: string, limit: number): MessageRow[] {
    return this.#db.all<MessageRow>(
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT ?', queueId, groupId, limit,
    );
  }

  /**
   * Recomputes when a FIFO group may next deliver: not before its head is visible, nor while any of
   * its messages is in flight. A group without messages disappears.
   *
   * The messages of a group that were ever received are always its first ones: a receive takes
   * messages from the head of an unlocked group only, new ones join the tail, and deletes keep the
   * order. So the in-flight ones are among the leading received messages, never past them.
   */
  refreshGroup(queueId: number, groupId: string): void {
    let available: number | undefined;
    let headSeq: number | undefined;
    for (let after = 0; ;) {
      const rows = this.#db.all<{ seq: number; visible_at: number; receive_count: number }>(
        'SELECT seq, visible_at, receive_count FROM sqs_messages WHERE queue_id = ? AND group_id = ? AND seq > ? ORDER BY seq LIMIT 16',
        queueId, groupId, after,
      );
      let end = rows.length < 16;
      for (const r of rows) {
        headSeq ??= r.seq;
        available = Math.max(available ?? r.visible_at, r.visible_at);
        if (r.receive_count === 0) {
          end = true;
          break;
        }
      }
      if (end) break;
      after = rows[rows.length - 1].seq;
    }
    if (available === undefined || headSeq === undefined) {
      this.#db.run('DELETE FROM sqs_fifo_groups WHERE queue_id = ? AND group_id = ?', queueId, groupId);
      return;
    }
    this.#db.run(
      'INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq, available_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, available_at = excluded.available_at',
      queueId, groupId, headSeq, available,
    );
  }

  // ── FIFO deduplication and receive attempts ────────────────────────────────────────────────────

  dedup(queueId: number, key: string, now: number): { message_id: string; sequence_number: string | null } | undefined {
    return this.#db.get('SELECT message_id, sequence_number FROM sqs_dedup WHERE queue_id = ? AND scope_key = ? AND expires_at > ?', queueId, key, now);
  }

  remember(queueId: number, key: string, messageId: string, sequenceNumber: string | null, expiresAt: number): void {
    this.#db.run(
      'INSERT INTO sqs_dedup (queue_id, scope_key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, scope_key) DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at',
      queueId, key, messageId, sequenceNumber, expiresAt,
    );
  }

  forgetExpiredDedup(now: number): void {
    this.#db.run('DELETE FROM sqs_dedup WHERE expires_at <= ?', now);
    this.#db.run('DELETE FROM sqs_receive_attempts WHERE expires_at <= ?', now);
  }

  receiveAttempt(queueId: number, attemptId: string, now: number): [number, string][] | undefined {
    const row = this.#db.get<{ messages: string }>(
      'SELECT messages FROM sqs_receive_attempts WHERE queue_id = ? AND attempt_id = ? AND expires_at > ?', queueId, attemptId, now,
    );
    return row ? (JSON.parse(row.messages) as [number, string][]) : undefined;
  }

  rememberReceiveAttempt(queueId: number, attemptId: string, messages: [number, string][], expiresAt: number): void {
    this.#db.run(
      'INSERT INTO sqs_receive_attempts (queue_id, attempt_id, messages, expires_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, attempt_id) DO UPDATE SET messages = excluded.messages, expires_at = excluded.expires_at',
      queueId, attemptId, JSON.stringify(messages), expiresAt,
    );
  }

  forgetReceiveAttempts(queueId: number): void {
    this.#db.run('DELETE FROM sqs_receive_attempts WHERE queue_id = ?', queueId);
  }

  // ── Message move tasks ─────────────────────────────────────────────────────────────────────────

  insertMoveTask(t: MoveTaskRow): void {
    this.#db.run(
      'INSERT INTO sqs_move_tasks (handle, account, region, source_arn, destination_arn, max_per_second, status, moved, to_move, failure_reason, started_at, cutoff_seq) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      t.handle, t.account, t.region, t.source_arn, t.destination_arn, t.max_per_second, t.status, t.moved, t.to_move, t.failure_reason,
      t.started_at, t.cutoff_seq,
    );
  }

  moveTask(handle: string): MoveTaskRow | undefined {
    return this.#db.get<MoveTaskRow>('SELECT * FROM sqs_move_tasks WHERE handle = ?', handle);
  }

  moveTasks(account: string, region: string, sourceArn: string, limit: number): MoveTaskRow[] {
    return this.#db.all<MoveTaskRow>(
      `SELECT * FROM sqs_move_tasks WHERE ${IN_SCOPE} AND source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      ...scopeParams({ account, region }), sourceArn, limit,
    );
  }

  runningMoveTasks(): MoveTaskRow[] {
    return this.#db.all<MoveTaskRow>("SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING' ORDER BY started_at");
  }

  updateMoveTask(handle: string, fields: Partial<Pick<MoveTaskRow, 'status' | 'moved' | 'failure_reason'>>): void {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    for (const [k, v] of Object.entries(fields)) {
      sets.push(`${k} = ?`);
      values.push(v as SqlValue);
    }
    if (sets.length) this.#db.run(`UPDATE sqs_move_tasks SET ${sets.join(', ')} WHERE handle = ?`, ...values, handle);
  }
}
