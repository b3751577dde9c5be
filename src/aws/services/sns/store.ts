// SNS's tables (topics, subscriptions, platform applications, the outbox, pending retries) and the
// statements over them. Topics and their subscriptions are also cached for Publish's hot path; every
// write here drops the cached topic.
import type { Environment } from '../../../core/environment.ts';
import type { Database } from '../../../store/database.ts';
import { parseFilterPolicy, type FilterPolicy, type FilterScope } from './filter-policy.ts';
import { scopeParams, scopeSql } from '../../../core/resources/scope.ts';

// Rows are scoped to an account and a region: the fragment every scoped query uses.
const IN_SCOPE = scopeSql('regional');

export interface TopicRow {
  arn: string;
  account: string;
  region: string;
  name: string;
  attributes: string;
  tags: string;
  data_protection: string | null;
  created: number;
}

export interface Topic {
  arn: string;
  account: string;
  region: string;
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
}

export interface SubscriptionRow {
  arn: string;
  topic_arn: string;
  account: string;
  region: string;
  owner: string;
  protocol: string;
  endpoint: string;
  confirmed: number;
  token: string | null;
  attributes: string;
  created: number;
  seq: number;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  account: string;
  region: string;
  owner: string;
  protocol: string;
  endpoint: string;
  confirmed: boolean;
  attributes: Record<string, string>;
  filter?: FilterPolicy;
}

export interface OutboxRow {
  id: number;
  account: string;
  region: string;
  kind: string;
  destination: string;
  subject: string | null;
  message: string;
  message_id: string;
  topic_arn: string | null;
  subscription_arn: string | null;
  attributes: string | null;
  time: number;
}

export interface DeliveryRecord {
  subscriptionArn: string;
  topicArn: string;
  messageId: string;
  time: number;
  protocol: string;
  endpoint: string;
  status: 'delivered' | 'failed' | 'retrying' | 'dead-lettered' | 'filtered';
  attempts: number;
  error?: string;
  payload: string;
}

export class SnsStore {
  readonly db: Database;
  readonly env: Environment;
  #topics = new Map<string, { topic: Topic; subscriptions: Subscription[] } | null>();
  #seq = 0;

  constructor(env: Environment) {
    this.env = env;
    this.db = env.db;
    env.db.migrate('sns', new URL('./migrations/', import.meta.url));
    env.db.onReset(() => this.#topics.clear());
    this.#seq = this.db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM sns_subscriptions')?.s ?? 0;
  }

  // ── Topics ──

  topicRow(arn: string): TopicRow | undefined {
    return this.db.get<TopicRow>('SELECT * FROM sns_topics WHERE arn = ?', arn);
  }

  topicByName(account: string, region: string, name: string): TopicRow | undefined {
    return this.db.get<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  listTopics(account: string, region: string, after: string, limit: number): TopicRow[] {
    return this.db.all<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT ?`, ...scopeParams({ account, region }), after, limit);
  }

  insertTopic(row: TopicRow): void {
    this.db.run(
      'INSERT INTO sns_topics (arn, account, region, name, attributes, tags, data_protection, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      row.arn, row.account, row.region, row.name, row.attributes, row.tags, row.data_protection, row.created,
    );
    this.#topics.delete(row.arn);
  }

  updateTopic(arn: string, fields: { attributes?: string; tags?: string; data_protection?: string | null }): void {
    const row = this.topicRow(arn);
    if (!row) return;
    this.db.run(
      'UPDATE sns_topics SET attributes = ?, tags = ?, data_protection = ? WHERE arn = ?',
      fields.attributes ?? row.attributes, fields.tags ?? row.tags,
      fields.data_protection === undefined ? row.data_protection : fields.data_protection, arn,
    );
    this.#topics.delete(arn);
  }

  deleteTopic(arn: string): void {
    this.db.transaction(() => {
      this.db.run('DELETE FROM sns_subscriptions WHERE topic_arn = ?', arn);
      this.db.run('DELETE FROM sns_topics WHERE arn = ?', arn);
    });
    this.#topics.delete(arn);
  }

  /** The topic and its subscriptions as Publish needs them (cached until either changes). */
  topicForPublish(arn: string): { topic: Topic; subscriptions: Subscription[] } | undefined {
    let entry = this.#topics.get(arn);
    if (entry === undefined) {
      const row = this.topicRow(arn);
      entry = row ? { topic: toTopic(row), subscriptions: this.subscriptionsOf(arn).map(toSubscription) } : null;
      this.#topics.set(arn, entry);
    }
    return entry ?? undefined;
  }

  // ── Subscriptions ──

  subscriptionRow(arn: string): SubscriptionRow | undefined {
    return this.db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE arn = ?', arn);
  }

  subscriptionsOf(topicArn: string): SubscriptionRow[] {
    return this.db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY seq', topicArn);
  }

  subscriptionsPage(topicArn: string, afterSeq: number, limit: number): SubscriptionRow[] {
    return this.db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND seq > ? ORDER BY seq LIMIT ?', topicArn, afterSeq, limit);
  }

  subscriptionsInScope(account: string, region: string, afterSeq: number, limit: number): SubscriptionRow[] {
    return this.db.all<SubscriptionRow>(`SELECT * FROM sns_subscriptions WHERE ${IN_SCOPE} AND seq > ? ORDER BY seq LIMIT ?`, ...scopeParams({ account, region }), afterSeq, limit);
  }

  subscriptionByEndpoint(topicArn: string, protocol: string, endpoint: string): SubscriptionRow | undefined {
    return this.db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?', topicArn, protocol, endpoint);
  }

  subscriptionByToken(token: string): SubscriptionRow | undefined {
    return this.db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE token = ?', token);
  }

  insertSubscription(row: Omit<SubscriptionRow, 'seq'>): void {
    this.db.run(
      'INSERT INTO sns_subscriptions (arn, topic_arn, account, region, owner, protocol, endpoint, confirmed, token, attributes, created, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.arn, row.topic_arn, row.account, row.region, row.owner, row.protocol, row.endpoint, row.confirmed, row.token, row.attributes, row.created, ++this.#seq,
    );
    this.#topics.delete(row.topic_arn);
  }

  updateSubscription(arn: string, fields: { attributes?: string; confirmed?: number; token?: string | null }): void {
    const row = this.subscriptionRow(arn);
    if (!row) return;
    this.db.run(
      'UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ? WHERE arn = ?',
      fields.attributes ?? row.attributes, fields.confirmed ?? row.confirmed, fields.token === undefined ? row.token : fields.token, arn,
    );
    this.#topics.delete(row.topic_arn);
  }

  deleteSubscription(arn: string): void {
    const row = this.subscriptionRow(arn);
    if (!row) return;
    this.db.run('DELETE FROM sns_subscriptions WHERE arn = ?', arn);
    this.#topics.delete(row.topic_arn);
  }

  countSubscriptions(topicArn: string): { confirmed: number; pending: number } {
    const r = this.db.get<{ c: number; p: number }>(
      'SELECT SUM(confirmed) AS c, SUM(1 - confirmed) AS p FROM sns_subscriptions WHERE topic_arn = ?', topicArn,
    );
    return { confirmed: r?.c ?? 0, pending: r?.p ?? 0 };
  }

  // ── Deliveries and the outbox ──

  recordDelivery(d: DeliveryRecord): void {
    const r = this.db.run(
      'INSERT INTO sns_deliveries (subscription_arn, topic_arn, message_id, time, protocol, endpoint, status, attempts, error, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      d.subscriptionArn, d.topicArn, d.messageId, d.time, d.protocol, d.endpoint, d.status, d.attempts, d.error ?? null, d.payload,
    );
    // Keep the history bounded: the newest 10,000 records.
    const id = Number(r.lastInsertRowid);
    if (id % 1000 === 0) this.db.run('DELETE FROM sns_deliveries WHERE id <= ?', id - 10_000);
  }

  deliveries(subscriptionArn: string | undefined, limit: number): Array<Record<string, unknown>> {
    const rows = subscriptionArn
      ? this.db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries WHERE subscription_arn = ? ORDER BY id DESC LIMIT ?', subscriptionArn, limit)
      : this.db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries ORDER BY id DESC LIMIT ?', limit);
    return rows.reverse();
  }

  addToOutbox(row: Omit<OutboxRow, 'id'>): void {
    this.db.run(
      'INSERT INTO sns_outbox (account, region, kind, destination, subject, message, message_id, topic_arn, subscription_arn, attributes, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.account, row.region, row.kind, row.destination, row.subject, row.message, row.message_id, row.topic_arn, row.subscription_arn, row.attributes, row.time,
    );
  }

  outbox(kind: string, account?: string, region?: string): OutboxRow[] {
    if (account && region) return this.db.all<OutboxRow>(`SELECT * FROM sns_outbox WHERE ${IN_SCOPE} AND kind = ? ORDER BY id`, ...scopeParams({ account, region }), kind);
    return this.db.all<OutboxRow>('SELECT * FROM sns_outbox WHERE kind = ? ORDER BY id', kind);
  }

  clearOutbox(kind: string): void {
    this.db.run('DELETE FROM sns_outbox WHERE kind = ?', kind);
  }
}

export function toTopic(row: TopicRow): Topic {
  const attributes = JSON.parse(row.attributes) as Record<string, string>;
  return { arn: row.arn, account: row.account, region: row.region, name: row.name, fifo: attributes.FifoTopic === 'true', attributes };
}

export function toSubscription(row: SubscriptionRow): Subscription {
  const attributes = JSON.parse(row.attributes) as Record<string, string>;
  const sub: Subscription = {
    arn: row.arn, topicArn: row.topic_arn, account: row.account, region: row.region, owner: row.owner,
    protocol: row.protocol, endpoint: row.endpoint, confirmed: row.confirmed === 1, attributes,
  };
  if (attributes.FilterPolicy) {
    try {
      sub.filter = parseFilterPolicy(attributes.FilterPolicy, (attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterScope);
    } catch {
      // Checked when set; a policy that no longer parses filters nothing out rather than everything.
    }
  }
  return sub;
}
