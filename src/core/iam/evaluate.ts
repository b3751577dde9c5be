// The decision: IAM User Guide, "Policy evaluation logic" (single account), "Cross-account policy
// evaluation logic" and "Permissions boundaries for IAM entities", step by step:
//  1. An explicit Deny in any applicable policy (SCP, RCP, resource, identity, boundary, session) wins.
//  2. SCPs of the principal's account: every level of the OU path (root, each OU, the account) must
//     have an Allow; otherwise the request is "explicitly denied, even if the denial is implicit".
//     RCPs of the resource's account likewise.
//  3. Resource-based policy, same account: an Allow that names the caller itself (IAM user, role
//     session, federated-user session) or everyone grants on its own, whatever the identity policies,
//     boundary or session policy say; one that names the role (for its sessions) or the IAM user who
//     federated is still limited by an implicit deny in the boundary or session policy; one that names
//     the account delegates to the account's identity policies. Trust policies must always allow.
//  4. Identity-based policies must allow; 5. the permissions boundary, when set, must allow;
//  6. a session principal's session policies, when passed, must allow (a federated user without one
//     has no permissions of its own).
//  Cross-account: the resource's account must allow (its resource policy, naming the principal at any
//  level) and the principal's account must allow (steps 2, 4–6). The root user needs no identity
//  policy in its own account. Anonymous callers and service principals are allowed only by a
//  resource policy that names them (or everyone).
import type { ContextValue, Decision, MatchedStatement, PolicyType, RequestPrincipal } from './types.ts';
import type { AuthorizationRequest, PolicyRef } from './request.ts';
import type { CompiledStatement } from './policy.ts';
import { conditionsHold } from './conditions.ts';
import { DIRECT, ENTITY, NO_MATCH, notPrincipalApplies, principalLevel } from './match.ts';
import type { ContextLookup } from './variables.ts';

/** What one set of policies said about the request. */
interface Tally {
  allow: boolean;
  deny: boolean;
  /** For resource policies: the strongest level at which an Allow named the caller. */
  level: number;
}

const EMPTY: Readonly<Record<string, ContextValue | undefined>> = {};

/** Decides `request` (pure; allocates the lookup table and the list of matched statements). */
export function evaluate(request: AuthorizationRequest): Decision {
  const p = request.principal;
  const action = request.action.toLowerCase();
  const resource = request.resource;
  const lookup = contextLookup(request.context ?? EMPTY);
  const matched: MatchedStatement[] = [];

  const tally = (refs: readonly PolicyRef[] | undefined, type: PolicyType): Tally => {
    const t: Tally = { allow: false, deny: false, level: NO_MATCH };
    if (refs) for (const ref of refs) applyPolicy(ref, type, p, action, resource, lookup, matched, t);
    return t;
  };

  const orgApplies = p.type !== 'service' && p.type !== 'anonymous';
  const scpLevels = orgApplies && request.scps ? request.scps.map((level) => tally(level, 'scp')) : [];
  const rcpLevels = request.rcps ? request.rcps.map((level) => tally(level, 'rcp')) : [];
  const resourceType: PolicyType = request.resourcePolicies?.some((r) => r.policy.kind === 'trust') ? 'trust' : 'resource';
  const res = tally(request.resourcePolicies, resourceType);
  const hasIdentitySide = p.type === 'user' || p.type === 'role-session' || p.type === 'federated-user';
  const id = hasIdentitySide ? tally(request.identityPolicies, 'identity') : undefined;
  const boundary = hasIdentitySide && request.boundary ? tally([request.boundary], 'boundary') : undefined;
  const isSession = p.type === 'role-session' || p.type === 'federated-user';
  const session = isSession && request.sessionPolicies?.length ? tally(request.sessionPolicies, 'session') : undefined;

  const deny = (decision: 'ExplicitDeny' | 'ImplicitDeny', by: PolicyType): Decision => ({ decision, matched, deniedBy: by, reason: reasonFor(decision, by, matched, request.action) });
  const allow = (why: string): Decision => ({ decision: 'Allow', matched, reason: why });

  // 1. Explicit deny. AWS names one policy type when several deny; this order picks it.
  if (scpLevels.some((t) => t.deny)) return deny('ExplicitDeny', 'scp');
  if (rcpLevels.some((t) => t.deny)) return deny('ExplicitDeny', 'rcp');
  if (res.deny) return deny('ExplicitDeny', resourceType);
  if (id?.deny) return deny('ExplicitDeny', 'identity');
  if (boundary?.deny) return deny('ExplicitDeny', 'boundary');
  if (session?.deny) return deny('ExplicitDeny', 'session');
  // 2. Organization guardrails: each level must allow.
  if (scpLevels.some((t) => !t.allow)) return deny('ExplicitDeny', 'scp');
  if (rcpLevels.some((t) => !t.allow)) return deny('ExplicitDeny', 'rcp');

  // Callers with no identity side.
  if (p.type === 'anonymous' || p.type === 'service') {
    return res.level === DIRECT ? allow(allowedBy(matched, resourceType)) : deny('ImplicitDeny', resourceType);
  }

  const resourceAccount = request.resourceAccount ?? p.account;
  const crossAccount = p.account !== undefined && resourceAccount !== undefined && resourceAccount !== p.account;
  const boundaryOk = !boundary || boundary.allow;
  const sessionOk = !isSession || (session ? session.allow : p.type === 'role-session');

  if (crossAccount) {
    if (res.level === NO_MATCH) return deny('ImplicitDeny', resourceType);
  } else {
    if (resourceType === 'trust' && res.level === NO_MATCH) return deny('ImplicitDeny', 'trust');
    if (p.type === 'root') return allow('root user of the account');
    if (res.level === DIRECT) return allow(allowedBy(matched, resourceType));
    if (res.level === ENTITY && boundaryOk && sessionOk) return allow(allowedBy(matched, resourceType));
    // ACCOUNT: the resource delegates to the account, whose identity policies decide.
  }
  // The principal's own account.
  if (p.type === 'root') return allow(`root user of ${p.account}; ${allowedBy(matched, resourceType)}`);
  if (!id?.allow) return deny('ImplicitDeny', 'identity');
  if (!boundaryOk) return deny('ImplicitDeny', 'boundary');
  if (!sessionOk) return deny('ImplicitDeny', 'session');
  return allow(allowedBy(matched, 'identity') + (crossAccount ? `; ${allowedBy(matched, resourceType)}` : ''));
}

function applyPolicy(ref: PolicyRef, type: PolicyType, p: RequestPrincipal, action: string, resource: string, lookup: ContextLookup, matched: MatchedStatement[], t: Tally): void {
  for (const s of ref.policy.statements) {
    const level = statementLevel(s, p, action, resource, lookup);
    if (level === NO_MATCH) continue;
    matched.push({ policyId: ref.id, policyType: type, index: s.index, sid: s.sid, effect: s.effect });
    if (s.effect === 'Deny') t.deny = true;
    else {
      t.allow = true;
      if (level > t.level) t.level = level;
    }
  }
}

/** Whether `s` applies to the request, and for statements with a principal how directly it names the caller. */
function statementLevel(s: CompiledStatement, p: RequestPrincipal, action: string, resource: string, lookup: ContextLookup): number {
  if (s.actions.test(action) === s.notAction) return NO_MATCH;
  if (s.resources && s.resources.test(resource, lookup) === s.notResource) return NO_MATCH;
  let level = DIRECT;
  if (s.principal) {
    if (s.notPrincipal) level = notPrincipalApplies(s.principal, p) ? DIRECT : NO_MATCH;
    else level = principalLevel(s.principal, p);
    if (level === NO_MATCH) return NO_MATCH;
  }
  return conditionsHold(s.conditions, lookup) ? level : NO_MATCH;
}

/** Case-insensitive access to the request context (condition key names are not case-sensitive). */
export function contextLookup(context: Readonly<Record<string, ContextValue | undefined>>): ContextLookup {
  // Built on the first lookup: most requests meet no statement with a condition or variable.
  let table: Map<string, ContextValue> | undefined;
  return (lowerKey) => {
    if (!table) {
      table = new Map();
      for (const k of Object.keys(context)) {
        const v = context[k];
        if (v !== undefined) table.set(k.toLowerCase(), v);
      }
    }
    return table.get(lowerKey);
  };
}

// AWS's examples word one as "with an explicit deny in a sessions policy"; their template ("with an
// explicit deny in a <type> policy") and every other example say the type plainly, as here.
const EXPLICIT_PHRASE: Record<PolicyType, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  trust: 'the role trust policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
};

const IMPLICIT_NOUN: Record<PolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  trust: 'role trust policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

function describe(m: MatchedStatement): string {
  return `${m.policyId} (statement ${m.sid ?? `#${m.index}`})`;
}

function allowedBy(matched: readonly MatchedStatement[], type: PolicyType): string {
  const m = matched.find((x) => x.effect === 'Allow' && x.policyType === type);
  return m ? `allowed by ${IMPLICIT_NOUN[type]} ${describe(m)}` : `allowed`;
}

function reasonFor(decision: 'ExplicitDeny' | 'ImplicitDeny', by: PolicyType, matched: readonly MatchedStatement[], action: string): string {
  if (decision === 'ExplicitDeny') {
    const m = matched.find((x) => x.effect === 'Deny' && x.policyType === by);
    return m ? `explicit deny in ${IMPLICIT_NOUN[by]} ${describe(m)}` : `no ${IMPLICIT_NOUN[by]} allows ${action}`;
  }
  return `no ${IMPLICIT_NOUN[by]} allows ${action}`;
}

/**
 * AWS's AccessDenied text for a denial ("Troubleshooting access denied error messages"):
 * `User: <arn> is not authorized to perform: <action>[ on resource: <arn>] with an explicit deny in a <type>`
 * or `… because no <type> allows the <action> action`. An SCP's missing Allow reads as an explicit deny,
 * as AWS words it. The resource is left out for `*`.
 */
export function message(request: AuthorizationRequest, decision: Decision): string {
  const p = request.principal;
  const who = p.type === 'anonymous' ? 'anonymous' : p.arn;
  const on = request.resource && request.resource !== '*' ? ` on resource: ${request.resource}` : '';
  const head = `User: ${who} is not authorized to perform: ${request.action}${on}`;
  if (decision.decision === 'Allow' || !decision.deniedBy) return head;
  const by = decision.deniedBy;
  const explicit = decision.decision === 'ExplicitDeny';
  return explicit ? `${head} with an explicit deny in ${EXPLICIT_PHRASE[by]}` : `${head} because no ${IMPLICIT_NOUN[by]} allows the ${request.action} action`;
}


/** The EvalDecision IAM's SimulatePrincipalPolicy and SimulateCustomPolicy report for a decision. */
export function simulationDecision(d: Decision): 'allowed' | 'explicitDeny' | 'implicitDeny' {
  return d.decision === 'Allow' ? 'allowed' : d.decision === 'ExplicitDeny' ? 'explicitDeny' : 'implicitDeny';
}
