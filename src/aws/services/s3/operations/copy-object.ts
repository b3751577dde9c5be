// CopyObject: the source's bytes stream into a new blob (its MD5 becomes the ETag, as S3 computes
// it for a single-request copy), with metadata and tags copied or replaced as the directives say.
import type * as T from '../generated/types.ts';
import { checkStorageClass, header, md5Etag, nowSeconds, parseTaggingHeader, requireBucket, type Ctx } from '../common.ts';
import type { ObjectMeta } from '../store.ts';
import { S3Errors } from '../errors.ts';
import { copyBody, storedBody } from '../bodies.ts';
import { checksumOutput, isAlgorithm, type ChecksumAlgorithm, type StoredChecksum } from '../checksums.ts';
import { encryptionOf, encryptionOutput, metaFromInput } from '../object-meta.ts';
import { checkGrantsAllowed, grantsFromInput } from '../acl.ts';
import { lockForNewObject } from '../lock.ts';
import { commitObject } from '../versions.ts';
import { emit } from '../events.ts';
import { checkKey, checkWriteConditions } from './put-object.ts';
import { resolveCopySource, sourceVersionHeader } from '../copy-source.ts';

const MAX_COPY_SIZE = 5 * 1024 ** 3;

export async function copyObject(input: T.CopyObjectRequest<'in'>, ctx: Ctx): Promise<T.CopyObjectOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  checkKey(input.Key);
  const metadataDirective = input.MetadataDirective ?? 'COPY';
  if (metadataDirective !== 'COPY' && metadataDirective !== 'REPLACE') throw S3Errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', metadataDirective);
  const taggingDirective = input.TaggingDirective ?? 'COPY';
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') throw S3Errors.invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', taggingDirective);
  const src = await resolveCopySource(ctx, input.CopySource, input);
  const source = src.version;
  if (source.size > MAX_COPY_SIZE) {
    throw S3Errors.invalidRequest('The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  }
  const sameObject = src.bucket.name === bucket.name && source.key === input.Key && (src.versionId === undefined || source.isLatest);
  if (
    sameObject && metadataDirective === 'COPY' && input.StorageClass === undefined && input.WebsiteRedirectLocation === undefined &&
    input.ServerSideEncryption === undefined && input.SSECustomerAlgorithm === undefined && input.SSEKMSKeyId === undefined
  ) {
    throw S3Errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
  const storageClass = checkStorageClass(input.StorageClass);
  const grants = grantsFromInput(input, ctx.account, bucket.account);
  if (grants) await checkGrantsAllowed(ctx, bucket, grants, input.ACL);
  let meta: ObjectMeta;
  if (metadataDirective === 'REPLACE') meta = await metaFromInput(ctx, bucket, input, header(ctx, 'expires'));
  else {
    const { ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires, Metadata } = source.meta;
    meta = { ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires, Metadata };
    for (const k of Object.keys(meta) as Array<keyof ObjectMeta>) if (meta[k] === undefined) delete meta[k];
    if (input.WebsiteRedirectLocation !== undefined) meta.WebsiteRedirectLocation = input.WebsiteRedirectLocation;
    Object.assign(meta, await encryptionOf(ctx, bucket, input));
  }
  const tags = taggingDirective === 'REPLACE' ? (input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : undefined) : source.tags;
  const lock = await lockForNewObject(ctx, bucket, input, true);
  let algorithm: ChecksumAlgorithm | undefined;
  if (input.ChecksumAlgorithm !== undefined) {
    const a = input.ChecksumAlgorithm.toUpperCase();
    if (!isAlgorithm(a)) throw S3Errors.invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
    algorithm = a;
  } else if (source.checksum) algorithm = source.checksum.algorithm;
  const copied = await copyBody(ctx.env, source, 0, source.size - 1, algorithm ? [algorithm] : [], true);
  const checksum: StoredChecksum | undefined = algorithm ? { algorithm, value: copied.checksums[algorithm]!, type: 'FULL_OBJECT' } : undefined;
  const etag = md5Etag(copied.md5);
  const lastModified = nowSeconds(ctx);
  let committed;
  try {
    committed = await ctx.state.atomically(async () => {
      await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
      return await commitObject(ctx.state, bucket, {
        key: input.Key, size: copied.size, etag, lastModified, storageClass,
        owner: bucket.ownership === 'ObjectWriter' ? ctx.account : bucket.account,
        ...storedBody(copied), meta, checksum, tags, acl: grants, ...lock,
      });
    });
  } catch (err) {
    if (copied.blob) ctx.state.discard([copied.blob]);
    throw err;
  }
  ctx.state.discard(committed.discarded);
  await emit(ctx, bucket, 'ObjectCreated:Copy', { key: input.Key, size: copied.size, etag, versionId: committed.versionId });
  const out: T.CopyObjectOutput = {
    CopyObjectResult: { ETag: etag, LastModified: new Date(lastModified), ...checksumOutput(checksum) },
    ...encryptionOutput(meta),
  };
  if (committed.bucket.versioning !== '') out.VersionId = committed.versionId;
  const sv = sourceVersionHeader(src);
  if (sv !== undefined) out.CopySourceVersionId = sv;
  return out;
}
