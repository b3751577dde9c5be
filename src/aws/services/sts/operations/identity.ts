// Questions about credentials: who is calling, whose key is this, what does this message say.
import type { RequestContext } from '../../../../core/service.ts';
import type {
  GetCallerIdentityRequest, GetCallerIdentityResponse,
  GetAccessKeyInfoRequest, GetAccessKeyInfoResponse,
  DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse,
} from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { constraints } from '../../../protocol/constraints.ts';

export function getCallerIdentity(_input: GetCallerIdentityRequest, ctx: RequestContext): GetCallerIdentityResponse {
  return { UserId: ctx.caller.userId, Account: ctx.caller.account, Arn: ctx.caller.arn };
}

export async function getAccessKeyInfo(input: GetAccessKeyInfoRequest, ctx: RequestContext): Promise<GetAccessKeyInfoResponse> {
  constraints()
    .length('accessKeyId', input.AccessKeyId, 16, 128)
    .pattern('accessKeyId', input.AccessKeyId, /^\w*$/, '[\\w]*')
    .check('ValidationError');
  return { Account: await ctx.env.accounts.accountOfKey(input.AccessKeyId) };
}

/**
 * Fogbank's own "encoded" authorization messages (from policy enforcement) are base64url JSON, so
 * they decode back to the JSON document; anything else is not a message Fogbank issued.
 */
export function decodeAuthorizationMessage(input: DecodeAuthorizationMessageRequest): DecodeAuthorizationMessageResponse {
  constraints().length('encodedMessage', input.EncodedMessage, 1, 10240).check('ValidationError');
  try {
    const text = Buffer.from(input.EncodedMessage, 'base64url').toString('utf8');
    JSON.parse(text);
    return { DecodedMessage: text };
  } catch {
    throw new ServiceError('InvalidAuthorizationMessageException', 'The encoded message provided is invalid.', 400);
  }
}
