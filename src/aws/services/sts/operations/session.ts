// Temporary credentials for the caller itself (GetSessionToken) or for a federated user
// (GetFederationToken); both act in the caller's account.
import type { RequestContext } from '../../../../core/service.ts';
import type {
  GetSessionTokenRequest, GetSessionTokenResponse,
  GetFederationTokenRequest, GetFederationTokenResponse,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { constraints } from '../../../protocol/constraints.ts';
import { credentialsOf, isSessionCaller } from '../principals.ts';
import { formatArn } from '../../../../core/resources/arn.ts';

function refuseSessionCaller(ctx: RequestContext, operation: string) {
  if (isSessionCaller(ctx.caller.arn)) {
    throw new ServiceError('AccessDenied', `Cannot call ${operation} with session credentials`, 403);
  }
}

export async function getSessionToken(input: GetSessionTokenRequest, ctx: RequestContext): Promise<GetSessionTokenResponse> {
  constraints()
    .range('durationSeconds', input.DurationSeconds, 900, 129600)
    .length('serialNumber', input.SerialNumber, 9, 256)
    .length('tokenCode', input.TokenCode, 6, 6)
    .check('ValidationError');
  refuseSessionCaller(ctx, 'GetSessionToken');
  // Sessions of the root user last at most an hour.
  const isRoot = ctx.caller.arn.endsWith(':root');
  const duration = Math.min(input.DurationSeconds ?? (isRoot ? 3600 : 43200), isRoot ? 3600 : 129600);
  const issued = await ctx.env.accounts.issue({ account: ctx.account, arn: ctx.caller.arn, userId: ctx.caller.userId }, duration);
  return { Credentials: credentialsOf(issued) };
}

export async function getFederationToken(input: GetFederationTokenRequest, ctx: RequestContext): Promise<GetFederationTokenResponse> {
  constraints()
    .length('name', input.Name, 2, 32)
    .pattern('name', input.Name, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*')
    .range('durationSeconds', input.DurationSeconds, 900, 129600)
    .length('policy', input.Policy, 1, 2048)
    .check('ValidationError');
  refuseSessionCaller(ctx, 'GetFederationToken');
  const isRoot = ctx.caller.arn.endsWith(':root');
  const duration = Math.min(input.DurationSeconds ?? 43200, isRoot ? 3600 : 129600);
  const federatedUserId = `${ctx.account}:${input.Name}`;
  const arn = formatArn({ service: 'sts', account: ctx.account, resource: `federated-user/${input.Name}` });
  const issued = await ctx.env.accounts.issue({ account: ctx.account, arn, userId: federatedUserId }, duration);
  return {
    Credentials: credentialsOf(issued),
    FederatedUser: { FederatedUserId: federatedUserId, Arn: arn },
  };
}
