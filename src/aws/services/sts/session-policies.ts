// What a caller may pass to narrow or label a session: session policies (`Policy`, `PolicyArns`) and
// session tags (`Tags`, `TransitiveTagKeys`). Checked as STS checks them, packed-size limit included;
// the session keeps them with its key (src/core/accounts.ts) for later authorization.
import { deflateRawSync } from 'node:zlib';
import type { PolicyDescriptorType, Tag } from './generated/types.ts';
import { ServiceError } from '../../../core/errors.ts';
import { validatePolicy } from '../../../core/iam/index.ts';
import { constraints } from '../../protocol/constraints.ts';

export interface SessionExtras {
  Policy?: string;
  PolicyArns?: PolicyDescriptorType[];
  Tags?: Tag[];
  TransitiveTagKeys?: string[];
}

const tagKeyPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const tagValuePattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const policyArnPattern = /^arn:aws[a-zA-Z-]*:iam::(\d{12}|aws):policy\/./;

/** Throws STS's error for the first problem with the session policies or tags. */
export function checkSessionExtras(input: SessionExtras): void {
  if (input.Policy !== undefined) {
    try {
      JSON.parse(input.Policy);
    } catch {
      throw malformed('The policy is not in the valid JSON format.');
    }
    // A session policy follows the identity-policy grammar (no Principal).
    const problem = validatePolicy(input.Policy, 'session');
    if (problem !== undefined) throw malformed(problem);
  }
  const arns = input.PolicyArns ?? [];
  if (arns.length > 10) {
    throw new ServiceError('ValidationError', `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`, 400);
  }
  const check = constraints();
  arns.forEach((p, i) => check.length(`policyArns.${i + 1}.member.arn`, p.arn, 20, 2048));
  const tags = input.Tags ?? [];
  if (tags.length > 50) {
    throw new ServiceError('ValidationError', `1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`, 400);
  }
  tags.forEach((t, i) => {
    check.length(`tags.${i + 1}.member.key`, t.Key, 1, 128).pattern(`tags.${i + 1}.member.key`, t.Key, tagKeyPattern, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    check.length(`tags.${i + 1}.member.value`, t.Value, 0, 256).pattern(`tags.${i + 1}.member.value`, t.Value, tagValuePattern, '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
  });
  if ((input.TransitiveTagKeys?.length ?? 0) > 50) {
    throw new ServiceError('ValidationError', `1 validation error detected: Value at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50`, 400);
  }
  check.check('ValidationError');
  for (const p of arns) {
    if (!policyArnPattern.test(p.arn!)) throw new ServiceError('ValidationError', `Invalid policy ARN: ${p.arn}`, 400);
  }
  // Tag keys are case-insensitive: two that differ only in case are one key given twice.
  const keys = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (keys.has(k)) throw new ServiceError('InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', 400);
    keys.add(k);
  }
  for (const k of input.TransitiveTagKeys ?? []) {
    if (!keys.has(k.toLowerCase())) {
      throw new ServiceError('InvalidParameterValue', `The specified transitive tag key ${k} must be included in the requested tags.`, 400);
    }
  }
}

/**
 * AWS reports the size of the session policies and tags after packing (compression) as a percentage
 * of an allowed maximum and refuses more than 100% (PackedPolicyTooLarge); deflate stands in for its
 * unpublished packing format. Undefined when nothing was passed (AWS leaves PackedPolicySize out then).
 */
export function packedPolicySize(input: SessionExtras, inheritedTags?: Record<string, string>): number | undefined {
  const tags = { ...inheritedTags, ...Object.fromEntries((input.Tags ?? []).map((t) => [t.Key, t.Value])) };
  const hasTags = Object.keys(tags).length > 0;
  if (input.Policy === undefined && !input.PolicyArns?.length && !hasTags) return undefined;
  const policies = (input.Policy ?? '') + JSON.stringify((input.PolicyArns ?? []).map((p) => p.arn));
  const packed = deflateRawSync(policies + (hasTags ? JSON.stringify(tags) : '')).length;
  const percent = Math.max(1, Math.ceil((packed / 2048) * 100));
  if (percent > 100) {
    throw new ServiceError(
      'PackedPolicyTooLarge',
      hasTags && deflateRawSync(policies).length <= 2048
        ? `Packed size of session tags consumes ${percent}% of allotted space.`
        : `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
      400,
    );
  }
  return percent;
}

function malformed(message: string): ServiceError {
  return new ServiceError('MalformedPolicyDocument', message, 400);
}
