// Who may use the admin UI and API. On a loopback address anyone on the machine may (the ready line
// prints a one-click URL anyway); on any other address every admin request needs a session: a signed,
// expiring JWT (HS256) in an HttpOnly, SameSite=Strict cookie or an Authorization: Bearer header,
// obtained by logging in or from the one-click URL's token. Cross-site requests are refused always,
// so a web page cannot drive a developer's local Fogbank.
import { createHash, createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Database } from '../store/database.ts';
import { LoginLimiter, type LoginLimits } from './login-limiter.ts';

export const SESSION_COOKIE = 'fogbank_session';
const SESSION_SECONDS = 12 * 3600;

export interface AuthOptions {
  /** Whether Fogbank listens only on a loopback address. */
  loopback: boolean;
  user?: string;
  password?: string;
  now: () => number;
  /** Limits on password checks (src/admin/login-limiter.ts); the defaults suit real use. */
  loginLimits?: Partial<LoginLimits>;
}

const HASH_BYTES = 32;

export class AdminAuth {
  readonly loopback: boolean;
  readonly user: string;
  readonly #db: Database;
  readonly #now: () => number;
  readonly #secret: Buffer;
  /** The configured password's hash (salt, hash), made once off the event loop. */
  readonly #configured?: Promise<[Buffer, Buffer]>;
  /** Who may check a password, and how often. */
  readonly logins: LoginLimiter;
  /** A password generated at first start, to print once; undefined when one was configured or already shown. */
  readonly generatedPassword?: string;

  constructor(db: Database, options: AuthOptions) {
    this.#db = db;
    this.loopback = options.loopback;
    this.user = options.user || 'admin';
    this.#now = options.now;
    this.#secret = Buffer.from(this.#setting('session_secret', () => randomBytes(32).toString('base64')), 'base64');
    this.logins = new LoginLimiter(options.loginLimits);
    if (options.password !== undefined) {
      // Hashed like a stored password, so checking it costs the same and compares fixed-length hashes.
      const salt = randomBytes(16);
      this.#configured = scryptAsync(options.password, salt).then((hash) => [salt, hash]);
      this.#configured.catch(() => {}); // surfaces in checkPassword, not as an unhandled rejection
    }
    // Only a Fogbank reachable from other machines needs a password; it is made (and shown) once.
    if (!options.loopback && !options.password && !this.#get('password_hash')) {
      this.generatedPassword = randomBytes(12).toString('base64url');
      const salt = randomBytes(16);
      // Once, at first start, before the listener: synchronous is fine here.
      this.#set('password_hash', `${salt.toString('base64')}:${scryptSync(this.generatedPassword, salt, HASH_BYTES).toString('base64')}`);
    }
  }

  /** A session token (for the one-click URL and after login). */
  issue(subject = this.user): string {
    const now = Math.floor(this.#now() / 1000);
    const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64(JSON.stringify({ sub: subject, iat: now, exp: now + SESSION_SECONDS }));
    return `${header}.${payload}.${this.#sign(`${header}.${payload}`)}`;
  }

  /** Whether `token` is a session this Fogbank signed and it has not expired. */
  verify(token: string | undefined): boolean {
    if (!token) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const expected = Buffer.from(this.#sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      return typeof claims.exp === 'number' && claims.exp * 1000 > this.#now();
    } catch {
      return false;
    }
  }

  /**
   * Whether `user` and `password` are the admin's. scrypt runs on libuv's thread pool, not the event
   * loop, and costs the same whether the user name is right or not; both comparisons take constant
   * time. Callers bound how many run (this.logins).
   */
  async checkPassword(user: unknown, password: unknown): Promise<boolean> {
    if (typeof user !== 'string' || typeof password !== 'string') return false;
    // Digests have one length whatever the input, so comparing them leaks no length either.
    const userOk = timingSafeEqual(sha256(user), sha256(this.user));
    let expected: [Buffer, Buffer] | undefined;
    if (this.#configured) expected = await this.#configured;
    else {
      const [salt, hash] = (this.#get('password_hash') ?? '').split(':');
      if (salt && hash) expected = [Buffer.from(salt, 'base64'), Buffer.from(hash, 'base64')];
    }
    // No password at all (loopback, where login is never needed): still the same work, still false.
    const given = await scryptAsync(password, expected?.[0] ?? Buffer.alloc(16));
    const passOk = expected !== undefined && expected[1].length === HASH_BYTES && timingSafeEqual(given, expected[1]);
    return userOk && passOk;
  }

  /** The session presented by a request: the Bearer header or the session cookie. */
  sessionOf(headers: Record<string, string | string[] | undefined>): string | undefined {
    const auth = headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
    const cookie = headers.cookie;
    const text = Array.isArray(cookie) ? cookie.join('; ') : cookie;
    for (const part of text?.split(';') ?? []) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) return v.join('=');
    }
    return undefined;
  }

  /** Whether a request may use the admin API: always on loopback, else with a valid session. */
  allows(headers: Record<string, string | string[] | undefined>): boolean {
    return this.loopback || this.verify(this.sessionOf(headers));
  }

  sessionCookie(token: string): string {
    return `${SESSION_COOKIE}=${token}; Path=/_fogbank; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/_fogbank; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#secret).update(data).digest('base64url');
  }

  #get(key: string): string | undefined {
    return this.#db.get<{ value: string }>('SELECT value FROM admin_settings WHERE key = ?', key)?.value;
  }

  #set(key: string, value: string): void {
    this.#db.run('INSERT INTO admin_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  #setting(key: string, make: () => string): string {
    let v = this.#get(key);
    if (v === undefined) this.#set(key, (v = make()));
    return v;
  }
}

/**
 * A request from another site (a web page in the user's browser) to the admin API: refused, whatever
 * the address. Browsers say so in Sec-Fetch-Site, and in Origin for older ones; tools send neither.
 */
export function isCrossSite(headers: Record<string, string | string[] | undefined>, host: string | undefined): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== 'null' && host) {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return typeof origin === 'string' && origin === 'null';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, HASH_BYTES, (err, key) => (err ? reject(err) : resolve(key))));
}
