// GetContextKeysForCustomPolicy and GetContextKeysForPrincipalPolicy: the condition keys that policies
// name (what a caller must supply to SimulateCustomPolicy/SimulatePrincipalPolicy), read by the policy
// engine. A principal's policies are its inline and attached managed policies (AWS's with their real
// documents, aws-managed.ts), and for a user those of its groups too.
import type {
  GetContextKeysForCustomPolicyRequest, GetContextKeysForCustomPolicyResponse, GetContextKeysForPrincipalPolicyRequest,
} from '../generated/types.ts';
import { compilePolicy, contextKeys, MalformedPolicyError, type CompiledPolicy } from '../../../../core/iam/index.ts';
import { invalidInput } from '../errors.ts';
import type { Ctx } from '../store.ts';
import { identityPolicies, principalNamed } from '../principal-policies.ts';

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

export async function getContextKeysForCustomPolicy(input: GetContextKeysForCustomPolicyRequest): Promise<GetContextKeysForCustomPolicyResponse> {
  return { ContextKeyNames: contextKeys(compile(input.PolicyInputList)) };
}

export async function getContextKeysForPrincipalPolicy(input: GetContextKeysForPrincipalPolicyRequest, ctx: Ctx): Promise<GetContextKeysForCustomPolicyResponse> {
  const entity = await principalNamed(ctx, input.PolicySourceArn, (arn) => invalidInput(`Invalid ARN ${arn}.`));
  const docs = (await identityPolicies(ctx, entity)).map((p) => p.document);
  return { ContextKeyNames: contextKeys(compile([...docs, ...(input.PolicyInputList ?? [])])) };
}
