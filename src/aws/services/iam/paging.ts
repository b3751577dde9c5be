// IAM's paging: MaxItems (default 100) and an opaque Marker, with IsTruncated telling whether more
// follow. Markers are the resource engine's signed page tokens holding the last key returned, bound to
// the operation and account (IAM is global: not to a region), so a page stays right when items are
// added or removed between calls.
import { pageTokens, isString } from '../../../core/resources/page-token.ts';
import type { TokenContext } from '../../../core/resources/page-token.ts';
import type { Ctx } from './store.ts';
import { validationError } from './errors.ts';

const tokens = pageTokens<string>({ invalid: () => validationError('Invalid Marker.'), parse: isString });

function scope(ctx: Ctx): TokenContext {
  return { env: ctx.env, service: ctx.service, operation: ctx.operation, account: ctx.account, region: 'global' };
}

export interface PageInput {
  Marker?: string;
  MaxItems?: number;
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** One page of `items`, ordered by `key` (unique per item). `bind` ties markers to a parent (a group). */
export async function page<T>(ctx: Ctx, items: readonly T[], key: (item: T) => string, input: PageInput, bind?: string): Promise<Page<T>> {
  const keyed = items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const after = await tokens.read(scope(ctx), input.Marker, bind);
  let start = 0;
  if (after !== undefined) {
    start = keyed.findIndex((e) => e.k > after);
    if (start < 0) start = keyed.length;
  }
  const max = input.MaxItems ?? 100;
  const slice = keyed.slice(start, start + max);
  const truncated = start + max < keyed.length;
  return {
    items: slice.map((e) => e.item),
    IsTruncated: truncated,
    Marker: truncated ? await tokens.issue(scope(ctx), slice.at(-1)!.k, bind) : undefined,
  };
}

/** The sort key of a named item: IAM names compare without case. */
export const byName = (name: string) => name.toLowerCase();
