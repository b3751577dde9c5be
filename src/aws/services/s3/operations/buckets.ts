// Buckets themselves: CreateBucket (location constraints, the shared namespace), HeadBucket,
// ListBuckets (prefix, region, continuation), DeleteBucket (must be empty), GetBucketLocation.
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { bucketArn, ownerOf, requireBucket, tagsFromSet, type Ctx } from '../common.ts';
import { isValidBucketName } from '../keys.ts';
import { S3Errors } from '../errors.ts';
import { isString, pageTokens } from '../../../../core/resources/page-token.ts';
import { cannedGrants, grantsFromInput } from '../acl.ts';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const OWNERSHIP = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

/** Legacy location constraints and what they mean. */
function regionOfConstraint(lc: string): string {
  if (lc === 'EU') return 'eu-west-1';
  return lc;
}

export async function createBucket(input: T.CreateBucketRequest, ctx: Ctx): Promise<T.CreateBucketOutput> {
  const name = input.Bucket;
  if (!isValidBucketName(name)) throw new ServiceError('InvalidBucketName', 'The specified bucket is not valid.', { status: 400, fields: { BucketName: name } });
  const lc = input.CreateBucketConfiguration?.LocationConstraint;
  let region = ctx.region;
  if (lc === 'us-east-1' || (lc !== undefined && lc !== '' && lc !== 'EU' && !REGION.test(lc))) {
    throw new ServiceError('InvalidLocationConstraint', 'The specified location-constraint is not valid', { status: 400, fields: { LocationConstraint: lc } });
  }
  if (ctx.region === 'us-east-1') {
    if (lc) region = regionOfConstraint(lc);
  } else if (!lc) {
    throw new ServiceError('IllegalLocationConstraintException', 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.', 400);
  } else if (regionOfConstraint(lc) !== ctx.region) {
    throw new ServiceError('IllegalLocationConstraintException', `The ${lc} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
  }
  const ownership = input.ObjectOwnership ?? 'BucketOwnerEnforced';
  if (!OWNERSHIP.has(ownership)) throw S3Errors.invalidArgument('Invalid x-amz-object-ownership header', 'x-amz-object-ownership', ownership);
  const grants = grantsFromInput(input, ctx.account, ctx.account) ?? cannedGrants('private', ctx.account);
  if (ownership === 'BucketOwnerEnforced' && grants.length > 1 && input.ACL !== 'bucket-owner-full-control') {
    throw new ServiceError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  const existing = await ctx.state.bucket(name);
  if (existing) {
    if (existing.account !== ctx.account) {
      throw new ServiceError(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        { status: 409, fields: { BucketName: name } },
      );
    }
    // For legacy compatibility, us-east-1 answers 200 and resets the ACL; every other region refuses.
    if (existing.region === 'us-east-1' && region === 'us-east-1') {
      await ctx.state.updateBucket(name, { acl: grants });
      return { Location: `/${name}`, BucketArn: bucketArn(name) };
    }
    throw new ServiceError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
      status: 409,
      fields: { BucketName: name },
    });
  }
  const objectLock = input.ObjectLockEnabledForBucket === true;
  // New buckets block public access unless told otherwise, as S3 does since April 2023.
  const configs: Array<[string, unknown]> = [['publicAccessBlock', { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }]];
  if (objectLock) configs.push(['objectLock', { ObjectLockEnabled: 'Enabled' }]);
  const tags = input.CreateBucketConfiguration?.Tags;
  if (tags?.length) configs.push(['tagging', tagsFromSet(tags)]);
  await ctx.state.createBucket(
    { name, account: ctx.account, region, createdAt: ctx.clock.now(), versioning: objectLock ? 'Enabled' : '', mfaDelete: '', objectLock, ownership, acl: grants },
    configs,
  );
  return { Location: region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`, BucketArn: bucketArn(name) };
}

export async function headBucket(input: T.HeadBucketRequest, ctx: Ctx): Promise<T.HeadBucketOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return { BucketRegion: b.region, AccessPointAlias: false, BucketArn: bucketArn(b.name) };
}

// ListBuckets' continuation token: the engine's signed page token around the last bucket name.
const continuationTokens = pageTokens<string>({
  invalid: (token) => S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token),
  parse: isString,
  empty: 'invalid',
});

export async function listBuckets(input: T.ListBucketsRequest, ctx: Ctx): Promise<T.ListBucketsOutput> {
  const max = input.MaxBuckets;
  if (max !== undefined && (max < 1 || max > 10000)) {
    throw S3Errors.invalidArgument('Argument max-buckets must be an integer between 1 and 10000', 'max-buckets', String(max));
  }
  const limit = max ?? 10000;
  const after = (await continuationTokens.read(ctx, input.ContinuationToken)) ?? '';
  const rows = await ctx.state.listBuckets(ctx.account, { after, prefix: input.Prefix, region: input.BucketRegion, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const out: T.ListBucketsOutput = {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt), BucketRegion: b.region, BucketArn: bucketArn(b.name) })),
    Owner: ownerOf(ctx.account),
  };
  if (input.Prefix !== undefined) out.Prefix = input.Prefix;
  if (rows.length > limit) out.ContinuationToken = await continuationTokens.issue(ctx, page[page.length - 1].name);
  return out;
}

/** Directory buckets (S3 Express One Zone) are not modelled: there are none to list. */
export function listDirectoryBuckets(): T.ListDirectoryBucketsOutput {
  return { Buckets: [] };
}

export async function deleteBucket(input: T.DeleteBucketRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const discarded = await ctx.state.deleteEmptyBucket(b.name);
  if (!discarded) {
    throw new ServiceError(
      'BucketNotEmpty',
      b.versioning === '' ? 'The bucket you tried to delete is not empty' : 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
      { status: 409, fields: { BucketName: b.name } },
    );
  }
  ctx.state.discard(discarded);
}

export async function getBucketLocation(input: T.GetBucketLocationRequest, ctx: Ctx): Promise<T.GetBucketLocationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  return b.region === 'us-east-1' ? {} : { LocationConstraint: b.region };
}
