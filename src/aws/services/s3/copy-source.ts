// x-amz-copy-source ("bucket/key?versionId=…", URL-encoded) and the x-amz-copy-source-if-* conditions
// shared by CopyObject and UploadPartCopy.
import { ServiceError } from '../../../core/errors.ts';
import { checkVersionId, etagMatches, isArchived, type Ctx } from './common.ts';
import type { Bucket, ObjectVersion } from './store.ts';
import { S3Errors } from './errors.ts';

export interface CopySource {
  bucket: Bucket;
  version: ObjectVersion;
  /** Whether a version id was given (x-amz-copy-source-version-id is answered then, or when versioned). */
  versionId?: string;
}

export function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  let s = raw;
  let versionId: string | undefined;
  const q = s.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(s.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    s = s.slice(0, q);
  }
  try {
    s = decodeURIComponent(s);
  } catch {
    throw S3Errors.invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', raw);
  }
  if (s.startsWith('/')) s = s.slice(1);
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) {
    throw S3Errors.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', raw);
  }
  return { bucket: s.slice(0, slash), key: s.slice(slash + 1), versionId };
}

interface SourceConditions {
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date;
  CopySourceIfUnmodifiedSince?: Date;
}

/** Resolves the copy source to a readable version and checks the copy-source conditions. */
export async function resolveCopySource(ctx: Ctx, raw: string, cond: SourceConditions): Promise<CopySource> {
  const { bucket: name, key, versionId } = parseCopySource(raw);
  const bucket = await ctx.state.bucket(name);
  if (!bucket) throw S3Errors.noSuchBucket(name);
  let version: ObjectVersion | undefined;
  if (versionId !== undefined) {
    checkVersionId(versionId);
    version = await ctx.state.version(name, key, versionId);
    if (!version) throw S3Errors.noSuchVersion(key, versionId);
    if (version.deleteMarker) throw S3Errors.invalidRequest('The source of a copy request may not specifically refer to a delete marker by version id.');
  } else {
    version = await ctx.state.latest(name, key);
    if (!version || version.deleteMarker) throw S3Errors.noSuchKey(key);
  }
  const now = ctx.clock.now();
  if (isArchived(version.storageClass) && !(version.restore && version.restore.expiry > now)) {
    throw new ServiceError('InvalidObjectState', "The operation is not valid for the object's storage class", { status: 403, fields: { StorageClass: version.storageClass } });
  }
  const sec = (ms: number) => Math.floor(ms / 1000);
  const lm = sec(version.lastModified);
  // Unlike GET, any failing copy-source condition is a 412.
  if (cond.CopySourceIfMatch !== undefined && !etagMatches(cond.CopySourceIfMatch, version.etag)) throw S3Errors.preconditionFailed('x-amz-copy-source-If-Match');
  if (cond.CopySourceIfNoneMatch !== undefined && etagMatches(cond.CopySourceIfNoneMatch, version.etag)) throw S3Errors.preconditionFailed('x-amz-copy-source-If-None-Match');
  if (cond.CopySourceIfUnmodifiedSince && cond.CopySourceIfMatch === undefined && lm > sec(cond.CopySourceIfUnmodifiedSince.getTime())) {
    throw S3Errors.preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (cond.CopySourceIfModifiedSince && cond.CopySourceIfNoneMatch === undefined && lm <= sec(cond.CopySourceIfModifiedSince.getTime())) {
    throw S3Errors.preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
  return { bucket, version, versionId };
}

/** The version id to report as x-amz-copy-source-version-id. */
export function sourceVersionHeader(src: CopySource): string | undefined {
  return src.versionId ?? (src.bucket.versioning !== '' ? src.version.versionId : undefined);
}
