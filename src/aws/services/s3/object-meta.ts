// What an object keeps besides its bytes (system headers, user metadata, encryption) — taken from a
// request's members and given back as output members.
import { createHash } from 'node:crypto';
import { ServiceError } from '../../../core/errors.ts';
import type { Ctx } from './common.ts';
import { headerSafe } from './common.ts';
import type { Bucket, ObjectMeta, ObjectVersion } from './store.ts';
import { storedContentEncoding } from './bodies.ts';
import { checksumOutput } from './checksums.ts';
import { S3Errors } from './errors.ts';
import { checkHeaderValue, isHeaderName } from './http/header-values.ts';
import { formatArn } from '../../../core/resources/arn.ts';

const MAX_METADATA_BYTES = 2048;
const SSE_VALUES = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

interface MetaInput {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  Metadata?: Record<string, string>;
  WebsiteRedirectLocation?: string;
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: Buffer;
  SSECustomerKeyMD5?: string;
}

interface EncryptionDefault {
  Rules?: Array<{ ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string }; BucketKeyEnabled?: boolean }>;
}

/** The metadata of a new object from a PutObject / CreateMultipartUpload / CopyObject(REPLACE) request. */
export async function metaFromInput(ctx: Ctx, bucket: Bucket, input: MetaInput, rawExpires: string | undefined): Promise<ObjectMeta> {
  const meta: ObjectMeta = {};
  checkStoredHeaders(input);
  meta.ContentType = input.ContentType || 'binary/octet-stream';
  const enc = storedContentEncoding(input.ContentEncoding);
  if (enc) meta.ContentEncoding = enc;
  if (input.ContentDisposition !== undefined) meta.ContentDisposition = input.ContentDisposition;
  if (input.ContentLanguage !== undefined) meta.ContentLanguage = input.ContentLanguage;
  if (input.CacheControl !== undefined) meta.CacheControl = input.CacheControl;
  if (rawExpires !== undefined) meta.Expires = rawExpires;
  if (input.Metadata && Object.keys(input.Metadata).length) {
    let bytes = 0;
    for (const [k, v] of Object.entries(input.Metadata)) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    if (bytes > MAX_METADATA_BYTES) {
      throw new ServiceError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', {
        status: 400,
        fields: { Size: bytes, MaxSizeAllowed: MAX_METADATA_BYTES },
      });
    }
    meta.Metadata = input.Metadata;
  }
  if (input.WebsiteRedirectLocation !== undefined) {
    const loc = input.WebsiteRedirectLocation;
    if (!loc.startsWith('/') && !/^https?:\/\//.test(loc)) {
      throw S3Errors.invalidArgument('The website redirect location must have a prefix of \'http://\' or \'https://\' or \'/\'.', 'x-amz-website-redirect-location', loc);
    }
    meta.WebsiteRedirectLocation = loc;
  }
  Object.assign(meta, await encryptionOf(ctx, bucket, input));
  return meta;
}

/**
 * What is stored here is sent back as headers on every read. Over HTTP Node has already refused what
 * no header can carry; a browser POST form field or an internal call can still hold a CR/LF or a
 * character beyond ISO-8859-1 (user metadata values are RFC 2047-encoded on the way out instead).
 */
function checkStoredHeaders(input: MetaInput): void {
  checkHeaderValue(input.ContentType, 'Content-Type');
  checkHeaderValue(input.WebsiteRedirectLocation, 'x-amz-website-redirect-location');
  for (const k of Object.keys(input.Metadata ?? {})) {
    if (!isHeaderName(`x-amz-meta-${k}`)) throw S3Errors.invalidArgument('Your metadata key is not valid.', `x-amz-meta-${k}`, k);
  }
}

/** Server-side encryption settings: the request's, else the bucket default, else SSE-S3 (AES256). */
export async function encryptionOf(ctx: Ctx, bucket: Bucket, input: MetaInput): Promise<Partial<ObjectMeta>> {
  if (input.SSECustomerAlgorithm !== undefined || input.SSECustomerKey !== undefined) {
    if (input.SSECustomerAlgorithm !== 'AES256') {
      throw S3Errors.invalidArgument('The encryption algorithm specified is not valid.', 'x-amz-server-side-encryption-customer-algorithm', input.SSECustomerAlgorithm);
    }
    if (!input.SSECustomerKey || input.SSECustomerKey.length !== 32) {
      throw S3Errors.invalidArgument('The secret key was invalid for the specified algorithm.', 'x-amz-server-side-encryption-customer-key', '');
    }
    return { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: sseCustomerMd5(input.SSECustomerKey, input.SSECustomerKeyMD5) };
  }
  let sse = input.ServerSideEncryption;
  let keyId = input.SSEKMSKeyId;
  let bucketKey = input.BucketKeyEnabled;
  if (sse === undefined) {
    const rule = (await ctx.state.config<EncryptionDefault>(bucket.name, 'encryption'))?.Rules?.[0];
    sse = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'AES256';
    keyId ??= rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
    bucketKey ??= rule?.BucketKeyEnabled;
  } else if (!SSE_VALUES.has(sse)) {
    throw S3Errors.invalidArgument('Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 'x-amz-server-side-encryption', sse);
  }
  const out: Partial<ObjectMeta> = { ServerSideEncryption: sse };
  if (sse.startsWith('aws:kms')) {
    out.SSEKMSKeyId = keyId ?? formatArn({ service: 'kms', region: ctx.region, account: bucket.account, resource: 'alias/aws/s3' });
    if (bucketKey) out.BucketKeyEnabled = true;
  }
  return out;
}

function sseCustomerMd5(key: Buffer, sent: string | undefined): string {
  const md5 = keyMd5(key);
  if (sent !== undefined && sent !== md5) {
    throw S3Errors.invalidArgument('The calculated MD5 hash of the key did not match the hash that was provided.', 'x-amz-server-side-encryption-customer-key-MD5', sent);
  }
  return md5;
}

function keyMd5(key: Buffer): string {
  return createHash('md5').update(key).digest('base64');
}

/** SSE-C objects need their key again on every read. */
export function checkSseCustomer(meta: ObjectMeta, input: { SSECustomerAlgorithm?: string; SSECustomerKey?: Buffer; SSECustomerKeyMD5?: string }): void {
  if (!meta.SSECustomerAlgorithm) {
    if (input.SSECustomerAlgorithm !== undefined) {
      throw S3Errors.invalidRequest('The encryption parameters are not applicable to this object.');
    }
    return;
  }
  if (!input.SSECustomerKey) {
    throw S3Errors.invalidRequest('The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
  }
  if (keyMd5(input.SSECustomerKey) !== meta.SSECustomerKeyMD5) {
    throw new ServiceError('AccessDenied', 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.', 403);
  }
}

/** The encryption members of an output. */
export function encryptionOutput(meta: ObjectMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.ServerSideEncryption) out.ServerSideEncryption = meta.ServerSideEncryption;
  if (meta.SSEKMSKeyId) out.SSEKMSKeyId = meta.SSEKMSKeyId;
  if (meta.BucketKeyEnabled) out.BucketKeyEnabled = true;
  if (meta.SSECustomerAlgorithm) {
    out.SSECustomerAlgorithm = meta.SSECustomerAlgorithm;
    out.SSECustomerKeyMD5 = meta.SSECustomerKeyMD5;
  }
  return out;
}

/** GetObject / HeadObject members describing a stored version. */
export function objectHeaders(v: ObjectVersion, bucket: Bucket, now: number): Record<string, unknown> {
  const m = v.meta;
  const out: Record<string, unknown> = {
    LastModified: new Date(v.lastModified),
    ETag: v.etag,
    ContentType: m.ContentType,
    ...encryptionOutput(m),
  };
  if (m.ContentEncoding !== undefined) out.ContentEncoding = headerSafe(m.ContentEncoding);
  if (m.ContentDisposition !== undefined) out.ContentDisposition = headerSafe(m.ContentDisposition);
  if (m.ContentLanguage !== undefined) out.ContentLanguage = headerSafe(m.ContentLanguage);
  if (m.CacheControl !== undefined) out.CacheControl = headerSafe(m.CacheControl);
  if (m.Expires !== undefined) {
    const d = Date.parse(m.Expires);
    if (Number.isNaN(d)) out.ExpiresString = headerSafe(m.Expires);
    else out.Expires = new Date(d);
  }
  if (m.Metadata) {
    const md: Record<string, string> = {};
    for (const [k, val] of Object.entries(m.Metadata)) md[k] = headerSafe(val);
    out.Metadata = md;
  }
  if (m.WebsiteRedirectLocation !== undefined) out.WebsiteRedirectLocation = m.WebsiteRedirectLocation;
  if (bucket.versioning !== '') out.VersionId = v.versionId;
  if (v.storageClass !== 'STANDARD') out.StorageClass = v.storageClass;
  const tagCount = v.tags ? Object.keys(v.tags).length : 0;
  if (tagCount) out.TagCount = tagCount;
  if (v.lockMode && v.lockUntil !== undefined) {
    out.ObjectLockMode = v.lockMode;
    out.ObjectLockRetainUntilDate = new Date(v.lockUntil);
  }
  if (bucket.objectLock) out.ObjectLockLegalHoldStatus = v.legalHold ? 'ON' : 'OFF';
  if (v.restore) {
    out.Restore = v.restore.expiry > now
      ? `ongoing-request="false", expiry-date="${new Date(v.restore.expiry).toUTCString()}"`
      : undefined;
  }
  return out;
}

/** The checksum members GetObject / HeadObject return when asked (ChecksumMode=ENABLED). */
export function checksumHeaders(v: ObjectVersion): Record<string, string> {
  return checksumOutput(v.checksum);
}
