// The vocabulary of the IAM policy engine (DESIGN.md §8): who is asking and what the engine answered.
// Pure data, so the chain's authorize step, the IAM service's SimulatePrincipalPolicy and the tests all
// speak the same shapes. This file imports nothing, so every file of the engine can import it without a
// circle; the request, which carries compiled policies, is in request.ts.

/** The kinds of policy AWS evaluates; each allows a different grammar (policy.ts) and plays a different part (evaluate.ts). */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'scp' | 'rcp' | 'session';

/**
 * Who makes the request, as the authenticate step worked it out. The ARNs are the ones AWS puts in
 * error messages and matches against `Principal` elements.
 */
export interface RequestPrincipal {
  type: 'root' | 'user' | 'role-session' | 'federated-user' | 'service' | 'anonymous';
  /** The caller's own ARN: `arn:aws:iam::<acct>:user/<path><name>`, `arn:aws:sts::<acct>:assumed-role/<role>/<session>`,
   * `arn:aws:sts::<acct>:federated-user/<name>`, `arn:aws:iam::<acct>:root`; a service principal's name for services. */
  arn: string;
  /** The account the principal belongs to (absent for services and anonymous callers). */
  account?: string;
  /** For a role session: the role's ARN with its path (`arn:aws:iam::<acct>:role/<path><name>`). */
  roleArn?: string;
  /** For a federated user: the IAM user who called GetFederationToken. */
  userArn?: string;
  /** For web-identity and SAML role sessions: the identity provider (`cognito-identity.amazonaws.com`, a SAML provider ARN…). */
  federatedProvider?: string;
  /** S3 canonical user id of the account, matched by `"CanonicalUser"` principals. */
  canonicalUser?: string;
  /** Unique ids (AIDA…, AROA…) the principal can also be named by: IAM stores trust-policy principals as ids. */
  uniqueIds?: readonly string[];
  /** The user or role has a permissions boundary: a `NotPrincipal` Deny then always applies (documented quirk). */
  hasBoundary?: boolean;
}

/** A condition key's value in the request context: a single value, or several for multivalued keys. */
export type ContextValue = string | number | boolean | Date | Uint8Array | readonly (string | number | boolean)[];

/** The policy types named in decisions and AccessDenied messages. */
export type PolicyType = 'identity' | 'resource' | 'trust' | 'boundary' | 'session' | 'scp' | 'rcp';

export interface MatchedStatement {
  policyId: string;
  policyType: PolicyType;
  /** Position of the statement in its policy (0-based), for statements without a Sid. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export interface Decision {
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
  /** Every statement that applied to the request (both effects), in evaluation order. */
  matched: MatchedStatement[];
  /** The policy type that decided a denial (the one AWS names in its message). */
  deniedBy?: PolicyType;
  /** One line for the request log: what allowed or denied the request. */
  reason: string;
}
