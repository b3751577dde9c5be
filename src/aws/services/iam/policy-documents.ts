// Identity policy documents as IAM accepts them: the engine's grammar with IAM's
// MalformedPolicyDocument messages, and IAM's size quotas (counted without whitespace).
import { validatePolicy } from '../../../core/iam/index.ts';
import { limitExceeded, malformedPolicyDocument, type EntityKind } from './errors.ts';
import { policySize } from './names.ts';

/** A managed policy version: Version 2012-10-17 required, 6,144 characters at most. */
const MANAGED_POLICY_SIZE = 6144;

/** All of one identity's inline policies together, per kind (IAM's defaults). */
export const INLINE_POLICY_SIZE: Record<'user' | 'group' | 'role', number> = { user: 2048, group: 5120, role: 10240 };

export function checkManagedPolicy(document: string): void {
  const problem = validatePolicy(document, 'identity', { requireCurrentVersion: true });
  if (problem !== undefined) throw malformedPolicyDocument(problem);
  if (policySize(document) > MANAGED_POLICY_SIZE) throw limitExceeded(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_SIZE}`);
}

export function checkInlinePolicy(document: string): void {
  const problem = validatePolicy(document, 'identity');
  if (problem !== undefined) throw malformedPolicyDocument(problem);
}

/** Refuses an inline policy that would take the identity's inline policies past its quota. */
export function checkInlineTotal(kind: EntityKind, name: string, documents: readonly string[]): void {
  const max = INLINE_POLICY_SIZE[kind as 'user' | 'group' | 'role'];
  const total = documents.reduce((n, d) => n + policySize(d), 0);
  if (total > max) throw limitExceeded(`Maximum policy size of ${max} bytes exceeded for ${kind} ${name}`);
}
