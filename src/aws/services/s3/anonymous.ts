// Anonymous (unsigned) S3 requests, as S3 decides them: allowed when the bucket's policy grants the
// action to everyone ("Principal": "*") or the ACL of the bucket (listing, writing) or of the object
// (reading) grants it to AllUsers, and the bucket's public access block does not rule that out;
// refused with 403 AccessDenied otherwise. Full policy evaluation belongs to IAM (DESIGN.md §8): a
// statement with a Condition cannot be judged here, so a conditional Allow grants nothing and a
// conditional Deny counts. A request for a bucket that does not exist is let through, so it gets
// NoSuchBucket as it does from S3 — except CreateBucket, which always needs a signature.
import type { HttpRequest } from '../../../core/http.ts';
import type { Grant } from './store.ts';
import type { Ctx } from './common.ts';
import { ALL_USERS, publicAccessBlock } from './acl.ts';
import { compileWildcard } from '../../../core/wildcard.ts';
import { list, type Statement } from './operations/bucket-policy.ts';
import { formatArn } from '../../../core/resources/arn.ts';

/** The IAM action of an operation where it is not simply `s3:<Operation>`. */
const ACTIONS: Record<string, string> = {
  HeadObject: 's3:GetObject',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  HeadBucket: 's3:ListBucket',
  ListObjectVersions: 's3:ListBucketVersions',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  ListParts: 's3:ListMultipartUploadParts',
  CopyObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  UploadPartCopy: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  DeleteObjects: 's3:DeleteObject',
  GetObjectAttributes: 's3:GetObject',
};

/** Which ACL permission (and whose ACL) stands for an action, for the few actions ACLs can grant. */
const ACL_PERMISSION: Record<string, { on: 'bucket' | 'object'; permission: string }> = {
  's3:GetObject': { on: 'object', permission: 'READ' },
  's3:ListBucket': { on: 'bucket', permission: 'READ' },
  's3:ListBucketVersions': { on: 'bucket', permission: 'READ' },
  's3:ListBucketMultipartUploads': { on: 'bucket', permission: 'READ' },
  's3:PutObject': { on: 'bucket', permission: 'WRITE' },
  's3:DeleteObject': { on: 'bucket', permission: 'WRITE' },
  's3:GetObjectAcl': { on: 'object', permission: 'READ_ACP' },
  's3:GetBucketAcl': { on: 'bucket', permission: 'READ_ACP' },
};

export async function allowsAnonymous(http: HttpRequest, ctx: Ctx): Promise<boolean> {
  const target = targetOf(http.path);
  if (!target) return false;
  const bucket = await ctx.state.bucket(target.bucket);
  if (!bucket) return ctx.operation !== 'CreateBucket';
  const action = ACTIONS[ctx.operation] ?? `s3:${ctx.operation}`;
  const objectLevel = target.key !== undefined && target.key !== '';
  const resource = objectLevel ? formatArn({ service: 's3', resource: `${target.bucket}/${target.key}` }) : formatArn({ service: 's3', resource: target.bucket });
  const block = await publicAccessBlock(ctx, target.bucket);

  const policy = block?.RestrictPublicBuckets ? undefined : policyVerdict(await ctx.state.cachedConfig<string>(target.bucket, 'policy'), action, resource);
  if (policy === 'deny') return false;
  if (policy === 'allow') return true;

  const acl = ACL_PERMISSION[action];
  if (!acl || block?.IgnorePublicAcls || bucket.ownership === 'BucketOwnerEnforced') return false;
  let grants: Grant[] | undefined;
  if (acl.on === 'bucket') grants = bucket.acl;
  else if (objectLevel) grants = (await ctx.state.latest(target.bucket, target.key!))?.acl;
  return (grants ?? []).some((g) => g.Grantee.URI === ALL_USERS && (g.Permission === acl.permission || g.Permission === 'FULL_CONTROL'));
}

/** The bucket and key a path-style path names (virtual-hosted requests are rewritten to it first). */
function targetOf(path: string): { bucket: string; key?: string } | undefined {
  const slash = path.indexOf('/', 1);
  try {
    const bucket = decodeURIComponent(path.slice(1, slash < 0 ? undefined : slash));
    if (!bucket) return undefined;
    return { bucket, key: slash < 0 ? undefined : decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

/** What the statements for everyone say about `action` on `resource`: 'allow', 'deny' or nothing. */
function policyVerdict(text: string | undefined, action: string, resource: string): 'allow' | 'deny' | undefined {
  if (!text) return undefined;
  let doc: { Statement?: unknown };
  try {
    doc = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    return undefined;
  }
  let allowed = false;
  for (const s of list(doc?.Statement) as Statement[]) {
    if (!s || typeof s !== 'object' || s.NotPrincipal !== undefined || !forEveryone(s.Principal)) continue;
    const actionMatches = s.Action !== undefined ? list(s.Action).some((a) => matches(a, action, true)) : !list(s.NotAction).some((a) => matches(a, action, true));
    const resourceMatches = s.Resource !== undefined ? list(s.Resource).some((r) => matches(r, resource, false)) : !list(s.NotResource).some((r) => matches(r, resource, false));
    if (!actionMatches || !resourceMatches) continue;
    const conditional = s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow' && !conditional) allowed = true;
  }
  return allowed ? 'allow' : undefined;
}

function forEveryone(p: unknown): boolean {
  if (p === '*') return true;
  return !!p && typeof p === 'object' && list((p as { AWS?: unknown }).AWS).includes('*');
}


/** IAM's wildcards: `*` any run, `?` one character (linear, src/core/wildcard.ts); actions compare case-insensitively. */
function matches(pattern: unknown, value: string, ignoreCase: boolean): boolean {
  if (typeof pattern !== 'string') return false;
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  return compileWildcard(p, { anyChar: true }).test(ignoreCase ? value.toLowerCase() : value);
}
