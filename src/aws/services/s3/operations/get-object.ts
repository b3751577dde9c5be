// GetObject and HeadObject: version selection (delete markers answer as S3 does), conditional
// requests (304/412 in S3's order), ranges (206, 416), part numbers, response header overrides,
// checksums on request. Bodies stream from their blobs.
import type * as T from '../generated/types.ts';
import { ServiceError } from '../../../../core/errors.ts';
import { checkVersionId, etagMatches, isArchived, requireBucket, type Ctx } from '../common.ts';
import type { Bucket, ObjectVersion } from '../store.ts';
import { S3Errors } from '../errors.ts';
import { readObject } from '../bodies.ts';
import { checksumOutput, isAlgorithm, type ChecksumAlgorithm } from '../checksums.ts';
import { checkSseCustomer, objectHeaders } from '../object-meta.ts';
import { expirationOf } from '../lifecycle.ts';
import { checkHeaderValue } from '../http/header-values.ts';

/** The version a read names: the latest, or the one asked for; 404/405 for delete markers as S3. */
export async function findVersion(ctx: Ctx, bucket: Bucket, key: string, versionId: string | undefined, method: string): Promise<ObjectVersion> {
  if (versionId !== undefined) {
    checkVersionId(versionId);
    const v = await ctx.state.version(bucket.name, key, versionId);
    if (!v) {
      if (bucket.versioning === '' && versionId !== 'null') throw S3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
      throw S3Errors.noSuchVersion(key, versionId);
    }
    if (v.deleteMarker) {
      throw new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
        status: 405,
        fields: { Method: method, ResourceType: 'DeleteMarker' },
        headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': v.versionId, 'Last-Modified': new Date(v.lastModified).toUTCString(), Allow: 'DELETE' },
      });
    }
    return v;
  }
  const v = await ctx.state.latest(bucket.name, key);
  if (!v) throw S3Errors.noSuchKey(key);
  if (v.deleteMarker) {
    const headers: Record<string, string> = { 'x-amz-delete-marker': 'true' };
    if (bucket.versioning !== '') headers['x-amz-version-id'] = v.versionId;
    throw new ServiceError('NoSuchKey', 'The specified key does not exist.', { status: 404, fields: { Key: key }, headers });
  }
  return v;
}

interface Conditions {
  IfMatch?: string;
  IfNoneMatch?: string;
  IfModifiedSince?: Date;
  IfUnmodifiedSince?: Date;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** RFC 7232 as S3 applies it: If-Match beats If-Unmodified-Since, If-None-Match beats If-Modified-Since. */
export function checkReadConditions(v: ObjectVersion, c: Conditions, now: number): void {
  if (c.IfMatch !== undefined) {
    if (!etagMatches(c.IfMatch, v.etag)) throw S3Errors.preconditionFailed('If-Match');
  } else if (c.IfUnmodifiedSince && seconds(v.lastModified) > seconds(c.IfUnmodifiedSince.getTime())) {
    throw S3Errors.preconditionFailed('If-Unmodified-Since');
  }
  const notModified = () =>
    new ServiceError('NotModified', 'Not Modified', { status: 304, headers: { ETag: v.etag, 'Last-Modified': new Date(v.lastModified).toUTCString() } });
  if (c.IfNoneMatch !== undefined) {
    if (etagMatches(c.IfNoneMatch, v.etag)) throw notModified();
  } else if (c.IfModifiedSince && c.IfModifiedSince.getTime() <= now && seconds(v.lastModified) <= seconds(c.IfModifiedSince.getTime())) {
    throw notModified();
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

/** Parses a Range header against a size: undefined means "the whole object" (S3 ignores what it cannot use). */
export function parseRange(range: string | undefined, size: number): ByteRange | undefined {
  if (range === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () =>
    new ServiceError('InvalidRange', 'The requested range is not satisfiable', {
      status: 416,
      fields: { RangeRequested: range, ActualObjectSize: size },
      headers: { 'Content-Range': `bytes */${size}` },
    });
  if (m[1] !== '') {
    const start = Number(m[1]);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
    if (start >= size) throw unsatisfiable();
    return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
  }
  const n = Number(m[2]);
  if (n === 0 || size === 0) throw unsatisfiable();
  return { start: Math.max(0, size - n), end: size - 1 };
}

/** The byte range of part `n` of an object (1 = the whole object when it was not uploaded in parts). */
function partRange(v: ObjectVersion, n: number): ByteRange & { count: number } {
  const parts = v.parts;
  if (!parts) {
    if (n !== 1) throw new ServiceError('InvalidPartNumber', 'The requested partnumber is not satisfiable', { status: 416, fields: { PartNumberRequested: n, ActualPartCount: 1 } });
    return { start: 0, end: v.size - 1, count: 1 };
  }
  if (n < 1 || n > parts.length) {
    throw new ServiceError('InvalidPartNumber', 'The requested partnumber is not satisfiable', { status: 416, fields: { PartNumberRequested: n, ActualPartCount: parts.length } });
  }
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += parts[i].size;
  return { start, end: start + parts[n - 1].size - 1, count: parts.length };
}

type ReadInput = T.GetObjectRequest<'in'> | T.HeadObjectRequest<'in'>;

/** The response-* overrides become headers as sent: S3 refuses one no header can carry. */
function checkOverrides(input: ReadInput): void {
  checkHeaderValue(input.ResponseCacheControl, 'response-cache-control');
  checkHeaderValue(input.ResponseContentDisposition, 'response-content-disposition');
  checkHeaderValue(input.ResponseContentEncoding, 'response-content-encoding');
  checkHeaderValue(input.ResponseContentLanguage, 'response-content-language');
  checkHeaderValue(input.ResponseContentType, 'response-content-type');
}

async function read(input: ReadInput, ctx: Ctx, method: 'GET' | 'HEAD'): Promise<{ v: ObjectVersion; out: Record<string, unknown>; range?: ByteRange }> {
  checkOverrides(input);
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const v = await findVersion(ctx, bucket, input.Key, input.VersionId, method);
  const now = ctx.clock.now();
  checkSseCustomer(v.meta, input);
  checkReadConditions(v, input, now);
  if (method === 'GET' && isArchived(v.storageClass) && !(v.restore && v.restore.expiry > now)) {
    throw new ServiceError('InvalidObjectState', "The operation is not valid for the object's storage class", { status: 403, fields: { StorageClass: v.storageClass } });
  }
  const out = objectHeaders(v, bucket, now);
  out.AcceptRanges = 'bytes';
  if (v.isLatest) {
    const expiration = await expirationOf(ctx.state, bucket.name, v);
    if (expiration) out.Expiration = expiration;
  }
  let range: ByteRange | undefined;
  if (input.PartNumber !== undefined) {
    if (input.Range !== undefined) throw S3Errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
    const p = partRange(v, input.PartNumber);
    if (v.parts) {
      range = p;
      out.PartsCount = p.count;
    }
  } else {
    range = parseRange(input.Range, v.size);
  }
  if (input.ChecksumMode === 'ENABLED') {
    if (!range) Object.assign(out, checksumOutput(v.checksum));
    else if (input.PartNumber !== undefined && v.parts && v.checksum?.type === 'COMPOSITE') {
      const value = v.parts[input.PartNumber - 1].checksums?.[v.checksum.algorithm];
      if (value && isAlgorithm(v.checksum.algorithm)) Object.assign(out, { [`Checksum${v.checksum.algorithm as ChecksumAlgorithm}`]: value, ChecksumType: 'COMPOSITE' });
    }
  }
  if (range) {
    out.ContentRange = `bytes ${range.start}-${range.end}/${v.size}`;
    out.ContentLength = range.end - range.start + 1;
  } else {
    out.ContentLength = v.size;
  }
  // Response header overrides (response-content-type=...), applied last.
  if (input.ResponseCacheControl !== undefined) out.CacheControl = input.ResponseCacheControl;
  if (input.ResponseContentDisposition !== undefined) out.ContentDisposition = input.ResponseContentDisposition;
  if (input.ResponseContentEncoding !== undefined) out.ContentEncoding = input.ResponseContentEncoding;
  if (input.ResponseContentLanguage !== undefined) out.ContentLanguage = input.ResponseContentLanguage;
  if (input.ResponseContentType !== undefined) out.ContentType = input.ResponseContentType;
  if (input.ResponseExpires !== undefined) {
    out.Expires = input.ResponseExpires;
    delete out.ExpiresString;
  }
  return { v, out, range };
}

export async function getObject(input: T.GetObjectRequest<'in'>, ctx: Ctx): Promise<T.GetObjectOutput<'out'>> {
  const { v, out, range } = await read(input, ctx, 'GET');
  const start = range?.start ?? 0;
  const end = range?.end ?? v.size - 1;
  // Small bodies kept inline go out as one buffer: no stream to set up and tear down.
  out.Body = v.inline ? v.inline.subarray(start, end + 1) : readObject(ctx.env, v, start, end);
  return out as T.GetObjectOutput<'out'>;
}

export async function headObject(input: T.HeadObjectRequest<'in'>, ctx: Ctx): Promise<T.HeadObjectOutput> {
  return (await read(input, ctx, 'HEAD')).out as T.HeadObjectOutput;
}
