// ListPoliciesGrantingServiceAccess: for each service namespace asked about, the identity's policies
// (a user's own and its groups') with an Allow statement whose actions reach that service: an action
// pattern whose service part matches the namespace (wildcards included), or a NotAction, which
// reaches every service it does not exclude.
import type { ListPoliciesGrantingServiceAccessRequest, ListPoliciesGrantingServiceAccessResponse } from '../generated/types.ts';
import { invalidInput } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import type { Ctx, EntityRow } from '../store.ts';

interface Candidate {
  PolicyName: string;
  PolicyType: 'INLINE' | 'MANAGED';
  PolicyArn?: string;
  EntityType?: string;
  EntityName?: string;
  document: string;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Whether an IAM wildcard pattern (`*`, `?`) matches `text`, without case. */
function wildcard(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(text);
}

function grants(document: string, namespace: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document);
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.some((s: Record<string, unknown>) => {
    if (s.Effect !== 'Allow') return false;
    if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => a === '*' || (a.endsWith(':*') && wildcard(a.split(':')[0], namespace)));
    return asList(s.Action).some((a) => a === '*' || wildcard(a.split(':')[0], namespace));
  });
}

/** IAM names the entity for inline policies only; EntityType and EntityName are null for managed ones. */
async function candidates(ctx: Ctx, entity: EntityRow): Promise<Candidate[]> {
  const out: Candidate[] = (await ctx.state.inlines(entity.id)).map((p) => ({
    PolicyName: p.name, PolicyType: 'INLINE' as const, EntityType: entity.kind.toUpperCase(), EntityName: entity.name, document: p.document,
  }));
  for (const arn of await ctx.state.attached(entity.id)) {
    const policy = await ctx.state.policy(arn);
    const version = policy && (await ctx.state.version(arn, policy.default_version));
    if (version) out.push({ PolicyName: policy.name, PolicyType: 'MANAGED', PolicyArn: arn, document: version.document });
  }
  return out;
}

export async function listPoliciesGrantingServiceAccess(input: ListPoliciesGrantingServiceAccessRequest, ctx: Ctx): Promise<ListPoliciesGrantingServiceAccessResponse> {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(input.Arn);
  if (!m || m[1] !== ctx.account) throw invalidInput(`ARN ${input.Arn} is not valid.`);
  const entity = await requireEntity(ctx, m[2] as 'user' | 'group' | 'role', m[3]);
  const all = await candidates(ctx, entity);
  if (entity.kind === 'user') {
    for (const groupId of await ctx.state.containers(entity.id)) {
      const group = await ctx.state.entityById(groupId);
      if (group) all.push(...(await candidates(ctx, group)));
    }
  }
  return {
    PoliciesGrantingServiceAccess: input.ServiceNamespaces.map((ns) => ({
      ServiceNamespace: ns,
      Policies: all.filter((c) => grants(c.document, ns)).map(({ document: _d, ...policy }) => policy),
    })),
    IsTruncated: false,
  };
}
