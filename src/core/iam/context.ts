// The global condition keys AWS derives from the principal and the clock ("AWS global condition context
// keys", and "Principal key values" in "IAM policy elements: Variables and tags"), so every caller of
// evaluate() fills them the same way. Request-specific keys (aws:SourceIp, aws:SecureTransport,
// aws:RequestedRegion, aws:SourceArn, service keys) are added by whoever knows the request.
import type { ContextValue, RequestPrincipal } from './types.ts';

export interface PrincipalFacts {
  /** The request's time (the clock's, so frozen time in tests shows in policies too). */
  now: Date;
  /** The principal's unique id: AIDA… for a user, AROA… for a role (a session appends `:<session name>`). */
  uniqueId?: string;
  /** Tags of the user or role, and session tags (session tags win, as in AWS). */
  tags?: Readonly<Record<string, string>>;
}

const PRINCIPAL_TYPE: Record<RequestPrincipal['type'], string | undefined> = {
  root: 'Account',
  user: 'User',
  'role-session': 'AssumedRole',
  'federated-user': 'FederatedUser',
  anonymous: 'Anonymous',
  service: undefined,
};

/** The aws:* keys that follow from who is calling and when. */
export function principalContext(p: RequestPrincipal, facts: PrincipalFacts): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {
    'aws:CurrentTime': facts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': Math.floor(facts.now.getTime() / 1000),
    'aws:PrincipalIsAWSService': p.type === 'service',
  };
  const type = PRINCIPAL_TYPE[p.type];
  if (type) out['aws:PrincipalType'] = type;
  if (p.type === 'service') {
    out['aws:PrincipalServiceName'] = p.arn;
    return out;
  }
  if (p.type === 'anonymous') {
    out['aws:userid'] = 'anonymous';
    return out;
  }
  // For a role session aws:PrincipalArn is the role's ARN, not the session's.
  out['aws:PrincipalArn'] = p.type === 'role-session' && p.roleArn ? p.roleArn : p.arn;
  if (p.account) out['aws:PrincipalAccount'] = p.account;
  const name = p.arn.slice(p.arn.lastIndexOf('/') + 1);
  if (p.type === 'root' && p.account) out['aws:userid'] = p.account;
  if (p.type === 'user') {
    out['aws:username'] = name;
    if (facts.uniqueId) out['aws:userid'] = facts.uniqueId;
  }
  if (p.type === 'role-session' && facts.uniqueId) out['aws:userid'] = facts.uniqueId.includes(':') ? facts.uniqueId : `${facts.uniqueId}:${name}`;
  if (p.type === 'federated-user' && p.account) out['aws:userid'] = `${p.account}:${name}`;
  if (facts.tags) for (const [k, v] of Object.entries(facts.tags)) out[`aws:PrincipalTag/${k}`] = v;
  return out;
}
