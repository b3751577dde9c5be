// GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy: the condition keys that policies
// name (what a caller must supply to SimulateCustomPolicy/SimulatePrincipalPolicy), read by the policy
// engine. A principal's policies are its inline and attached managed policies (AWS's with their real
// documents, aws-managed.ts), and for a user those of its groups too.
import type {
  GetContextKeysForCustomPolicyRequest, GetContextKeysForCustomPolicyResponse, GetContextKeysForPrincipalPolicyRequest,
} from '../generated/types.ts';
import { compilePolicy, contextKeys, MalformedPolicyError, type CompiledPolicy } from '../../../../core/iam/index.ts';
import { invalidInput } from '../errors.ts';
import { requireEntity } from '../lookup.ts';
import type { Ctx, EntityRow } from '../store.ts';
import { defaultVersionOf } from '../aws-managed.ts';

function compile(documents: readonly string[]): CompiledPolicy[] {
  return documents.map((d) => {
    try {
      return compilePolicy(d, 'identity');
    } catch (e) {
      if (e instanceof MalformedPolicyError) throw invalidInput(e.message);
      throw e;
    }
  });
}

/** The documents of an identity's own inline and attached managed policies. */
async function documentsOf(ctx: Ctx, entity: EntityRow): Promise<string[]> {
  const docs = (await ctx.state.inlines(entity.id)).map((p) => p.document);
  for (const arn of await ctx.state.attached(entity.id)) {
    const v = await defaultVersionOf(ctx, arn);
    if (v) docs.push(v.document);
  }
  return docs;
}

export async function getContextKeysForCustomPolicy(input: GetContextKeysForCustomPolicyRequest): Promise<GetContextKeysForCustomPolicyResponse> {
  return { ContextKeyNames: contextKeys(compile(input.PolicyInputList)) };
}

export async function getContextKeysForPrincipalPolicy(input: GetContextKeysForPrincipalPolicyRequest, ctx: Ctx): Promise<GetContextKeysForCustomPolicyResponse> {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(input.PolicySourceArn);
  if (!m || m[1] !== ctx.account) throw invalidInput(`Invalid ARN ${input.PolicySourceArn}.`);
  const entity = await requireEntity(ctx, m[2] as 'user' | 'group' | 'role', m[3]);
  const docs = await documentsOf(ctx, entity);
  if (entity.kind === 'user') {
    for (const groupId of await ctx.state.containers(entity.id)) {
      const group = await ctx.state.entityById(groupId);
      if (group) docs.push(...(await documentsOf(ctx, group)));
    }
  }
  return { ContextKeyNames: contextKeys(compile([...docs, ...(input.PolicyInputList ?? [])])) };
}
