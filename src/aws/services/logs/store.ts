// CloudWatch Logs' tables and statements; nothing else touches them. Events are indexed by
// (stream, timestamp, id) for GetLogEvents and by (group, timestamp, id) for FilterLogEvents.
// Asynchronous, over the store port (src/core/store.ts): what writes more than one statement does it
// in one unit of work, so a reader never sees half of it and a failure leaves none of it.
import type { Environment } from '../../../core/environment.ts';
import type { Statements, Store } from '../../../core/store.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export interface GroupRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  deletion_protection: number;
  tags: string;
}

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created_at: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  stored_bytes: number;
  sequence: number;
}

export interface EventRow {
  id: number;
  stream_id: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

export interface SubscriptionRow {
  group_id: number;
  name: string;
  pattern: string;
  destination_arn: string;
  role_arn: string | null;
  distribution: string;
  created_at: number;
}

export interface MetricFilterRow {
  group_id: number;
  name: string;
  pattern: string;
  transformations: string;
  created_at: number;
}

export class LogsStore {
  // Only this module speaks SQL: handlers and subscriptions call the methods below.
  readonly #db: Store;
  readonly env: Environment;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('logs', new URL('./migrations/', import.meta.url));
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name taken, a quota, tags to merge)
   * and the write itself see no other request in between. The methods fn calls join the unit.
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.unit(() => fn());
  }

  async group(account: string, region: string, name: string): Promise<GroupRow | undefined> {
    return await this.#db.get<GroupRow>(`SELECT * FROM logs_groups WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  async createGroup(g: Omit<GroupRow, 'id'>): Promise<number> {
    const r = await this.#db.run(
      `INSERT INTO logs_groups (account, region, name, created_at, retention_days, kms_key_id, log_group_class, deletion_protection, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      g.account, g.region, g.name, g.created_at, g.retention_days, g.kms_key_id, g.log_group_class, g.deletion_protection, g.tags,
    );
    return Number(r.lastInsertRowid);
  }

  async deleteGroup(id: number): Promise<void> {
    await this.#db.unit(async (tx) => {
      await tx.run('DELETE FROM logs_events WHERE group_id = ?', id);
      await tx.run('DELETE FROM logs_groups WHERE id = ?', id);
    });
  }

  /** Groups by name after `after` (exclusive), optionally by prefix, up to `limit`. */
  async listGroups(account: string, region: string, prefix: string, after: string, limit: number): Promise<GroupRow[]> {
    return await this.#db.all<GroupRow>(
      `SELECT * FROM logs_groups WHERE ${IN_SCOPE} AND name > ? AND substr(name, 1, ?) = ?
       ORDER BY name LIMIT ?`,
      ...scopeParams({ account, region }), after, prefix.length, prefix, limit,
    );
  }

  async allGroups(account: string, region: string): Promise<GroupRow[]> {
    return await this.#db.all<GroupRow>(`SELECT * FROM logs_groups WHERE ${IN_SCOPE} ORDER BY name`, ...scopeParams({ account, region }));
  }

  async updateGroup(id: number, column: 'retention_days' | 'kms_key_id' | 'tags' | 'deletion_protection', value: string | number | null): Promise<void> {
    await this.#db.run(`UPDATE logs_groups SET ${column} = ? WHERE id = ?`, value, id);
  }

  async groupBytes(id: number): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT COALESCE(SUM(stored_bytes), 0) AS n FROM logs_streams WHERE group_id = ?', id))!.n;
  }

  async metricFilterCount(id: number): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT COUNT(*) AS n FROM logs_metric_filters WHERE group_id = ?', id))!.n;
  }

  async stream(groupId: number, name: string): Promise<StreamRow | undefined> {
    return await this.#db.get<StreamRow>('SELECT * FROM logs_streams WHERE group_id = ? AND name = ?', groupId, name);
  }

  async createStream(groupId: number, name: string, now: number): Promise<number> {
    return Number((await this.#db.run('INSERT INTO logs_streams (group_id, name, created_at) VALUES (?, ?, ?)', groupId, name, now)).lastInsertRowid);
  }

  async deleteStream(id: number): Promise<void> {
    await this.#db.unit(async (tx) => {
      await tx.run('DELETE FROM logs_events WHERE stream_id = ?', id);
      await tx.run('DELETE FROM logs_streams WHERE id = ?', id);
    });
  }

  async streamsByName(groupId: number, prefix: string, after: string, descending: boolean, limit: number): Promise<StreamRow[]> {
    return descending
      ? await this.#db.all<StreamRow>(
          `SELECT * FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? AND (? = '' OR name < ?) ORDER BY name DESC LIMIT ?`,
          groupId, prefix.length, prefix, after, after, limit,
        )
      : await this.#db.all<StreamRow>(
          `SELECT * FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? AND name > ? ORDER BY name LIMIT ?`,
          groupId, prefix.length, prefix, after, limit,
        );
  }

  async streamsByLastEvent(groupId: number, descending: boolean, offset: number, limit: number): Promise<StreamRow[]> {
    return await this.#db.all<StreamRow>(
      `SELECT * FROM logs_streams WHERE group_id = ? ORDER BY COALESCE(last_event, 0) ${descending ? 'DESC' : 'ASC'}, name LIMIT ? OFFSET ?`,
      groupId, limit, offset,
    );
  }

  async streamsOf(groupId: number): Promise<StreamRow[]> {
    return await this.#db.all<StreamRow>('SELECT * FROM logs_streams WHERE group_id = ? ORDER BY name', groupId);
  }

  async insertEvents(group: number, stream: StreamRow, events: Array<{ timestamp: number; message: string }>, ingestion: number): Promise<number[]> {
    const insert = 'INSERT INTO logs_events (group_id, stream_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)';
    return await this.#db.unit(async (tx) => {
      const ids: number[] = [];
      let bytes = 0;
      let first = Infinity;
      let last = -Infinity;
      for (const e of events) {
        ids.push(Number((await tx.run(insert, group, stream.id, e.timestamp, ingestion, e.message)).lastInsertRowid));
        bytes += Buffer.byteLength(e.message);
        first = Math.min(first, e.timestamp);
        last = Math.max(last, e.timestamp);
      }
      // The stream's bounds are widened in SQL, not from the row the caller read: another request's
      // events may have landed since.
      await tx.run(
        `UPDATE logs_streams SET first_event = MIN(COALESCE(first_event, ?1), ?1), last_event = MAX(COALESCE(last_event, ?2), ?2),
           last_ingestion = ?3, stored_bytes = stored_bytes + ?4, sequence = sequence + 1 WHERE id = ?5`,
        first, last, ingestion, bytes, stream.id,
      );
      return ids;
    });
  }

  /** Events of a stream in [start, end) after the (timestamp, id) position, ascending. */
  async eventsForward(stream: number, start: number, end: number, afterTs: number, afterId: number, limit: number): Promise<EventRow[]> {
    return await this.#db.all<EventRow>(
      `SELECT id, stream_id, timestamp, ingestion_time, message FROM logs_events
       WHERE stream_id = ? AND timestamp >= ? AND timestamp < ? AND (timestamp > ? OR (timestamp = ? AND id > ?))
       ORDER BY timestamp, id LIMIT ?`,
      stream, start, end, afterTs, afterTs, afterId, limit,
    );
  }

  /** Events of a stream in [start, end) before the (timestamp, id) position, newest first. */
  async eventsBackward(stream: number, start: number, end: number, beforeTs: number, beforeId: number, limit: number): Promise<EventRow[]> {
    return await this.#db.all<EventRow>(
      `SELECT id, stream_id, timestamp, ingestion_time, message FROM logs_events
       WHERE stream_id = ? AND timestamp >= ? AND timestamp < ? AND (timestamp < ? OR (timestamp = ? AND id < ?))
       ORDER BY timestamp DESC, id DESC LIMIT ?`,
      stream, start, end, beforeTs, beforeTs, beforeId, limit,
    );
  }

  /** Events of a group in [start, end) after a (timestamp, id) position, ascending. */
  async groupEvents(group: number, start: number, end: number, afterTs: number, afterId: number, limit: number): Promise<EventRow[]> {
    return await this.#db.all<EventRow>(
      `SELECT id, stream_id, timestamp, ingestion_time, message FROM logs_events
       WHERE group_id = ? AND timestamp >= ? AND timestamp < ? AND (timestamp > ? OR (timestamp = ? AND id > ?))
       ORDER BY timestamp, id LIMIT ?`,
      group, start, end, afterTs, afterTs, afterId, limit,
    );
  }

  /** Drops events older than each group's retention; returns how many. */
  async purgeExpired(now: number): Promise<number> {
    return await this.#db.unit(async (tx) => {
      const groups = await tx.all<{ id: number; retention_days: number }>('SELECT id, retention_days FROM logs_groups WHERE retention_days IS NOT NULL');
      let n = 0;
      for (const g of groups) {
        const cutoff = now - g.retention_days * 86_400_000;
        n += Number((await tx.run('DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?', g.id, cutoff)).changes);
      }
      if (n) {
        await tx.run(
          `UPDATE logs_streams SET stored_bytes = COALESCE((SELECT SUM(length(CAST(message AS BLOB))) FROM logs_events e WHERE e.stream_id = logs_streams.id), 0)
           WHERE group_id IN (SELECT id FROM logs_groups WHERE retention_days IS NOT NULL)`,
        );
      }
      return n;
    });
  }

  async subscriptions(groupId: number): Promise<SubscriptionRow[]> {
    return await this.#db.all<SubscriptionRow>('SELECT * FROM logs_subscription_filters WHERE group_id = ? ORDER BY name', groupId);
  }

  async putSubscription(s: SubscriptionRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO logs_subscription_filters (group_id, name, pattern, destination_arn, role_arn, distribution, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, destination_arn = excluded.destination_arn,
         role_arn = excluded.role_arn, distribution = excluded.distribution`,
      s.group_id, s.name, s.pattern, s.destination_arn, s.role_arn, s.distribution, s.created_at,
    );
  }

  async deleteSubscription(groupId: number, name: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM logs_subscription_filters WHERE group_id = ? AND name = ?', groupId, name)).changes) > 0;
  }

  async metricFilters(groupId: number): Promise<MetricFilterRow[]> {
    return await this.#db.all<MetricFilterRow>('SELECT * FROM logs_metric_filters WHERE group_id = ? ORDER BY name', groupId);
  }

  async metricFiltersOfAccount(account: string, region: string): Promise<Array<MetricFilterRow & { group_name: string }>> {
    return await this.#db.all(
      `SELECT f.*, g.name AS group_name FROM logs_metric_filters f JOIN logs_groups g ON g.id = f.group_id
       WHERE g.account = ? AND g.region = ? ORDER BY f.name, g.name`,
      account, region,
    );
  }

  async putMetricFilter(f: MetricFilterRow): Promise<void> {
    await this.#db.run(
      `INSERT INTO logs_metric_filters (group_id, name, pattern, transformations, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, transformations = excluded.transformations`,
      f.group_id, f.name, f.pattern, f.transformations, f.created_at,
    );
  }

  async deleteMetricFilter(groupId: number, name: string): Promise<boolean> {
    return Number((await this.#db.run('DELETE FROM logs_metric_filters WHERE group_id = ? AND name = ?', groupId, name)).changes) > 0;
  }
}
