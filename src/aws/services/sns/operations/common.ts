// Errors and lookups every SNS operation shares, in SNS's own words.
import { ServiceError } from '../../../../core/errors.ts';
import { parseArn } from '../../../../core/resources/arn.ts';
import { pageTokens as definePageTokens, type TokenContext } from '../../../../core/resources/page-token.ts';
import type { Ctx } from '../state.ts';
import type { SubscriptionRow, TopicRow } from '../store.ts';

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameter', `Invalid parameter: ${message}`, 400);
}

export function invalidParameterValue(message: string): ServiceError {
  return new ServiceError('ParameterValueInvalid', message, 400);
}

export function notFound(message: string): ServiceError {
  return new ServiceError('NotFound', message, 404);
}

/** Checks an SNS ARN's form (`parameter` names it in the error). */
export function checkArn(arn: string | undefined, parameter: string): { account: string; region: string; resource: string } {
  const p = arn ? parseArn(arn) : undefined;
  if (!p || p.service !== 'sns' || !p.account || !p.region || !p.resource) throw invalidParameter(parameter);
  return p;
}

export async function requireTopic(ctx: Ctx, arn: string | undefined, parameter = 'TopicArn'): Promise<TopicRow> {
  checkArn(arn, parameter);
  const row = await ctx.state.store.topicRow(arn!);
  if (!row) throw notFound('Topic does not exist');
  return row;
}

export async function requireSubscription(ctx: Ctx, arn: string | undefined): Promise<SubscriptionRow> {
  const p = checkArn(arn, 'SubscriptionArn');
  if (p.resource.split(':').length < 2) throw invalidParameter('SubscriptionArn');
  const row = await ctx.state.store.subscriptionRow(arn!);
  if (!row) throw notFound('Subscription does not exist');
  return row;
}

/** NextToken: the engine's signed page token around a position (a name, an ARN or a sequence number). */
const pageTokens = definePageTokens<string | number>({
  invalid: () => invalidParameter('NextToken'),
  parse: (p) => (typeof p === 'string' || typeof p === 'number' ? p : undefined),
});

export function encodeToken(ctx: TokenContext, position: string | number): Promise<string> {
  return pageTokens.issue(ctx, position);
}

export async function decodeToken<T extends string | number>(ctx: TokenContext, token: string | undefined, fallback: T): Promise<T> {
  const p = await pageTokens.read(ctx, token);
  if (p === undefined) return fallback;
  if (typeof p !== typeof fallback) throw invalidParameter('NextToken');
  return p as T;
}

export function isoNow(ctx: { clock: { now(): number } }): string {
  return new Date(ctx.clock.now()).toISOString();
}
