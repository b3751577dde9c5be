// Multipart uploads: parts stream to their own blobs; completion checks the part list (order, ETags,
// 5 MiB minimum) and makes the object out of the part blobs themselves, so nothing is copied or
// loaded in memory. ETags are md5-of-part-md5s-N; checksums are composite (hash of the part
// checksums, -N) or full-object (the part CRCs combined).
import { createHash } from 'node:crypto';
import type * as T from '../generated/types.ts';
import type { Readable } from 'node:stream';
import { ServiceError } from '../../../../core/errors.ts';
import {
  checkStorageClass, header, md5Etag, newUploadId, nowSeconds, ownerOf, parseTaggingHeader, requireBucket, type Ctx,
} from '../common.ts';
import type { Bucket, Part, PartInfo, Upload } from '../store.ts';
import type { Segment } from '../bodies.ts';
import { S3Errors } from '../errors.ts';
import { checkBodyHeaders, copyBody, receiveBody } from '../bodies.ts';
import {
  checksumInput, checksumMember, checksumOutput, createDigester, defaultChecksumType, isAlgorithm, isCrc,
  type ChecksumAlgorithm, type StoredChecksum,
} from '../checksums.ts';
import { combineCrcs } from '../crc.ts';
import { encryptionOutput, metaFromInput } from '../object-meta.ts';
import { checkGrantsAllowed, grantsFromInput } from '../acl.ts';
import { lockForNewObject } from '../lock.ts';
import { commitObject } from '../versions.ts';
import { emit } from '../events.ts';
import { abortDateOf } from '../lifecycle.ts';
import { checkKey, checkWriteConditions } from './put-object.ts';
import { resolveCopySource, sourceVersionHeader } from '../copy-source.ts';
import { encodeKey, keyAfter, prefixEnd, urlEncodeKey } from '../keys.ts';

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_SIZE = 5 * 1024 ** 3;

async function requireUpload(ctx: Ctx, bucket: Bucket, key: string, uploadId: string): Promise<Upload> {
  const u = await ctx.state.upload(uploadId);
  if (!u || u.bucket !== bucket.name || u.key !== key) throw S3Errors.noSuchUpload(uploadId);
  return u;
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw S3Errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(n));
  }
}

function uploadAlgorithm(u: Upload): ChecksumAlgorithm | undefined {
  return isAlgorithm(u.checksumAlgorithm) ? u.checksumAlgorithm : undefined;
}

export async function createMultipartUpload(input: T.CreateMultipartUploadRequest<'in'>, ctx: Ctx): Promise<T.CreateMultipartUploadOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  checkKey(input.Key);
  const storageClass = checkStorageClass(input.StorageClass);
  const grants = grantsFromInput(input, ctx.account, bucket.account);
  if (grants) await checkGrantsAllowed(ctx, bucket, grants, input.ACL);
  const tags = input.Tagging !== undefined ? parseTaggingHeader(input.Tagging) : undefined;
  const meta = await metaFromInput(ctx, bucket, input, header(ctx, 'expires'));
  const lock = await lockForNewObject(ctx, bucket, input, true);
  let algorithm: ChecksumAlgorithm | undefined;
  let type: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
  if (input.ChecksumAlgorithm !== undefined) {
    const a = input.ChecksumAlgorithm.toUpperCase();
    if (!isAlgorithm(a)) throw S3Errors.invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
    algorithm = a;
  }
  if (input.ChecksumType !== undefined) {
    if (input.ChecksumType !== 'FULL_OBJECT' && input.ChecksumType !== 'COMPOSITE') throw S3Errors.invalidRequest('Value for x-amz-checksum-type header is invalid.');
    if (!algorithm) throw S3Errors.invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
    type = input.ChecksumType;
  }
  if (algorithm) {
    type ??= defaultChecksumType(algorithm);
    if (type === 'FULL_OBJECT' && !isCrc(algorithm)) {
      throw S3Errors.invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
    }
    if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
      throw S3Errors.invalidRequest('The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.');
    }
  }
  const uploadId = newUploadId();
  const initiated = ctx.clock.now();
  await ctx.state.createUpload({
    uploadId, bucket: bucket.name, key: input.Key, initiated, owner: ctx.account, storageClass,
    meta: { ...meta, tags, acl: grants, ...lock }, checksumAlgorithm: algorithm, checksumType: type,
  });
  const out: T.CreateMultipartUploadOutput = { Bucket: bucket.name, Key: input.Key, UploadId: uploadId, ...encryptionOutput(meta) };
  const abort = await abortDateOf(ctx.state, bucket.name, input.Key, initiated);
  if (abort) {
    out.AbortDate = new Date(abort.date);
    if (abort.ruleId) out.AbortRuleId = abort.ruleId;
  }
  if (algorithm) {
    out.ChecksumAlgorithm = algorithm;
    out.ChecksumType = type;
  }
  return out;
}

/** The part checksum the client sent must use the upload's algorithm. */
function checkPartAlgorithm(u: Upload, sent: ChecksumAlgorithm | undefined): void {
  const a = uploadAlgorithm(u);
  if (a && sent && sent !== a) {
    throw S3Errors.invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${a.toLowerCase()}, actual checksum Type: ${sent.toLowerCase()}`);
  }
}

async function storePart(ctx: Ctx, u: Upload, p: Part): Promise<void> {
  let old: string | undefined;
  try {
    // The upload may have been completed or aborted while the part was uploading.
    const stored = await ctx.state.putPartIfUploading(u.uploadId, p);
    if (!stored.uploading) throw S3Errors.noSuchUpload(u.uploadId);
    old = stored.replaced;
  } catch (err) {
    ctx.state.discard([p.blob]);
    throw err;
  }
  if (old) ctx.state.discard([old]);
}

export async function uploadPart(input: T.UploadPartRequest<'in'>, ctx: Ctx): Promise<T.UploadPartOutput> {
  const body = input.Body as Readable | undefined;
  try {
    const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
    checkPartNumber(input.PartNumber);
    const u = await requireUpload(ctx, bucket, input.Key, input.UploadId);
    checkBodyHeaders(ctx.http.headers, MAX_PART_SIZE);
    const a = uploadAlgorithm(u);
    const received = await receiveBody(ctx.env, ctx.http.headers, body, { compute: a ? [a] : [], maxSize: MAX_PART_SIZE });
    try {
      checkPartAlgorithm(u, received.algorithm);
    } catch (err) {
      if (received.blob) ctx.state.discard([received.blob]);
      throw err;
    }
    // An empty part still needs a blob id of its own: store an empty body.
    const blob = received.blob ?? (await ctx.env.blobs.write(Buffer.alloc(0))).id;
    const etag = md5Etag(received.md5);
    await storePart(ctx, u, { partNumber: input.PartNumber, blob, size: received.size, etag, lastModified: nowSeconds(ctx), checksums: received.checksums });
    const out: T.UploadPartOutput = { ETag: etag, ...encryptionOutput(u.meta) };
    const shown = a ?? received.algorithm;
    if (shown) Object.assign(out, { [checksumMember(shown)]: received.checksums[shown] });
    return out;
  } catch (err) {
    if (body && !body.readableEnded) body.resume();
    throw err;
  }
}

export async function uploadPartCopy(input: T.UploadPartCopyRequest<'in'>, ctx: Ctx): Promise<T.UploadPartCopyOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  checkPartNumber(input.PartNumber);
  const u = await requireUpload(ctx, bucket, input.Key, input.UploadId);
  const src = await resolveCopySource(ctx, input.CopySource, input);
  const size = src.version.size;
  let start = 0;
  let end = size - 1;
  if (input.CopySourceRange !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange.trim());
    if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
      throw S3Errors.invalidArgument(`Range specified is not valid for source object of size: ${size}`, 'x-amz-copy-source-range', input.CopySourceRange);
    }
    start = Number(m[1]);
    end = Number(m[2]);
  }
  if (end - start + 1 > MAX_PART_SIZE) throw S3Errors.invalidRequest('The specified copy range is larger than the maximum allowable size for a part: 5368709120');
  const a = uploadAlgorithm(u);
  const copied = await copyBody(ctx.env, src.version, start, end, a ? [a] : []);
  const blob = copied.blob ?? (await ctx.env.blobs.write(Buffer.alloc(0))).id;
  const etag = md5Etag(copied.md5);
  const lastModified = nowSeconds(ctx);
  await storePart(ctx, u, { partNumber: input.PartNumber, blob, size: copied.size, etag, lastModified, checksums: copied.checksums });
  const result: T.CopyPartResult = { ETag: etag, LastModified: new Date(lastModified) };
  if (a) Object.assign(result, { [checksumMember(a)]: copied.checksums[a] });
  const out: T.UploadPartCopyOutput = { CopyPartResult: result, ...encryptionOutput(u.meta) };
  const sv = sourceVersionHeader(src);
  if (sv !== undefined) out.CopySourceVersionId = sv;
  return out;
}

function composite(a: ChecksumAlgorithm, values: string[]): string {
  const d = createDigester(a);
  for (const v of values) d.update(Buffer.from(v, 'base64'));
  return `${d.digest().toString('base64')}-${values.length}`;
}

interface Assembled {
  chosen: Part[];
  size: number;
  etag: string;
  checksum?: StoredChecksum;
}

/** Checks the requested part list against the stored parts (order, ETags, checksums, sizes). */
function assemble(u: Upload, input: T.CompleteMultipartUploadRequest<'in'>, requested: T.CompletedPart[], stored: Map<number, Part>): Assembled {
  const a = uploadAlgorithm(u);
  const chosen: Part[] = [];
  let previous = 0;
  for (let i = 0; i < requested.length; i++) {
    const r = requested[i];
    const n = r.PartNumber ?? 0;
    if (n <= previous) {
      throw new ServiceError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { status: 400, fields: { UploadId: u.uploadId } });
    }
    previous = n;
    const p = stored.get(n);
    const invalidPart = () =>
      new ServiceError('InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.", {
        status: 400,
        fields: { UploadId: u.uploadId, PartNumber: n, ETag: r.ETag },
      });
    if (!p || !r.ETag || r.ETag.replace(/"/g, '') !== p.etag.replace(/"/g, '')) throw invalidPart();
    const sent = checksumInput(r as unknown as Record<string, unknown>);
    if (sent) {
      if (a && sent.algorithm !== a) checkPartAlgorithm(u, sent.algorithm);
      if (p.checksums[sent.algorithm] !== undefined && p.checksums[sent.algorithm] !== sent.value) {
        throw S3Errors.invalidPart(u.uploadId, n, r.ETag, `The ${sent.algorithm.toLowerCase()} you specified for part ${n} did not match what we received.`);
      }
    } else if (a && u.checksumType === 'COMPOSITE') {
      throw S3Errors.invalidRequest(`The upload was created using a ${a.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${n} in the request.`);
    }
    chosen.push(p);
  }
  // Sizes are checked once the list itself is known to be valid.
  for (let i = 0; i < chosen.length - 1; i++) {
    const p = chosen[i];
    if (p.size < MIN_PART_SIZE) {
      throw new ServiceError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
        status: 400,
        fields: { ProposedSize: p.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: p.partNumber, ETag: p.etag },
      });
    }
  }
  const size = chosen.reduce((s, p) => s + p.size, 0);
  if (input.MpuObjectSize !== undefined && input.MpuObjectSize !== size) {
    throw S3Errors.invalidRequest(`The provided 'x-amz-mp-object-size' header value ${input.MpuObjectSize} does not match what was computed: ${size}`);
  }
  const md5s = createHash('md5');
  for (const p of chosen) md5s.update(Buffer.from(p.etag.replace(/"/g, ''), 'hex'));
  const etag = `"${md5s.digest('hex')}-${chosen.length}"`;
  let checksum: StoredChecksum | undefined;
  if (a) {
    const values = chosen.map((p) => p.checksums[a]);
    if (values.every((v) => v !== undefined)) {
      checksum = u.checksumType === 'FULL_OBJECT' && isCrc(a)
        ? { algorithm: a, type: 'FULL_OBJECT', value: combineCrcs(a, chosen.map((p) => ({ crc: Buffer.from(p.checksums[a]!, 'base64'), size: p.size }))).toString('base64') }
        : { algorithm: a, type: 'COMPOSITE', value: composite(a, values as string[]) };
    }
    const sent = checksumInput(input as unknown as Record<string, unknown>);
    if (sent && checksum) {
      const expected = checksum.type === 'COMPOSITE' ? checksum.value.replace(/-\d+$/, '') : checksum.value;
      if (sent.algorithm !== a || sent.value.replace(/-\d+$/, '') !== expected) {
        throw S3Errors.badDigest(`The ${sent.algorithm.toLowerCase()} you specified did not match the calculated checksum.`);
      }
    }
  }
  return { chosen, size, etag, checksum };
}

export async function completeMultipartUpload(input: T.CompleteMultipartUploadRequest<'in'>, ctx: Ctx): Promise<T.CompleteMultipartUploadOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const u = await requireUpload(ctx, bucket, input.Key, input.UploadId);
  const requested = input.MultipartUpload?.Parts ?? [];
  if (!requested.length) throw S3Errors.invalidRequest('You must specify at least one part');
  await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
  const { meta } = u;
  const { tags, acl, lockMode, lockUntil, legalHold, ...objectMeta } = meta;
  // The parts are read, checked and made into the object in one unit: a part replaced (its old blob
  // discarded) or the upload aborted in between would otherwise leave an object naming a lost blob.
  const result = await ctx.state.atomically(async () => {
    if (!(await ctx.state.upload(u.uploadId))) throw S3Errors.noSuchUpload(u.uploadId);
    const stored = new Map((await ctx.state.parts(u.uploadId)).map((p) => [p.partNumber, p]));
    const assembled = assemble(u, input, requested, stored);
    const { chosen, size, etag, checksum } = assembled;
    await checkWriteConditions(ctx, bucket, input.Key, input.IfMatch, input.IfNoneMatch);
    const parts: PartInfo[] = chosen.map((p) => ({ size: p.size, checksums: p.checksums }));
    const body: Segment[] = chosen.map((p) => [p.blob, p.size]);
    const committed = await commitObject(ctx.state, bucket, {
      key: u.key, size, etag, lastModified: nowSeconds(ctx), storageClass: u.storageClass,
      owner: bucket.ownership === 'ObjectWriter' ? u.owner : bucket.account, body, parts, meta: objectMeta, checksum, tags, acl,
      lockMode, lockUntil, legalHold: legalHold ?? false,
    });
    const kept = new Set(chosen.map((p) => p.blob));
    const partBlobs = await ctx.state.deleteUpload(u.uploadId);
    return { committed, assembled, unused: partBlobs.filter((b) => !kept.has(b)) };
  });
  const { size, etag, checksum } = result.assembled;
  ctx.state.discard([...result.committed.discarded, ...result.unused]);
  await emit(ctx, bucket, 'ObjectCreated:CompleteMultipartUpload', { key: u.key, size, etag, versionId: result.committed.versionId });
  const out: T.CompleteMultipartUploadOutput = {
    Location: `${ctx.env.endpoint}/${bucket.name}/${u.key.split('/').map(encodeURIComponent).join('/')}`,
    Bucket: bucket.name,
    Key: u.key,
    ETag: etag,
    ...encryptionOutput(objectMeta),
    ...checksumOutput(checksum),
  };
  if (result.committed.bucket.versioning !== '') out.VersionId = result.committed.versionId;
  return out;
}

export async function abortMultipartUpload(input: T.AbortMultipartUploadRequest, ctx: Ctx): Promise<T.AbortMultipartUploadOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  // The condition on the upload and its removal as one unit of work.
  const blobs = await ctx.state.atomically(async () => {
    const u = await requireUpload(ctx, bucket, input.Key, input.UploadId);
    if (input.IfMatchInitiatedTime !== undefined && Math.floor(input.IfMatchInitiatedTime.getTime() / 1000) !== Math.floor(u.initiated / 1000)) {
      throw S3Errors.preconditionFailed('x-amz-if-match-initiated-time');
    }
    return await ctx.state.deleteUpload(u.uploadId);
  });
  ctx.state.discard(blobs);
  return {};
}

export async function listParts(input: T.ListPartsRequest<'in'>, ctx: Ctx): Promise<T.ListPartsOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const u = await requireUpload(ctx, bucket, input.Key, input.UploadId);
  const max = input.MaxParts ?? 1000;
  if (max < 0) throw S3Errors.invalidArgument('Argument max-parts must be an integer between 0 and 2147483647', 'max-parts', String(max));
  const marker = input.PartNumberMarker ?? 0;
  const limit = Math.min(max, 1000);
  const rows = await ctx.state.parts(u.uploadId, marker, limit + 1);
  const page = rows.slice(0, limit);
  const a = uploadAlgorithm(u);
  const out: T.ListPartsOutput = {
    Bucket: bucket.name,
    Key: u.key,
    UploadId: u.uploadId,
    PartNumberMarker: marker,
    MaxParts: limit,
    IsTruncated: rows.length > limit,
    Parts: page.map((p) => {
      const part: T.Part = { PartNumber: p.partNumber, LastModified: new Date(p.lastModified), ETag: p.etag, Size: p.size };
      if (a && p.checksums[a]) Object.assign(part, { [checksumMember(a)]: p.checksums[a] });
      return part;
    }),
    Initiator: { ID: ownerOf(u.owner).ID },
    Owner: ownerOf(u.owner),
    StorageClass: u.storageClass,
  };
  if (page.length) out.NextPartNumberMarker = page[page.length - 1].partNumber;
  const abort = await abortDateOf(ctx.state, bucket.name, u.key, u.initiated);
  if (abort) {
    out.AbortDate = new Date(abort.date);
    if (abort.ruleId) out.AbortRuleId = abort.ruleId;
  }
  if (a) {
    out.ChecksumAlgorithm = a;
    out.ChecksumType = u.checksumType;
  }
  return out;
}

export async function listMultipartUploads(input: T.ListMultipartUploadsRequest, ctx: Ctx): Promise<T.ListMultipartUploadsOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  if (input.EncodingType !== undefined && input.EncodingType !== 'url') throw S3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', input.EncodingType);
  const enc = input.EncodingType === 'url' ? urlEncodeKey : (s: string) => s;
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = Math.min(input.MaxUploads ?? 1000, 1000);
  const upper = prefixEnd(prefix);
  let lower = encodeKey(prefix);
  let skipUntil: { key: string; uploadId: string } | undefined;
  if (input.KeyMarker) {
    if (input.UploadIdMarker) {
      const marker = await ctx.state.upload(input.UploadIdMarker);
      lower = encodeKey(input.KeyMarker);
      if (marker) skipUntil = { key: input.KeyMarker, uploadId: input.UploadIdMarker };
      else lower = keyAfter(input.KeyMarker);
    } else lower = keyAfter(input.KeyMarker);
    if (Buffer.compare(lower, encodeKey(prefix)) < 0) lower = encodeKey(prefix);
  }
  const uploads: T.MultipartUpload[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; uploadId?: string } | undefined;
  outer: for (;;) {
    const rows = await ctx.state.listUploads(bucket.name, lower, upper, 1001);
    if (!rows.length) break;
    let seekTo: Uint8Array | undefined;
    for (const u of rows) {
      if (skipUntil) {
        if (u.key === skipUntil.key) {
          if (u.uploadId === skipUntil.uploadId) skipUntil = undefined;
          continue;
        }
        skipUntil = undefined;
      }
      if (uploads.length + prefixes.length >= max) {
        truncated = true;
        break outer;
      }
      const i = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
      if (i >= 0) {
        const cp = u.key.slice(0, i + delimiter!.length);
        prefixes.push(cp);
        last = { key: cp };
        seekTo = prefixEnd(cp);
        break;
      }
      uploads.push({
        UploadId: u.uploadId, Key: enc(u.key), Initiated: new Date(u.initiated), StorageClass: u.storageClass,
        Owner: ownerOf(u.owner), Initiator: { ID: ownerOf(u.owner).ID },
        ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm, ChecksumType: u.checksumType } : {}),
      });
      last = { key: u.key, uploadId: u.uploadId };
    }
    if (seekTo) {
      lower = seekTo;
      continue;
    }
    if (rows.length < 1001) break;
    lower = encodeKey(rows[rows.length - 1].key);
    skipUntil = { key: rows[rows.length - 1].key, uploadId: rows[rows.length - 1].uploadId };
  }
  const out: T.ListMultipartUploadsOutput = {
    Bucket: bucket.name,
    KeyMarker: enc(input.KeyMarker ?? ''),
    UploadIdMarker: input.UploadIdMarker ?? '',
    Prefix: enc(prefix),
    MaxUploads: max,
    IsTruncated: truncated,
  };
  if (delimiter) out.Delimiter = enc(delimiter);
  if (input.EncodingType) out.EncodingType = input.EncodingType;
  if (uploads.length) out.Uploads = uploads;
  if (prefixes.length) out.CommonPrefixes = prefixes.map((p) => ({ Prefix: enc(p) }));
  if (truncated && last) {
    out.NextKeyMarker = enc(last.key);
    if (last.uploadId) out.NextUploadIdMarker = last.uploadId;
  }
  return out;
}

