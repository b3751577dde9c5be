// ClientRequestToken idempotency of TransactWriteItems and ExecuteTransaction: for 10 minutes, the
// same token with the same request answers what the first call answered without running it again,
// and with a different request is IdempotentParameterMismatchException. Remembered in memory, per
// Fogbank instance, as the answer may hold binary values a JSON row would not keep.
import { ServiceError } from '../../../../core/errors.ts';
import type { DynamoStore } from '../store.ts';

const WINDOW_MS = 10 * 60 * 1000;

interface Remembered {
  hash: string;
  at: number;
  output: unknown;
}

export class ClientTokens {
  readonly #map = new Map<string, Remembered>();

  /** The first call's answer to a repeat, undefined for a first call; a changed request is refused. */
  answer(key: string | undefined, hash: string, now: number): unknown {
    if (key === undefined) return undefined;
    const prior = this.#map.get(key);
    if (!prior || now - prior.at >= WINDOW_MS) return undefined;
    if (prior.hash !== hash) {
      throw new ServiceError('IdempotentParameterMismatchException', 'Transaction request cannot include the same client token with different parameters', 400);
    }
    return prior.output;
  }

  /**
   * Runs `fn` once per token in the store's unit of work: the token is looked up and remembered in
   * the unit that writes, so two concurrent calls with one token apply the transaction once.
   */
  async once<T>(store: DynamoStore, key: string | undefined, hash: string, now: number, fn: () => Promise<T>): Promise<T> {
    if (key === undefined) return await fn();
    let remembered = false;
    try {
      return await store.atomically(async () => {
        const prior = this.answer(key, hash, now);
        if (prior !== undefined) return prior as T;
        const output = await fn();
        for (const [k, v] of this.#map) if (now - v.at >= WINDOW_MS) this.#map.delete(k);
        this.#map.set(key, { hash, at: now, output });
        remembered = true;
        return output;
      });
    } catch (err) {
      // The unit did not commit: neither did the answer.
      if (remembered) this.#map.delete(key);
      throw err;
    }
  }

  clear(): void {
    this.#map.clear();
  }
}

const byStore = new WeakMap<DynamoStore, Map<string, ClientTokens>>();

/** The tokens of one operation ('TransactWriteItems', 'ExecuteTransaction') in a Fogbank instance. */
export function clientTokens(store: DynamoStore, operation: string): ClientTokens {
  let m = byStore.get(store);
  if (!m) {
    const map = (m = new Map());
    byStore.set(store, map);
    store.resetHooks.push(() => {
      for (const t of map.values()) t.clear();
    });
  }
  let t = m.get(operation);
  if (!t) m.set(operation, (t = new ClientTokens()));
  return t;
}
