// EventBridge Scheduler's tables: schedule groups, schedules (as GetSchedule describes them),
// pending retries and the invocation history. Asynchronous, over the store port (src/core/store.ts):
// handlers run their read-decides-write paths through `atomically`.
import type { Environment } from '../../../core/environment.ts';
import type { Store } from '../../../core/store.ts';
import { formatArn } from '../../../core/resources/arn.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export interface ScheduleData {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  State: string;
  KmsKeyArn?: string;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: Record<string, unknown> & { Arn: string; RoleArn: string; Input?: string };
  ActionAfterCompletion: string;
}

export interface ScheduleRow {
  account: string;
  region: string;
  group_name: string;
  name: string;
  arn: string;
  data: string;
  created: number;
  modified: number;
  last_fired: number | null;
}

export interface GroupRow {
  account: string;
  region: string;
  name: string;
  arn: string;
  state: string;
  tags: string;
  created: number;
  modified: number;
}

export class SchedulerStore {
  // Only this module speaks SQL: handlers, the engine and admin routes call the methods below.
  readonly #db: Store;
  readonly env: Environment;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('scheduler', new URL('./migrations/', import.meta.url));
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name taken, tags to merge, the
   * schedule an update replaces) and the write itself see no other request in between. The methods
   * fn calls join the unit; fn awaits nothing but them.
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.unit(() => fn());
  }

  /** Runs fn when the database is swapped (snapshot restore), so timers armed from old rows go. */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }

  async createGroup(g: { account: string; region: string; name: string; arn: string; tags: string; now: number }): Promise<void> {
    await this.#db.run(
      'INSERT INTO scheduler_groups (account, region, name, arn, state, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      g.account, g.region, g.name, g.arn, 'ACTIVE', g.tags, g.now, g.now,
    );
  }

  async deleteGroup(arn: string): Promise<void> {
    await this.#db.run('DELETE FROM scheduler_groups WHERE arn = ?', arn);
  }

  /** The groups in an account and region, by name. */
  async groups(account: string, region: string): Promise<GroupRow[]> {
    return await this.#db.all<GroupRow>(`SELECT * FROM scheduler_groups WHERE ${IN_SCOPE} ORDER BY name`, ...scopeParams({ account, region }));
  }

  async setGroupTags(arn: string, tags: string): Promise<void> {
    await this.#db.run('UPDATE scheduler_groups SET tags = ? WHERE arn = ?', tags, arn);
  }

  /** The ARNs of a group's schedules. */
  async scheduleArnsInGroup(account: string, region: string, group: string): Promise<string[]> {
    return (await this.#db.all<{ arn: string }>(`SELECT arn FROM scheduler_schedules WHERE ${IN_SCOPE} AND group_name = ?`, ...scopeParams({ account, region }), group)).map((r) => r.arn);
  }

  /** The schedules in an account and region, by group and name. */
  async schedules(account: string, region: string): Promise<ScheduleRow[]> {
    return await this.#db.all<ScheduleRow>(`SELECT * FROM scheduler_schedules WHERE ${IN_SCOPE} ORDER BY group_name, name`, ...scopeParams({ account, region }));
  }

  /** Every schedule in every account and region (the engine arms them all at start). */
  async allSchedules(): Promise<ScheduleRow[]> {
    return await this.#db.all<ScheduleRow>('SELECT * FROM scheduler_schedules');
  }

  async setLastFired(arn: string, time: number): Promise<void> {
    await this.#db.run('UPDATE scheduler_schedules SET last_fired = ? WHERE arn = ?', time, arn);
  }

  /** Retries waiting for their time, kept so a restart re-arms them. */
  async armedRetries(): Promise<Array<{ id: string; due: number; job: string }>> {
    return await this.#db.all<{ id: string; due: number; job: string }>('SELECT * FROM scheduler_retries');
  }

  async putRetry(id: string, due: number, job: string): Promise<void> {
    await this.#db.run('INSERT INTO scheduler_retries (id, due, job) VALUES (?, ?, ?)', id, due, job);
  }

  async deleteRetry(id: string): Promise<void> {
    await this.#db.run('DELETE FROM scheduler_retries WHERE id = ?', id);
  }

  /** The newest invocations (of one schedule, or of all), newest first. */
  async invocations(limit: number, scheduleArn?: string | null): Promise<Array<Record<string, unknown>>> {
    return scheduleArn
      ? await this.#db.all<Record<string, unknown>>('SELECT * FROM scheduler_invocations WHERE schedule_arn = ? ORDER BY id DESC LIMIT ?', scheduleArn, limit)
      : await this.#db.all<Record<string, unknown>>('SELECT * FROM scheduler_invocations ORDER BY id DESC LIMIT ?', limit);
  }

  async group(account: string, region: string, name: string): Promise<GroupRow | undefined> {
    if (name === 'default') await this.ensureDefault(account, region);
    return await this.#db.get<GroupRow>(`SELECT * FROM scheduler_groups WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  async ensureDefault(account: string, region: string): Promise<void> {
    const now = this.env.clock.now();
    await this.#db.run(
      'INSERT OR IGNORE INTO scheduler_groups (account, region, name, arn, state, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      account, region, 'default', formatArn({ service: 'scheduler', region, account, resource: 'schedule-group/default' }), 'ACTIVE', '{}', now, now,
    );
  }

  async schedule(account: string, region: string, group: string, name: string): Promise<ScheduleRow | undefined> {
    return await this.#db.get<ScheduleRow>(`SELECT * FROM scheduler_schedules WHERE ${IN_SCOPE} AND group_name = ? AND name = ?`, ...scopeParams({ account, region }), group, name);
  }

  async scheduleByArn(arn: string): Promise<ScheduleRow | undefined> {
    return await this.#db.get<ScheduleRow>('SELECT * FROM scheduler_schedules WHERE arn = ?', arn);
  }

  async putSchedule(row: ScheduleRow): Promise<void> {
    await this.#db.run(
      'INSERT INTO scheduler_schedules (account, region, group_name, name, arn, data, created, modified, last_fired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(account, region, group_name, name) DO UPDATE SET data = excluded.data, modified = excluded.modified, last_fired = excluded.last_fired',
      row.account, row.region, row.group_name, row.name, row.arn, row.data, row.created, row.modified, row.last_fired,
    );
  }

  async deleteSchedule(arn: string): Promise<void> {
    await this.#db.run('DELETE FROM scheduler_schedules WHERE arn = ?', arn);
  }

  async recordInvocation(i: { scheduleArn: string; executionId: string; time: number; status: string; attempts: number; error?: string; input: string }): Promise<void> {
    const r = await this.#db.run(
      'INSERT INTO scheduler_invocations (schedule_arn, execution_id, time, status, attempts, error, input) VALUES (?, ?, ?, ?, ?, ?, ?)',
      i.scheduleArn, i.executionId, i.time, i.status, i.attempts, i.error ?? null, i.input,
    );
    const id = Number(r.lastInsertRowid);
    if (id % 200 === 0) await this.#db.run('DELETE FROM scheduler_invocations WHERE id <= ?', id - 5000);
  }
}

export function toData(row: ScheduleRow): ScheduleData {
  return JSON.parse(row.data) as ScheduleData;
}
