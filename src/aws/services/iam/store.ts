// IAM's tables (migrations/001-iam.sql) and the statements over them; nothing else touches them.
// Every statement goes through the store port; a handler that reads to decide a write wraps both in
// `unit`, and the statements it calls join that unit.
import type { Environment } from '../../../core/environment.ts';
import type { RequestContext } from '../../../core/service.ts';
import type { Store } from '../../../core/store.ts';
import type { Tag } from '../../../core/resources/tags.ts';
import type { EntityKind } from './errors.ts';

export interface EntityRow {
  account: string;
  kind: EntityKind;
  name: string;
  path: string;
  id: string;
  created: number;
  description: string | null;
  trust_policy: string | null;
  max_session: number | null;
  boundary: string | null;
  tags: string;
}

export interface PolicyRow {
  account: string;
  arn: string;
  name: string;
  path: string;
  id: string;
  description: string | null;
  default_version: string;
  next_version: number;
  created: number;
  updated: number;
  tags: string;
}

export interface VersionRow {
  arn: string;
  version: string;
  document: string;
  created: number;
}

export interface InlineRow {
  entity: string;
  name: string;
  document: string;
}

export interface KeyRow {
  user_id: string;
  access_key_id: string;
  created: number;
}

export interface LoginRow {
  user_id: string;
  password_hash: string;
  reset_required: number;
  created: number;
}

export interface MfaRow {
  account: string;
  serial: string;
  seed: string;
  user_id: string | null;
  enabled: number | null;
  last_step: number | null;
  created: number;
  tags: string;
}

export type UserCredentialKind = 'ssh-key' | 'signing-cert' | 'service-credential';

export interface UserCredentialRow {
  id: string;
  user_id: string;
  kind: UserCredentialKind;
  body: string;
  fingerprint: string;
  status: string;
  uploaded: number;
}

export interface ServerCertRow {
  account: string;
  name: string;
  path: string;
  id: string;
  body: string;
  chain: string | null;
  expiration: number;
  uploaded: number;
  tags: string;
}

export type ProviderKind = 'oidc' | 'saml';

export interface ProviderRow {
  account: string;
  arn: string;
  kind: ProviderKind;
  config: string;
  valid_until: number | null;
  created: number;
  tags: string;
}

type EntityUpdate = Partial<Pick<EntityRow, 'name' | 'path' | 'description' | 'trust_policy' | 'max_session' | 'boundary' | 'tags'>>;
type PolicyUpdate = Partial<Pick<PolicyRow, 'default_version' | 'next_version' | 'updated' | 'tags'>>;

export class IamStore {
  readonly #s: Store;

  constructor(env: Environment) {
    this.#s = env.store;
    this.#s.migrate('iam', new URL('./migrations/', import.meta.url));
  }

  /** A unit of work: the statements `fn` calls (through this store) join it. */
  unit<T>(fn: () => Promise<T>): Promise<T> {
    return this.#s.unit(() => fn());
  }

  // Users, groups, roles, instance profiles

  entity(account: string, kind: EntityKind, name: string): Promise<EntityRow | undefined> {
    return this.#s.get<EntityRow>('SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND name = ?', account, kind, name);
  }

  entityById(id: string): Promise<EntityRow | undefined> {
    return this.#s.get<EntityRow>('SELECT * FROM iam_entities WHERE id = ?', id);
  }

  entitiesByIds(ids: readonly string[]): Promise<EntityRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.#s.all<EntityRow>(`SELECT * FROM iam_entities WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY name`, ...ids);
  }

  /** An account's entities of one kind whose path starts with `pathPrefix`, by name. */
  entities(account: string, kind: EntityKind, pathPrefix = '/'): Promise<EntityRow[]> {
    return this.#s.all<EntityRow>(
      'SELECT * FROM iam_entities WHERE account = ? AND kind = ? AND substr(path, 1, ?) = ? ORDER BY name',
      account, kind, pathPrefix.length, pathPrefix,
    );
  }

  /** Inserts an entity; false when one of that kind and name exists (names ignore case). */
  async insertEntity(row: EntityRow): Promise<boolean> {
    const r = await this.#s.run(
      `INSERT INTO iam_entities (account, kind, name, path, id, created, description, trust_policy, max_session, boundary, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      row.account, row.kind, row.name, row.path, row.id, row.created, row.description, row.trust_policy, row.max_session, row.boundary, row.tags,
    );
    return Number(r.changes) > 0;
  }

  async updateEntity(id: string, update: EntityUpdate): Promise<void> {
    const fields = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!fields.length) return;
    await this.#s.run(
      `UPDATE iam_entities SET ${fields.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`,
      ...fields.map(([, v]) => v as string | number | null), id,
    );
  }

  async deleteEntity(id: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_entities WHERE id = ?', id);
    await this.#s.run('DELETE FROM iam_members WHERE container = ? OR member = ?', id, id);
    await this.#s.run('DELETE FROM iam_attachments WHERE entity = ?', id);
    await this.#s.run('DELETE FROM iam_inline_policies WHERE entity = ?', id);
  }

  async countEntities(account: string): Promise<Record<EntityKind, number>> {
    const rows = await this.#s.all<{ kind: EntityKind; n: number }>('SELECT kind, COUNT(*) AS n FROM iam_entities WHERE account = ? GROUP BY kind', account);
    const out: Record<EntityKind, number> = { user: 0, group: 0, role: 0, 'instance-profile': 0 };
    for (const r of rows) out[r.kind] = r.n;
    return out;
  }

  /** Entities of `account` whose permissions boundary is `policyArn` (AWS managed ones serve every account). */
  async boundaryUsage(policyArn: string, account: string): Promise<number> {
    return (await this.#s.get<{ n: number }>('SELECT COUNT(*) AS n FROM iam_entities WHERE boundary = ? AND account = ?', policyArn, account))!.n;
  }

  /** Users and roles whose permissions boundary is `policyArn`. */
  boundaryEntities(policyArn: string): Promise<EntityRow[]> {
    return this.#s.all<EntityRow>('SELECT * FROM iam_entities WHERE boundary = ? ORDER BY name', policyArn);
  }

  // Group members and instance profiles' roles: (container id, member id)

  async addMember(container: string, member: string, now: number): Promise<void> {
    await this.#s.run('INSERT INTO iam_members (container, member, added) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', container, member, now);
  }

  async removeMember(container: string, member: string): Promise<boolean> {
    return Number((await this.#s.run('DELETE FROM iam_members WHERE container = ? AND member = ?', container, member)).changes) > 0;
  }

  async members(container: string): Promise<string[]> {
    return (await this.#s.all<{ member: string }>('SELECT member FROM iam_members WHERE container = ? ORDER BY added', container)).map((r) => r.member);
  }

  async containers(member: string): Promise<string[]> {
    return (await this.#s.all<{ container: string }>('SELECT container FROM iam_members WHERE member = ? ORDER BY added', member)).map((r) => r.container);
  }

  // Managed policies and their versions

  policy(arn: string): Promise<PolicyRow | undefined> {
    return this.#s.get<PolicyRow>('SELECT * FROM iam_policies WHERE arn = ?', arn);
  }

  policies(account: string, pathPrefix = '/'): Promise<PolicyRow[]> {
    return this.#s.all<PolicyRow>(
      'SELECT * FROM iam_policies WHERE account = ? AND substr(path, 1, ?) = ? ORDER BY name',
      account, pathPrefix.length, pathPrefix,
    );
  }

  /** Inserts a policy and its first version; false when the account has a policy of that name. */
  async insertPolicy(row: PolicyRow, document: string): Promise<boolean> {
    const r = await this.#s.run(
      `INSERT INTO iam_policies (account, arn, name, path, id, description, default_version, next_version, created, updated, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      row.account, row.arn, row.name, row.path, row.id, row.description, row.default_version, row.next_version, row.created, row.updated, row.tags,
    );
    if (Number(r.changes) === 0) return false;
    await this.insertVersion({ arn: row.arn, version: row.default_version, document, created: row.created });
    return true;
  }

  async updatePolicy(arn: string, update: PolicyUpdate): Promise<void> {
    const fields = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!fields.length) return;
    await this.#s.run(`UPDATE iam_policies SET ${fields.map(([k]) => `${k} = ?`).join(', ')} WHERE arn = ?`, ...fields.map(([, v]) => v as string | number), arn);
  }

  async deletePolicy(arn: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_policies WHERE arn = ?', arn);
    await this.#s.run('DELETE FROM iam_policy_versions WHERE arn = ?', arn);
  }

  version(arn: string, version: string): Promise<VersionRow | undefined> {
    return this.#s.get<VersionRow>('SELECT * FROM iam_policy_versions WHERE arn = ? AND version = ?', arn, version);
  }

  /** A policy's versions, oldest first. */
  versions(arn: string): Promise<VersionRow[]> {
    return this.#s.all<VersionRow>('SELECT * FROM iam_policy_versions WHERE arn = ? ORDER BY created, CAST(substr(version, 2) AS INTEGER)', arn);
  }

  async insertVersion(row: VersionRow): Promise<void> {
    await this.#s.run('INSERT INTO iam_policy_versions (arn, version, document, created) VALUES (?, ?, ?, ?)', row.arn, row.version, row.document, row.created);
  }

  async deleteVersion(arn: string, version: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_policy_versions WHERE arn = ? AND version = ?', arn, version);
  }

  // Managed policy attachments: (entity id, policy ARN)

  /** Attaches; false when it already was. */
  async attach(entity: string, policyArn: string, now: number): Promise<boolean> {
    const r = await this.#s.run('INSERT INTO iam_attachments (entity, policy_arn, attached) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', entity, policyArn, now);
    return Number(r.changes) > 0;
  }

  async detach(entity: string, policyArn: string): Promise<boolean> {
    return Number((await this.#s.run('DELETE FROM iam_attachments WHERE entity = ? AND policy_arn = ?', entity, policyArn)).changes) > 0;
  }

  async attached(entity: string): Promise<string[]> {
    return (await this.#s.all<{ policy_arn: string }>('SELECT policy_arn FROM iam_attachments WHERE entity = ? ORDER BY attached, policy_arn', entity)).map((r) => r.policy_arn);
  }

  async attachedEntities(policyArn: string): Promise<string[]> {
    return (await this.#s.all<{ entity: string }>('SELECT entity FROM iam_attachments WHERE policy_arn = ?', policyArn)).map((r) => r.entity);
  }

  /** Identities of `account` `policyArn` is attached to (AWS managed policies are attached in many accounts). */
  async attachmentCount(policyArn: string, account: string): Promise<number> {
    return (await this.#s.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM iam_attachments a JOIN iam_entities e ON e.id = a.entity WHERE a.policy_arn = ? AND e.account = ?', policyArn, account,
    ))!.n;
  }

  /** Per policy ARN, how many of `account`'s identities have it attached and as their boundary: one pass for a whole list. */
  async policyUsage(account: string): Promise<Map<string, { attachments: number; boundaries: number }>> {
    const out = new Map<string, { attachments: number; boundaries: number }>();
    const of = (arn: string) => out.get(arn) ?? out.set(arn, { attachments: 0, boundaries: 0 }).get(arn)!;
    for (const r of await this.#s.all<{ arn: string; n: number }>(
      'SELECT a.policy_arn AS arn, COUNT(*) AS n FROM iam_attachments a JOIN iam_entities e ON e.id = a.entity WHERE e.account = ? GROUP BY a.policy_arn', account,
    )) of(r.arn).attachments = r.n;
    for (const r of await this.#s.all<{ arn: string; n: number }>(
      'SELECT boundary AS arn, COUNT(*) AS n FROM iam_entities WHERE account = ? AND boundary IS NOT NULL GROUP BY boundary', account,
    )) of(r.arn).boundaries = r.n;
    return out;
  }

  // Inline policies: (entity id, name)

  inline(entity: string, name: string): Promise<InlineRow | undefined> {
    return this.#s.get<InlineRow>('SELECT * FROM iam_inline_policies WHERE entity = ? AND name = ?', entity, name);
  }

  inlines(entity: string): Promise<InlineRow[]> {
    return this.#s.all<InlineRow>('SELECT * FROM iam_inline_policies WHERE entity = ? ORDER BY name', entity);
  }

  async putInline(entity: string, name: string, document: string): Promise<void> {
    await this.#s.run(
      'INSERT INTO iam_inline_policies (entity, name, document) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET document = excluded.document',
      entity, name, document,
    );
  }

  async deleteInline(entity: string, name: string): Promise<boolean> {
    return Number((await this.#s.run('DELETE FROM iam_inline_policies WHERE entity = ? AND name = ?', entity, name)).changes) > 0;
  }

  // Users' access keys (the secrets and statuses are the core's, src/core/accounts.ts)

  keys(userId: string): Promise<KeyRow[]> {
    return this.#s.all<KeyRow>('SELECT * FROM iam_access_keys WHERE user_id = ? ORDER BY created, access_key_id', userId);
  }

  key(accessKeyId: string): Promise<KeyRow | undefined> {
    return this.#s.get<KeyRow>('SELECT * FROM iam_access_keys WHERE access_key_id = ?', accessKeyId);
  }

  async insertKey(row: KeyRow): Promise<void> {
    await this.#s.run('INSERT INTO iam_access_keys (user_id, access_key_id, created) VALUES (?, ?, ?)', row.user_id, row.access_key_id, row.created);
  }

  async deleteKey(accessKeyId: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_access_keys WHERE access_key_id = ?', accessKeyId);
  }

  async countKeys(account: string): Promise<number> {
    return (await this.#s.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM iam_access_keys k JOIN iam_entities e ON e.id = k.user_id WHERE e.account = ?", account,
    ))!.n;
  }

  // Login profiles

  login(userId: string): Promise<LoginRow | undefined> {
    return this.#s.get<LoginRow>('SELECT * FROM iam_login_profiles WHERE user_id = ?', userId);
  }

  /** Inserts a login profile; false when the user has one. */
  async insertLogin(row: LoginRow): Promise<boolean> {
    const r = await this.#s.run(
      'INSERT INTO iam_login_profiles (user_id, password_hash, reset_required, created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      row.user_id, row.password_hash, row.reset_required, row.created,
    );
    return Number(r.changes) > 0;
  }

  async updateLogin(userId: string, update: { password_hash?: string; reset_required?: number }): Promise<void> {
    if (update.password_hash !== undefined) await this.#s.run('UPDATE iam_login_profiles SET password_hash = ? WHERE user_id = ?', update.password_hash, userId);
    if (update.reset_required !== undefined) await this.#s.run('UPDATE iam_login_profiles SET reset_required = ? WHERE user_id = ?', update.reset_required, userId);
  }

  async deleteLogin(userId: string): Promise<boolean> {
    return Number((await this.#s.run('DELETE FROM iam_login_profiles WHERE user_id = ?', userId)).changes) > 0;
  }

  // Account settings: 'alias', 'password-policy'

  async setting(account: string, key: string): Promise<string | undefined> {
    return (await this.#s.get<{ value: string }>('SELECT value FROM iam_account_settings WHERE account = ? AND key = ?', account, key))?.value;
  }

  /** The account holding `value` under `key` (an alias is unique across accounts). */
  async settingOwner(key: string, value: string): Promise<string | undefined> {
    return (await this.#s.get<{ account: string }>('SELECT account FROM iam_account_settings WHERE key = ? AND value = ?', key, value))?.account;
  }

  async putSetting(account: string, key: string, value: string): Promise<void> {
    await this.#s.run(
      'INSERT INTO iam_account_settings (account, key, value) VALUES (?, ?, ?) ON CONFLICT(account, key) DO UPDATE SET value = excluded.value',
      account, key, value,
    );
  }

  async deleteSetting(account: string, key: string): Promise<boolean> {
    return Number((await this.#s.run('DELETE FROM iam_account_settings WHERE account = ? AND key = ?', account, key)).changes) > 0;
  }

  // Virtual MFA devices (migrations/002)

  mfaDevice(serial: string): Promise<MfaRow | undefined> {
    return this.#s.get<MfaRow>('SELECT * FROM iam_mfa_devices WHERE serial = ?', serial);
  }

  mfaDevices(account: string): Promise<MfaRow[]> {
    return this.#s.all<MfaRow>('SELECT * FROM iam_mfa_devices WHERE account = ? ORDER BY serial', account);
  }

  mfaDevicesOf(userId: string): Promise<MfaRow[]> {
    return this.#s.all<MfaRow>('SELECT * FROM iam_mfa_devices WHERE user_id = ? ORDER BY enabled, serial', userId);
  }

  /** Inserts a device; false when one has that serial number. */
  async insertMfaDevice(row: MfaRow): Promise<boolean> {
    const r = await this.#s.run(
      'INSERT INTO iam_mfa_devices (account, serial, seed, user_id, enabled, last_step, created, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      row.account, row.serial, row.seed, row.user_id, row.enabled, row.last_step, row.created, row.tags,
    );
    return Number(r.changes) > 0;
  }

  async updateMfaDevice(serial: string, update: Partial<Pick<MfaRow, 'user_id' | 'enabled' | 'last_step' | 'tags'>>): Promise<void> {
    const fields = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!fields.length) return;
    await this.#s.run(`UPDATE iam_mfa_devices SET ${fields.map(([k]) => `${k} = ?`).join(', ')} WHERE serial = ?`, ...fields.map(([, v]) => v as string | number | null), serial);
  }

  async deleteMfaDevice(serial: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_mfa_devices WHERE serial = ?', serial);
  }

  // Users' SSH public keys and signing certificates

  userCredential(id: string): Promise<UserCredentialRow | undefined> {
    return this.#s.get<UserCredentialRow>('SELECT * FROM iam_user_credentials WHERE id = ?', id);
  }

  userCredentials(userId: string, kind: UserCredentialKind): Promise<UserCredentialRow[]> {
    return this.#s.all<UserCredentialRow>('SELECT * FROM iam_user_credentials WHERE user_id = ? AND kind = ? ORDER BY uploaded, id', userId, kind);
  }

  async insertUserCredential(row: UserCredentialRow): Promise<void> {
    await this.#s.run(
      'INSERT INTO iam_user_credentials (id, user_id, kind, body, fingerprint, status, uploaded) VALUES (?, ?, ?, ?, ?, ?, ?)',
      row.id, row.user_id, row.kind, row.body, row.fingerprint, row.status, row.uploaded,
    );
  }

  async setUserCredentialStatus(id: string, status: string): Promise<void> {
    await this.#s.run('UPDATE iam_user_credentials SET status = ? WHERE id = ?', status, id);
  }

  async setUserCredentialBody(id: string, body: string): Promise<void> {
    await this.#s.run('UPDATE iam_user_credentials SET body = ? WHERE id = ?', body, id);
  }

  async deleteUserCredential(id: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_user_credentials WHERE id = ?', id);
  }

  // Server certificates

  serverCert(account: string, name: string): Promise<ServerCertRow | undefined> {
    return this.#s.get<ServerCertRow>('SELECT * FROM iam_server_certificates WHERE account = ? AND name = ?', account, name);
  }

  serverCerts(account: string, pathPrefix = '/'): Promise<ServerCertRow[]> {
    return this.#s.all<ServerCertRow>(
      'SELECT * FROM iam_server_certificates WHERE account = ? AND substr(path, 1, ?) = ? ORDER BY name', account, pathPrefix.length, pathPrefix,
    );
  }

  /** Inserts a certificate; false when the account has one of that name. */
  async insertServerCert(row: ServerCertRow): Promise<boolean> {
    const r = await this.#s.run(
      `INSERT INTO iam_server_certificates (account, name, path, id, body, chain, expiration, uploaded, tags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      row.account, row.name, row.path, row.id, row.body, row.chain, row.expiration, row.uploaded, row.tags,
    );
    return Number(r.changes) > 0;
  }

  async updateServerCert(id: string, update: Partial<Pick<ServerCertRow, 'name' | 'path' | 'tags'>>): Promise<void> {
    const fields = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!fields.length) return;
    await this.#s.run(`UPDATE iam_server_certificates SET ${fields.map(([k]) => `${k} = ?`).join(', ')} WHERE id = ?`, ...fields.map(([, v]) => v as string), id);
  }

  async deleteServerCert(id: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_server_certificates WHERE id = ?', id);
  }

  // OIDC and SAML identity providers

  provider(arn: string, kind: ProviderKind): Promise<ProviderRow | undefined> {
    return this.#s.get<ProviderRow>('SELECT * FROM iam_providers WHERE arn = ? AND kind = ?', arn, kind);
  }

  providers(account: string, kind: ProviderKind): Promise<ProviderRow[]> {
    return this.#s.all<ProviderRow>('SELECT * FROM iam_providers WHERE account = ? AND kind = ? ORDER BY arn', account, kind);
  }

  /** Inserts a provider; false when one has that ARN. */
  async insertProvider(row: ProviderRow): Promise<boolean> {
    const r = await this.#s.run(
      'INSERT INTO iam_providers (account, arn, kind, config, valid_until, created, tags) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      row.account, row.arn, row.kind, row.config, row.valid_until, row.created, row.tags,
    );
    return Number(r.changes) > 0;
  }

  async updateProvider(arn: string, update: Partial<Pick<ProviderRow, 'config' | 'valid_until' | 'tags'>>): Promise<void> {
    const fields = Object.entries(update).filter(([, v]) => v !== undefined);
    if (!fields.length) return;
    await this.#s.run(`UPDATE iam_providers SET ${fields.map(([k]) => `${k} = ?`).join(', ')} WHERE arn = ?`, ...fields.map(([, v]) => v as string | number | null), arn);
  }

  async deleteProvider(arn: string): Promise<void> {
    await this.#s.run('DELETE FROM iam_providers WHERE arn = ?', arn);
  }
}

export type Ctx = RequestContext<IamStore>;

export function parseTags(json: string): Tag[] {
  return JSON.parse(json) as Tag[];
}
