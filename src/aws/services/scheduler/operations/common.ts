// Scheduler's errors (rest-json: the status codes are part of the contract) and paging.
import { ServiceError } from '../../../../core/errors.ts';
import { isString, pageTokens as definePageTokens, type TokenContext } from '../../../../core/resources/page-token.ts';

export const validation = (message: string) => new ServiceError('ValidationException', message, 400);
export const notFound = (message: string) => new ServiceError('ResourceNotFoundException', message, 404);
export const conflict = (message: string) => new ServiceError('ConflictException', message, 409);

export const NAME_RE = /^[0-9a-zA-Z-_.]{1,64}$/;

/** NextToken: the engine's signed page token around the last key of a page; a foreign one is refused. */
const pageTokens = definePageTokens<string>({ invalid: () => validation('Invalid NextToken'), parse: isString });

export async function paginate<T>(ctx: TokenContext, items: T[], max: number | undefined, token: string | undefined, key: (t: T) => string): Promise<{ items: T[]; next?: string }> {
  const after = (await pageTokens.read(ctx, token)) ?? '';
  const limit = Math.min(Math.max(max ?? 100, 1), 100);
  const rest = items.filter((i) => key(i) > after);
  const slice = rest.slice(0, limit);
  return { items: slice, next: rest.length > limit ? await pageTokens.issue(ctx, key(slice.at(-1)!)) : undefined };
}
