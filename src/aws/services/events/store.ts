// EventBridge's tables: resources (buses, rules, archives, ...) as JSON descriptions, rule targets,
// archived events, pending retries and match history. Rules are cached per bus for PutEvents' hot path.
// Asynchronous, over the store port (src/core/store.ts): handlers run their read-decides-write paths
// through `atomically`.
import type { Environment } from '../../../core/environment.ts';
import type { Store } from '../../../core/store.ts';
import { parseEventPattern, type EventPattern } from './event-pattern.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export type Kind = 'bus' | 'rule' | 'archive' | 'replay' | 'connection' | 'api-destination' | 'endpoint';

export interface ResourceRow {
  kind: string;
  account: string;
  region: string;
  name: string;
  arn: string;
  data: string;
  tags: string;
  created: number;
  modified: number;
}

export interface Resource<T = Record<string, unknown>> {
  kind: Kind;
  account: string;
  region: string;
  name: string;
  arn: string;
  data: T;
  tags: Record<string, string>;
  created: number;
  modified: number;
}

export interface RuleData {
  Name: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: string;
  Description?: string;
  RoleArn?: string;
  ManagedBy?: string;
  CreatedBy: string;
  /** When the schedule's rate counts from. */
  ScheduleBase?: number;
}

export interface TargetData {
  Id: string;
  Arn: string;
  [k: string]: unknown;
}

export interface CompiledRule {
  rule: Resource<RuleData>;
  pattern?: EventPattern;
  targets: TargetData[];
}

export function toResource<T>(row: ResourceRow): Resource<T> {
  return { ...row, kind: row.kind as Kind, data: JSON.parse(row.data) as T, tags: JSON.parse(row.tags) as Record<string, string> };
}

export interface RetryRow { id: string; due: number; job: string }

export class EventsStore {
  readonly #db: Store;
  readonly env: Environment;
  #rulesByBus = new Map<string, CompiledRule[]>();
  /**
   * Bumped by every change to rules or targets (and by a reset): a compilation that read the tables
   * before a change finished after it is not cached (it may hold the old rules).
   */
  #rulesVersion = 0;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('events', new URL('./migrations/', import.meta.url));
    env.store.onReset(() => this.#rulesChanged());
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name taken, a policy or tags to
   * merge, a state to check) and the write itself see no other request in between. The methods fn
   * calls join the unit; fn awaits nothing but them.
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.unit(() => fn());
  }

  #rulesChanged(): void {
    this.#rulesVersion++;
    this.#rulesByBus.clear();
  }

  async get<T>(kind: Kind, account: string, region: string, name: string): Promise<Resource<T> | undefined> {
    const row = await this.#db.get<ResourceRow>(`SELECT * FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name = ?`, kind, ...scopeParams({ account, region }), name);
    return row ? toResource<T>(row) : undefined;
  }

  async byArn<T>(arn: string): Promise<Resource<T> | undefined> {
    const row = await this.#db.get<ResourceRow>('SELECT * FROM events_resources WHERE arn = ?', arn);
    return row ? toResource<T>(row) : undefined;
  }

  async list<T>(kind: Kind, account: string, region: string, prefix = '', after = '', limit = 1000): Promise<Array<Resource<T>>> {
    const rows = await this.#db.all<ResourceRow>(
      `SELECT * FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name >= ? AND name < ? || char(1114111) AND name > ? ORDER BY name LIMIT ?`,
      kind, ...scopeParams({ account, region }), prefix, prefix, after, limit,
    );
    return rows.map((r) => toResource<T>(r));
  }

  async put<T>(r: Resource<T>): Promise<void> {
    await this.#db.run(
      'INSERT INTO events_resources (kind, account, region, name, arn, data, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(kind, account, region, name) DO UPDATE SET arn = excluded.arn, data = excluded.data, tags = excluded.tags, modified = excluded.modified',
      r.kind, r.account, r.region, r.name, r.arn, JSON.stringify(r.data), JSON.stringify(r.tags), r.created, r.modified,
    );
    if (r.kind === 'rule' || r.kind === 'bus') this.#rulesChanged();
  }

  /** Creates `r` unless a resource of its kind and name exists (one statement: the default bus, made on first use). */
  async putIfAbsent<T>(r: Resource<T>): Promise<void> {
    await this.#db.run(
      'INSERT INTO events_resources (kind, account, region, name, arn, data, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(kind, account, region, name) DO NOTHING',
      r.kind, r.account, r.region, r.name, r.arn, JSON.stringify(r.data), JSON.stringify(r.tags), r.created, r.modified,
    );
  }

  async delete(kind: Kind, account: string, region: string, name: string): Promise<void> {
    await this.#db.unit(async () => {
      const r = await this.get(kind, account, region, name);
      if (!r) return;
      await this.#db.run(`DELETE FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name = ?`, kind, ...scopeParams({ account, region }), name);
      if (kind === 'rule') await this.#db.run('DELETE FROM events_targets WHERE rule_arn = ?', r.arn);
      if (kind === 'archive') await this.#db.run('DELETE FROM events_archived WHERE archive_arn = ?', r.arn);
    });
    this.#rulesChanged();
  }

  async targets(ruleArn: string): Promise<TargetData[]> {
    return (await this.#db.all<{ data: string }>('SELECT data FROM events_targets WHERE rule_arn = ? ORDER BY id', ruleArn)).map((r) => JSON.parse(r.data) as TargetData);
  }

  async putTarget(ruleArn: string, t: TargetData): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO events_targets (rule_arn, id, arn, data) VALUES (?, ?, ?, ?)', ruleArn, t.Id, t.Arn, JSON.stringify(t));
    this.#rulesChanged();
  }

  async removeTarget(ruleArn: string, id: string): Promise<void> {
    await this.#db.run('DELETE FROM events_targets WHERE rule_arn = ? AND id = ?', ruleArn, id);
    this.#rulesChanged();
  }

  async rulesByTarget(targetArn: string): Promise<string[]> {
    return (await this.#db.all<{ rule_arn: string }>('SELECT DISTINCT rule_arn FROM events_targets WHERE arn = ? ORDER BY rule_arn', targetArn)).map((r) => r.rule_arn);
  }

  /** Enabled pattern rules of a bus, compiled, with their targets (cached until a rule or target changes). */
  async rulesOf(account: string, region: string, busName: string): Promise<CompiledRule[]> {
    const key = `${account}/${region}/${busName}`;
    const cached = this.#rulesByBus.get(key);
    if (cached) return cached;
    const version = this.#rulesVersion;
    const rules: CompiledRule[] = [];
    const listed = (await this.list<RuleData>('rule', account, region, `${busName}/`)).filter((r) => r.data.EventPattern);
    const targets = await Promise.all(listed.map((r) => this.targets(r.arn)));
    listed.forEach((r, i) => {
      let pattern: EventPattern;
      try {
        pattern = parseEventPattern(r.data.EventPattern!);
      } catch {
        return;
      }
      rules.push({ rule: r, pattern, targets: targets[i] });
    });
    if (version === this.#rulesVersion) this.#rulesByBus.set(key, rules);
    return rules;
  }

  async recordMatch(m: { ruleArn: string; eventId: string; time: number; targetId?: string; status: string; attempts: number; error?: string; event: string }): Promise<void> {
    const r = await this.#db.run(
      'INSERT INTO events_matches (rule_arn, event_id, time, target_id, status, attempts, error, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      m.ruleArn, m.eventId, m.time, m.targetId ?? null, m.status, m.attempts, m.error ?? null, m.event,
    );
    const id = Number(r.lastInsertRowid);
    if (id % 200 === 0) await this.#db.run('DELETE FROM events_matches WHERE id <= ?', id - 5000);
  }

  async matches(ruleArn: string | undefined, limit: number): Promise<Array<Record<string, unknown>>> {
    const rows = ruleArn
      ? await this.#db.all<Record<string, unknown>>('SELECT * FROM events_matches WHERE rule_arn = ? ORDER BY id DESC LIMIT ?', ruleArn, limit)
      : await this.#db.all<Record<string, unknown>>('SELECT * FROM events_matches ORDER BY id DESC LIMIT ?', limit);
    return rows.reverse().map((r) => ({ ...r, event: JSON.parse(String(r.event)) }));
  }

  // ── Archives ──

  /** The archives of an account and region, raw: PutEvents' hot path parses only their data. */
  async archivesInScope(account: string, region: string): Promise<Array<{ arn: string; data: string }>> {
    return await this.#db.all<{ arn: string; data: string }>(`SELECT arn, data FROM events_resources WHERE kind = 'archive' AND ${IN_SCOPE}`, ...scopeParams({ account, region }));
  }

  async archiveEvent(archiveArn: string, time: number, event: string): Promise<void> {
    await this.#db.run('INSERT INTO events_archived (archive_arn, time, event) VALUES (?, ?, ?)', archiveArn, time, event);
  }

  async archiveStats(archiveArn: string): Promise<{ count: number; size: number }> {
    const r = await this.#db.get<{ c: number; s: number | null }>('SELECT COUNT(*) AS c, SUM(LENGTH(event)) AS s FROM events_archived WHERE archive_arn = ?', archiveArn);
    return { count: r?.c ?? 0, size: r?.s ?? 0 };
  }

  /** An archive's events with start <= time < end, in the order they were archived. */
  async archivedEvents(archiveArn: string, start: number, end: number): Promise<Array<{ event: string; time: number }>> {
    return await this.#db.all<{ event: string; time: number }>(
      'SELECT event, time FROM events_archived WHERE archive_arn = ? AND time >= ? AND time < ? ORDER BY id', archiveArn, start, end,
    );
  }

  // ── Retries and schedules on the clock ──

  async armedRetries(): Promise<RetryRow[]> {
    return await this.#db.all<RetryRow>('SELECT * FROM events_retries');
  }

  async addRetry(row: RetryRow): Promise<void> {
    await this.#db.run('INSERT INTO events_retries (id, due, job) VALUES (?, ?, ?)', row.id, row.due, row.job);
  }

  async removeRetry(id: string): Promise<void> {
    await this.#db.run('DELETE FROM events_retries WHERE id = ?', id);
  }

  async hasTarget(ruleArn: string, id: string): Promise<boolean> {
    return (await this.#db.get<{ id: string }>('SELECT id FROM events_targets WHERE rule_arn = ? AND id = ?', ruleArn, id)) !== undefined;
  }

  /** Every rule's ARN, in every account and region (the engine re-arms scheduled ones on start). */
  async allRuleArns(): Promise<string[]> {
    return (await this.#db.all<{ arn: string }>("SELECT arn FROM events_resources WHERE kind = 'rule'")).map((r) => r.arn);
  }

  /** Runs `fn` after a reset has emptied every table (the engine drops its timers). */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }
}
