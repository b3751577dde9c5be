// GetDelegatedAccessToken exchanges a trade-in token, which IAM's temporary delegation hands a partner
// once a customer approves a delegation request, for credentials. Fogbank's IAM has no delegation
// requests, so no trade-in token it could know is ever valid: every one is refused the way AWS refuses
// one that can no longer be exchanged.
import type { GetDelegatedAccessTokenRequest, GetDelegatedAccessTokenResponse } from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';

export function getDelegatedAccessToken(_input: GetDelegatedAccessTokenRequest): GetDelegatedAccessTokenResponse {
  throw new ServiceError(
    'ExpiredTradeInTokenException',
    'The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation.',
    400,
  );
}
