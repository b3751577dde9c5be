// Idempotency tokens (EC2's ClientToken, Route 53's and CloudFront's CallerReference, Lambda's and
// ECS's clientToken): the same token with the same input answers what the first call answered,
// without doing the work again; the same token with a different input is refused with the service's
// IdempotentParameterMismatch error. Tokens are remembered per operation and scope for a while
// (EC2: at least 24 hours), measured on the clock.
import { createHash } from 'node:crypto';
import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { scopeKey, type Scope } from './scope.ts';
import { engineStore } from './store.ts';

export interface IdempotencyOptions {
  store: Store;
  clock: Clock;
  scope: Scope;
  operation: string;
  /** The service's error for a reused token with a different input. */
  mismatch: (token: string) => Error;
  /** How long a token is remembered (default 24 hours). */
  ttlMs?: number;
}

/**
 * Runs `create` once per token: a repeat with the same input gets the stored result, one with a
 * different input the mismatch error. Without a token, `create` simply runs. `input` is what the
 * client sent, minus the token; its canonical JSON decides "the same".
 */
export async function idempotent<T>(
  token: string | undefined,
  input: unknown,
  options: IdempotencyOptions,
  create: () => Promise<T>,
): Promise<T> {
  if (token === undefined || token === '') return await create();
  const store = engineStore(options.store);
  const [owner, place] = scopeKey(options.scope);
  const now = options.clock.now();
  const hash = createHash('sha256').update(canonicalJson(input)).digest('hex');
  const row = await store.get<{ input_hash: string; result: string; expires: number }>(
    'SELECT input_hash, result, expires FROM idempotency_tokens WHERE operation = ? AND owner = ? AND place = ? AND token = ?',
    options.operation, owner, place, token,
  );
  if (row && row.expires > now) {
    if (row.input_hash !== hash) throw options.mismatch(token);
    return JSON.parse(row.result) as T;
  }
  // `create` may do more than store work (start an engine), so it cannot run inside a unit; a repeat
  // that arrives while the first call is still creating waits for that call's answer instead.
  const key = `${options.operation}\n${owner}\n${place}\n${token}`;
  const running = inFlight.get(key);
  if (running) {
    if (running.hash !== hash) throw options.mismatch(token);
    return (await running.result) as T;
  }
  const result = create();
  inFlight.set(key, { hash, result });
  try {
    return await remember(store, options, [owner, place], token, hash, now, await result);
  } finally {
    inFlight.delete(key);
  }
}

const inFlight = new Map<string, { hash: string; result: Promise<unknown> }>();

async function remember<T>(
  store: Store,
  options: IdempotencyOptions,
  [owner, place]: [string, string],
  token: string,
  hash: string,
  now: number,
  result: T,
): Promise<T> {
  await store.run(
    'INSERT INTO idempotency_tokens (operation, owner, place, token, input_hash, result, expires) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT (operation, owner, place, token) DO UPDATE SET input_hash = excluded.input_hash, result = excluded.result, expires = excluded.expires',
    options.operation, owner, place, token, hash, JSON.stringify(result ?? null), now + (options.ttlMs ?? 86_400_000),
  );
  return result;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same input. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}
