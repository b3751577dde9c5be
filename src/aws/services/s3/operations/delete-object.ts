// DeleteObject and DeleteObjects (up to 1000 keys, quiet mode, an error entry per key that fails).
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { checkVersionId, etagMatches, requireBucket, type Ctx } from '../common.ts';
import type { Bucket } from '../store.ts';
import { S3Errors } from '../errors.ts';
import { deleteObject as removeObject, type Deleted } from '../versions.ts';
import { emit } from '../events.ts';

/** One key's delete as one unit of work: If-Match, Object Lock and the versions decided together. */
async function deleteOne(ctx: Ctx, bucket: Bucket, key: string, versionId: string | undefined, bypass: boolean, ifMatch?: string): Promise<Deleted> {
  if (versionId !== undefined) checkVersionId(versionId);
  const result = await ctx.state.atomically(async () => {
    // Read again inside the unit: the bucket may have been deleted, or its versioning changed.
    const current = await ctx.state.bucket(bucket.name);
    if (!current) throw S3Errors.noSuchBucket(bucket.name);
    if (ifMatch !== undefined) {
      const cur = await ctx.state.latest(bucket.name, key);
      if (!cur || cur.deleteMarker) throw S3Errors.noSuchKey(key);
      if (!etagMatches(ifMatch, cur.etag)) throw S3Errors.preconditionFailed('If-Match');
    }
    return await removeObject(ctx.state, current, key, { versionId, now: ctx.clock.now(), bypassGovernance: bypass, owner: current.account });
  });
  ctx.state.discard(result.discarded);
  if (result.changed) {
    await emit(ctx, bucket, result.markerCreated ? 'ObjectRemoved:DeleteMarkerCreated' : 'ObjectRemoved:Delete', { key, versionId: result.versionId });
  }
  return result;
}

export async function deleteObject(input: T.DeleteObjectRequest, ctx: Ctx): Promise<T.DeleteObjectOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const r = await deleteOne(ctx, bucket, input.Key, input.VersionId, input.BypassGovernanceRetention === true, input.IfMatch);
  const out: T.DeleteObjectOutput = {};
  if (r.deleteMarker) out.DeleteMarker = true;
  if (r.versionId !== undefined && (bucket.versioning !== '' || input.VersionId !== undefined)) out.VersionId = r.versionId;
  return out;
}

export async function deleteObjects(input: T.DeleteObjectsRequest, ctx: Ctx): Promise<T.DeleteObjectsOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const h = ctx.http.headers;
  const digest = h['content-md5'] !== undefined || Object.keys(h).some((k) => k.startsWith('x-amz-checksum-') && k !== 'x-amz-checksum-algorithm');
  if (!digest) throw S3Errors.invalidRequest('Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  const objects = input.Delete?.Objects ?? [];
  if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformedXml();
  const deleted: T.DeletedObject[] = [];
  const errors: T.ErrorShape[] = [];
  for (const o of objects) {
    const key = o.Key ?? '';
    try {
      const r = await deleteOne(ctx, bucket, key, o.VersionId, input.BypassGovernanceRetention === true, o.ETag !== undefined ? `"${o.ETag.replace(/"/g, '')}"` : undefined);
      if (input.Delete.Quiet) continue;
      const d: T.DeletedObject = { Key: key };
      if (o.VersionId !== undefined) d.VersionId = o.VersionId;
      if (r.deleteMarker) {
        d.DeleteMarker = true;
        if (r.markerCreated) d.DeleteMarkerVersionId = r.versionId;
        else if (o.VersionId !== undefined) d.DeleteMarkerVersionId = o.VersionId;
      }
      deleted.push(d);
    } catch (err) {
      if (!(err instanceof ServiceError) || err.status >= 500) throw err;
      const e: T.ErrorShape = { Key: key, Code: err.code, Message: err.message };
      if (o.VersionId !== undefined) e.VersionId = o.VersionId;
      errors.push(e);
    }
  }
  const out: T.DeleteObjectsOutput = {};
  if (deleted.length) out.Deleted = deleted;
  if (errors.length) out.Errors = errors;
  return out;
}
