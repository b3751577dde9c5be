// The role a caller asks to assume, as IAM has it (through env.invoke: STS never reads IAM's tables),
// and whether its trust policy lets the caller in. The trust policy is evaluated by the policy engine
// when `--iam soft|strict` applies (strict refuses, soft notes the would-be denial in the request log);
// `off` does not evaluate it. The role must exist in every mode, as in AWS.
import type { RequestContext } from '../../../core/service.ts';
import type { Caller } from '../../../core/caller.ts';
import type { SessionFacts } from '../../../core/accounts.ts';
import { ServiceError } from '../../../core/errors.ts';
import { compilePolicy, evaluate, principalContext, type ContextValue, type PolicyRef, type RequestPrincipal } from '../../../core/iam/index.ts';
import type { RoleRef } from './principals.ts';

export interface AssumedRole extends RoleRef {
  /** IAM's RoleId (AROA…). */
  roleId: string;
  maxSessionDuration: number;
  trustPolicy: string | undefined;
}

interface IamRole {
  Arn: string;
  RoleId: string;
  RoleName: string;
  AssumeRolePolicyDocument?: string;
  MaxSessionDuration?: number;
}

/** AWS's refusal, which names neither the reason nor whether the role exists. */
export function notAuthorized(who: string, action: string, roleArn: string): ServiceError {
  return new ServiceError('AccessDenied', `User: ${who} is not authorized to perform: ${action} on resource: ${roleArn}`, 403);
}

/**
 * The role named by `ref`, from IAM in the role's account. A role that does not exist (or whose path
 * differs from the ARN's) is refused with `refusal`, the answer AWS gives whatever the reason.
 */
export async function findRole(ref: RoleRef, ctx: RequestContext, refusal: () => ServiceError): Promise<AssumedRole> {
  let role: IamRole;
  try {
    const out = await ctx.env.invoke<{ Role: IamRole }>('iam', 'GetRole', { RoleName: ref.name }, { account: ref.account, region: ctx.region }, ctx.requestId);
    role = out.Role;
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'NoSuchEntity') throw refusal();
    throw err;
  }
  if (role.Arn !== ref.arn) throw refusal();
  return {
    ...ref,
    roleId: role.RoleId,
    maxSessionDuration: role.MaxSessionDuration ?? 3600,
    trustPolicy: role.AssumeRolePolicyDocument === undefined ? undefined : decodeURIComponent(role.AssumeRolePolicyDocument),
  };
}

/** The caller as the policy engine names it; a role session's role comes from what its key was issued with. */
export function callerPrincipal(caller: Caller, session: SessionFacts | undefined): RequestPrincipal {
  const { arn, account } = caller;
  if (arn.endsWith(':root')) return { type: 'root', arn, account };
  const assumed = /^arn:(aws[a-zA-Z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) {
    const roleArn = session?.roleArn ?? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
    return { type: 'role-session', arn, account, roleArn, uniqueIds: [caller.userId.split(':')[0]] };
  }
  if (arn.includes(':federated-user/')) return { type: 'federated-user', arn, account };
  return { type: 'user', arn, account, uniqueIds: [caller.userId] };
}

/**
 * The caller's own identity policies are the chain's authorize step's to check (as for every other
 * operation); here only the role's side is decided, so the identity side is taken as allowing.
 */
const IDENTITY_SIDE: PolicyRef = {
  id: 'identity side (not checked by STS)',
  policy: compilePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}', 'identity'),
};

export interface TrustQuestion {
  role: AssumedRole;
  principal: RequestPrincipal;
  /** `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`, plus `sts:TagSession` when tags are passed. */
  actions: string[];
  context: Record<string, ContextValue | undefined>;
  /** The account whose IAM mode applies. */
  modeAccount: string;
  /** AWS's message for a refusal of `action`. */
  refusal: (action: string) => ServiceError;
}

/** Decides the trust policy for each action; throws in strict mode, notes the would-be denial in soft. */
export function checkTrust(q: TrustQuestion, ctx: RequestContext): void {
  const mode = ctx.env.iam.modeFor(q.modeAccount);
  if (mode === 'off') return;
  const notes: string[] = [];
  let denial: ServiceError | undefined;
  if (q.principal.type === 'root') {
    // AWS refuses root credentials whatever the trust policy says.
    denial = new ServiceError('AccessDenied', 'Roles may not be assumed by root accounts.', 403);
    notes.push('root user may not assume roles');
  } else if (q.role.trustPolicy === undefined) {
    denial = q.refusal(q.actions[0]);
    notes.push('the role has no trust policy');
  } else {
    const policy = compilePolicy(q.role.trustPolicy, 'trust');
    for (const action of q.actions) {
      const d = evaluate({
        principal: q.principal,
        action,
        resource: q.role.arn,
        resourceAccount: q.role.account,
        context: q.context,
        identityPolicies: [IDENTITY_SIDE],
        resourcePolicies: [{ id: q.role.arn, policy }],
      });
      notes.push(`${action}: ${d.reason}`);
      if (d.decision !== 'Allow' && !denial) denial = q.refusal(action);
    }
  }
  if (!denial) {
    ctx.access = notes.join('; ');
    return;
  }
  if (mode === 'strict') throw denial;
  ctx.access = `soft: strict would deny: ${denial.code}: ${denial.message} (${notes.join('; ')})`;
}

/** The context keys AssumeRole's trust policy can test: the caller's, and those of the request. */
export function assumeRoleContext(
  principal: RequestPrincipal,
  caller: Caller,
  session: SessionFacts | undefined,
  now: number,
  request: { RoleSessionName: string; ExternalId?: string; SourceIdentity?: string; tags: Record<string, string>; transitiveTagKeys?: string[] },
): Record<string, ContextValue | undefined> {
  const context: Record<string, ContextValue | undefined> = {
    ...principalContext(principal, { now: new Date(now), uniqueId: caller.userId, tags: session?.tags }),
    'sts:RoleSessionName': request.RoleSessionName,
    'sts:ExternalId': request.ExternalId,
    'sts:SourceIdentity': request.SourceIdentity,
  };
  const keys = Object.keys(request.tags);
  for (const k of keys) context[`aws:RequestTag/${k}`] = request.tags[k];
  if (keys.length) context['aws:TagKeys'] = keys;
  if (request.transitiveTagKeys?.length) context['sts:TransitiveTagKeys'] = request.transitiveTagKeys;
  return context;
}

/** Time keys only: web-identity and SAML callers have no AWS identity of their own. */
export function federatedContext(now: number, keys: Record<string, ContextValue | undefined>): Record<string, ContextValue | undefined> {
  const at = new Date(now);
  return { 'aws:CurrentTime': at.toISOString().replace(/\.\d{3}Z$/, 'Z'), 'aws:EpochTime': Math.floor(now / 1000), ...keys };
}
