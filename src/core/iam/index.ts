// The IAM policy engine (DESIGN.md §8): compile policies once, evaluate requests against them, and
// word the answer as AWS does. Pure logic; the chain's authorize step and the IAM service build on it.
//
//   // When a policy is stored (PutRolePolicy, PutBucketPolicy, SetQueueAttributes…): validate it with
//   // IAM's messages, or the service's own, and keep the text. Compiling again later is a cache hit.
//   const problem = validatePolicy(text, 'identity', { requireCurrentVersion: true }); // CreatePolicy
//   // On every call (strict/soft): gather the compiled policies and the context, then decide.
//   const request = { principal, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k',
//     context: { ...principalContext(principal, { now: clock.now() }), 'aws:SourceIp': ip },
//     identityPolicies: [{ id: policyArn, policy: compilePolicy(text, 'identity') }], … };
//   const d = evaluate(request);            // d.decision, d.matched, d.deniedBy, d.reason (for the log)
//   if (d.decision !== 'Allow') throw new ServiceError('AccessDenied', message(request, d), 403);
export type { ContextValue, Decision, MatchedStatement, PolicyKind, PolicyType, RequestPrincipal } from './types.ts';
export type { AuthorizationRequest, PolicyRef } from './request.ts';
export { compilePolicy, contextKeys, parsePolicy, validatePolicy, MalformedPolicyError, type CompiledPolicy, type CompiledStatement, type ParseOptions } from './policy.ts';
export { evaluate, message, simulationDecision } from './evaluate.ts';
export { principalContext, type PrincipalFacts } from './context.ts';
