// S3's tables and statements (migrations/001-s3.sql); nothing else touches them. Rows are turned
// into the service's own vocabulary here (buckets, object versions, uploads, parts), so handlers
// never see JSON columns or key bytes.
import type { Environment } from '../../../core/environment.ts';
import type { Database } from '../../../store/database.ts';
import { decodeKey, encodeKey } from './keys.ts';
import { discardBlobs, type Segment } from './bodies.ts';
import type { StoredChecksum } from './checksums.ts';

export interface Grant {
  Grantee: { Type: string; ID?: string; URI?: string; EmailAddress?: string; DisplayName?: string };
  Permission: string;
}

export interface Bucket {
  name: string;
  account: string;
  region: string;
  createdAt: number;
  versioning: '' | 'Enabled' | 'Suspended';
  mfaDelete: string;
  objectLock: boolean;
  ownership: string;
  acl: Grant[];
}

/** A part of a multipart object, as GetObject?partNumber and GetObjectAttributes see it. */
export interface PartInfo {
  size: number;
  checksums?: Record<string, string>;
}

/** System headers, user metadata and encryption settings an object keeps. */
export interface ObjectMeta {
  ContentType?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
  CacheControl?: string;
  /** As the client sent it (an HTTP date, or anything: S3 returns unparseable ones as ExpiresString). */
  Expires?: string;
  Metadata?: Record<string, string>;
  WebsiteRedirectLocation?: string;
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKeyMD5?: string;
}

export interface ObjectVersion {
  seq: number;
  bucket: string;
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: number;
  storageClass: string;
  owner: string;
  body: Segment[];
  /** A small body kept in the row itself (then `body` is empty). */
  inline?: Buffer;
  parts?: PartInfo[];
  meta: ObjectMeta;
  checksum?: StoredChecksum;
  tags?: Record<string, string>;
  acl?: Grant[];
  lockMode?: string;
  lockUntil?: number;
  legalHold: boolean;
  restore?: { expiry: number };
}

/** What a listing needs of a version (fewer columns, no JSON bodies). */
export interface ListedVersion {
  seq: number;
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: number;
  storageClass: string;
  owner: string;
  checksum?: StoredChecksum;
  restore?: { expiry: number };
}

export interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  owner: string;
  storageClass: string;
  meta: UploadMeta;
  checksumAlgorithm?: string;
  checksumType?: string;
}

/** What the completed object will carry besides its body. */
export interface UploadMeta extends ObjectMeta {
  tags?: Record<string, string>;
  acl?: Grant[];
  lockMode?: string;
  lockUntil?: number;
  legalHold?: boolean;
}

export interface Part {
  partNumber: number;
  blob: string;
  size: number;
  etag: string;
  lastModified: number;
  checksums: Record<string, string>;
}

interface BucketRow {
  name: string; account: string; region: string; created_at: number; versioning: string; mfa_delete: string;
  object_lock: number; ownership: string; acl: string;
}

interface ObjectRow {
  seq: number; bucket: string; key: Uint8Array; version_id: string; is_latest: number; delete_marker: number;
  size: number; etag: string; last_modified: number; storage_class: string; owner: string; body: string | null; inline: Uint8Array | null;
  parts: string | null; meta: string; checksum: string | null; tags: string | null; acl: string | null;
  lock_mode: string | null; lock_until: number | null; legal_hold: number; restore: string | null;
}

type ListedRow = Pick<ObjectRow, 'seq' | 'key' | 'version_id' | 'is_latest' | 'delete_marker' | 'size' | 'etag' | 'last_modified' | 'storage_class' | 'owner' | 'checksum' | 'restore'>;

interface UploadRow {
  upload_id: string; bucket: string; key: Uint8Array; initiated: number; owner: string; storage_class: string;
  meta: string; checksum_algorithm: string | null; checksum_type: string | null;
}

interface PartRow { part_number: number; blob: string; size: number; etag: string; last_modified: number; checksums: string }

const LISTED = 'seq, key, version_id, is_latest, delete_marker, size, etag, last_modified, storage_class, owner, checksum, restore';

function toBucket(r: BucketRow): Bucket {
  return {
    name: r.name, account: r.account, region: r.region, createdAt: r.created_at,
    versioning: r.versioning as Bucket['versioning'], mfaDelete: r.mfa_delete, objectLock: r.object_lock === 1,
    ownership: r.ownership, acl: JSON.parse(r.acl),
  };
}

function toVersion(r: ObjectRow): ObjectVersion {
  return {
    seq: r.seq, bucket: r.bucket, key: decodeKey(r.key), versionId: r.version_id, isLatest: r.is_latest === 1,
    deleteMarker: r.delete_marker === 1, size: r.size, etag: r.etag, lastModified: r.last_modified,
    storageClass: r.storage_class, owner: r.owner, body: r.body ? JSON.parse(r.body) : [],
    inline: r.inline ? Buffer.from(r.inline.buffer, r.inline.byteOffset, r.inline.byteLength) : undefined,
    parts: r.parts ? JSON.parse(r.parts) : undefined, meta: JSON.parse(r.meta),
    checksum: r.checksum ? JSON.parse(r.checksum) : undefined, tags: r.tags ? JSON.parse(r.tags) : undefined,
    acl: r.acl ? JSON.parse(r.acl) : undefined, lockMode: r.lock_mode ?? undefined, lockUntil: r.lock_until ?? undefined,
    legalHold: r.legal_hold === 1, restore: r.restore ? JSON.parse(r.restore) : undefined,
  };
}

function toListed(r: ListedRow): ListedVersion {
  return {
    seq: r.seq, key: decodeKey(r.key), versionId: r.version_id, isLatest: r.is_latest === 1, deleteMarker: r.delete_marker === 1,
    size: r.size, etag: r.etag, lastModified: r.last_modified, storageClass: r.storage_class, owner: r.owner,
    checksum: r.checksum ? JSON.parse(r.checksum) : undefined, restore: r.restore ? JSON.parse(r.restore) : undefined,
  };
}

function toUpload(r: UploadRow): Upload {
  return {
    uploadId: r.upload_id, bucket: r.bucket, key: decodeKey(r.key), initiated: r.initiated, owner: r.owner,
    storageClass: r.storage_class, meta: JSON.parse(r.meta), checksumAlgorithm: r.checksum_algorithm ?? undefined,
    checksumType: r.checksum_type ?? undefined,
  };
}

function toPart(r: PartRow): Part {
  return { partNumber: r.part_number, blob: r.blob, size: r.size, etag: r.etag, lastModified: r.last_modified, checksums: JSON.parse(r.checksums) };
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export class S3Store {
  // Only this module speaks SQL: handlers, lifecycle and admin routes call the methods below.
  readonly #db: Database;
  readonly env: Environment;
  /** Per-bucket caches of configurations read on hot paths (CORS, notifications), by kind. */
  readonly #configCache = new Map<string, unknown>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.db;
    env.db.migrate('s3', new URL('./migrations/', import.meta.url));
    env.db.onReset(() => {
      this.#configCache.clear();
      this.#buckets.clear();
    });
  }

  /** Runs fn when the database is swapped (snapshot restore), after this store's caches are dropped. */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }

  transaction<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn);
    } catch (err) {
      // A rolled-back transaction may have cached what it wrote: forget it.
      this.forgetBuckets();
      throw err;
    }
  }

  /** Deletes bodies no row refers to any more, after the change that dropped them committed. */
  discard(blobs: Iterable<string>): void {
    discardBlobs(this.env, blobs);
  }

  // ── Buckets ──────────────────────────────────────────────────────────────────────────────────

  /** Every request names its bucket: they are kept in memory once read (a few hundred bytes each). */
  bucket(name: string): Bucket | undefined {
    const hit = this.#buckets.get(name);
    if (hit) return hit;
    const r = this.#db.statement('SELECT * FROM s3_buckets WHERE name = ?').get(name) as BucketRow | undefined;
    if (!r) return undefined;
    const b = toBucket(r);
    this.#buckets.set(name, b);
    return b;
  }

  /** CreateBucket as one unit of work: the bucket and the configurations it starts with, by kind. */
  createBucket(b: Bucket, configs: Array<[kind: string, value: unknown]> = []): void {
    this.transaction(() => {
      this.#db
        .statement('INSERT INTO s3_buckets (name, account, region, created_at, versioning, object_lock, ownership, acl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(b.name, b.account, b.region, b.createdAt, b.versioning, b.objectLock ? 1 : 0, b.ownership, JSON.stringify(b.acl));
      for (const [kind, value] of configs) this.putConfig(b.name, kind, value);
    });
  }

  /**
   * DeleteBucket as one unit of work: when the bucket holds no object (nor version), removes it with
   * its multipart uploads and returns the part blobs to discard; else changes nothing and returns
   * undefined.
   */
  deleteEmptyBucket(name: string): string[] | undefined {
    return this.transaction(() => {
      if (this.hasObjects(name)) return undefined;
      const discarded: string[] = [];
      for (const u of this.uploadsOf(name)) discarded.push(...this.deleteUpload(u.uploadId));
      this.deleteBucket(name);
      return discarded;
    });
  }

  /** PutObjectLockConfiguration as one unit of work: the bucket's flag and its configuration. */
  enableObjectLock(name: string, config: unknown): void {
    this.transaction(() => {
      this.updateBucket(name, { objectLock: true });
      this.putConfig(name, 'objectLock', config);
    });
  }

  deleteBucket(name: string): void {
    this.#db.statement('DELETE FROM s3_buckets WHERE name = ?').run(name);
    this.#forget(name);
  }

  /** Drops cached copies after a transaction that changed buckets failed (its writes are undone). */
  forgetBuckets(): void {
    this.#buckets.clear();
    this.#configCache.clear();
  }

  updateBucket(name: string, fields: Partial<Pick<Bucket, 'versioning' | 'mfaDelete' | 'objectLock' | 'ownership' | 'acl'>>): void {
    const b = this.bucket(name);
    if (!b) return;
    const n = { ...b, ...fields };
    this.#db
      .statement('UPDATE s3_buckets SET versioning = ?, mfa_delete = ?, object_lock = ?, ownership = ?, acl = ? WHERE name = ?')
      .run(n.versioning, n.mfaDelete, n.objectLock ? 1 : 0, n.ownership, JSON.stringify(n.acl), name);
    this.#buckets.delete(name);
  }

  /** An account's buckets in name order, after `after`, optionally by prefix and region. */
  listBuckets(account: string, opts: { after?: string; prefix?: string; region?: string; limit: number }): Bucket[] {
    const rows = this.#db
      .statement(
        `SELECT * FROM s3_buckets WHERE account = ? AND name > ? AND (? = '' OR substr(name, 1, length(?)) = ?)
         AND (? = '' OR region = ?) ORDER BY name LIMIT ?`,
      )
      .all(account, opts.after ?? '', opts.prefix ?? '', opts.prefix ?? '', opts.prefix ?? '', opts.region ?? '', opts.region ?? '', opts.limit) as unknown as BucketRow[];
    return rows.map(toBucket);
  }

  /** Every bucket of every account (admin API), in name order after `after`. */
  allBuckets(after: string, limit: number, account?: string): Bucket[] {
    const rows = this.#db
      .statement("SELECT * FROM s3_buckets WHERE name > ? AND (? = '' OR account = ?) ORDER BY name LIMIT ?")
      .all(after, account ?? '', account ?? '', limit) as unknown as BucketRow[];
    return rows.map(toBucket);
  }

  // ── Bucket configurations ────────────────────────────────────────────────────────────────────

  config<T>(bucket: string, kind: string, id = ''): T | undefined {
    const r = this.#db.statement('SELECT value FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id = ?').get(bucket, kind, id) as
      | { value: string }
      | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  /** A configuration read on every request (CORS, notifications): cached until it changes. */
  cachedConfig<T>(bucket: string, kind: string): T | undefined {
    const k = `${kind}\0${bucket}`;
    if (this.#configCache.has(k)) return this.#configCache.get(k) as T | undefined;
    const v = this.config<T>(bucket, kind);
    this.#configCache.set(k, v);
    return v;
  }

  putConfig(bucket: string, kind: string, value: unknown, id = ''): void {
    this.#db
      .statement('INSERT INTO s3_bucket_configs (bucket, kind, id, value) VALUES (?, ?, ?, ?) ON CONFLICT(bucket, kind, id) DO UPDATE SET value = excluded.value')
      .run(bucket, kind, id, JSON.stringify(value));
    this.#configCache.delete(`${kind}\0${bucket}`);
  }

  deleteConfig(bucket: string, kind: string, id = ''): boolean {
    const r = this.#db.statement('DELETE FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id = ?').run(bucket, kind, id);
    this.#configCache.delete(`${kind}\0${bucket}`);
    return Number(r.changes) > 0;
  }

  /** The configurations of one kind that come several per bucket, by id order, after `after`. */
  configs<T>(bucket: string, kind: string, after = '', limit = 1000): Array<{ id: string; value: T }> {
    const rows = this.#db
      .statement('SELECT id, value FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?')
      .all(bucket, kind, after, limit) as Array<{ id: string; value: string }>;
    return rows.map((r) => ({ id: r.id, value: JSON.parse(r.value) as T }));
  }

  /** Buckets that have a configuration of `kind` (the lifecycle engine's daily run). */
  bucketsWithConfig(kind: string): string[] {
    return (this.#db.statement('SELECT bucket FROM s3_bucket_configs WHERE kind = ? AND id = ? ORDER BY bucket').all(kind, '') as Array<{ bucket: string }>).map(
      (r) => r.bucket,
    );
  }

  #forget(bucket: string): void {
    this.#buckets.delete(bucket);
    for (const k of this.#configCache.keys()) if (k.endsWith(`\0${bucket}`)) this.#configCache.delete(k);
  }

  // ── Object versions ──────────────────────────────────────────────────────────────────────────

  /** The latest version of a key (possibly a delete marker). */
  latest(bucket: string, key: string): ObjectVersion | undefined {
    const r = this.#db
      .statement('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1')
      .get(bucket, encodeKey(key)) as ObjectRow | undefined;
    return r && toVersion(r);
  }

  version(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const r = this.#db
      .statement('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?')
      .get(bucket, encodeKey(key), versionId) as ObjectRow | undefined;
    return r && toVersion(r);
  }

  /** Every version of a key, newest first. */
  versionsOf(bucket: string, key: string): ObjectVersion[] {
    const rows = this.#db
      .statement('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC')
      .all(bucket, encodeKey(key)) as unknown as ObjectRow[];
    return rows.map(toVersion);
  }

  /** Adds a version as the key's latest (the caller has demoted or removed the previous one). */
  insertVersion(v: Omit<ObjectVersion, 'seq' | 'isLatest'>): number {
    const r = this.#db
      .statement(
        `INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, size, etag, last_modified, storage_class,
           owner, body, inline, parts, meta, checksum, tags, acl, lock_mode, lock_until, legal_hold, restore)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.bucket, encodeKey(v.key), v.versionId, v.deleteMarker ? 1 : 0, v.size, v.etag, v.lastModified, v.storageClass,
        v.owner, json(v.deleteMarker ? undefined : v.body), v.inline ?? null, json(v.parts), JSON.stringify(v.meta), json(v.checksum), json(v.tags),
        json(v.acl), v.lockMode ?? null, v.lockUntil ?? null, v.legalHold ? 1 : 0, json(v.restore),
      );
    return Number(r.lastInsertRowid);
  }

  /** Marks the key's current latest version as no longer latest. */
  demoteLatest(bucket: string, key: string): void {
    this.#db.statement('UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1').run(bucket, encodeKey(key));
  }

  /** After removing versions: the highest remaining seq becomes the latest. */
  promoteLatest(bucket: string, key: string): void {
    this.#db
      .statement(
        `UPDATE s3_objects SET is_latest = 1 WHERE seq = (SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1) AND is_latest = 0`,
      )
      .run(bucket, encodeKey(key));
  }

  deleteVersionRow(seq: number): void {
    this.#db.statement('DELETE FROM s3_objects WHERE seq = ?').run(seq);
  }

  updateVersion(seq: number, fields: { tags?: Record<string, string> | null; acl?: Grant[] | null; lockMode?: string | null; lockUntil?: number | null; legalHold?: boolean; restore?: { expiry: number } | null; storageClass?: string; meta?: ObjectMeta }): void {
    const sets: string[] = [];
    const args: Array<string | number | null> = [];
    if (fields.tags !== undefined) (sets.push('tags = ?'), args.push(fields.tags === null ? null : JSON.stringify(fields.tags)));
    if (fields.acl !== undefined) (sets.push('acl = ?'), args.push(fields.acl === null ? null : JSON.stringify(fields.acl)));
    if (fields.lockMode !== undefined) (sets.push('lock_mode = ?'), args.push(fields.lockMode));
    if (fields.lockUntil !== undefined) (sets.push('lock_until = ?'), args.push(fields.lockUntil));
    if (fields.legalHold !== undefined) (sets.push('legal_hold = ?'), args.push(fields.legalHold ? 1 : 0));
    if (fields.restore !== undefined) (sets.push('restore = ?'), args.push(fields.restore === null ? null : JSON.stringify(fields.restore)));
    if (fields.storageClass !== undefined) (sets.push('storage_class = ?'), args.push(fields.storageClass));
    if (fields.meta !== undefined) (sets.push('meta = ?'), args.push(JSON.stringify(fields.meta)));
    if (!sets.length) return;
    this.#db.run(`UPDATE s3_objects SET ${sets.join(', ')} WHERE seq = ?`, ...args, seq);
  }

  hasObjects(bucket: string): boolean {
    return this.#db.statement('SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1').get(bucket) !== undefined;
  }

  /**
   * Current (latest, not deleted) objects with from <= key < to, in key order. The range bounds
   * are key bytes (keys.ts), so prefixes and "after" markers are index seeks.
   */
  listCurrent(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): ListedVersion[] {
    const rows = this.#db
      .statement(
        `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_listing
         WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND key < ? ORDER BY key LIMIT ?`,
      )
      .all(bucket, from, to, limit) as unknown as ListedRow[];
    return rows.map(toListed);
  }

  /**
   * Steps through current objects with from <= key < to in key order, one row at a time, so a
   * listing that skips a common prefix stops reading and seeks past it (call `return()` first).
   */
  *iterateCurrent(bucket: string, from: Uint8Array, to: Uint8Array): Generator<ListedVersion> {
    const rows = this.#db
      .statement(
        `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_listing
         WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND key < ? ORDER BY key`,
      )
      .iterate(bucket, from, to) as IterableIterator<ListedRow>;
    try {
      for (const r of rows) yield toListed(r);
    } finally {
      rows.return?.();
    }
  }

  /** Steps through every version with from <= key < to, by key then newest first. */
  *iterateVersions(bucket: string, from: Uint8Array, to: Uint8Array): Generator<ListedVersion> {
    const rows = this.#db
      .statement(
        `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_versions
         WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, seq DESC`,
      )
      .iterate(bucket, from, to) as IterableIterator<ListedRow>;
    try {
      for (const r of rows) yield toListed(r);
    } finally {
      rows.return?.();
    }
  }

  /** Every version with from <= key < to, by key then newest first. */
  listVersions(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): ListedVersion[] {
    const rows = this.#db
      .statement(
        `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_versions
         WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, seq DESC LIMIT ?`,
      )
      .all(bucket, from, to, limit) as unknown as ListedRow[];
    return rows.map(toListed);
  }

  /** The versions of one key older than `beforeSeq`, newest first (version-id-marker paging). */
  olderVersions(bucket: string, key: string, beforeSeq: number, limit: number): ListedVersion[] {
    const rows = this.#db
      .statement(`SELECT ${LISTED} FROM s3_objects WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`)
      .all(bucket, encodeKey(key), beforeSeq, limit) as unknown as ListedRow[];
    return rows.map(toListed);
  }

  /** All versions of a bucket in storage order after `afterSeq` (lifecycle runs, admin listing). */
  scanVersions(bucket: string, afterSeq: number, limit: number): ObjectVersion[] {
    const rows = this.#db
      .statement('SELECT * FROM s3_objects WHERE bucket = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(bucket, afterSeq, limit) as unknown as ObjectRow[];
    return rows.map(toVersion);
  }

  /** The version that followed `seq` on the same key (when it became noncurrent). */
  successorOf(bucket: string, key: string, seq: number): { lastModified: number } | undefined {
    const r = this.#db
      .statement('SELECT last_modified FROM s3_objects WHERE bucket = ? AND key = ? AND seq > ? ORDER BY seq LIMIT 1')
      .get(bucket, encodeKey(key), seq) as { last_modified: number } | undefined;
    return r && { lastModified: r.last_modified };
  }

  countVersions(bucket: string, key: string): number {
    return (this.#db.statement('SELECT count(*) AS n FROM s3_objects WHERE bucket = ? AND key = ?').get(bucket, encodeKey(key)) as { n: number }).n;
  }

  // ── Multipart uploads ────────────────────────────────────────────────────────────────────────

  createUpload(u: Upload): void {
    this.#db
      .statement(
        'INSERT INTO s3_uploads (upload_id, bucket, key, initiated, owner, storage_class, meta, checksum_algorithm, checksum_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(u.uploadId, u.bucket, encodeKey(u.key), u.initiated, u.owner, u.storageClass, JSON.stringify(u.meta), u.checksumAlgorithm ?? null, u.checksumType ?? null);
  }

  upload(uploadId: string): Upload | undefined {
    const r = this.#db.statement('SELECT * FROM s3_uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
    return r && toUpload(r);
  }

  /** Removes an upload and its parts (one unit of work); returns the part blobs to discard. */
  deleteUpload(uploadId: string): string[] {
    return this.transaction(() => {
      const blobs = (this.#db.statement('SELECT blob FROM s3_parts WHERE upload_id = ?').all(uploadId) as Array<{ blob: string }>).map((r) => r.blob);
      this.#db.statement('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId);
      return blobs;
    });
  }

  /** Removes several uploads and their parts in one unit of work; returns the part blobs to discard. */
  deleteUploads(uploadIds: Iterable<string>): string[] {
    return this.transaction(() => {
      const discarded: string[] = [];
      for (const id of uploadIds) discarded.push(...this.deleteUpload(id));
      return discarded;
    });
  }

  /** Uploads of a bucket in (key, initiated) order from a (key, upload id) position. */
  listUploads(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): Upload[] {
    const rows = this.#db
      .statement('SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, initiated, upload_id LIMIT ?')
      .all(bucket, from, to, limit) as unknown as UploadRow[];
    return rows.map(toUpload);
  }

  uploadsOf(bucket: string): Upload[] {
    return (this.#db.statement('SELECT * FROM s3_uploads WHERE bucket = ?').all(bucket) as unknown as UploadRow[]).map(toUpload);
  }

  /**
   * UploadPart's write as one unit of work: stores the part if its upload still exists (it may have
   * been completed or aborted while the part was uploading). `uploading: false` when it did not.
   */
  putPartIfUploading(uploadId: string, p: Part): { uploading: boolean; replaced?: string } {
    return this.transaction(() => {
      if (!this.upload(uploadId)) return { uploading: false };
      return { uploading: true, replaced: this.putPart(uploadId, p) };
    });
  }

  /** Stores a part, replacing one with the same number; returns the replaced part's blob. */
  putPart(uploadId: string, p: Part): string | undefined {
    const old = this.#db.statement('SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?').get(uploadId, p.partNumber) as { blob: string } | undefined;
    this.#db
      .statement(
        `INSERT INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(upload_id, part_number) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
           last_modified = excluded.last_modified, checksums = excluded.checksums`,
      )
      .run(uploadId, p.partNumber, p.blob, p.size, p.etag, p.lastModified, JSON.stringify(p.checksums));
    return old?.blob;
  }

  parts(uploadId: string, afterPart = 0, limit = 10000): Part[] {
    const rows = this.#db
      .statement('SELECT part_number, blob, size, etag, last_modified, checksums FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?')
      .all(uploadId, afterPart, limit) as unknown as PartRow[];
    return rows.map(toPart);
  }
}
