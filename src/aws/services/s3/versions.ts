// Versioning, the one place that decides what a write or a delete does to a key's versions:
// never-versioned buckets keep one "null" version, Enabled buckets add versions and delete markers,
// Suspended buckets replace the "null" version. Object Lock is enforced here, on every removal.
// Every function runs inside the caller's unit of work (S3Store.atomically) and returns the blobs
// that became garbage, for the caller to discard once the unit has committed.
import type { Bucket, ObjectVersion, S3Store } from './store.ts';
import { newVersionId } from './common.ts';
import { ServiceError } from '../../../core/errors.ts';
import { S3Errors } from './errors.ts';

export type NewObject = Omit<ObjectVersion, 'seq' | 'isLatest' | 'bucket' | 'versionId' | 'deleteMarker'>;

export interface Committed {
  versionId: string;
  seq: number;
  discarded: string[];
  /** The bucket as it was when the version was recorded (its versioning decided the version id). */
  bucket: Bucket;
}

function blobsOf(v: ObjectVersion): string[] {
  return v.body.map(([id]) => id);
}

/** Removes the key's "null" version, if any; returns its blobs. */
async function dropNullVersion(store: S3Store, bucket: string, key: string): Promise<string[]> {
  const v = await store.version(bucket, key, 'null');
  if (!v) return [];
  await store.deleteVersionRow(v.seq);
  return blobsOf(v);
}

/**
 * Adds a new current version of a key. The bucket is read again here, inside the unit: the request
 * found it before its body streamed in, and it may have been deleted (or its versioning changed)
 * since.
 */
export async function commitObject(store: S3Store, found: Bucket, obj: NewObject): Promise<Committed> {
  const bucket = await store.bucket(found.name);
  if (!bucket) throw S3Errors.noSuchBucket(found.name);
  let versionId = 'null';
  const discarded: string[] = [];
  if (bucket.versioning === 'Enabled') versionId = newVersionId();
  else discarded.push(...(await dropNullVersion(store, bucket.name, obj.key)));
  await store.demoteLatest(bucket.name, obj.key);
  const seq = await store.insertVersion({ ...obj, bucket: bucket.name, versionId, deleteMarker: false });
  return { versionId, seq, discarded, bucket };
}

/** Object Lock: a version under legal hold or unexpired retention cannot be removed. */
export function assertRemovable(v: ObjectVersion, now: number, bypassGovernance: boolean): void {
  if (v.deleteMarker) return;
  const protectedBy = v.legalHold || (v.lockUntil !== undefined && v.lockUntil > now && (v.lockMode === 'COMPLIANCE' || !bypassGovernance));
  if (protectedBy) throw new ServiceError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
}

export interface Deleted {
  /** The version removed or the delete marker created: its id, when the bucket has versions. */
  versionId?: string;
  deleteMarker: boolean;
  /** A delete marker was created (ObjectRemoved:DeleteMarkerCreated) rather than a version removed. */
  markerCreated: boolean;
  /** Whether anything changed at all. */
  changed: boolean;
  discarded: string[];
  removed?: ObjectVersion;
}

/** DeleteObject semantics for one key (optionally one version). */
export async function deleteObject(
  store: S3Store,
  bucket: Bucket,
  key: string,
  opts: { versionId?: string; now: number; bypassGovernance?: boolean; owner: string },
): Promise<Deleted> {
  if (opts.versionId !== undefined) {
    const v = await store.version(bucket.name, key, opts.versionId);
    if (!v) return { versionId: opts.versionId, deleteMarker: false, markerCreated: false, changed: false, discarded: [] };
    assertRemovable(v, opts.now, opts.bypassGovernance ?? false);
    await store.deleteVersionRow(v.seq);
    if (v.isLatest) await store.promoteLatest(bucket.name, key);
    return { versionId: v.versionId, deleteMarker: v.deleteMarker, markerCreated: false, changed: true, discarded: blobsOf(v), removed: v };
  }
  if (bucket.versioning === '') {
    const v = await store.latest(bucket.name, key);
    if (!v) return { deleteMarker: false, markerCreated: false, changed: false, discarded: [] };
    await store.deleteVersionRow(v.seq);
    return { deleteMarker: false, markerCreated: false, changed: true, discarded: blobsOf(v), removed: v };
  }
  const discarded: string[] = [];
  let versionId: string;
  if (bucket.versioning === 'Enabled') versionId = newVersionId();
  else {
    const nullVersion = await store.version(bucket.name, key, 'null');
    if (nullVersion) assertRemovable(nullVersion, opts.now, opts.bypassGovernance ?? false);
    discarded.push(...(await dropNullVersion(store, bucket.name, key)));
    versionId = 'null';
  }
  await store.demoteLatest(bucket.name, key);
  await store.insertVersion({
    bucket: bucket.name, key, versionId, deleteMarker: true, size: 0, etag: '', lastModified: Math.floor(opts.now / 1000) * 1000, storageClass: 'STANDARD',
    owner: opts.owner, body: [], meta: {}, legalHold: false,
  });
  return { versionId, deleteMarker: true, markerCreated: true, changed: true, discarded };
}
