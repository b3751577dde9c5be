// Accounts come from credentials (DESIGN.md §1): a 12-digit access key id is that account (LocalStack's
// convention), keys Fogbank issued (STS sessions, IAM users) map to the account they were issued in,
// and anything else is the default account. Issued keys encode their account the way AWS's do, so
// GetAccessKeyInfo can answer for keys it did not issue too.
import { randomBytes, randomInt } from 'node:crypto';
import type { Database } from '../store/database.ts';
import type { Caller } from '../aws/service.ts';
import { ServiceError } from '../aws/protocol/errors.ts';

export const DEFAULT_ACCOUNT = '000000000000';

interface AccessKeyRow {
  access_key_id: string;
  secret_access_key: string;
  session_token: string | null;
  account: string;
  principal_arn: string;
  user_id: string;
  expires_at: number | null;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Creates an access key id with the given 4-letter prefix (AKIA, ASIA) that encodes `account`. */
export function makeAccessKeyId(prefix: string, account: string): string {
  // Layout (as in AWS keys): 80 bits after the prefix; bits 1..40 of the first 48 hold the account.
  const bytes = randomBytes(10);
  let high = BigInt('0x' + bytes.subarray(0, 6).toString('hex'));
  high = (high & ~(0xffffffffffn << 7n) & 0xffffffffffffn) | (BigInt(account) << 7n);
  const hex = high.toString(16).padStart(12, '0');
  Buffer.from(hex, 'hex').copy(bytes, 0);
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = prefix;
  for (let i = 0; i < 80; i += 5) out += BASE32[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

/** The account an AWS-style access key id encodes, or undefined when it is not one. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  if (!/^(AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)[A-Z2-7]{16}$/.test(accessKeyId)) return undefined;
  let bits = '';
  for (const c of accessKeyId.slice(4)) bits += BASE32.indexOf(c).toString(2).padStart(5, '0');
  const high = BigInt('0b' + bits.slice(0, 48));
  return ((high >> 7n) & 0xffffffffffn).toString().padStart(12, '0');
}

export function randomSecret(length = 40): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export class Accounts {
  #db: Database;
  #now: () => number;
  #cache = new Map<string, AccessKeyRow | null>();

  constructor(db: Database, now: () => number) {
    this.#db = db;
    this.#now = now;
    db.migrate('core', new URL('../store/migrations/', import.meta.url));
    db.onReset(() => this.#cache.clear());
  }

  /** Who signed with `accessKeyId`. Throws ExpiredToken for an issued session past its expiry. */
  callerOf(accessKeyId: string | undefined): Caller {
    if (!accessKeyId) return rootCaller(DEFAULT_ACCOUNT, 'anonymous');
    if (/^\d{12}$/.test(accessKeyId)) return rootCaller(accessKeyId, accessKeyId);
    const row = this.#lookup(accessKeyId);
    if (!row) return rootCaller(DEFAULT_ACCOUNT, accessKeyId);
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
  accountOfKey(accessKeyId: string): string {
    if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
    return this.#lookup(accessKeyId)?.account ?? accountOfAccessKeyId(accessKeyId) ?? DEFAULT_ACCOUNT;
  }

  /** Issues a key pair for a principal; `durationSeconds` makes it a session (ASIA…, with a token). */
  issue(principal: { account: string; arn: string; userId: string }, durationSeconds?: number): IssuedCredentials {
    const session = durationSeconds !== undefined;
    const accessKeyId = makeAccessKeyId(session ? 'ASIA' : 'AKIA', principal.account);
    const secretAccessKey = randomSecret();
    const sessionToken = session ? 'FQoGZXIvYXdzE' + randomBytes(96).toString('base64') : undefined;
    const expiresAt = session ? this.#now() + durationSeconds * 1000 : undefined;
    this.#db.run(
      `INSERT INTO access_keys (access_key_id, secret_access_key, session_token, account, principal_arn, user_id, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      accessKeyId,
      secretAccessKey,
      sessionToken ?? null,
      principal.account,
      principal.arn,
      principal.userId,
      expiresAt ?? null,
      this.#now(),
    );
    this.#cache.delete(accessKeyId);
    return { accessKeyId, secretAccessKey, sessionToken, expiration: expiresAt === undefined ? undefined : new Date(expiresAt) };
  }

  /** Accounts that have issued keys, for the admin API. */
  knownAccounts(): string[] {
    return this.#db.all<{ account: string }>('SELECT DISTINCT account FROM access_keys ORDER BY account').map((r) => r.account);
  }

  #lookup(accessKeyId: string): AccessKeyRow | undefined {
    let row = this.#cache.get(accessKeyId);
    if (row === undefined) {
      row = this.#db.get<AccessKeyRow>('SELECT * FROM access_keys WHERE access_key_id = ?', accessKeyId) ?? null;
      if (this.#cache.size > 10000) this.#cache.clear();
      this.#cache.set(accessKeyId, row);
    }
    return row ?? undefined;
  }
}

function rootCaller(account: string, accessKeyId: string): Caller {
  return { accessKeyId, account, arn: `arn:aws:iam::${account}:root`, userId: account };
}
