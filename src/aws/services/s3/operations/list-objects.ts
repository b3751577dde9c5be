// ListObjects (v1: marker, NextMarker only with a delimiter), ListObjectsV2 (continuation tokens,
// StartAfter, FetchOwner, KeyCount) and ListObjectVersions (key and version-id markers). Every
// listing is an index range scan in UTF-8 byte order; a common prefix is reported once and the scan
// seeks past it, so listing stays proportional to the page, not the bucket.
import type * as T from '../generated/types.ts';
import { ownerOf, requireBucket, type Ctx } from '../common.ts';
import type { ListedVersion, S3Store } from '../store.ts';
import { encodeKey, keyAfter, prefixEnd, urlEncodeKey } from '../keys.ts';
import { S3Errors } from '../errors.ts';
import { pageTokens } from '../../../../core/resources/page-token.ts';

type Item = { kind: 'object'; v: ListedVersion } | { kind: 'prefix'; prefix: string };

/** Where a scan starts: after a key, or after every key under a common prefix. */
type Cursor = { after: 'key'; key: string } | { after: 'prefix'; prefix: string } | undefined;

function lowerBound(prefix: string, cursor: Cursor): Uint8Array {
  const start = encodeKey(prefix);
  if (!cursor) return start;
  const c = cursor.after === 'key' ? keyAfter(cursor.key) : prefixEnd(cursor.prefix);
  return Buffer.compare(c, start) > 0 ? c : start;
}

function commonPrefix(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter || !key.startsWith(prefix)) return undefined;
  const i = key.indexOf(delimiter, prefix.length);
  return i < 0 ? undefined : key.slice(0, i + delimiter.length);
}

/** Rows read per query: at most a page (and the one that tells it is truncated). */
const BATCH_MAX = 1001;
/**
 * With a delimiter, a batch may end at its first row (a common prefix, then a seek past it): such
 * listings read small batches, doubled while no prefix interrupts them, so that skipping a prefix
 * over many keys reads a few rows, not a page of them.
 */
const BATCH_MIN = 8;

function firstBatch(delimiter: string | undefined, want: number): number {
  return Math.max(1, Math.min(delimiter ? BATCH_MIN : want, BATCH_MAX));
}

/** Current objects and common prefixes in order, seeking past each prefix; `want` sizes the reads. */
async function* walkCurrent(store: S3Store, bucket: string, prefix: string, delimiter: string | undefined, cursor: Cursor, want: number): AsyncGenerator<Item> {
  const upper = prefixEnd(prefix);
  let lower = lowerBound(prefix, cursor);
  let batch = firstBatch(delimiter, want);
  for (;;) {
    const rows = await store.listCurrent(bucket, lower, upper, batch);
    let seekTo: Uint8Array | undefined;
    for (const v of rows) {
      const cp = commonPrefix(v.key, prefix, delimiter);
      if (cp !== undefined) {
        yield { kind: 'prefix', prefix: cp };
        seekTo = prefixEnd(cp);
        break;
      }
      yield { kind: 'object', v };
    }
    if (seekTo) {
      lower = seekTo;
      batch = firstBatch(delimiter, want);
      continue;
    }
    if (rows.length < batch) return;
    lower = keyAfter(rows[rows.length - 1].key);
    batch = Math.min(batch * 2, BATCH_MAX);
  }
}

/** The versions of one key older than `seq`, newest first, read in batches. */
async function* olderOf(store: S3Store, bucket: string, key: string, seq: number, batch: number): AsyncGenerator<Item> {
  for (;;) {
    const rows = await store.olderVersions(bucket, key, seq, batch);
    for (const v of rows) yield { kind: 'object', v };
    if (rows.length < batch) return;
    seq = rows[rows.length - 1].seq;
  }
}

/** Every version and common prefix in order (key, then newest first), from an optional (key, version) position. */
async function* walkVersions(
  store: S3Store, bucket: string, prefix: string, delimiter: string | undefined, cursor: Cursor, want: number, olderThan?: { key: string; seq: number },
): AsyncGenerator<Item> {
  if (olderThan) yield* olderOf(store, bucket, olderThan.key, olderThan.seq, Math.min(want, BATCH_MAX));
  const upper = prefixEnd(prefix);
  let lower = lowerBound(prefix, cursor);
  let batch = firstBatch(delimiter, want);
  for (;;) {
    const rows = await store.listVersions(bucket, lower, upper, batch);
    let seekTo: Uint8Array | undefined;
    for (const v of rows) {
      const cp = commonPrefix(v.key, prefix, delimiter);
      if (cp !== undefined) {
        yield { kind: 'prefix', prefix: cp };
        seekTo = prefixEnd(cp);
        break;
      }
      yield { kind: 'object', v };
    }
    if (seekTo) {
      lower = seekTo;
      batch = firstBatch(delimiter, want);
      continue;
    }
    if (rows.length < batch) return;
    // The batch may have ended among one key's versions: the rest of them, then the next key.
    const last = rows[rows.length - 1];
    yield* olderOf(store, bucket, last.key, last.seq, batch);
    lower = keyAfter(last.key);
    batch = Math.min(batch * 2, BATCH_MAX);
  }
}

/** Takes up to `max` items; `truncated` when another one exists. */
async function page(items: AsyncGenerator<Item>, max: number): Promise<{ taken: Item[]; truncated: boolean }> {
  const taken: Item[] = [];
  // max-keys=0 asks for nothing and is never "truncated", as S3 answers it.
  if (max === 0) {
    await items.return(undefined);
    return { taken, truncated: false };
  }
  let truncated = false;
  try {
    for await (const item of items) {
      if (taken.length >= max) {
        truncated = true;
        break;
      }
      taken.push(item);
    }
  } finally {
    await items.return(undefined);
  }
  return { taken, truncated };
}

function encoder(encodingType: string | undefined): (s: string) => string {
  if (encodingType === undefined) return (s) => s;
  if (encodingType !== 'url') throw S3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  return urlEncodeKey;
}

function maxKeysOf(n: number | undefined): number {
  if (n === undefined) return 1000;
  if (n < 0 || !Number.isInteger(n)) throw S3Errors.invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', String(n));
  return Math.min(n, 1000);
}

/** A marker (v1 marker, StartAfter, key-marker) as a cursor: a marker that is itself a common prefix skips all of it. */
function markerCursor(marker: string | undefined, prefix: string, delimiter: string | undefined): Cursor {
  if (!marker) return undefined;
  const cp = commonPrefix(marker, prefix, delimiter);
  return cp !== undefined && cp === marker ? { after: 'prefix', prefix: cp } : { after: 'key', key: marker };
}

function objectEntry(v: ListedVersion, withOwner: boolean, restoreStatus: boolean, now: number): T.ObjectShape {
  const o: T.ObjectShape = { Key: v.key, LastModified: new Date(v.lastModified), ETag: v.etag, Size: v.size, StorageClass: v.storageClass };
  if (v.checksum) {
    o.ChecksumAlgorithm = [v.checksum.algorithm];
    o.ChecksumType = v.checksum.type;
  }
  if (withOwner) o.Owner = ownerOf(v.owner);
  if (restoreStatus && v.restore && v.restore.expiry > now) o.RestoreStatus = { IsRestoreInProgress: false, RestoreExpiryDate: new Date(v.restore.expiry) };
  return o;
}

function wantsRestoreStatus(attrs: string[] | undefined): boolean {
  return !!attrs?.includes('RestoreStatus');
}

export async function listObjects(input: T.ListObjectsRequest, ctx: Ctx): Promise<T.ListObjectsOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = maxKeysOf(input.MaxKeys);
  const { taken, truncated } = await page(walkCurrent(ctx.state, bucket.name, prefix, delimiter, markerCursor(input.Marker, prefix, delimiter), max + 1), max);
  const now = ctx.clock.now();
  const out: T.ListObjectsOutput = {
    Name: bucket.name,
    Prefix: enc(prefix),
    Marker: enc(input.Marker ?? ''),
    MaxKeys: max,
    IsTruncated: truncated,
  };
  if (delimiter) out.Delimiter = enc(delimiter);
  if (input.EncodingType) out.EncodingType = input.EncodingType;
  const contents = taken.filter((i) => i.kind === 'object').map((i) => {
    const o = objectEntry(i.v, true, wantsRestoreStatus(input.OptionalObjectAttributes), now);
    o.Key = enc(o.Key!);
    return o;
  });
  const prefixes = taken.filter((i) => i.kind === 'prefix').map((i) => ({ Prefix: enc(i.prefix) }));
  if (contents.length) out.Contents = contents;
  if (prefixes.length) out.CommonPrefixes = prefixes;
  if (truncated && delimiter) {
    const last = taken[taken.length - 1];
    out.NextMarker = enc(last.kind === 'prefix' ? last.prefix : last.v.key);
  }
  return out;
}

// Continuation tokens: the engine's signed page tokens (base64, as S3's look) around the last key or
// common prefix of a page, bound to the bucket; anything else is refused as S3 refuses it.
const continuationTokens = pageTokens<string>({
  invalid: (token) => S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token),
  parse: (p) => (typeof p === 'string' && (p.startsWith('k') || p.startsWith('p')) ? p : undefined),
  encoding: 'base64',
  empty: 'invalid',
});

function encodeToken(ctx: Ctx, bucket: string, c: NonNullable<Cursor>): Promise<string> {
  return continuationTokens.issue(ctx, c.after === 'key' ? `k${c.key}` : `p${c.prefix}`, bucket);
}

async function decodeToken(ctx: Ctx, bucket: string, token: string): Promise<Cursor> {
  const s = (await continuationTokens.read(ctx, token, bucket))!;
  return s.startsWith('k') ? { after: 'key', key: s.slice(1) } : { after: 'prefix', prefix: s.slice(1) };
}

export async function listObjectsV2(input: T.ListObjectsV2Request, ctx: Ctx): Promise<T.ListObjectsV2Output> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = maxKeysOf(input.MaxKeys);
  const cursor = input.ContinuationToken !== undefined ? await decodeToken(ctx, bucket.name, input.ContinuationToken) : markerCursor(input.StartAfter, prefix, delimiter);
  const { taken, truncated } = await page(walkCurrent(ctx.state, bucket.name, prefix, delimiter, cursor, max + 1), max);
  const now = ctx.clock.now();
  const out: T.ListObjectsV2Output = {
    Name: bucket.name,
    Prefix: enc(prefix),
    MaxKeys: max,
    KeyCount: taken.length,
    IsTruncated: truncated,
  };
  if (delimiter) out.Delimiter = enc(delimiter);
  if (input.EncodingType) out.EncodingType = input.EncodingType;
  if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
  if (input.StartAfter !== undefined) out.StartAfter = enc(input.StartAfter);
  const contents = taken.filter((i) => i.kind === 'object').map((i) => {
    const o = objectEntry(i.v, input.FetchOwner === true, wantsRestoreStatus(input.OptionalObjectAttributes), now);
    o.Key = enc(o.Key!);
    return o;
  });
  const prefixes = taken.filter((i) => i.kind === 'prefix').map((i) => ({ Prefix: enc(i.prefix) }));
  if (contents.length) out.Contents = contents;
  if (prefixes.length) out.CommonPrefixes = prefixes;
  if (truncated) {
    const last = taken[taken.length - 1];
    out.NextContinuationToken = await encodeToken(ctx, bucket.name, last.kind === 'prefix' ? { after: 'prefix', prefix: last.prefix } : { after: 'key', key: last.v.key });
  }
  return out;
}

export async function listObjectVersions(input: T.ListObjectVersionsRequest, ctx: Ctx): Promise<T.ListObjectVersionsOutput> {
  const bucket = await requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = maxKeysOf(input.MaxKeys);
  if (input.VersionIdMarker !== undefined && !input.KeyMarker) {
    throw S3Errors.invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', input.VersionIdMarker);
  }
  let cursor = markerCursor(input.KeyMarker, prefix, delimiter);
  let olderThan: { key: string; seq: number } | undefined;
  if (input.KeyMarker && input.VersionIdMarker) {
    const v = await ctx.state.version(bucket.name, input.KeyMarker, input.VersionIdMarker);
    if (!v) throw S3Errors.invalidArgument('Invalid version id specified', 'version-id-marker', input.VersionIdMarker);
    olderThan = { key: input.KeyMarker, seq: v.seq };
    cursor = { after: 'key', key: input.KeyMarker };
  }
  const { taken, truncated } = await page(walkVersions(ctx.state, bucket.name, prefix, delimiter, cursor, max + 1, olderThan), max);
  const out: T.ListObjectVersionsOutput = {
    Name: bucket.name,
    Prefix: enc(prefix),
    KeyMarker: enc(input.KeyMarker ?? ''),
    VersionIdMarker: input.VersionIdMarker ?? '',
    MaxKeys: max,
    IsTruncated: truncated,
  };
  if (delimiter) out.Delimiter = enc(delimiter);
  if (input.EncodingType) out.EncodingType = input.EncodingType;
  const versions: T.ObjectVersion[] = [];
  const markers: T.DeleteMarkerEntry[] = [];
  const prefixes: T.CommonPrefix[] = [];
  for (const i of taken) {
    if (i.kind === 'prefix') {
      prefixes.push({ Prefix: enc(i.prefix) });
      continue;
    }
    const v = i.v;
    if (v.deleteMarker) {
      markers.push({ Owner: ownerOf(v.owner), Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest, LastModified: new Date(v.lastModified) });
    } else {
      const o: T.ObjectVersion = {
        ETag: v.etag, Size: v.size, StorageClass: v.storageClass, Key: enc(v.key), VersionId: v.versionId, IsLatest: v.isLatest,
        LastModified: new Date(v.lastModified), Owner: ownerOf(v.owner),
      };
      if (v.checksum) {
        o.ChecksumAlgorithm = [v.checksum.algorithm];
        o.ChecksumType = v.checksum.type;
      }
      versions.push(o);
    }
  }
  if (versions.length) out.Versions = versions;
  if (markers.length) out.DeleteMarkers = markers;
  if (prefixes.length) out.CommonPrefixes = prefixes;
  if (truncated) {
    const last = taken[taken.length - 1];
    if (last.kind === 'prefix') out.NextKeyMarker = enc(last.prefix);
    else {
      out.NextKeyMarker = enc(last.v.key);
      out.NextVersionIdMarker = last.v.versionId;
    }
  }
  return out;
}

