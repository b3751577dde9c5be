// ListPoliciesGrantingServiceAccess: for each service namespace asked about, the identity's policies
// (a user's own and its groups') with an Allow statement whose actions reach that service: an action
// pattern whose service part matches the namespace (wildcards included), or a NotAction, which
// reaches every service it does not exclude.
import type { ListPoliciesGrantingServiceAccessRequest, ListPoliciesGrantingServiceAccessResponse } from '../generated/types.ts';
import { invalidInput } from '../errors.ts';
import type { Ctx } from '../store.ts';
import { identityPolicies, principalNamed, type IdentityPolicy } from '../principal-policies.ts';
import { compileWildcard } from '../../../../core/wildcard.ts';

interface Candidate {
  PolicyName: string;
  PolicyType: 'INLINE' | 'MANAGED';
  PolicyArn?: string;
  EntityType?: string;
  EntityName?: string;
  document: string;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** Whether an IAM wildcard pattern (`*`, `?`) matches `text`, without case (linear: src/core/wildcard.ts). */
function wildcard(pattern: string, text: string): boolean {
  return compileWildcard(pattern.toLowerCase(), { anyChar: true }).test(text.toLowerCase());
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
function candidate(p: IdentityPolicy): Candidate {
  return p.arn === undefined
    ? { PolicyName: p.name, PolicyType: 'INLINE', EntityType: p.owner.kind.toUpperCase(), EntityName: p.owner.name, document: p.document }
    : { PolicyName: p.name, PolicyType: 'MANAGED', PolicyArn: p.arn, document: p.document };
}

export async function listPoliciesGrantingServiceAccess(input: ListPoliciesGrantingServiceAccessRequest, ctx: Ctx): Promise<ListPoliciesGrantingServiceAccessResponse> {
  const entity = await principalNamed(ctx, input.Arn, (arn) => invalidInput(`ARN ${arn} is not valid.`));
  const all = (await identityPolicies(ctx, entity)).map(candidate);
  return {
    PoliciesGrantingServiceAccess: input.ServiceNamespaces.map((ns) => ({
      ServiceNamespace: ns,
      Policies: all.filter((c) => grants(c.document, ns)).map(({ document: _d, ...policy }) => policy),
    })),
    IsTruncated: false,
  };
}
