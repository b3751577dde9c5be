// An object's sub-resources: tagging, ACL, Object Lock retention and legal hold, attributes, and
// restores of archived objects.
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { requireBucket, tagSet, tagsFromSet, validateObjectTags, type Ctx } from '../common.ts';
import type { Bucket, ObjectVersion } from '../store.ts';
import { S3Errors } from '../errors.ts';
import { checksumMember, checksumOutput } from '../checksums.ts';
import { aclOutput, checkGrantsAllowed, grantsToPut } from '../acl.ts';
import { checkMode } from '../lock.ts';
import { emit } from '../events.ts';
import { findVersion } from './get-object.ts';

const DAY = 86_400_000;

function versionOut(bucket: Bucket, v: ObjectVersion): { VersionId?: string } {
  return bucket.versioning !== '' ? { VersionId: v.versionId } : {};
}

// ── Tagging ──────────────────────────────────────────────────────────────────────────────────────

export async function getObjectTagging(input: T.GetObjectTaggingRequest, ctx: Ctx): Promise<T.GetObjectTaggingOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'GET');
  return { TagSet: tagSet(v.tags), ...versionOut(bucket, v) };
}

export async function putObjectTagging(input: T.PutObjectTaggingRequest, ctx: Ctx): Promise<T.PutObjectTaggingOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const tags = tagsFromSet(input.Tagging?.TagSet);
  validateObjectTags(tags);
  // The version found is the one changed: no other request removes it in between.
  const v = await ctx.state.atomically(async () => {
    const found = await findVersion(ctx, bucket, input.Key, input.VersionId, 'PUT');
    await ctx.state.updateVersion(found.seq, { tags });
    return found;
  });
  await emit(ctx, bucket, 'ObjectTagging:Put', { key: v.key, versionId: v.versionId, etag: v.etag, size: v.size });
  return versionOut(bucket, v);
}

export async function deleteObjectTagging(input: T.DeleteObjectTaggingRequest, ctx: Ctx): Promise<T.DeleteObjectTaggingOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const v = await ctx.state.atomically(async () => {
    const found = await findVersion(ctx, bucket, input.Key, input.VersionId, 'DELETE');
    await ctx.state.updateVersion(found.seq, { tags: null });
    return found;
  });
  await emit(ctx, bucket, 'ObjectTagging:Delete', { key: v.key, versionId: v.versionId, etag: v.etag, size: v.size });
  return versionOut(bucket, v);
}

// ── ACL ──────────────────────────────────────────────────────────────────────────────────────────

export async function getObjectAcl(input: T.GetObjectAclRequest, ctx: Ctx): Promise<T.GetObjectAclOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'GET');
  return aclOutput(v.owner, v.acl);
}

export async function putObjectAcl(input: T.PutObjectAclRequest, ctx: Ctx): Promise<T.PutObjectAclOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const v = await ctx.state.atomically(async () => {
    const found = await findVersion(ctx, bucket, input.Key, input.VersionId, 'PUT');
    const grants = grantsToPut(input, found.owner, bucket.account);
    await checkGrantsAllowed(ctx, bucket, grants, input.ACL);
    await ctx.state.updateVersion(found.seq, { acl: grants });
    return found;
  });
  await emit(ctx, bucket, 'ObjectAcl:Put', { key: v.key, versionId: v.versionId, etag: v.etag, size: v.size });
  return {};
}

// ── Object Lock ──────────────────────────────────────────────────────────────────────────────────

function requireLockBucket(bucket: Bucket): void {
  if (!bucket.objectLock) throw S3Errors.invalidRequest('Bucket is missing Object Lock Configuration');
}

const noLock = () => new ServiceError('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404);

export async function getObjectRetention(input: T.GetObjectRetentionRequest, ctx: Ctx): Promise<T.GetObjectRetentionOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  requireLockBucket(bucket);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'GET');
  if (!v.lockMode || v.lockUntil === undefined) throw noLock();
  return { Retention: { Mode: v.lockMode, RetainUntilDate: new Date(v.lockUntil) } };
}

export async function putObjectRetention(input: T.PutObjectRetentionRequest, ctx: Ctx): Promise<T.PutObjectRetentionOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  requireLockBucket(bucket);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'PUT');
  const r = input.Retention ?? {};
  const now = ctx.clock.now();
  if (r.Mode !== undefined) checkMode(r.Mode);
  if ((r.Mode === undefined) !== (r.RetainUntilDate === undefined)) throw S3Errors.malformedXml();
  const until = r.RetainUntilDate?.getTime();
  if (until !== undefined && until <= now) throw S3Errors.invalidArgument('The retain until date must be in the future!', 'RetainUntilDate', r.RetainUntilDate!.toISOString());
  const active = v.lockMode && v.lockUntil !== undefined && v.lockUntil > now;
  if (active) {
    const weaker = until === undefined || until < v.lockUntil! || (v.lockMode === 'COMPLIANCE' && r.Mode !== 'COMPLIANCE');
    if (weaker && (v.lockMode === 'COMPLIANCE' || input.BypassGovernanceRetention !== true)) {
      throw new ServiceError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
    }
  }
  await ctx.state.updateVersion(v.seq, { lockMode: r.Mode ?? null, lockUntil: until ?? null });
  return {};
}

export async function getObjectLegalHold(input: T.GetObjectLegalHoldRequest, ctx: Ctx): Promise<T.GetObjectLegalHoldOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  requireLockBucket(bucket);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'GET');
  return { LegalHold: { Status: v.legalHold ? 'ON' : 'OFF' } };
}

export async function putObjectLegalHold(input: T.PutObjectLegalHoldRequest, ctx: Ctx): Promise<T.PutObjectLegalHoldOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  requireLockBucket(bucket);
  const status = input.LegalHold?.Status;
  if (status !== 'ON' && status !== 'OFF') throw S3Errors.malformedXml();
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'PUT');
  await ctx.state.updateVersion(v.seq, { legalHold: status === 'ON' });
  return {};
}

// ── Attributes ───────────────────────────────────────────────────────────────────────────────────

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

export async function getObjectAttributes(input: T.GetObjectAttributesRequest<'in'>, ctx: Ctx): Promise<T.GetObjectAttributesOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const attrs = (input.ObjectAttributes ?? []).filter((a) => a !== '');
  if (!attrs.length) throw S3Errors.invalidRequest('The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
  if (attrs.some((a) => !ATTRIBUTES.has(a))) throw S3Errors.invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', attrs.join(','));
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, 'GET');
  const out: T.GetObjectAttributesOutput = { LastModified: new Date(v.lastModified), ...versionOut(bucket, v) };
  if (attrs.includes('ETag')) out.ETag = v.etag.replace(/"/g, '');
  if (attrs.includes('StorageClass')) out.StorageClass = v.storageClass;
  if (attrs.includes('ObjectSize')) out.ObjectSize = v.size;
  if (attrs.includes('Checksum') && v.checksum) {
    // The whole-object value without the -N suffix S3 shows elsewhere for composite checksums.
    out.Checksum = { ...checksumOutput({ ...v.checksum, value: v.checksum.value.replace(/-\d+$/, '') }) };
  }
  if (attrs.includes('ObjectParts') && v.parts) {
    const max = Math.min(input.MaxParts ?? 1000, 1000);
    const marker = input.PartNumberMarker ?? 0;
    const parts: T.GetObjectAttributesParts = { TotalPartsCount: v.parts.length, PartNumberMarker: marker, MaxParts: max };
    if (v.checksum?.type === 'COMPOSITE') {
      const a = v.checksum.algorithm;
      const all = v.parts.map((p, i) => ({ PartNumber: i + 1, Size: p.size, [checksumMember(a)]: p.checksums?.[a] }));
      const page = all.filter((p) => p.PartNumber > marker).slice(0, max);
      parts.Parts = page;
      parts.IsTruncated = all.length > 0 && page.length > 0 && page[page.length - 1].PartNumber < all.length;
      if (page.length) parts.NextPartNumberMarker = page[page.length - 1].PartNumber;
    } else {
      parts.IsTruncated = false;
    }
    out.ObjectParts = parts;
  }
  return out;
}

// ── Restore ──────────────────────────────────────────────────────────────────────────────────────

/** Requests whose restore was newly started answer 202, re-requests 200 (decorate reads this). */
export const restoreAccepted = new WeakSet<object>();

export async function restoreObject(input: T.RestoreObjectRequest, ctx: Ctx): Promise<T.RestoreObjectOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const { v, already } = await ctx.state.atomically(async () => {
    const found = await findVersion(ctx, bucket, input.Key, input.VersionId, 'POST');
    return { v: found, already: await startRestore(ctx, found, input) };
  });
  if (!already) {
    restoreAccepted.add(ctx.http);
    await emit(ctx, bucket, 'ObjectRestore:Post', { key: v.key, versionId: v.versionId, etag: v.etag, size: v.size });
    await emit(ctx, bucket, 'ObjectRestore:Completed', { key: v.key, versionId: v.versionId, etag: v.etag, size: v.size });
  }
  return {};
}

/** Records a restore of `v` (within the caller's unit); whether one was already in effect. */
async function startRestore(ctx: Ctx, v: ObjectVersion, input: T.RestoreObjectRequest): Promise<boolean> {
  if (v.storageClass !== 'GLACIER' && v.storageClass !== 'DEEP_ARCHIVE' && v.storageClass !== 'INTELLIGENT_TIERING') {
    throw new ServiceError('InvalidObjectState', "Restore is not allowed for the object's current storage class", { status: 403, fields: { StorageClass: v.storageClass } });
  }
  const days = input.RestoreRequest?.Days;
  if (days === undefined || days < 1) throw S3Errors.malformedXml();
  const now = ctx.clock.now();
  const already = v.restore && v.restore.expiry > now;
  // Restores complete at once here: the copy is available as soon as it is asked for.
  await ctx.state.updateVersion(v.seq, { restore: { expiry: now + days * DAY } });
  return !!already;
}
