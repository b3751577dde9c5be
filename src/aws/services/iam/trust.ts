// Trust policies (who may assume a role), validated by the policy engine with IAM's messages.
import { validatePolicy } from '../../../core/iam/index.ts';
import { limitExceeded, malformedPolicyDocument } from './errors.ts';
import { policySize } from './names.ts';

/** IAM's default quota for a role's trust policy, counted without whitespace. */
const TRUST_POLICY_SIZE = 2048;

export function checkTrustPolicy(document: string): void {
  const problem = validatePolicy(document, 'trust');
  if (problem !== undefined) throw malformedPolicyDocument(problem);
  if (policySize(document) > TRUST_POLICY_SIZE) throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_SIZE}`);
}
