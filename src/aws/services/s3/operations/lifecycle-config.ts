// PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration, DeleteBucketLifecycle; the rules
// run in ../lifecycle.ts.
import type * as T from '../generated/types.ts';
import { requireBucket, type Ctx } from '../common.ts';
import { noSuchConfiguration, S3Errors } from '../errors.ts';
import { validateLifecycle } from '../lifecycle.ts';

const SIZES = new Set(['all_storage_classes_128K', 'varies_by_storage_class']);

interface StoredLifecycle {
  Rules: T.LifecycleRule[];
  TransitionDefaultMinimumObjectSize: string;
}

export async function putBucketLifecycleConfiguration(input: T.PutBucketLifecycleConfigurationRequest, ctx: Ctx): Promise<T.PutBucketLifecycleConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const rules = input.LifecycleConfiguration?.Rules;
  validateLifecycle(rules);
  const size = input.TransitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K';
  if (!SIZES.has(size)) throw S3Errors.invalidRequest('Invalid value for x-amz-transition-default-minimum-object-size');
  await ctx.state.putConfig(b.name, 'lifecycle', { Rules: rules!, TransitionDefaultMinimumObjectSize: size } satisfies StoredLifecycle);
  return { TransitionDefaultMinimumObjectSize: size };
}

export async function getBucketLifecycleConfiguration(input: T.GetBucketLifecycleConfigurationRequest, ctx: Ctx): Promise<T.GetBucketLifecycleConfigurationOutput> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const c = await ctx.state.config<StoredLifecycle>(b.name, 'lifecycle');
  if (!c) throw noSuchConfiguration('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', b.name);
  return { Rules: c.Rules, TransitionDefaultMinimumObjectSize: c.TransitionDefaultMinimumObjectSize };
}

export async function deleteBucketLifecycle(input: T.DeleteBucketLifecycleRequest, ctx: Ctx): Promise<void> {
  const b = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  await ctx.state.deleteConfig(b.name, 'lifecycle');
}
