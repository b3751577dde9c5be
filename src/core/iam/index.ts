// The IAM policy engine (DESIGN.md §8): compile policies once, evaluate requests against them, and
// word the answer as AWS does. Pure logic; the chain's authorize step and the IAM service build on it.
export type { ContextValue, Decision, MatchedStatement, PolicyKind, PolicyType, RequestPrincipal } from './types.ts';
export type { AuthorizationRequest, PolicyRef } from './request.ts';
export { compilePolicy, contextKeys, parsePolicy, validatePolicy, MalformedPolicyError, type CompiledPolicy, type CompiledStatement, type ParseOptions } from './policy.ts';
export { evaluate, message } from './evaluate.ts';
export { principalContext, type PrincipalFacts } from './context.ts';
