// One page-token format for every service's NextToken / Marker / ContinuationToken.
//
// A token is base64url (or base64, where the service's tokens look like that) of the position as JSON
// followed by a 96-bit HMAC-SHA256 over the position and what the token is bound to: the service,
// the operation, the account and region, and whatever the operation adds (a bucket, a queue). So a
// token is opaque to clients, cannot be forged or edited, and is refused by any other operation or
// account, each time with the service's own error. The key is kept in the database (store.ts), so
// tokens stay valid across a restart and inside a snapshot, as real services' tokens outlive their
// servers; a reset makes a new key, which retires every token issued before it (their pages are gone).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store.ts';
import { secret } from './store.ts';

const MAC_BYTES = 12;

/** What a token is issued in: the request context of a List operation satisfies it. */
export interface TokenContext {
  env: { store: Store };
  service: string;
  operation: string;
  account: string;
  region: string;
}

export interface PageTokenFormat<P> {
  /** The service's own error for a token it did not issue (or one altered, or issued elsewhere). */
  invalid: (token: string) => Error;
  /** The position's shape: the position itself, or undefined when the JSON is not one. */
  parse?: (position: unknown) => P | undefined;
  /** base64url (default) or base64, to keep the look of the service's tokens. */
  encoding?: 'base64url' | 'base64';
  /** What an empty token means: no token (default), or an invalid one. */
  empty?: 'none' | 'invalid';
}

export interface PageTokens<P> {
  /** A token for the page after `position`; `bind` narrows it (e.g. to one bucket). */
  issue(ctx: TokenContext, position: P, bind?: string): Promise<string>;
  /** The position a token stands for; undefined when there is no token. */
  read(ctx: TokenContext, token: string | undefined | null, bind?: string): Promise<P | undefined>;
}

/** Declares a service's page tokens (once, next to its other errors). */
export function pageTokens<P>(format: PageTokenFormat<P>): PageTokens<P> {
  const encoding = format.encoding ?? 'base64url';
  return {
    async issue(ctx, position, bind) {
      const json = Buffer.from(JSON.stringify(position), 'utf8');
      return Buffer.concat([json, await mac(ctx, json, bind)]).toString(encoding);
    },
    async read(ctx, token, bind) {
      if (token === undefined || token === null) return undefined;
      if (token === '') {
        if (format.empty === 'invalid') throw format.invalid(token);
        return undefined;
      }
      const bytes = Buffer.from(token, encoding);
      // Re-encoding must give the token back: decoders skip characters outside their alphabet.
      if (bytes.length <= MAC_BYTES || bytes.toString(encoding) !== token) throw format.invalid(token);
      const json = bytes.subarray(0, bytes.length - MAC_BYTES);
      if (!timingSafeEqual(bytes.subarray(bytes.length - MAC_BYTES), await mac(ctx, json, bind))) throw format.invalid(token);
      let position: unknown;
      try {
        position = JSON.parse(json.toString('utf8'));
      } catch {
        throw format.invalid(token);
      }
      const parsed = format.parse ? format.parse(position) : (position as P);
      if (parsed === undefined) throw format.invalid(token);
      return parsed;
    },
  };
}

async function mac(ctx: TokenContext, json: Buffer, bind: string | undefined): Promise<Buffer> {
  const h = createHmac('sha256', await secret(ctx.env.store, 'page-token'));
  h.update(`${ctx.service}\n${ctx.operation}\n${ctx.account}\n${ctx.region}\n${bind ?? ''}\n`);
  h.update(json);
  return h.digest().subarray(0, MAC_BYTES);
}

/** Position parsers for the common shapes. */
export const isString = (p: unknown): string | undefined => (typeof p === 'string' ? p : undefined);
export const isInteger = (p: unknown): number | undefined => (Number.isSafeInteger(p) && (p as number) >= 0 ? (p as number) : undefined);
