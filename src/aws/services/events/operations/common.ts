// Errors, names and lookups EventBridge's operations share.
import { ServiceError } from '../../../../core/errors.ts';
import { formatArn, parseArn } from '../../../../core/resources/arn.ts';
import { isString, pageTokens as definePageTokens, type TokenContext } from '../../../../core/resources/page-token.ts';
import type { Ctx } from '../state.ts';
import type { EventsStore, Resource, Kind } from '../store.ts';

export const notFound = (message: string) => new ServiceError('ResourceNotFoundException', message, 400);
export const validation = (message: string) => new ServiceError('ValidationException', message, 400);
export const alreadyExists = (message: string) => new ServiceError('ResourceAlreadyExistsException', message, 400);
export const limitExceeded = (message: string) => new ServiceError('LimitExceededException', message, 400);

export const NAME_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME_RE = /^(?:[/.\-_A-Za-z0-9]{1,256})$/;

export interface BusData {
  Name: string;
  Description?: string;
  KmsKeyIdentifier?: string;
  DeadLetterConfig?: { Arn?: string };
  LogConfig?: Record<string, unknown>;
  Policy?: string;
  EventSourceName?: string;
}

export function busArn(account: string, region: string, name: string): string {
  return formatArn({ service: 'events', region, account, resource: `event-bus/${name}` });
}

/**
 * The default bus exists in every account and region from the start. Made on first use with an insert
 * that does nothing when it exists (one statement): a check-then-write here could overwrite a policy
 * or tags another request just gave it.
 */
export async function ensureDefaultBus(ctx: { state: { store: EventsStore }; clock: { now(): number } }, account: string, region: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.state.store.putIfAbsent<BusData>({ kind: 'bus', account, region, name: 'default', arn: busArn(account, region, 'default'), data: { Name: 'default' }, tags: {}, created: now, modified: now });
}

/** Resolves an EventBusName (a name or an ARN, possibly another account's) to its bus. */
export async function resolveBus(ctx: Ctx, nameOrArn: string | undefined): Promise<Resource<BusData>> {
  let account = ctx.account;
  let region = ctx.region;
  let name = nameOrArn ?? 'default';
  if (name.startsWith('arn:')) {
    const p = parseArn(name);
    if (!p || p.service !== 'events' || !p.resource.startsWith('event-bus/')) throw validation(`Parameter ${name} is not valid. Reason: Provided Arn is not in correct format.`);
    account = p.account;
    region = p.region;
    name = p.resource.slice('event-bus/'.length);
  } else if (!BUS_NAME_RE.test(name)) {
    throw validation(`1 validation error detected: Value '${name}' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+`);
  }
  let bus = await ctx.state.store.get<BusData>('bus', account, region, name);
  if (!bus && name === 'default') {
    await ensureDefaultBus(ctx, account, region);
    bus = await ctx.state.store.get<BusData>('bus', account, region, name);
  }
  if (!bus) throw notFound(`Event bus ${name} does not exist.`);
  return bus;
}

export async function requireResource<T>(ctx: Ctx, kind: Kind, name: string, message: string): Promise<Resource<T>> {
  const r = await ctx.state.store.get<T>(kind, ctx.account, ctx.region, name);
  if (!r) throw notFound(message);
  return r;
}

/** NextToken: the engine's signed page token around the last name of a page. */
const pageTokens = definePageTokens<string>({ invalid: () => validation('The NextToken is invalid.'), parse: isString });

export async function decodeToken(ctx: TokenContext, token: string | undefined): Promise<string> {
  return (await pageTokens.read(ctx, token)) ?? '';
}

/** One page of a list: up to `limit` (1–100) resources after the token's position. */
export async function page<T>(ctx: TokenContext, items: T[], limit: number | undefined, key: (t: T) => string): Promise<{ items: T[]; next?: string }> {
  const n = limit === undefined ? 100 : Math.min(Math.max(limit, 1), 100);
  const slice = items.slice(0, n);
  return { items: slice, next: items.length > n ? await pageTokens.issue(ctx, key(slice.at(-1)!)) : undefined };
}
