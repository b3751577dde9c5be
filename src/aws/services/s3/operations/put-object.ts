// PutObject: the body streams to a new blob (aws-chunked decoded, every digest checked), then one
// unit of work makes it the key's current version. Conditional writes (If-None-Match: *, If-Match)
// are checked before reading the body and again atomically at commit.
import type * as T from '../generated/types.ts';
import type { Readable } from 'node:stream';
import { ServiceError } from '../../../../core/errors.ts';
import {
  checkStorageClass, etagMatches, header, md5Etag, nowSeconds, parseTaggingHeader, requireBucket, type Ctx,
} from '../common.ts';
import type { Bucket } from '../store.ts';
import { keyBytes, MAX_KEY_BYTES } from '../keys.ts';
import { S3Errors } from '../errors.ts';
import { checkBodyHeaders, receiveBody, storedBody } from '../bodies.ts';
import { checksumOutput, type StoredChecksum } from '../checksums.ts';
import { metaFromInput, encryptionOutput } from '../object-meta.ts';
import { checkGrantsAllowed, grantsFromInput } from '../acl.ts';
import { lockForNewObject } from '../lock.ts';
import { commitObject } from '../versions.ts';
import { emit } from '../events.ts';
import { expirationOf } from '../lifecycle.ts';

export function checkKey(key: string): void {
  if (keyBytes(key) > MAX_KEY_BYTES) {
    throw new ServiceError('KeyTooLongError', 'Your key is too long', { status: 400, fields: { MaxSizeAllowed: MAX_KEY_BYTES, Size: keyBytes(key) } });
  }
}

/** If-None-Match: * and If-Match on writes (PutObject, CompleteMultipartUpload, CopyObject). */
export async function checkWriteConditions(ctx: Ctx, bucket: Bucket, key: string, ifMatch: string | undefined, ifNoneMatch: string | undefined): Promise<void> {
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw S3Errors.notImplemented('A header you provided implies functionality that is not implemented', 'If-None-Match');
  }
  const cur = await ctx.state.latest(bucket.name, key);
  const live = cur && !cur.deleteMarker ? cur : undefined;
  if (ifNoneMatch !== undefined && live) throw S3Errors.preconditionFailed('If-None-Match');
  if (ifMatch !== undefined) {
    if (!live) throw S3Errors.noSuchKey(key);
    if (!etagMatches(ifMatch, live.etag)) throw S3Errors.preconditionFailed('If-Match');
  }
}

/** Whether the request carries a digest of its body (Object Lock requires one). */
export function hasBodyDigest(ctx: Ctx): boolean {
  const h = ctx.http.headers;
  if (h['content-md5'] !== undefined || h['x-amz-trailer'] !== undefined) return true;
  for (const name in h) if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm' && name !== 'x-amz-checksum-type' && name !== 'x-amz-checksum-mode') return true;
  return false;
}

export async function putObject(input: T.PutObjectRequest<'in'>, ctx: Ctx): Promise<T.PutObjectOutput> {
  const body = input.Body as Readable | undefined;
  try {
    const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
    checkKey(input.Key);
    checkBodyHeaders(ctx.http.headers);
    if (input.WriteOffsetBytes !== undefined) throw S3Errors.notImplemented('WriteOffsetBytes is only supported for directory buckets', 'x-amz-write-offset-bytes');
    await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
    const storageClass = checkStorageClass(input.StorageClass);
    const grants = grantsFromInput(input, ctx.account, bucket.account);
    if (grants) await checkGrantsAllowed(ctx, bucket, grants, input.ACL);
    const tags = input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : undefined;
    const meta = await metaFromInput(ctx, bucket, input, header(ctx, 'expires'));
    const lock = await lockForNewObject(ctx, bucket, input, hasBodyDigest(ctx));
    const received = await receiveBody(ctx.env, ctx.http.headers, body, { inline: true });
    const checksum: StoredChecksum | undefined = received.algorithm
      ? { algorithm: received.algorithm, value: received.checksums[received.algorithm]!, type: 'FULL_OBJECT' }
      : undefined;
    const etag = md5Etag(received.md5);
    let committed;
    try {
      // The blob is written; the unit records it. If the unit fails nothing refers to the blob,
      // and it is discarded.
      committed = await ctx.state.atomically(async () => {
        await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
        return await commitObject(ctx.state, bucket, {
          key: input.Key, size: received.size, etag, lastModified: nowSeconds(ctx), storageClass,
          owner: bucket.ownership === 'ObjectWriter' ? ctx.account : bucket.account,
          ...storedBody(received), meta, checksum, tags,
          acl: grants, ...lock,
        });
      });
    } catch (err) {
      if (received.blob) ctx.state.discard([received.blob]);
      throw err;
    }
    ctx.state.discard(committed.discarded);
    await emit(ctx, bucket, 'ObjectCreated:Put', { key: input.Key, size: received.size, etag, versionId: committed.versionId });
    const expiration = await expirationOf(ctx.state, bucket.name, { key: input.Key, size: received.size, lastModified: nowSeconds(ctx), tags });
    return {
      ETag: etag,
      ...(expiration ? { Expiration: expiration } : {}),
      ...(committed.bucket.versioning !== '' ? { VersionId: committed.versionId } : {}),
      ...encryptionOutput(meta),
      ...checksumOutput(checksum),
    };
  } catch (err) {
    // A body left unread (an error before reading it) is drained so the connection stays usable.
    if (body && !body.readableEnded) body.resume();
    throw err;
  }
}
