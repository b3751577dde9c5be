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

export interface PlatformApplicationRow { arn: string; account: string; region: string; name: string; platform: string; attributes: string; created: number }
export interface PlatformEndpointRow { arn: string; application_arn: string; token: string; attributes: string; created: number }
export interface SigningKeyRow { private_key: string; certificate: string; name: string }
export interface RetryRow { id: string; due: number; job: string }

/** The account and region a scoped row belongs to. */
export interface Scope { account: string; region: string }

export class SnsStore {
  readonly #db: Database;
  readonly env: Environment;
  #topics = new Map<string, { topic: Topic; subscriptions: Subscription[] } | null>();
  #seq = 0;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.db;
    env.db.migrate('sns', new URL('./migrations/', import.meta.url));
    env.db.onReset(() => this.#topics.clear());
    this.#seq = this.#db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM sns_subscriptions')?.s ?? 0;
  }

  // ── Topics ──

  topicRow(arn: string): TopicRow | undefined {
    return this.#db.get<TopicRow>('SELECT * FROM sns_topics WHERE arn = ?', arn);
  }

  topicByName(account: string, region: string, name: string): TopicRow | undefined {
    return this.#db.get<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  listTopics(account: string, region: string, after: string, limit: number): TopicRow[] {
    return this.#db.all<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT ?`, ...scopeParams({ account, region }), after, limit);
  }

  insertTopic(row: TopicRow): void {
    this.#db.run(
      'INSERT INTO sns_topics (arn, account, region, name, attributes, tags, data_protection, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      row.arn, row.account, row.region, row.name, row.attributes, row.tags, row.data_protection, row.created,
    );
    this.#topics.delete(row.arn);
  }

  updateTopic(arn: string, fields: { attributes?: string; tags?: string; data_protection?: string | null }): void {
    const row = this.topicRow(arn);
    if (!row) return;
    this.#db.run(
      'UPDATE sns_topics SET attributes = ?, tags = ?, data_protection = ? WHERE arn = ?',
      fields.attributes ?? row.attributes, fields.tags ?? row.tags,
      fields.data_protection === undefined ? row.data_protection : fields.data_protection, arn,
    );
    this.#topics.delete(arn);
  }

  deleteTopic(arn: string): void {
    this.#db.transaction(() => {
      this.#db.run('DELETE FROM sns_subscriptions WHERE topic_arn = ?', arn);
      this.#db.run('DELETE FROM sns_topics WHERE arn = ?', arn);
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
    return this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE arn = ?', arn);
  }

  subscriptionsOf(topicArn: string): SubscriptionRow[] {
    return this.#db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY seq', topicArn);
  }

  subscriptionsPage(topicArn: string, afterSeq: number, limit: number): SubscriptionRow[] {
    return this.#db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND seq > ? ORDER BY seq LIMIT ?', topicArn, afterSeq, limit);
  }

  subscriptionsInScope(account: string, region: string, afterSeq: number, limit: number): SubscriptionRow[] {
    return this.#db.all<SubscriptionRow>(`SELECT * FROM sns_subscriptions WHERE ${IN_SCOPE} AND seq > ? ORDER BY seq LIMIT ?`, ...scopeParams({ account, region }), afterSeq, limit);
  }

  subscriptionByEndpoint(topicArn: string, protocol: string, endpoint: string): SubscriptionRow | undefined {
    return this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?', topicArn, protocol, endpoint);
  }

  subscriptionByToken(token: string): SubscriptionRow | undefined {
    return this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE token = ?', token);
  }

  insertSubscription(row: Omit<SubscriptionRow, 'seq'>): void {
    this.#db.run(
      'INSERT INTO sns_subscriptions (arn, topic_arn, account, region, owner, protocol, endpoint, confirmed, token, attributes, created, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.arn, row.topic_arn, row.account, row.region, row.owner, row.protocol, row.endpoint, row.confirmed, row.token, row.attributes, row.created, ++this.#seq,
    );
    this.#topics.delete(row.topic_arn);
  }

  updateSubscription(arn: string, fields: { attributes?: string; confirmed?: number; token?: string | null }): void {
    const row = this.subscriptionRow(arn);
    if (!row) return;
    this.#db.run(
      'UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ? WHERE arn = ?',
      fields.attributes ?? row.attributes, fields.confirmed ?? row.confirmed, fields.token === undefined ? row.token : fields.token, arn,
    );
    this.#topics.delete(row.topic_arn);
  }

  deleteSubscription(arn: string): void {
    const row = this.subscriptionRow(arn);
    if (!row) return;
    this.#db.run('DELETE FROM sns_subscriptions WHERE arn = ?', arn);
    this.#topics.delete(row.topic_arn);
  }

  countSubscriptions(topicArn: string): { confirmed: number; pending: number } {
    const r = this.#db.get<{ c: number; p: number }>(
      'SELECT SUM(confirmed) AS c, SUM(1 - confirmed) AS p FROM sns_subscriptions WHERE topic_arn = ?', topicArn,
    );
    return { confirmed: r?.c ?? 0, pending: r?.p ?? 0 };
  }

  // ── Deliveries and the outbox ──

  recordDelivery(d: DeliveryRecord): void {
    const r = this.#db.run(
      'INSERT INTO sns_deliveries (subscription_arn, topic_arn, message_id, time, protocol, endpoint, status, attempts, error, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      d.subscriptionArn, d.topicArn, d.messageId, d.time, d.protocol, d.endpoint, d.status, d.attempts, d.error ?? null, d.payload,
    );
    // Keep the history bounded: the newest 10,000 records.
    const id = Number(r.lastInsertRowid);
    if (id % 1000 === 0) this.#db.run('DELETE FROM sns_deliveries WHERE id <= ?', id - 10_000);
  }

  deliveries(subscriptionArn: string | undefined, limit: number): Array<Record<string, unknown>> {
    const rows = subscriptionArn
      ? this.#db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries WHERE subscription_arn = ? ORDER BY id DESC LIMIT ?', subscriptionArn, limit)
      : this.#db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries ORDER BY id DESC LIMIT ?', limit);
    return rows.reverse();
  }

  addToOutbox(row: Omit<OutboxRow, 'id'>): void {
    this.#db.run(
      'INSERT INTO sns_outbox (account, region, kind, destination, subject, message, message_id, topic_arn, subscription_arn, attributes, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.account, row.region, row.kind, row.destination, row.subject, row.message, row.message_id, row.topic_arn, row.subscription_arn, row.attributes, row.time,
    );
  }

  outbox(kind: string, account?: string, region?: string): OutboxRow[] {
    if (account && region) return this.#db.all<OutboxRow>(`SELECT * FROM sns_outbox WHERE ${IN_SCOPE} AND kind = ? ORDER BY id`, ...scopeParams({ account, region }), kind);
    return this.#db.all<OutboxRow>('SELECT * FROM sns_outbox WHERE kind = ? ORDER BY id', kind);
  }

  clearOutbox(kind: string): void {
    this.#db.run('DELETE FROM sns_outbox WHERE kind = ?', kind);
  }

  // ── SMS: settings, opt-outs and the sandbox ──

  smsAttributes(scope: Scope): string | undefined {
    return this.#db.get<{ attributes: string }>(`SELECT attributes FROM sns_sms_settings WHERE ${IN_SCOPE}`, ...scopeParams(scope))?.attributes;
  }

  putSmsAttributes(scope: Scope, attributes: string): void {
    this.#db.run('INSERT OR REPLACE INTO sns_sms_settings (account, region, attributes) VALUES (?, ?, ?)', scope.account, scope.region, attributes);
  }

  isPhoneOptedOut(scope: Scope, phone: string): boolean {
    return this.#db.get<{ opted_out: number }>(`SELECT opted_out FROM sns_phone_numbers WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone)?.opted_out === 1;
  }

  /** A page (100, and one more to tell whether another follows) of opted-out numbers after `after`. */
  optedOutPhones(scope: Scope, after: string): string[] {
    return this.#db.all<{ phone: string }>(
      `SELECT phone FROM sns_phone_numbers WHERE ${IN_SCOPE} AND opted_out = 1 AND phone > ? ORDER BY phone LIMIT 101`, ...scopeParams(scope), after,
    ).map((r) => r.phone);
  }

  /** The number replied STOP. */
  setPhoneOptOut(scope: Scope, phone: string): void {
    this.#db.run(
      'INSERT INTO sns_phone_numbers (account, region, phone, opted_out) VALUES (?, ?, ?, 1) ON CONFLICT(account, region, phone) DO UPDATE SET opted_out = 1',
      scope.account, scope.region, phone,
    );
  }

  optInPhone(scope: Scope, phone: string): void {
    this.#db.run(`UPDATE sns_phone_numbers SET opted_out = 0 WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  addSandboxPhone(scope: Scope, phone: string, otp: string): void {
    this.#db.run(
      'INSERT INTO sns_phone_numbers (account, region, phone, sandbox_status, otp) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account, region, phone) DO UPDATE SET sandbox_status = excluded.sandbox_status, otp = excluded.otp',
      scope.account, scope.region, phone, 'Pending', otp,
    );
  }

  sandboxPhone(scope: Scope, phone: string): { otp: string | null; sandbox_status: string | null } | undefined {
    return this.#db.get<{ otp: string | null; sandbox_status: string | null }>(`SELECT otp, sandbox_status FROM sns_phone_numbers WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  verifySandboxPhone(scope: Scope, phone: string): void {
    this.#db.run(`UPDATE sns_phone_numbers SET sandbox_status = ?, otp = NULL WHERE ${IN_SCOPE} AND phone = ?`, 'Verified', ...scopeParams(scope), phone);
  }

  removeSandboxPhone(scope: Scope, phone: string): void {
    this.#db.run(`UPDATE sns_phone_numbers SET sandbox_status = NULL, otp = NULL WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  sandboxPhones(scope: Scope, after: string, limit: number): Array<{ phone: string; sandbox_status: string }> {
    return this.#db.all<{ phone: string; sandbox_status: string }>(
      `SELECT phone, sandbox_status FROM sns_phone_numbers WHERE ${IN_SCOPE} AND sandbox_status IS NOT NULL AND phone > ? ORDER BY phone LIMIT ?`,
      ...scopeParams(scope), after, limit,
    );
  }

  // ── Mobile push: platform applications and endpoints ──

  platformApplication(arn: string): PlatformApplicationRow | undefined {
    return this.#db.get<PlatformApplicationRow>('SELECT * FROM sns_platform_applications WHERE arn = ?', arn);
  }

  /** Creates the application, or replaces the attributes of the one with that ARN. */
  putPlatformApplication(row: PlatformApplicationRow): void {
    this.#db.run(
      'INSERT INTO sns_platform_applications (arn, account, region, name, platform, attributes, created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes',
      row.arn, row.account, row.region, row.name, row.platform, row.attributes, row.created,
    );
  }

  setPlatformApplicationAttributes(arn: string, attributes: string): void {
    this.#db.run('UPDATE sns_platform_applications SET attributes = ? WHERE arn = ?', attributes, arn);
  }

  /** The application and its endpoints, together. */
  deletePlatformApplication(arn: string): void {
    this.#db.transaction(() => {
      this.#db.run('DELETE FROM sns_platform_endpoints WHERE application_arn = ?', arn);
      this.#db.run('DELETE FROM sns_platform_applications WHERE arn = ?', arn);
    });
  }

  /** A page: 100, and one more to tell whether another follows. */
  platformApplications(scope: Scope, after: string): PlatformApplicationRow[] {
    return this.#db.all<PlatformApplicationRow>(`SELECT * FROM sns_platform_applications WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT 101`, ...scopeParams(scope), after);
  }

  platformEndpoint(arn: string): PlatformEndpointRow | undefined {
    return this.#db.get<PlatformEndpointRow>('SELECT * FROM sns_platform_endpoints WHERE arn = ?', arn);
  }

  platformEndpointByToken(applicationArn: string, token: string): PlatformEndpointRow | undefined {
    return this.#db.get<PlatformEndpointRow>('SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND token = ?', applicationArn, token);
  }

  insertPlatformEndpoint(row: PlatformEndpointRow): void {
    this.#db.run('INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes, created) VALUES (?, ?, ?, ?, ?)', row.arn, row.application_arn, row.token, row.attributes, row.created);
  }

  setPlatformEndpointAttributes(arn: string, attributes: string, token: string): void {
    this.#db.run('UPDATE sns_platform_endpoints SET attributes = ?, token = ? WHERE arn = ?', attributes, token, arn);
  }

  deletePlatformEndpoint(arn: string): void {
    this.#db.run('DELETE FROM sns_platform_endpoints WHERE arn = ?', arn);
  }

  /** A page (100, and one more) of an application's endpoints in creation order; rowid is the page token. */
  platformEndpointsOf(applicationArn: string, afterRowid: number): Array<PlatformEndpointRow & { rowid: number }> {
    return this.#db.all<PlatformEndpointRow & { rowid: number }>(
      `SELECT rowid, * FROM sns_platform_endpoints WHERE application_arn = ? AND rowid > ? ORDER BY rowid LIMIT 101`, applicationArn, afterRowid,
    );
  }

  // ── The signing key (kept across resets by signing.ts) ──

  signingKey(): SigningKeyRow | undefined {
    return this.#db.get<SigningKeyRow>('SELECT * FROM sns_signing_key WHERE id = 1');
  }

  putSigningKey(key: SigningKeyRow): void {
    this.#db.run('INSERT OR REPLACE INTO sns_signing_key (id, private_key, certificate, name) VALUES (1, ?, ?, ?)', key.private_key, key.certificate, key.name);
  }

  // ── Retries waiting on the clock ──

  armedRetries(): RetryRow[] {
    return this.#db.all<RetryRow>('SELECT id, due, job FROM sns_retries');
  }

  addRetry(row: RetryRow): void {
    this.#db.run('INSERT INTO sns_retries (id, due, job) VALUES (?, ?, ?)', row.id, row.due, row.job);
  }

  removeRetry(id: string): void {
    this.#db.run('DELETE FROM sns_retries WHERE id = ?', id);
  }

  /** Runs `fn` after a reset has emptied every table (engines drop their timers, caches their entries). */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
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
