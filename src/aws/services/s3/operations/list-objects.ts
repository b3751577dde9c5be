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

/** Current objects and common prefixes in order, seeking past each prefix. */
function* walkCurrent(store: S3Store, bucket: string, prefix: string, delimiter: string | undefined, cursor: Cursor): Generator<Item> {
  const upper = prefixEnd(prefix);
  let lower = lowerBound(prefix, cursor);
  for (;;) {
    let seekTo: Uint8Array | undefined;
    for (const v of store.iterateCurrent(bucket, lower, upper)) {
      const cp = commonPrefix(v.key, prefix, delimiter);
      if (cp !== undefined) {
        yield { kind: 'prefix', prefix: cp };
        seekTo = prefixEnd(cp);
        break;
      }
      yield { kind: 'object', v };
    }
    if (!seekTo) return;
    lower = seekTo;
  }
}

/** Every version and common prefix in order (key, then newest first), from an optional (key, version) position. */
function* walkVersions(store: S3Store, bucket: string, prefix: string, delimiter: string | undefined, cursor: Cursor, olderThan?: { key: string; seq: number }): Generator<Item> {
  if (olderThan) {
    for (const v of store.olderVersions(bucket, olderThan.key, olderThan.seq, 1_000_000)) yield { kind: 'object', v };
  }
  const upper = prefixEnd(prefix);
  let lower = lowerBound(prefix, cursor);
  for (;;) {
    let seekTo: Uint8Array | undefined;
    for (const v of store.iterateVersions(bucket, lower, upper)) {
      const cp = commonPrefix(v.key, prefix, delimiter);
      if (cp !== undefined) {
        yield { kind: 'prefix', prefix: cp };
        seekTo = prefixEnd(cp);
        break;
      }
      yield { kind: 'object', v };
    }
    if (!seekTo) return;
    lower = seekTo;
  }
}

/** Takes up to `max` items; `truncated` when another one exists. */
function page(items: Generator<Item>, max: number): { taken: Item[]; truncated: boolean } {
  const taken: Item[] = [];
  // max-keys=0 asks for nothing and is never "truncated", as S3 answers it.
  if (max === 0) {
    items.return(undefined);
    return { taken, truncated: false };
  }
  let truncated = false;
  try {
    for (const item of items) {
      if (taken.length >= max) {
        truncated = true;
        break;
      }
      taken.push(item);
    }
  } finally {
    items.return(undefined);
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

export function listObjects(input: T.ListObjectsRequest, ctx: Ctx): T.ListObjectsOutput {
  const bucket = requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = maxKeysOf(input.MaxKeys);
  const { taken, truncated } = page(walkCurrent(ctx.state, bucket.name, prefix, delimiter, markerCursor(input.Marker, prefix, delimiter)), max);
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

function encodeToken(ctx: Ctx, bucket: string, c: NonNullable<Cursor>): string {
  return continuationTokens.issue(ctx, c.after === 'key' ? `k${c.key}` : `p${c.prefix}`, bucket);
}

function decodeToken(ctx: Ctx, bucket: string, token: string): Cursor {
  const s = continuationTokens.read(ctx, token, bucket)!;
  return s.startsWith('k') ? { after: 'key', key: s.slice(1) } : { after: 'prefix', prefix: s.slice(1) };
}

export function listObjectsV2(input: T.ListObjectsV2Request, ctx: Ctx): T.ListObjectsV2Output {
  const bucket = requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
  const enc = encoder(input.EncodingType);
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const max = maxKeysOf(input.MaxKeys);
  const cursor = input.ContinuationToken !== undefined ? decodeToken(ctx, bucket.name, input.ContinuationToken) : markerCursor(input.StartAfter, prefix, delimiter);
  const { taken, truncated } = page(walkCurrent(ctx.state, bucket.name, prefix, delimiter, cursor), max);
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
    out.NextContinuationToken = encodeToken(ctx, bucket.name, last.kind === 'prefix' ? { after: 'prefix', prefix: last.prefix } : { after: 'key', key: last.v.key });
  }
  return out;
}

export function listObjectVersions(input: T.ListObjectVersionsRequest, ctx: Ctx): T.ListObjectVersionsOutput {
  const bucket = requireBucket(ctx, input.Bucket, input.ExpectedBucketOwner);
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
    const v = ctx.state.version(bucket.name, input.KeyMarker, input.VersionIdMarker);
    if (!v) throw S3Errors.invalidArgument('Invalid version id specified', 'version-id-marker', input.VersionIdMarker);
    olderThan = { key: input.KeyMarker, seq: v.seq };
    cursor = { after: 'key', key: input.KeyMarker };
  }
  const { taken, truncated } = page(walkVersions(ctx.state, bucket.name, prefix, delimiter, cursor, olderThan), max);
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

