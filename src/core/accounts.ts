// Accounts come from credentials (DESIGN.md §1): a 12-digit access key id is that account (LocalStack's
// convention), keys Fogbank issued (STS sessions, IAM users) map to the account they were issued in,
// and anything else is the default account. Issued keys encode their account the way AWS's do, so
// GetAccessKeyInfo can answer for keys it did not issue too.
import { randomBytes, randomInt } from 'node:crypto';
import type { Store } from './store.ts';
import type { Caller } from './caller.ts';
import { ServiceError } from './errors.ts';

export const DEFAULT_ACCOUNT = '000000000000';

interface AccessKeyRow {
  access_key_id: string;
  secret_access_key: string;
  session_token: string | null;
  account: string;
  principal_arn: string;
  user_id: string;
  expires_at: number | null;
  status: 'Active' | 'Inactive';
  role_arn: string | null;
  session_policy: string | null;
  session_policy_arns: string | null;
  session_tags: string | null;
  transitive_tag_keys: string | null;
  source_identity: string | null;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// The formats live with the other identifier formats (src/core/resources/ids.ts); these names stay
// because the admin API, STS and tests know them.
import { accessKeyId as makeAccessKeyId, accountOfAccessKeyId, secretAccessKey as randomSecret } from './resources/ids.ts';
import { accountRootArn } from './resources/arn.ts';
export { makeAccessKeyId, accountOfAccessKeyId, randomSecret };

export class Accounts {
  #db: Store;
  #now: () => number;
  #cache = new Map<string, AccessKeyRow | null>();
  /** Accounts already recorded as seen, so recording costs a Set lookup per request. */
  #seen = new Set<string>();

  constructor(db: Store, now: () => number) {
    this.#db = db;
    this.#now = now;
    db.migrate('core', new URL('../store/migrations/', import.meta.url));
    db.onReset(() => {
      this.#cache.clear();
      this.#seen.clear();
    });
  }

  /** Records that an account was used (the admin UI lists accounts seen or created). */
  #see(account: string): void {
    if (this.#seen.has(account)) return;
    this.#seen.add(account);
    // Nothing waits for this record: a request is not held up (or failed) by the accounts list.
    this.#db
      .run('INSERT OR IGNORE INTO accounts (id, created_at) VALUES (?, ?)', account, this.#now())
      .catch((err) => console.error('fogbank: could not record an account', err));
  }

  /**
   * Who signed with `accessKeyId`. Throws ExpiredToken for an issued session past its expiry.
   * Answers at once for the keys it has seen (every request pays this), and through the store for a
   * key it has not.
   */
  callerOf(accessKeyId: string | undefined): Caller | Promise<Caller> {
    const cached = !accessKeyId || /^\d{12}$/.test(accessKeyId) ? null : this.#cache.get(accessKeyId);
    if (cached === undefined) return this.#lookup(accessKeyId!).then((row) => this.#seeCaller(accessKeyId, row));
    return this.#seeCaller(accessKeyId, cached ?? undefined);
  }

  #seeCaller(accessKeyId: string | undefined, row: AccessKeyRow | undefined): Caller {
    const caller = this.#callerOf(accessKeyId, row);
    this.#see(caller.account);
    return caller;
  }

  #callerOf(accessKeyId: string | undefined, row: AccessKeyRow | undefined): Caller {
    if (!accessKeyId) return rootCaller(DEFAULT_ACCOUNT, 'anonymous');
    if (/^\d{12}$/.test(accessKeyId)) return rootCaller(accessKeyId, accessKeyId);
    // An inactive key names nobody: it is an unknown key (the authenticate step decides what those get).
    if (!row || row.status !== 'Active') return rootCaller(DEFAULT_ACCOUNT, accessKeyId);
    if (row.expires_at !== null && row.expires_at <= this.#now()) {
      throw new ServiceError('ExpiredToken', 'The security token included in the request is expired', 403);
    }
    return {
      accessKeyId,
      account: row.account,
      arn: row.principal_arn,
      userId: row.user_id,
      sessionToken: row.session_token ?? undefined,
    };
  }

  /** The account a key belongs to, for GetAccessKeyInfo. */
  async accountOfKey(accessKeyId: string): Promise<string> {
    if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
    return (await this.#lookup(accessKeyId))?.account ?? accountOfAccessKeyId(accessKeyId) ?? DEFAULT_ACCOUNT;
  }

  /** Issues a key pair for a principal; `durationSeconds` makes it a session (ASIA…, with a token). */
  async issue(principal: { account: string; arn: string; userId: string }, durationSeconds?: number, facts?: SessionFacts): Promise<IssuedCredentials> {
    const session = durationSeconds !== undefined;
    const accessKeyId = makeAccessKeyId(session ? 'ASIA' : 'AKIA', principal.account);
    const secretAccessKey = randomSecret();
    const sessionToken = session ? 'FQoGZXIvYXdzE' + randomBytes(96).toString('base64') : undefined;
    const expiresAt = session ? this.#now() + durationSeconds * 1000 : undefined;
    await this.#db.run(
      `INSERT INTO access_keys (access_key_id, secret_access_key, session_token, account, principal_arn, user_id, expires_at, created_at,
         role_arn, session_policy, session_policy_arns, session_tags, transitive_tag_keys, source_identity)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      accessKeyId,
      secretAccessKey,
      sessionToken ?? null,
      principal.account,
      principal.arn,
      principal.userId,
      expiresAt ?? null,
      this.#now(),
      ...sessionColumns(facts),
    );
    this.#cache.delete(accessKeyId);
    return { accessKeyId, secretAccessKey, sessionToken, expiration: expiresAt === undefined ? undefined : new Date(expiresAt) };
  }

  /** A long-term key's status; undefined when no such key was issued (or it was deleted). */
  async statusOf(accessKeyId: string): Promise<AccessKeyStatus | undefined> {
    return (await this.#lookup(accessKeyId))?.status;
  }

  /** Activates or deactivates an issued key (IAM's UpdateAccessKey); false when there is none. */
  async setStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    const r = await this.#db.run('UPDATE access_keys SET status = ? WHERE access_key_id = ?', status, accessKeyId);
    this.#cache.delete(accessKeyId);
    return Number(r.changes) > 0;
  }

  /** Deletes an issued key (IAM's DeleteAccessKey): requests signed with it no longer name its principal. */
  async revoke(accessKeyId: string): Promise<boolean> {
    const r = await this.#db.run('DELETE FROM access_keys WHERE access_key_id = ?', accessKeyId);
    this.#cache.delete(accessKeyId);
    return Number(r.changes) > 0;
  }

  /**
   * A principal's ARN changed (IAM's UpdateUser with a new name or path): its long-term keys name the
   * new ARN from now on. Sessions already issued keep the ARN they were issued with, as in AWS.
   */
  async renamePrincipal(userId: string, arn: string): Promise<void> {
    await this.#db.run('UPDATE access_keys SET principal_arn = ? WHERE user_id = ? AND session_token IS NULL', arn, userId);
    // Rare (a rename): dropping every cached key is simpler than finding the user's.
    this.#cache.clear();
  }

  /** Every account seen in a request, issued keys, or created in the admin UI. */
  async list(): Promise<Array<{ id: string; name: string | null; createdAt: number; createdInAdmin: boolean; accessKeys: string[] }>> {
    const rows = await this.#db.all<{ id: string; name: string | null; created_at: number; created_in_admin: number }>(
      `SELECT id, name, created_at, created_in_admin FROM accounts
       UNION SELECT DISTINCT account, NULL, MIN(created_at), 0 FROM access_keys WHERE account NOT IN (SELECT id FROM accounts) GROUP BY account
       ORDER BY id`,
    );
    const keys = await this.#db.all<{ account: string; access_key_id: string }>(
      // The accounts' own (root) keys: IAM users' keys belong to their users, not to the account.
      "SELECT account, access_key_id FROM access_keys WHERE session_token IS NULL AND principal_arn LIKE '%:root' ORDER BY created_at",
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      createdInAdmin: r.created_in_admin === 1,
      accessKeys: keys.filter((k) => k.account === r.id).map((k) => k.access_key_id),
    }));
  }

  /** Creates (or names) an account in the admin UI, with a long-term access key for its root user. */
  async create(id: string | undefined, name: string | undefined): Promise<{ id: string; name: string | null } & IssuedCredentials> {
    const account = id ?? String(randomInt(100000, 999999)) + String(randomInt(100000, 999999));
    if (!/^\d{12}$/.test(account)) throw new ServiceError('InvalidParameter', 'an account id is 12 digits', 400);
    // The check and the insert are one unit: two creators of one id cannot both succeed.
    await this.#db.unit(async (tx) => {
      if (await tx.get('SELECT 1 AS x FROM accounts WHERE id = ? AND created_in_admin = 1', account)) {
        throw new ServiceError('AccountExists', `account ${account} already exists`, 409);
      }
      await tx.run(
      `INSERT INTO accounts (id, name, created_at, created_in_admin) VALUES (?, ?, ?, 1)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, created_in_admin = 1`,
        account,
        name ?? null,
        this.#now(),
      );
    });
    this.#seen.add(account);
    const keys = await this.issue({ account, arn: accountRootArn(account), userId: account });
    return { id: account, name: name ?? null, ...keys };
  }

  async rename(id: string, name: string | null): Promise<void> {
    if (!/^\d{12}$/.test(id) && !(await this.#db.get('SELECT 1 AS x FROM accounts WHERE id = ?', id))) {
      throw new ServiceError('NotFound', `no account ${id}`, 404);
    }
    await this.#db.run(
      'INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name',
      id, name, this.#now(),
    );
  }

  /**
   * The secret behind an access key, to verify a signature with: the keys Fogbank issued (with their
   * session token), `test` (the default account's root, as in every local cloud), and a 12-digit
   * account id (that account's root), both with the secret `test`. Undefined for any other key: AWS
   * would not know it either.
   */
  async credentialOf(accessKeyId: string): Promise<{ secret: string; sessionToken?: string } | undefined> {
    if (accessKeyId === 'test' || /^\d{12}$/.test(accessKeyId)) return { secret: 'test' };
    const row = await this.#lookup(accessKeyId);
    // An inactive key is refused as AWS refuses it: as if it did not exist.
    if (!row || row.status !== 'Active') return undefined;
    return { secret: row.secret_access_key, ...(row.session_token ? { sessionToken: row.session_token } : {}) };
  }

  /** What a role session was issued with (its role, session policies, tags); undefined for other keys. */
  async sessionOf(accessKeyId: string): Promise<SessionFacts | undefined> {
    const row = /^\d{12}$/.test(accessKeyId) ? undefined : await this.#lookup(accessKeyId);
    if (!row?.role_arn) return undefined;
    const parse = <T>(v: string | null): T | undefined => (v === null ? undefined : (JSON.parse(v) as T));
    return {
      roleArn: row.role_arn,
      policy: row.session_policy ?? undefined,
      policyArns: parse<string[]>(row.session_policy_arns),
      tags: parse<Record<string, string>>(row.session_tags),
      transitiveTagKeys: parse<string[]>(row.transitive_tag_keys),
      sourceIdentity: row.source_identity ?? undefined,
    };
  }

  async #lookup(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    let row = this.#cache.get(accessKeyId);
    if (row === undefined) {
      row = (await this.#db.get<AccessKeyRow>('SELECT * FROM access_keys WHERE access_key_id = ?', accessKeyId)) ?? null;
      if (this.#cache.size > 10000) this.#cache.clear();
      this.#cache.set(accessKeyId, row);
    }
    return row ?? undefined;
  }
}

/**
 * What an STS role session was issued with, kept with its key for later authorization (issue 12):
 * the role (with its path), the session policies, the session tags and which of them are transitive.
 */
export interface SessionFacts {
  roleArn: string;
  /** The inline session policy (`Policy`), as passed. */
  policy?: string;
  /** The managed session policies (`PolicyArns`). */
  policyArns?: string[];
  /** Session tags, keys as passed (tag keys compare case-insensitively). */
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
}

function sessionColumns(s: SessionFacts | undefined): Array<string | null> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  if (!s) return [null, null, null, null, null, null];
  return [s.roleArn, s.policy ?? null, json(s.policyArns), json(s.tags), json(s.transitiveTagKeys), s.sourceIdentity ?? null];
}

function rootCaller(account: string, accessKeyId: string): Caller {
  return { accessKeyId, account, arn: accountRootArn(account), userId: account };
}
