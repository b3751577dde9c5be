// The question put to the engine: who, what action, on which resource, under which compiled policies.
import type { CompiledPolicy } from './policy.ts';
import type { ContextValue, RequestPrincipal } from './types.ts';

/** A compiled policy as the request carries it: its id names it in decisions and logs. */
export interface PolicyRef {
  /** Policy ARN, `inline:<user>/<name>`, `bucket-policy:<bucket>`… whatever lets a reader find it. */
  id: string;
  policy: CompiledPolicy;
}

export interface AuthorizationRequest {
  principal: RequestPrincipal;
  /** `service:Action`, compared case-insensitively. */
  action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** The account owning the resource; defaults to the principal's (a same-account request). */
  resourceAccount?: string;
  /** Condition keys, any case (`aws:SourceIp`, `s3:prefix`, `aws:PrincipalTag/team`…). */
  context?: Readonly<Record<string, ContextValue | undefined>>;
  /** The principal's identity-based policies (user + groups, or the role's). */
  identityPolicies?: readonly PolicyRef[];
  /** The permissions boundary of the user or role, when it has one. */
  boundary?: PolicyRef;
  /** Session policies passed to AssumeRole, AssumeRoleWith… and GetFederationToken (inline and managed). */
  sessionPolicies?: readonly PolicyRef[];
  /** The resource's own policy (bucket, queue, topic, function…) or, for sts:AssumeRole, the role's trust policy. */
  resourcePolicies?: readonly PolicyRef[];
  /** SCPs of the principal's account, one array per level of its path: root, each OU, the account. Only
   * when they apply: not for the management account, service-linked roles or callers outside the organization. */
  scps?: readonly (readonly PolicyRef[])[];
  /** RCPs of the resource's account, one array per level, like `scps` (only when they apply to this resource and caller). */
  rcps?: readonly (readonly PolicyRef[])[];
}

