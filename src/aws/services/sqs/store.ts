// SQS's tables (migrations/) and the statements on them, over the store port. Nothing else touches
// these tables. Queues are cached in memory by address; the cache is only ever filled from the store,
// so it is rebuilt on demand after a restart and dropped on reset.
//
// Atomicity: a read that decides a write (a FIFO deduplication id seen, the messages a receive takes,
// a receipt still the latest, a queue's attributes or tags to merge) runs in one unit of work with
// the write (`atomically`); the methods called inside it join the unit. Single statements need none.
import type { SqlValue, Store } from '../../../core/store.ts';
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

/** A receive's marks: each message taken gets a new receipt handle. */
export interface ReceiptMark {
  seq: number;
  receipt: string;
}

/** One UPDATE per receive, whatever its size: the SQL text for `n` messages (n ≤ 10), compiled once each. */
const markSql: string[] = [];
function markReceivedSql(n: number): string {
  return (markSql[n] ??=
    'UPDATE sqs_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = v.column2, received_at = ?, ' +
    'first_receive_at = COALESCE(first_receive_at, ?) FROM (VALUES ' + Array(n).fill('(?, ?)').join(', ') + ') AS v ' +
    'WHERE sqs_messages.seq = v.column1');
}

export class SqsStore {
  readonly #db: Store;
  #byAddress = new Map<string, Queue | null>();
  #byId = new Map<number, Queue>();
  /**
   * Counts changes to queue rows. A cache fill from a read that began before a change is dropped:
   * between a statement and the code after its await, another request's write may have run.
   */
  #generation = 0;

  constructor(env: { store: Store }) {
    this.#db = env.store;
    this.#db.migrate('sqs', new URL('./migrations/', import.meta.url));
    this.#db.onReset(() => this.forget());
  }

  /** Runs `fn` after a reset has emptied every table (the engine drops its timers and wakes receivers). */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }

  /** Drops cached queues (reset, or around a change to a queue row). */
  forget(): void {
    this.#generation++;
    this.#byAddress.clear();
    this.#byId.clear();
  }

  /**
   * A unit of work whose steps are SQS's own rules (sending with deduplication, receiving, moving
   * messages, merging attributes or tags): the reads that decide and the writes see no other request in
   * between, and all or none of the writes take effect. The methods fn calls join the unit. fn awaits
   * only this store: waking receivers and moving timers happen after the unit resolves.
   */
  async atomically<T>(fn: () => Promise<T>): Promise<T> {
    const generation = this.#generation;
    try {
      return await this.#db.unit(() => fn());
    } catch (err) {
      // Rolled back: a queue the unit changed may have been cached as the unit saw it.
      if (this.#generation !== generation) this.forget();
      throw err;
    }
  }

  // ── Queues ─────────────────────────────────────────────────────────────────────────────────────

  /** A queue by address, from the cache when it holds it (the hot path: every request names one). */
  queue(account: string, region: string, name: string): Promise<Queue | undefined> {
    const cached = this.#byAddress.get(`${account}\0${region}\0${name}`);
    if (cached !== undefined) return Promise.resolve(cached ?? undefined);
    return this.#loadQueue(account, region, name);
  }

  async #loadQueue(account: string, region: string, name: string): Promise<Queue | undefined> {
    const generation = this.#generation;
    const row = await this.#db.get<QueueRow>(`SELECT * FROM sqs_queues WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
    if (row) return this.#adopt(row, generation);
    // Remember misses too (clients poll queues that do not exist yet), within reason.
    if (generation === this.#generation) {
      if (this.#byAddress.size >= 10_000) this.forget();
      else this.#byAddress.set(`${account}\0${region}\0${name}`, null);
    }
    return undefined;
  }

  async queueById(id: number): Promise<Queue | undefined> {
    const cached = this.#byId.get(id);
    if (cached) return cached;
    const generation = this.#generation;
    const row = await this.#db.get<QueueRow>('SELECT * FROM sqs_queues WHERE id = ?', id);
    return row ? this.#adopt(row, generation) : undefined;
  }

  /**
   * The queue as the store holds it now, not cached: for a unit whose decision depends on the queue's
   * row (its attributes, tags, last purge, whether the name is taken).
   */
  async freshQueue(account: string, region: string, name: string): Promise<Queue | undefined> {
    const row = await this.#db.get<QueueRow>(`SELECT * FROM sqs_queues WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
    return row ? toQueue(row) : undefined;
  }

  async freshQueueById(id: number): Promise<Queue | undefined> {
    const row = await this.#db.get<QueueRow>('SELECT * FROM sqs_queues WHERE id = ?', id);
    return row ? toQueue(row) : undefined;
  }

  /** The queue a row read under `generation` describes, cached unless a queue changed since. */
  #adopt(row: QueueRow, generation: number): Queue {
    const queue = toQueue(row);
    if (generation === this.#generation) {
      this.#byAddress.set(`${row.account}\0${row.region}\0${row.name}`, queue);
      this.#byId.set(row.id, queue);
    }
    return queue;
  }

  /**
   * Writes a queue row. The cache is dropped before (readers go to the store) and after (a reader that
   * read the old row while the write waited its turn may have cached it).
   */
  async #writeQueue(sql: string, ...params: SqlValue[]): Promise<void> {
    this.forget();
    await this.#db.run(sql, ...params);
    this.forget();
  }

  /** Call inside a unit that checked the name is free. */
  async insertQueue(account: string, region: string, name: string, fifo: boolean, attributes: QueueAttributes, tags: Record<string, string>, now: number): Promise<Queue> {
    await this.#writeQueue(
      'INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      account, region, name, fifo ? 1 : 0, JSON.stringify(attributes), JSON.stringify(tags), now, now,
    );
    return (await this.freshQueue(account, region, name))!;
  }

  async updateQueueAttributes(queue: Queue, attributes: QueueAttributes, now: number): Promise<void> {
    await this.#writeQueue('UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE id = ?', JSON.stringify(attributes), now, queue.id);
  }

  async updateQueueTags(queue: Queue, tags: Record<string, string>): Promise<void> {
    await this.#writeQueue('UPDATE sqs_queues SET tags = ? WHERE id = ?', JSON.stringify(tags), queue.id);
  }

  /**
   * New attributes; a new retention period (retentionMs given) applies to the messages already there.
   * Returns their soonest expiry then, if any. Call inside the unit that read the attributes it merged.
   */
  async changeQueueAttributes(queue: Queue, attributes: QueueAttributes, now: number, retentionMs: number | undefined): Promise<number | undefined> {
    await this.updateQueueAttributes(queue, attributes, now);
    if (retentionMs === undefined) return undefined;
    await this.#db.run('UPDATE sqs_messages SET expires_at = sent_at + ? WHERE queue_id = ?', retentionMs, queue.id);
    return (await this.#db.get<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM sqs_messages WHERE queue_id = ?', queue.id))?.t ?? undefined;
  }

  /**
   * Empties the queue (messages, FIFO groups, receive attempts) and remembers when, unless it was
   * purged less than `intervalMs` ago: then false, and nothing changes.
   */
  purgeQueue(queue: Queue, at: number, intervalMs: number): Promise<boolean> {
    return this.atomically(async () => {
      const last = await this.#db.get<{ purged_at: number | null }>('SELECT purged_at FROM sqs_queues WHERE id = ?', queue.id);
      if (last?.purged_at != null && at - last.purged_at < intervalMs) return false;
      await this.deleteAllMessages(queue.id);
      await this.#writeQueue('UPDATE sqs_queues SET purged_at = ? WHERE id = ?', at, queue.id);
      return true;
    });
  }

  /** Deletes the queue and remembers when (a queue of that name cannot be made again for 60 s). */
  deleteQueue(queue: Queue, now: number): Promise<void> {
    return this.atomically(async () => {
      await this.#writeQueue('DELETE FROM sqs_queues WHERE id = ?', queue.id);
      await this.#db.run(
        'INSERT INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (account, region, name) DO UPDATE SET deleted_at = excluded.deleted_at',
        queue.account, queue.region, queue.name, now,
      );
    });
  }

  /** Every queue, ordered by account, region and name (the admin API's listing). */
  async allQueues(): Promise<Queue[]> {
    const generation = this.#generation;
    const rows = await this.#db.all<QueueRow>('SELECT * FROM sqs_queues ORDER BY account, region, name');
    return rows.map((r) => this.#adopt(r, generation));
  }

  async deletedAt(account: string, region: string, name: string): Promise<number | undefined> {
    return (await this.#db.get<{ deleted_at: number }>(
      `SELECT deleted_at FROM sqs_deleted_queues WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name,
    ))?.deleted_at;
  }

  /** Queue names of an account and region, in name order, from `after` (exclusive), with a prefix. */
  async listQueueNames(account: string, region: string, prefix: string, after: string, limit: number): Promise<string[]> {
    // The prefix bound uses the name index: names >= prefix and < prefix + U+FFFF.
    const rows = await this.#db.all<{ name: string }>(
      `SELECT name FROM sqs_queues WHERE ${IN_SCOPE} AND name >= ? AND name < ? AND name > ? ORDER BY name LIMIT ?`,
      ...scopeParams({ account, region }), prefix, prefix + '\uffff', after, limit,
    );
    return rows.map((r) => r.name);
  }

  /** Queues whose RedrivePolicy names `dlqArn` (in the account and region of the DLQ). */
  async deadLetterSources(account: string, region: string, dlqArn: string): Promise<Queue[]> {
    const generation = this.#generation;
    const rows = await this.#db.all<QueueRow>(
      `SELECT * FROM sqs_queues WHERE ${IN_SCOPE} AND json_extract(attributes, '$.RedrivePolicy') IS NOT NULL ORDER BY name`,
      ...scopeParams({ account, region }),
    );
    return rows.map((r) => this.#adopt(r, generation)).filter((q) => q.settings.redrive?.deadLetterTargetArn === dlqArn);
  }

  // ── Messages ───────────────────────────────────────────────────────────────────────────────────

  /** Throws QueueGone when the queue was deleted since the caller looked it up. */
  async insertMessage(m: NewMessage): Promise<number> {
    const r = await this.#db.run(
      'INSERT INTO sqs_messages (queue_id, message_id, body, attributes, md5_attributes, trace_header, md5_system, sender_id, sent_at, visible_at, ' +
        'expires_at, receive_count, first_receive_at, group_id, dedup_id, dead_letter_source) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      m.queue_id, m.message_id, m.body, m.attributes, m.md5_attributes, m.trace_header, m.md5_system, m.sender_id, m.sent_at,
      m.visible_at, m.expires_at, m.receive_count ?? 0, m.first_receive_at ?? null, m.group_id, m.dedup_id,
      m.dead_letter_source,
    ).catch(queueGone);
    return Number(r.lastInsertRowid);
  }

  message(seq: number): Promise<MessageRow | undefined> {
    return this.#db.get<MessageRow>('SELECT * FROM sqs_messages WHERE seq = ?', seq);
  }

  /** Standard queues: the earliest visible, unexpired messages. */
  visibleMessages(queueId: number, now: number, limit: number): Promise<MessageRow[]> {
    return this.#db.all<MessageRow>(
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND expires_at > ? ORDER BY visible_at, seq LIMIT ?',
      queueId, now, now, limit,
    );
  }

  /** When the next message of a standard queue becomes visible (after `now`). */
  async nextVisibleAt(queueId: number, now: number): Promise<number | undefined> {
    return (await this.#db.get<{ t: number | null }>('SELECT MIN(visible_at) AS t FROM sqs_messages WHERE queue_id = ? AND visible_at > ?', queueId, now))?.t ?? undefined;
  }

  /** Marks the messages a receive took in flight until `visibleAt`, each with its new receipt. Inside the receive's unit. */
  async markReceived(marks: readonly ReceiptMark[], visibleAt: number, now: number): Promise<void> {
    if (marks.length === 0) return;
    if (marks.length === 1) {
      // The common receive (MaxNumberOfMessages 1): by primary key, no VALUES table to build.
      await this.#db.run(
        'UPDATE sqs_messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ?, received_at = ?, ' +
          'first_receive_at = COALESCE(first_receive_at, ?) WHERE seq = ?',
        visibleAt, marks[0].receipt, now, now, marks[0].seq,
      );
      return;
    }
    const params: SqlValue[] = [visibleAt, now, now];
    for (const m of marks) params.push(m.seq, m.receipt);
    await this.#db.run(markReceivedSql(marks.length), ...params);
  }

  async setVisibleAt(seq: number, visibleAt: number): Promise<void> {
    await this.#db.run('UPDATE sqs_messages SET visible_at = ? WHERE seq = ?', visibleAt, seq);
  }

  /**
   * Deletes the message a receipt names, if it is still there. On a standard queue any receipt of the
   * message deletes it: one statement. On a FIFO queue only the latest receipt deletes (an earlier
   * one's message may be someone else's now), and the group is refreshed: one unit.
   */
  async deleteReceivedMessage(queue: Queue, seq: number, receipt: string): Promise<void> {
    if (!queue.fifo) {
      await this.#db.run('DELETE FROM sqs_messages WHERE seq = ? AND queue_id = ?', seq, queue.id);
      return;
    }
    await this.atomically(async () => {
      const row = await this.#db.get<{ group_id: string | null }>(
        'DELETE FROM sqs_messages WHERE seq = ? AND queue_id = ? AND receipt = ? RETURNING group_id', seq, queue.id, receipt,
      );
      if (row && row.group_id !== null) await this.refreshGroup(queue.id, row.group_id);
    });
  }

  /**
   * Makes an in-flight message visible at `visibleAt`, all or nothing: not when the receipt is not
   * the message's latest or it is visible already, nor past `maxMs` after it was received.
   */
  changeMessageVisibility(queue: Queue, seq: number, receipt: string, now: number, visibleAt: number, maxMs: number): Promise<'changed' | 'not-in-flight' | 'beyond-limit'> {
    return this.atomically(async () => {
      const row = await this.message(seq);
      if (!row || row.queue_id !== queue.id || row.receipt !== receipt || row.visible_at <= now) return 'not-in-flight';
      if (visibleAt - row.received_at! > maxMs) return 'beyond-limit';
      await this.setVisibleAt(row.seq, visibleAt);
      if (queue.fifo && row.group_id !== null) await this.refreshGroup(queue.id, row.group_id);
      return 'changed';
    });
  }

  async deleteMessage(seq: number): Promise<void> {
    await this.#db.run('DELETE FROM sqs_messages WHERE seq = ?', seq);
  }

  async deleteAllMessages(queueId: number): Promise<void> {
    await this.#db.run('DELETE FROM sqs_messages WHERE queue_id = ?', queueId);
    await this.#db.run('DELETE FROM sqs_fifo_groups WHERE queue_id = ?', queueId);
    await this.#db.run('DELETE FROM sqs_receive_attempts WHERE queue_id = ?', queueId);
  }

  async counts(queueId: number, now: number): Promise<{ visible: number; inFlight: number; delayed: number }> {
    // One statement, so that the three figures describe one moment.
    const c = (await this.#db.get<{ visible: number | null; inflight: number | null; delayed: number | null }>(
      'SELECT SUM(visible_at <= ?) AS visible, SUM(visible_at > ? AND receive_count > 0) AS inflight, ' +
        'SUM(visible_at > ? AND receive_count = 0) AS delayed FROM sqs_messages WHERE queue_id = ? AND expires_at > ?',
      now, now, now, queueId, now,
    ))!;
    return { visible: c.visible ?? 0, inFlight: c.inflight ?? 0, delayed: c.delayed ?? 0 };
  }

  /** Every message of a queue in order (admin peek), from `afterSeq`. */
  peek(queueId: number, afterSeq: number, limit: number): Promise<MessageRow[]> {
    return this.#db.all<MessageRow>('SELECT * FROM sqs_messages WHERE queue_id = ? AND seq > ? ORDER BY seq LIMIT ?', queueId, afterSeq, limit);
  }

  /** Messages of a queue sent before `cutoffSeq` (message move tasks). */
  oldestBefore(queueId: number, cutoffSeq: number, limit: number): Promise<MessageRow[]> {
    return this.#db.all<MessageRow>(
      // In the visible index's order, so no sort of the whole queue: earliest visible first.
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND seq < ? ORDER BY visible_at, seq LIMIT ?', queueId, cutoffSeq, limit,
    );
  }

  async countBefore(queueId: number, cutoffSeq: number): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sqs_messages WHERE queue_id = ? AND seq < ?', queueId, cutoffSeq))!.n;
  }

  async maxSeq(): Promise<number> {
    return (await this.#db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM sqs_messages'))!.s ?? 0;
  }

  // ── Retention ──────────────────────────────────────────────────────────────────────────────────

  async nextExpiry(): Promise<number | undefined> {
    return (await this.#db.get<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM sqs_messages'))!.t ?? undefined;
  }

  /** Deletes up to `limit` expired messages, and refreshes the FIFO groups they were in; returns how many. */
  expireMessages(now: number, limit: number): Promise<number> {
    return this.atomically(async () => {
      const rows = await this.#db.all<{ queue_id: number; group_id: string | null }>(
        'DELETE FROM sqs_messages WHERE seq IN (SELECT seq FROM sqs_messages WHERE expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING queue_id, group_id',
        now, limit,
      );
      const groups = new Set<string>();
      for (const r of rows) if (r.group_id !== null) groups.add(`${r.queue_id}\0${r.group_id}`);
      for (const g of groups) {
        const [queueId, groupId] = g.split('\0');
        await this.refreshGroup(Number(queueId), groupId);
      }
      return rows.length;
    });
  }

  // ── FIFO groups ────────────────────────────────────────────────────────────────────────────────

  async availableGroups(queueId: number, now: number, limit: number): Promise<string[]> {
    const rows = await this.#db.all<{ group_id: string }>(
      'SELECT group_id FROM sqs_fifo_groups WHERE queue_id = ? AND available_at <= ? ORDER BY available_at, head_seq LIMIT ?',
      queueId, now, limit,
    );
    return rows.map((r) => r.group_id);
  }

  async nextGroupAvailableAt(queueId: number, now: number): Promise<number | undefined> {
    return (await this.#db.get<{ t: number | null }>('SELECT MIN(available_at) AS t FROM sqs_fifo_groups WHERE queue_id = ? AND available_at > ?', queueId, now))?.t ?? undefined;
  }

  /** A new message joins its group's tail: the group's head and availability change only if it is new. */
  async addToGroup(queueId: number, groupId: string, seq: number, visibleAt: number): Promise<void> {
    await this.#db.run(
      'INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq, available_at) VALUES (?, ?, ?, ?) ON CONFLICT (queue_id, group_id) DO NOTHING',
      queueId, groupId, seq, visibleAt,
    );
  }

  groupMessages(queueId: number, groupId: string, limit: number): Promise<MessageRow[]> {
    return this.#db.all<MessageRow>(
      'SELECT * FROM sqs_messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT ?', queueId, groupId, limit,
    );
  }

  /**
   * Recomputes when a FIFO group may next deliver: not before its head is visible, nor while any of
   * its messages is in flight. A group without messages disappears. Reads then writes: call inside
   * the unit that changed the group's messages.
   *
   * The messages of a group that were ever received are always its first ones: a receive takes
   * messages from the head of an unlocked group only, new ones join the tail, and deletes keep the
   * order. So the in-flight ones are among the leading received messages, never past them.
   */
  async refreshGroup(queueId: number, groupId: string): Promise<void> {
    let available: number | undefined;
    let headSeq: number | undefined;
    for (let after = 0; ;) {
      const rows = await this.#db.all<{ seq: number; visible_at: number; receive_count: number }>(
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
      await this.#db.run('DELETE FROM sqs_fifo_groups WHERE queue_id = ? AND group_id = ?', queueId, groupId);
      return;
    }
    await this.#db.run(
      'INSERT INTO sqs_fifo_groups (queue_id, group_id, head_seq, available_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, available_at = excluded.available_at',
      queueId, groupId, headSeq, available,
    );
  }

  // ── FIFO deduplication and receive attempts ────────────────────────────────────────────────────

  dedup(queueId: number, key: string, now: number): Promise<{ message_id: string; sequence_number: string | null } | undefined> {
    return this.#db.get('SELECT message_id, sequence_number FROM sqs_dedup WHERE queue_id = ? AND scope_key = ? AND expires_at > ?', queueId, key, now);
  }

  async remember(queueId: number, key: string, messageId: string, sequenceNumber: string | null, expiresAt: number): Promise<void> {
    await this.#db.run(
      'INSERT INTO sqs_dedup (queue_id, scope_key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, scope_key) DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at',
      queueId, key, messageId, sequenceNumber, expiresAt,
    );
  }

  async forgetExpiredDedup(now: number): Promise<void> {
    // Two independent sweeps of rows nobody reads once expired: no unit needed.
    await this.#db.run('DELETE FROM sqs_dedup WHERE expires_at <= ?', now);
    await this.#db.run('DELETE FROM sqs_receive_attempts WHERE expires_at <= ?', now);
  }

  async receiveAttempt(queueId: number, attemptId: string, now: number): Promise<[number, string][] | undefined> {
    const row = await this.#db.get<{ messages: string }>(
      'SELECT messages FROM sqs_receive_attempts WHERE queue_id = ? AND attempt_id = ? AND expires_at > ?', queueId, attemptId, now,
    );
    return row ? (JSON.parse(row.messages) as [number, string][]) : undefined;
  }

  async rememberReceiveAttempt(queueId: number, attemptId: string, messages: [number, string][], expiresAt: number): Promise<void> {
    await this.#db.run(
      'INSERT INTO sqs_receive_attempts (queue_id, attempt_id, messages, expires_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (queue_id, attempt_id) DO UPDATE SET messages = excluded.messages, expires_at = excluded.expires_at',
      queueId, attemptId, JSON.stringify(messages), expiresAt,
    );
  }

  // ── Message move tasks ─────────────────────────────────────────────────────────────────────────

  async insertMoveTask(t: MoveTaskRow): Promise<void> {
    await this.#db.run(
      'INSERT INTO sqs_move_tasks (handle, account, region, source_arn, destination_arn, max_per_second, status, moved, to_move, failure_reason, started_at, cutoff_seq) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      t.handle, t.account, t.region, t.source_arn, t.destination_arn, t.max_per_second, t.status, t.moved, t.to_move, t.failure_reason,
      t.started_at, t.cutoff_seq,
    );
  }

  moveTask(handle: string): Promise<MoveTaskRow | undefined> {
    return this.#db.get<MoveTaskRow>('SELECT * FROM sqs_move_tasks WHERE handle = ?', handle);
  }

  moveTasks(account: string, region: string, sourceArn: string, limit: number): Promise<MoveTaskRow[]> {
    return this.#db.all<MoveTaskRow>(
      `SELECT * FROM sqs_move_tasks WHERE ${IN_SCOPE} AND source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      ...scopeParams({ account, region }), sourceArn, limit,
    );
  }

  runningMoveTasks(): Promise<MoveTaskRow[]> {
    return this.#db.all<MoveTaskRow>("SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING' ORDER BY started_at");
  }

  async updateMoveTask(handle: string, fields: Partial<Pick<MoveTaskRow, 'status' | 'moved' | 'failure_reason'>>): Promise<void> {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    for (const [k, v] of Object.entries(fields)) {
      sets.push(`${k} = ?`);
      values.push(v as SqlValue);
    }
    if (sets.length) await this.#db.run(`UPDATE sqs_move_tasks SET ${sets.join(', ')} WHERE handle = ?`, ...values, handle);
  }
}

/**
 * The queue a write names is gone: a DeleteQueue ran between the caller's lookup and its write (a
 * request's awaits let others run). Callers answer QueueDoesNotExist, as for a queue never there.
 */
export class QueueGone extends Error {
  constructor() {
    super('the queue was deleted meanwhile');
  }
}

function queueGone(err: unknown): never {
  // Messages, FIFO groups and deduplication rows reference their queue; nothing else fails this way.
  throw err instanceof Error && /FOREIGN KEY constraint failed/.test(err.message) ? new QueueGone() : err;
}

function toQueue(row: QueueRow): Queue {
  const attributes = JSON.parse(row.attributes) as QueueAttributes;
  return {
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
}
