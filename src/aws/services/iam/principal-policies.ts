// What the operations about a principal's policies read (SimulatePrincipalPolicy,
// GetContextKeysForPrincipalPolicy, ListPoliciesGrantingServiceAccess): the user, group or role an ARN
// names in the caller's account, and its identity policies — inline and attached managed (AWS's with
// their real documents, aws-managed.ts) — and, for a user, its groups' too.
import { defaultVersionOf } from './aws-managed.ts';
import { requireEntity } from './lookup.ts';
import type { Ctx, EntityRow } from './store.ts';

export interface IdentityPolicy {
  /** The user, group or role the policy is attached to or embedded in. */
  owner: EntityRow;
  name: string;
  /** Managed policies only. */
  arn?: string;
  aws: boolean;
  document: string;
}

const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(user|group|role)\/(?:.*\/)?([^/]+)$/;

/** The identity `arn` names in the caller's account; `invalid` words the refusal of any other ARN. */
export async function principalNamed(ctx: Ctx, arn: string, invalid: (arn: string) => Error): Promise<EntityRow> {
  const m = PRINCIPAL_ARN.exec(arn);
  if (!m || m[1] !== ctx.account) throw invalid(arn);
  return await requireEntity(ctx, m[2] as 'user' | 'group' | 'role', m[3]);
}

/** The entity's own identity policies, then (for a user) its groups'. */
export async function identityPolicies(ctx: Ctx, entity: EntityRow): Promise<IdentityPolicy[]> {
  const out = await ownPolicies(ctx, entity);
  if (entity.kind === 'user') {
    for (const groupId of await ctx.state.containers(entity.id)) {
      const group = await ctx.state.entityById(groupId);
      if (group) out.push(...(await ownPolicies(ctx, group)));
    }
  }
  return out;
}

async function ownPolicies(ctx: Ctx, owner: EntityRow): Promise<IdentityPolicy[]> {
  const out: IdentityPolicy[] = (await ctx.state.inlines(owner.id)).map((p) => ({ owner, name: p.name, aws: false, document: p.document }));
  for (const arn of await ctx.state.attached(owner.id)) {
    const v = await defaultVersionOf(ctx, arn);
    if (v) out.push({ owner, name: v.name, arn, aws: v.aws, document: v.document });
  }
  return out;
}
