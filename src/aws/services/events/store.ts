// EventBridge's tables: resources (buses, rules, archives, ...) as JSON descriptions, rule targets,
// archived events, pending retries and match history. Rules are cached per bus for PutEvents' hot path.
import type { Environment } from '../../../core/environment.ts';
import type { Database } from '../../../store/database.ts';
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
  readonly #db: Database;
  readonly env: Environment;
  #rulesByBus = new Map<string, CompiledRule[]>();

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.db;
    env.db.migrate('events', new URL('./migrations/', import.meta.url));
    env.db.onReset(() => this.#rulesByBus.clear());
  }

  get<T>(kind: Kind, account: string, region: string, name: string): Resource<T> | undefined {
    const row = this.#db.get<ResourceRow>(`SELECT * FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name = ?`, kind, ...scopeParams({ account, region }), name);
    return row ? toResource<T>(row) : undefined;
  }

  byArn<T>(arn: string): Resource<T> | undefined {
    const row = this.#db.get<ResourceRow>('SELECT * FROM events_resources WHERE arn = ?', arn);
    return row ? toResource<T>(row) : undefined;
  }

  list<T>(kind: Kind, account: string, region: string, prefix = '', after = '', limit = 1000): Array<Resource<T>> {
    return this.#db
      .all<ResourceRow>(
        `SELECT * FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name >= ? AND name < ? || char(1114111) AND name > ? ORDER BY name LIMIT ?`,
        kind, ...scopeParams({ account, region }), prefix, prefix, after, limit,
      )
      .map((r) => toResource<T>(r));
  }

  put<T>(r: Resource<T>): void {
    this.#db.run(
      'INSERT INTO events_resources (kind, account, region, name, arn, data, tags, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(kind, account, region, name) DO UPDATE SET arn = excluded.arn, data = excluded.data, tags = excluded.tags, modified = excluded.modified',
      r.kind, r.account, r.region, r.name, r.arn, JSON.stringify(r.data), JSON.stringify(r.tags), r.created, r.modified,
    );
    if (r.kind === 'rule' || r.kind === 'bus') this.#rulesByBus.clear();
  }

  delete(kind: Kind, account: string, region: string, name: string): void {
    const r = this.get(kind, account, region, name);
    if (!r) return;
    this.#db.transaction(() => {
      this.#db.run(`DELETE FROM events_resources WHERE kind = ? AND ${IN_SCOPE} AND name = ?`, kind, ...scopeParams({ account, region }), name);
      if (kind === 'rule') this.#db.run('DELETE FROM events_targets WHERE rule_arn = ?', r.arn);
      if (kind === 'archive') this.#db.run('DELETE FROM events_archived WHERE archive_arn = ?', r.arn);
    });
    this.#rulesByBus.clear();
  }

  targets(ruleArn: string): TargetData[] {
    return this.#db.all<{ data: string }>('SELECT data FROM events_targets WHERE rule_arn = ? ORDER BY id', ruleArn).map((r) => JSON.parse(r.data) as TargetData);
  }

  putTarget(ruleArn: string, t: TargetData): void {
    this.#db.run('INSERT OR REPLACE INTO events_targets (rule_arn, id, arn, data) VALUES (?, ?, ?, ?)', ruleArn, t.Id, t.Arn, JSON.stringify(t));
    this.#rulesByBus.clear();
  }

  removeTarget(ruleArn: string, id: string): void {
    this.#db.run('DELETE FROM events_targets WHERE rule_arn = ? AND id = ?', ruleArn, id);
    this.#rulesByBus.clear();
  }

  rulesByTarget(targetArn: string): string[] {
    return this.#db.all<{ rule_arn: string }>('SELECT DISTINCT rule_arn FROM events_targets WHERE arn = ? ORDER BY rule_arn', targetArn).map((r) => r.rule_arn);
  }

  /** Enabled pattern rules of a bus, compiled, with their targets (cached until a rule or target changes). */
  rulesOf(account: string, region: string, busName: string): CompiledRule[] {
    const key = `${account}/${region}/${busName}`;
    let rules = this.#rulesByBus.get(key);
    if (!rules) {
      rules = [];
      for (const r of this.list<RuleData>('rule', account, region, `${busName}/`)) {
        if (!r.data.EventPattern) continue;
        let pattern: EventPattern;
        try {
          pattern = parseEventPattern(r.data.EventPattern);
        } catch {
          continue;
        }
        rules.push({ rule: r, pattern, targets: this.targets(r.arn) });
      }
      this.#rulesByBus.set(key, rules);
    }
    return rules;
  }

  recordMatch(m: { ruleArn: string; eventId: string; time: number; targetId?: string; status: string; attempts: number; error?: string; event: string }): void {
    const r = this.#db.run(
      'INSERT INTO events_matches (rule_arn, event_id, time, target_id, status, attempts, error, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      m.ruleArn, m.eventId, m.time, m.targetId ?? null, m.status, m.attempts, m.error ?? null, m.event,
    );
    const id = Number(r.lastInsertRowid);
    if (id % 200 === 0) this.#db.run('DELETE FROM events_matches WHERE id <= ?', id - 5000);
  }

  matches(ruleArn: string | undefined, limit: number): Array<Record<string, unknown>> {
    const rows = ruleArn
      ? this.#db.all<Record<string, unknown>>('SELECT * FROM events_matches WHERE rule_arn = ? ORDER BY id DESC LIMIT ?', ruleArn, limit)
      : this.#db.all<Record<string, unknown>>('SELECT * FROM events_matches ORDER BY id DESC LIMIT ?', limit);
    return rows.reverse().map((r) => ({ ...r, event: JSON.parse(String(r.event)) }));
  }

  // ── Archives ──

  /** The archives of an account and region, raw: PutEvents' hot path parses only their data. */
  archivesInScope(account: string, region: string): Array<{ arn: string; data: string }> {
    return this.#db.all<{ arn: string; data: string }>(`SELECT arn, data FROM events_resources WHERE kind = 'archive' AND ${IN_SCOPE}`, ...scopeParams({ account, region }));
  }

  archiveEvent(archiveArn: string, time: number, event: string): void {
    this.#db.run('INSERT INTO events_archived (archive_arn, time, event) VALUES (?, ?, ?)', archiveArn, time, event);
  }

  archiveStats(archiveArn: string): { count: number; size: number } {
    const r = this.#db.get<{ c: number; s: number | null }>('SELECT COUNT(*) AS c, SUM(LENGTH(event)) AS s FROM events_archived WHERE archive_arn = ?', archiveArn);
    return { count: r?.c ?? 0, size: r?.s ?? 0 };
  }

  /** An archive's events with start <= time < end, in the order they were archived. */
  archivedEvents(archiveArn: string, start: number, end: number): Array<{ event: string; time: number }> {
    return this.#db.all<{ event: string; time: number }>(
      'SELECT event, time FROM events_archived WHERE archive_arn = ? AND time >= ? AND time < ? ORDER BY id', archiveArn, start, end,
    );
  }

  // ── Retries and schedules on the clock ──

  armedRetries(): RetryRow[] {
    return this.#db.all<RetryRow>('SELECT * FROM events_retries');
  }

  addRetry(row: RetryRow): void {
    this.#db.run('INSERT INTO events_retries (id, due, job) VALUES (?, ?, ?)', row.id, row.due, row.job);
  }

  removeRetry(id: string): void {
    this.#db.run('DELETE FROM events_retries WHERE id = ?', id);
  }

  hasTarget(ruleArn: string, id: string): boolean {
    return this.#db.get<{ id: string }>('SELECT id FROM events_targets WHERE rule_arn = ? AND id = ?', ruleArn, id) !== undefined;
  }

  /** Every rule's ARN, in every account and region (the engine re-arms scheduled ones on start). */
  allRuleArns(): string[] {
    return this.#db.all<{ arn: string }>("SELECT arn FROM events_resources WHERE kind = 'rule'").map((r) => r.arn);
  }

  /** Runs `fn` after a reset has emptied every table (the engine drops its timers). */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }
}
