// SNS's tables (topics, subscriptions, platform applications, the outbox, pending retries) and the
// statements over them. Topics and their subscriptions are also cached for Publish's hot path; every
// write here drops the cached topic. Asynchronous, over the store port (src/core/store.ts): what
// writes more than one statement, or reads to decide a write, does it in one unit of work.
import type { Environment } from '../../../core/environment.ts';
import type { Store } from '../../../core/store.ts';
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
  readonly #db: Store;
  readonly env: Environment;
  #topics = new Map<string, { topic: Topic; subscriptions: Subscription[] } | null>();
  /**
   * Bumped by every write to topics or subscriptions (and by a reset): a cache load that read the
   * tables before such a write and finished after it is not kept (it may hold what the write changed).
   */
  #version = 0;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('sns', new URL('./migrations/', import.meta.url));
    env.store.onReset(() => this.#changed());
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name or endpoint taken, attributes,
   * tags or a policy to merge, a token to check) and the write itself see no other request in
   * between. The methods fn calls join the unit; fn awaits nothing but them.
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#db.unit(() => fn());
  }

  /** Drops cached topics after a write to `arn` (or all of them). */
  #changed(arn?: string): void {
    this.#version++;
    if (arn === undefined) this.#topics.clear();
    else this.#topics.delete(arn);
  }

  // ── Topics ──

  async topicRow(arn: string): Promise<TopicRow | undefined> {
    return await this.#db.get<TopicRow>('SELECT * FROM sns_topics WHERE arn = ?', arn);
  }

  async topicByName(account: string, region: string, name: string): Promise<TopicRow | undefined> {
    return await this.#db.get<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND name = ?`, ...scopeParams({ account, region }), name);
  }

  async listTopics(account: string, region: string, after: string, limit: number): Promise<TopicRow[]> {
    return await this.#db.all<TopicRow>(`SELECT * FROM sns_topics WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT ?`, ...scopeParams({ account, region }), after, limit);
  }

  async insertTopic(row: TopicRow): Promise<void> {
    await this.#db.run(
      'INSERT INTO sns_topics (arn, account, region, name, attributes, tags, data_protection, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      row.arn, row.account, row.region, row.name, row.attributes, row.tags, row.data_protection, row.created,
    );
    this.#changed(row.arn);
  }

  /** Sets the fields given (callers that read the row to decide them do so in the same unit). */
  async updateTopic(arn: string, fields: { attributes?: string; tags?: string; data_protection?: string | null }): Promise<void> {
    await this.#db.run(
      'UPDATE sns_topics SET attributes = COALESCE(?, attributes), tags = COALESCE(?, tags), data_protection = CASE WHEN ? THEN ? ELSE data_protection END WHERE arn = ?',
      fields.attributes ?? null, fields.tags ?? null, fields.data_protection === undefined ? 0 : 1, fields.data_protection ?? null, arn,
    );
    this.#changed(arn);
  }

  async deleteTopic(arn: string): Promise<void> {
    await this.#db.unit(async (tx) => {
      await tx.run('DELETE FROM sns_subscriptions WHERE topic_arn = ?', arn);
      await tx.run('DELETE FROM sns_topics WHERE arn = ?', arn);
    });
    this.#changed(arn);
  }

  /** The topic and its subscriptions as Publish needs them (cached until either changes). */
  async topicForPublish(arn: string): Promise<{ topic: Topic; subscriptions: Subscription[] } | undefined> {
    const cached = this.#topics.get(arn);
    if (cached !== undefined) return cached ?? undefined;
    const version = this.#version;
    const [row, subscriptions] = await Promise.all([this.topicRow(arn), this.subscriptionsOf(arn)]);
    const entry = row ? { topic: toTopic(row), subscriptions: subscriptions.map(toSubscription) } : null;
    if (version === this.#version) this.#topics.set(arn, entry);
    return entry ?? undefined;
  }

  // ── Subscriptions ──

  async subscriptionRow(arn: string): Promise<SubscriptionRow | undefined> {
    return await this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE arn = ?', arn);
  }

  async subscriptionsOf(topicArn: string): Promise<SubscriptionRow[]> {
    return await this.#db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY seq', topicArn);
  }

  async subscriptionsPage(topicArn: string, afterSeq: number, limit: number): Promise<SubscriptionRow[]> {
    return await this.#db.all<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND seq > ? ORDER BY seq LIMIT ?', topicArn, afterSeq, limit);
  }

  async subscriptionsInScope(account: string, region: string, afterSeq: number, limit: number): Promise<SubscriptionRow[]> {
    return await this.#db.all<SubscriptionRow>(`SELECT * FROM sns_subscriptions WHERE ${IN_SCOPE} AND seq > ? ORDER BY seq LIMIT ?`, ...scopeParams({ account, region }), afterSeq, limit);
  }

  async subscriptionByEndpoint(topicArn: string, protocol: string, endpoint: string): Promise<SubscriptionRow | undefined> {
    return await this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?', topicArn, protocol, endpoint);
  }

  async subscriptionByToken(token: string): Promise<SubscriptionRow | undefined> {
    return await this.#db.get<SubscriptionRow>('SELECT * FROM sns_subscriptions WHERE token = ?', token);
  }

  async insertSubscription(row: Omit<SubscriptionRow, 'seq'>): Promise<void> {
    // The sequence number (list order, page tokens) is taken in the statement itself: no counter in
    // memory for two replicas, or two concurrent Subscribes, to hand out twice.
    await this.#db.run(
      `INSERT INTO sns_subscriptions (arn, topic_arn, account, region, owner, protocol, endpoint, confirmed, token, attributes, created, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sns_subscriptions))`,
      row.arn, row.topic_arn, row.account, row.region, row.owner, row.protocol, row.endpoint, row.confirmed, row.token, row.attributes, row.created,
    );
    this.#changed(row.topic_arn);
  }

  /** Sets the fields given (callers that read the row to decide them do so in the same unit). */
  async updateSubscription(row: SubscriptionRow, fields: { attributes?: string; confirmed?: number; token?: string | null }): Promise<void> {
    await this.#db.run(
      'UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ? WHERE arn = ?',
      fields.attributes ?? row.attributes, fields.confirmed ?? row.confirmed, fields.token === undefined ? row.token : fields.token, row.arn,
    );
    this.#changed(row.topic_arn);
  }

  async deleteSubscription(row: SubscriptionRow): Promise<void> {
    await this.#db.run('DELETE FROM sns_subscriptions WHERE arn = ?', row.arn);
    this.#changed(row.topic_arn);
  }

  async countSubscriptions(topicArn: string): Promise<{ confirmed: number; pending: number }> {
    const r = await this.#db.get<{ c: number; p: number }>(
      'SELECT SUM(confirmed) AS c, SUM(1 - confirmed) AS p FROM sns_subscriptions WHERE topic_arn = ?', topicArn,
    );
    return { confirmed: r?.c ?? 0, pending: r?.p ?? 0 };
  }

  // ── Deliveries and the outbox ──

  async recordDelivery(d: DeliveryRecord): Promise<void> {
    const r = await this.#db.run(
      'INSERT INTO sns_deliveries (subscription_arn, topic_arn, message_id, time, protocol, endpoint, status, attempts, error, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      d.subscriptionArn, d.topicArn, d.messageId, d.time, d.protocol, d.endpoint, d.status, d.attempts, d.error ?? null, d.payload,
    );
    // Keep the history bounded: the newest 10,000 records.
    const id = Number(r.lastInsertRowid);
    if (id % 1000 === 0) await this.#db.run('DELETE FROM sns_deliveries WHERE id <= ?', id - 10_000);
  }

  async deliveries(subscriptionArn: string | undefined, limit: number): Promise<Array<Record<string, unknown>>> {
    const rows = subscriptionArn
      ? await this.#db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries WHERE subscription_arn = ? ORDER BY id DESC LIMIT ?', subscriptionArn, limit)
      : await this.#db.all<Record<string, unknown>>('SELECT * FROM sns_deliveries ORDER BY id DESC LIMIT ?', limit);
    return rows.reverse();
  }

  async addToOutbox(row: Omit<OutboxRow, 'id'>): Promise<void> {
    await this.#db.run(
      'INSERT INTO sns_outbox (account, region, kind, destination, subject, message, message_id, topic_arn, subscription_arn, attributes, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row.account, row.region, row.kind, row.destination, row.subject, row.message, row.message_id, row.topic_arn, row.subscription_arn, row.attributes, row.time,
    );
  }

  async outbox(kind: string, account?: string, region?: string): Promise<OutboxRow[]> {
    if (account && region) return await this.#db.all<OutboxRow>(`SELECT * FROM sns_outbox WHERE ${IN_SCOPE} AND kind = ? ORDER BY id`, ...scopeParams({ account, region }), kind);
    return await this.#db.all<OutboxRow>('SELECT * FROM sns_outbox WHERE kind = ? ORDER BY id', kind);
  }

  async clearOutbox(kind: string): Promise<void> {
    await this.#db.run('DELETE FROM sns_outbox WHERE kind = ?', kind);
  }

  // ── SMS: settings, opt-outs and the sandbox ──

  async smsAttributes(scope: Scope): Promise<string | undefined> {
    return (await this.#db.get<{ attributes: string }>(`SELECT attributes FROM sns_sms_settings WHERE ${IN_SCOPE}`, ...scopeParams(scope)))?.attributes;
  }

  async putSmsAttributes(scope: Scope, attributes: string): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO sns_sms_settings (account, region, attributes) VALUES (?, ?, ?)', scope.account, scope.region, attributes);
  }

  async isPhoneOptedOut(scope: Scope, phone: string): Promise<boolean> {
    return (await this.#db.get<{ opted_out: number }>(`SELECT opted_out FROM sns_phone_numbers WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone))?.opted_out === 1;
  }

  /** A page (100, and one more to tell whether another follows) of opted-out numbers after `after`. */
  async optedOutPhones(scope: Scope, after: string): Promise<string[]> {
    const rows = await this.#db.all<{ phone: string }>(
      `SELECT phone FROM sns_phone_numbers WHERE ${IN_SCOPE} AND opted_out = 1 AND phone > ? ORDER BY phone LIMIT 101`, ...scopeParams(scope), after,
    );
    return rows.map((r) => r.phone);
  }

  /** The number replied STOP. */
  async setPhoneOptOut(scope: Scope, phone: string): Promise<void> {
    await this.#db.run(
      'INSERT INTO sns_phone_numbers (account, region, phone, opted_out) VALUES (?, ?, ?, 1) ON CONFLICT(account, region, phone) DO UPDATE SET opted_out = 1',
      scope.account, scope.region, phone,
    );
  }

  async optInPhone(scope: Scope, phone: string): Promise<void> {
    await this.#db.run(`UPDATE sns_phone_numbers SET opted_out = 0 WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  async addSandboxPhone(scope: Scope, phone: string, otp: string): Promise<void> {
    await this.#db.run(
      'INSERT INTO sns_phone_numbers (account, region, phone, sandbox_status, otp) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account, region, phone) DO UPDATE SET sandbox_status = excluded.sandbox_status, otp = excluded.otp',
      scope.account, scope.region, phone, 'Pending', otp,
    );
  }

  async sandboxPhone(scope: Scope, phone: string): Promise<{ otp: string | null; sandbox_status: string | null } | undefined> {
    return await this.#db.get<{ otp: string | null; sandbox_status: string | null }>(`SELECT otp, sandbox_status FROM sns_phone_numbers WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  async verifySandboxPhone(scope: Scope, phone: string): Promise<void> {
    await this.#db.run(`UPDATE sns_phone_numbers SET sandbox_status = ?, otp = NULL WHERE ${IN_SCOPE} AND phone = ?`, 'Verified', ...scopeParams(scope), phone);
  }

  async removeSandboxPhone(scope: Scope, phone: string): Promise<void> {
    await this.#db.run(`UPDATE sns_phone_numbers SET sandbox_status = NULL, otp = NULL WHERE ${IN_SCOPE} AND phone = ?`, ...scopeParams(scope), phone);
  }

  async sandboxPhones(scope: Scope, after: string, limit: number): Promise<Array<{ phone: string; sandbox_status: string }>> {
    return await this.#db.all<{ phone: string; sandbox_status: string }>(
      `SELECT phone, sandbox_status FROM sns_phone_numbers WHERE ${IN_SCOPE} AND sandbox_status IS NOT NULL AND phone > ? ORDER BY phone LIMIT ?`,
      ...scopeParams(scope), after, limit,
    );
  }

  // ── Mobile push: platform applications and endpoints ──

  async platformApplication(arn: string): Promise<PlatformApplicationRow | undefined> {
    return await this.#db.get<PlatformApplicationRow>('SELECT * FROM sns_platform_applications WHERE arn = ?', arn);
  }

  /** Creates the application, or replaces the attributes of the one with that ARN. */
  async putPlatformApplication(row: PlatformApplicationRow): Promise<void> {
    await this.#db.run(
      'INSERT INTO sns_platform_applications (arn, account, region, name, platform, attributes, created) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET attributes = excluded.attributes',
      row.arn, row.account, row.region, row.name, row.platform, row.attributes, row.created,
    );
  }

  async setPlatformApplicationAttributes(arn: string, attributes: string): Promise<void> {
    await this.#db.run('UPDATE sns_platform_applications SET attributes = ? WHERE arn = ?', attributes, arn);
  }

  /** The application and its endpoints, together. */
  async deletePlatformApplication(arn: string): Promise<void> {
    await this.#db.unit(async (tx) => {
      await tx.run('DELETE FROM sns_platform_endpoints WHERE application_arn = ?', arn);
      await tx.run('DELETE FROM sns_platform_applications WHERE arn = ?', arn);
    });
  }

  /** A page: 100, and one more to tell whether another follows. */
  async platformApplications(scope: Scope, after: string): Promise<PlatformApplicationRow[]> {
    return await this.#db.all<PlatformApplicationRow>(`SELECT * FROM sns_platform_applications WHERE ${IN_SCOPE} AND arn > ? ORDER BY arn LIMIT 101`, ...scopeParams(scope), after);
  }

  async platformEndpoint(arn: string): Promise<PlatformEndpointRow | undefined> {
    return await this.#db.get<PlatformEndpointRow>('SELECT * FROM sns_platform_endpoints WHERE arn = ?', arn);
  }

  async platformEndpointByToken(applicationArn: string, token: string): Promise<PlatformEndpointRow | undefined> {
    return await this.#db.get<PlatformEndpointRow>('SELECT * FROM sns_platform_endpoints WHERE application_arn = ? AND token = ?', applicationArn, token);
  }

  async insertPlatformEndpoint(row: PlatformEndpointRow): Promise<void> {
    await this.#db.run('INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes, created) VALUES (?, ?, ?, ?, ?)', row.arn, row.application_arn, row.token, row.attributes, row.created);
  }

  async setPlatformEndpointAttributes(arn: string, attributes: string, token: string): Promise<void> {
    await this.#db.run('UPDATE sns_platform_endpoints SET attributes = ?, token = ? WHERE arn = ?', attributes, token, arn);
  }

  async deletePlatformEndpoint(arn: string): Promise<void> {
    await this.#db.run('DELETE FROM sns_platform_endpoints WHERE arn = ?', arn);
  }

  /** A page (100, and one more) of an application's endpoints in creation order; rowid is the page token. */
  async platformEndpointsOf(applicationArn: string, afterRowid: number): Promise<Array<PlatformEndpointRow & { rowid: number }>> {
    return await this.#db.all<PlatformEndpointRow & { rowid: number }>(
      `SELECT rowid, * FROM sns_platform_endpoints WHERE application_arn = ? AND rowid > ? ORDER BY rowid LIMIT 101`, applicationArn, afterRowid,
    );
  }

  // ── The signing key (kept across resets by signing.ts) ──

  async signingKey(): Promise<SigningKeyRow | undefined> {
    return await this.#db.get<SigningKeyRow>('SELECT * FROM sns_signing_key WHERE id = 1');
  }

  async putSigningKey(key: SigningKeyRow): Promise<void> {
    await this.#db.run('INSERT OR REPLACE INTO sns_signing_key (id, private_key, certificate, name) VALUES (1, ?, ?, ?)', key.private_key, key.certificate, key.name);
  }

  /** Keeps `key` unless one is stored already; returns the one kept (the first writer's, for every caller). */
  async keepSigningKey(key: SigningKeyRow): Promise<SigningKeyRow> {
    return await this.#db.unit(async (tx) => {
      await tx.run('INSERT OR IGNORE INTO sns_signing_key (id, private_key, certificate, name) VALUES (1, ?, ?, ?)', key.private_key, key.certificate, key.name);
      return (await tx.get<SigningKeyRow>('SELECT private_key, certificate, name FROM sns_signing_key WHERE id = 1'))!;
    });
  }

  // ── Retries waiting on the clock ──

  async armedRetries(): Promise<RetryRow[]> {
    return await this.#db.all<RetryRow>('SELECT id, due, job FROM sns_retries');
  }

  async addRetry(row: RetryRow): Promise<void> {
    await this.#db.run('INSERT INTO sns_retries (id, due, job) VALUES (?, ?, ?)', row.id, row.due, row.job);
  }

  async removeRetry(id: string): Promise<void> {
    await this.#db.run('DELETE FROM sns_retries WHERE id = ?', id);
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
