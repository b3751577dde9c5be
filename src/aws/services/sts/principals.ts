// ARNs and ids of the principals STS hands out credentials for.
import { iamUniqueId } from '../../../core/resources/ids.ts';
import { ServiceError } from '../../../core/errors.ts';
import type { IssuedCredentials } from '../../../core/accounts.ts';

export interface RoleRef {
  account: string;
  /** Role name without its path. */
  name: string;
  arn: string;
  partition: string;
}

const roleArnRe = /^arn:(aws[a-zA-Z-]*):iam::(\d{12}):role\/(?:[\u0021-\u007e]*\/)?([\w+=,.@-]{1,64})$/;

export function parseRoleArn(arn: string): RoleRef {
  const m = roleArnRe.exec(arn);
  if (!m) throw new ServiceError('ValidationError', 'Request ARN is invalid', 400);
  return { partition: m[1], account: m[2], name: m[3], arn };
}

/** A stable unique id for a named principal, shaped like AWS's (prefix + 17 base32 characters). */
export function principalId(prefix: 'AROA' | 'AIDA', key: string): string {
  return iamUniqueId(prefix, key);
}

export function isSessionCaller(arn: string): boolean {
  return arn.includes(':assumed-role/') || arn.includes(':federated-user/');
}

/** Issued session credentials in the shape of STS's Credentials structure. */
export function credentialsOf(issued: IssuedCredentials) {
  return {
    AccessKeyId: issued.accessKeyId,
    SecretAccessKey: issued.secretAccessKey,
    SessionToken: issued.sessionToken!,
    Expiration: issued.expiration!,
  };
}
