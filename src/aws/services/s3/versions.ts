// Versioning, the one place that decides what a write or a delete does to a key's versions:
// never-versioned buckets keep one "null" version, Enabled buckets add versions and delete markers,
// Suspended buckets replace the "null" version. Object Lock is enforced here, on every removal.
// Every function runs inside the caller's transaction and returns the blobs that became garbage.
import type { Bucket, ObjectVersion, S3Store } from './store.ts';
import { newVersionId } from './common.ts';
import { ServiceError } from '../../../core/errors.ts';

export type NewObject = Omit<ObjectVersion, 'seq' | 'isLatest' | 'bucket' | 'versionId' | 'deleteMarker'>;

export interface Committed {
  versionId: string;
  seq: number;
  discarded: string[];
}

function blobsOf(v: ObjectVersion): string[] {
  return v.body.map(([id]) => id);
}

/** Removes the key's "null" version, if any; returns its blobs. */
function dropNullVersion(store: S3Store, bucket: string, key: string): string[] {
  const v = store.version(bucket, key, 'null');
  if (!v) return [];
  store.deleteVersionRow(v.seq);
  return blobsOf(v);
}

/** Adds a new current version of a key. */
export function commitObject(store: S3Store, bucket: Bucket, obj: NewObject): Committed {
  let versionId = 'null';
  const discarded: string[] = [];
  if (bucket.versioning === 'Enabled') versionId = newVersionId();
  else discarded.push(...dropNullVersion(store, bucket.name, obj.key));
  store.demoteLatest(bucket.name, obj.key);
  const seq = store.insertVersion({ ...obj, bucket: bucket.name, versionId, deleteMarker: false });
  return { versionId, seq, discarded };
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
export function deleteObject(
  store: S3Store,
  bucket: Bucket,
  key: string,
  opts: { versionId?: string; now: number; bypassGovernance?: boolean; owner: string },
): Deleted {
  if (opts.versionId !== undefined) {
    const v = store.version(bucket.name, key, opts.versionId);
    if (!v) return { versionId: opts.versionId, deleteMarker: false, markerCreated: false, changed: false, discarded: [] };
    assertRemovable(v, opts.now, opts.bypassGovernance ?? false);
    store.deleteVersionRow(v.seq);
    if (v.isLatest) store.promoteLatest(bucket.name, key);
    return { versionId: v.versionId, deleteMarker: v.deleteMarker, markerCreated: false, changed: true, discarded: blobsOf(v), removed: v };
  }
  if (bucket.versioning === '') {
    const v = store.latest(bucket.name, key);
    if (!v) return { deleteMarker: false, markerCreated: false, changed: false, discarded: [] };
    store.deleteVersionRow(v.seq);
    return { deleteMarker: false, markerCreated: false, changed: true, discarded: blobsOf(v), removed: v };
  }
  const discarded: string[] = [];
  let versionId: string;
  if (bucket.versioning === 'Enabled') versionId = newVersionId();
  else {
    const nullVersion = store.version(bucket.name, key, 'null');
    if (nullVersion) assertRemovable(nullVersion, opts.now, opts.bypassGovernance ?? false);
    discarded.push(...dropNullVersion(store, bucket.name, key));
    versionId = 'null';
  }
  store.demoteLatest(bucket.name, key);
  store.insertVersion({
    bucket: bucket.name, key, versionId, deleteMarker: true, size: 0, etag: '', lastModified: Math.floor(opts.now / 1000) * 1000, storageClass: 'STANDARD',
    owner: opts.owner, body: [], meta: {}, legalHold: false,
  });
  return { versionId, deleteMarker: true, markerCreated: true, changed: true, discarded };
}
