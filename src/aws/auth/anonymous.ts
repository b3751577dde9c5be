// The operations AWS serves without a signature (DESIGN.md §1's authenticate step). Every other
// AWS API request must carry a SigV4/SigV2 Authorization header or presigned query parameters;
// their presence is checked here, not their validity (verifying them is IAM's strict mode, §8).
//
// - STS: the web-identity and SAML federation calls, whose proof is the token in the request.
// - SNS: the SubscribeURL and UnsubscribeURL links sent to subscribers (ConfirmSubscription and
//   Unsubscribe; an unsubscribe from a subscription confirmed with AuthenticateOnUnsubscribe still
//   needs a signature, which SNS itself checks).
// - S3: decided per bucket by the service (its `anonymous` hook: a public policy or ACL), and below
//   the operation level CORS preflights, website endpoints and browser POST uploads.
// - Lambda: function URLs with AuthType NONE and the code download links GetFunction hands out
//   (standing in for AWS's presigned S3 URLs), both answered below the operation level.
// - Cognito's unauthenticated operations (GetId, GetCredentialsForIdentity, InitiateAuth, SignUp …)
//   belong here when Cognito exists.
export const ANONYMOUS_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  sts: ['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'],
  sns: ['ConfirmSubscription', 'Unsubscribe'],
};

export function isAnonymousOperation(service: string, operation: string): boolean {
  return ANONYMOUS_OPERATIONS[service]?.includes(operation) ?? false;
}
