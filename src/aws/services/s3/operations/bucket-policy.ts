// Bucket policies: stored as sent after S3's validation (valid JSON, statements with effect, action,
// principal and resources of this bucket); GetBucketPolicyStatus tells whether one is public.
// Principals are checked by the IAM policy engine (src/core/iam/); evaluating policies against
// requests belongs to IAM enforcement (not yet).
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { bucketArn, requireBucket, type Ctx } from '../common.ts';
import { noSuchConfiguration, S3Errors } from '../errors.ts';
import { publicAccessBlock } from '../acl.ts';
import { compileWildcard } from '../../../../core/wildcard.ts';
import { validatePolicy as validateIamPolicy } from '../../../../core/iam/index.ts';

const malformed = (message: string) => new ServiceError('MalformedPolicy', message, 400);

/** One statement of a bucket policy, as a client sent it (every field unchecked). */
export interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** A policy field that may be one value or a list of them, as a list. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** Validates a policy document for `bucket`; returns its statements. */
export function validatePolicy(text: string, bucket: string): Statement[] {
  if (Buffer.byteLength(text) > 20 * 1024) throw malformed('Policy exceeds the maximum allowed document size.');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || !text.trimStart().startsWith('{')) {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  const d = doc as { Version?: unknown; Statement?: unknown };
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') throw malformed('Invalid policy document version');
  if (d.Statement === undefined) throw malformed('Missing required field Statement');
  const statements = list(d.Statement) as Statement[];
  if (!statements.length) throw malformed('Missing required field Statement');
  for (const s of statements) {
    if (!s || typeof s !== 'object') throw malformed('Statement is not valid');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed(`Invalid effect: ${String(s.Effect)}`);
    if (s.Principal === undefined && s.NotPrincipal === undefined) throw malformed('Missing required field Principal');
    const actions = list(s.Action ?? s.NotAction);
    if (!actions.length) throw malformed('Missing required field Action');
    for (const a of actions) {
      if (typeof a !== 'string' || !(a === '*' || /^s3:[A-Za-z*?]+$/.test(a))) throw malformed('Policy has invalid action');
    }
    const resources = list(s.Resource ?? s.NotResource);
    if (!resources.length) throw malformed('Missing required field Resource');
    for (const r of resources) {
      if (typeof r !== 'string' || !resourceOf(r, bucket)) throw malformed('Policy has invalid resource');
    }
    const principals = s.Principal ?? s.NotPrincipal;
    if (principals !== '*' && (typeof principals !== 'object' || principals === null)) throw malformed('Invalid principal in policy');
  }
  // Each principal must be one the IAM engine can match (an account id, a principal ARN, `*`, a
  // service…), or the policy could never be evaluated once stored. S3 words every such problem the
  // same way (AWS also refuses ARNs of principals that do not exist, which needs the IAM service).
  if (validateIamPolicy(text, 'resource')?.startsWith('Invalid principal in policy')) throw malformed('Invalid principal in policy');
  return statements;
}

/** Whether a policy resource names this bucket or objects in it (wildcards allowed). */
function resourceOf(resource: string, bucket: string): boolean {
  if (resource === '*') return true;
  const m = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(resource);
  if (!m) return false;
  // A linear matcher: a policy (20 KB) may hold many stars, and a regex backtracks O(n^stars) on them.
  return compileWildcard(m[1], { anyChar: true }).test(bucket);
}

function isWildcardPrincipal(p: unknown): boolean {
  if (p === '*') return true;
  if (p && typeof p === 'object') return list((p as { AWS?: unknown }).AWS).includes('*');
  return false;
}

/** A policy is public when it allows anyone without a condition narrowing who. */
export function isPublicPolicy(statements: Statement[]): boolean {
  return statements.some((s) => s.Effect === 'Allow' && isWildcardPrincipal(s.Principal) && (s.Condition === undefined || Object.keys(s.Condition as object).length === 0));
}

export async function putBucketPolicy(input: T.PutBucketPolicyRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  if (input.Policy === undefined || input.Policy === '') throw malformed("Policies must be valid JSON and the first byte must be '{'");
  const statements = validatePolicy(input.Policy, b.name);
  if (isPublicPolicy(statements) && (await publicAccessBlock(ctx, b.name))?.BlockPublicPolicy) {
    throw S3Errors.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "${bucketArn(b.name)}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
    );
  }
  await ctx.state.putConfig(b.name, 'policy', input.Policy);
}

export async function getBucketPolicy(input: T.GetBucketPolicyRequest, ctx: Ctx): Promise<T.GetBucketPolicyOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const p = await ctx.state.config<string>(b.name, 'policy');
  if (p === undefined) throw noSuchConfiguration('NoSuchBucketPolicy', 'The bucket policy does not exist', b.name);
  return { Policy: p };
}

export async function deleteBucketPolicy(input: T.DeleteBucketPolicyRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'policy');
}

export async function getBucketPolicyStatus(input: T.GetBucketPolicyStatusRequest, ctx: Ctx): Promise<T.GetBucketPolicyStatusOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const p = await ctx.state.config<string>(b.name, 'policy');
  if (p === undefined) throw noSuchConfiguration('NoSuchBucketPolicy', 'The bucket policy does not exist', b.name);
  let statements: Statement[] = [];
  try {
    statements = validatePolicy(p, b.name);
  } catch {
    statements = [];
  }
  return { PolicyStatus: { IsPublic: isPublicPolicy(statements) } };
}
