// ARNs of IAM's resources: global (no region), `arn:aws:iam::<account>:<type>/<path><name>`, where a
// path is `/` or `/a/b/`. Parsing a policy ARN tells a customer managed policy from an AWS managed one.
import { formatArn } from '../../../core/resources/arn.ts';
import type { EntityKind } from './errors.ts';
import { invalidInput } from './errors.ts';

export function iamArn(account: string, type: EntityKind | 'policy', path: string, name: string): string {
  return formatArn({ service: 'iam', account, resource: `${type}${path}${name}` });
}

export interface PolicyArnParts {
  /** The owning account, or 'aws' for AWS managed policies. */
  account: string;
  path: string;
  name: string;
}

const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]{1,128})$/;

/** Splits a policy ARN; IAM answers InvalidInput "ARN X is not valid." for anything else. */
export function parsePolicyArn(arn: string): PolicyArnParts {
  const m = POLICY_ARN.exec(arn);
  if (!m) throw invalidInput(`ARN ${arn} is not valid.`);
  return { account: m[1], path: m[2], name: m[3] };
}

/** The user name in a caller's ARN when the caller is an IAM user (`arn:aws:iam::<acct>:user/<path><name>`). */
export function userNameOfCaller(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1];
}

/** IAM counts a policy's size without its whitespace. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}
