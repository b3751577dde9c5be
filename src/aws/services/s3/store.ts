// S3's tables and statements (migrations/001-s3.sql); nothing else touches them. Rows are turned
// into the service's own vocabulary here (buckets, object versions, uploads, parts), so handlers
// never see JSON columns or key bytes.
// Asynchronous, over the store port (src/core/store.ts): what writes more than one statement, and
// every read that decides a write, runs in one unit of work (`atomically`), so no other request's
// statements land in between and a failure leaves none of it. Units await only the store: bodies
// are written to blobs before the unit that records them and discarded after it.
import type { Environment } from '../../../core/environment.ts';
import type { SqlValue, Statements, Store } from '../../../core/store.ts';
import { S3Errors } from './errors.ts';
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
  readonly #db: Store;
  readonly env: Environment;
  /** Per-bucket caches of configurations read on hot paths (CORS, notifications), by kind. */
  readonly #configCache = new Map<string, unknown>();
  readonly #buckets = new Map<string, Bucket>();
  /**
   * The caches above hold committed state only. A read that fills them may finish after a write
   * invalidated what it read (other requests run between its awaits), so every invalidation and
   * every unit moves the generation on, and a fill keeps its row only when the generation did not
   * move while it read and no unit is open (a read inside a unit may see writes not yet committed).
   */
  #generation = 0;
  #openUnits = 0;

  constructor(env: Environment) {
    this.env = env;
    this.#db = env.store;
    env.store.migrate('s3', new URL('./migrations/', import.meta.url));
    env.store.onReset(() => this.forgetBuckets());
  }

  /** Runs fn when the database is swapped (snapshot restore), after this store's caches are dropped. */
  onReset(fn: () => void): void {
    this.#db.onReset(fn);
  }

  /**
   * Runs fn as one unit of work: the reads that decide a write (a name taken, a version's lock, an
   * upload still open, If-Match) and the writes see no other request in between. The methods fn
   * calls join the unit. fn awaits only this store: no blob I/O, no notifications.
   */
  atomically<T>(fn: () => Promise<T>): Promise<T> {
    return this.#unit(() => fn());
  }

  async #unit<T>(fn: (tx: Statements) => Promise<T>): Promise<T> {
    this.#openUnits++;
    this.#generation++;
    try {
      return await this.#db.unit(fn);
    } catch (err) {
      // A rolled-back unit may have cached what it wrote: forget it.
      this.forgetBuckets();
      throw err;
    } finally {
      this.#openUnits--;
      this.#generation++;
    }
  }

  /** Whether a cache fill that began at generation `gen` may keep what it read. */
  #mayCache(gen: number): boolean {
    return gen === this.#generation && this.#openUnits === 0;
  }

  /** Deletes bodies no row refers to any more, after the change that dropped them committed. */
  discard(blobs: Iterable<string>): void {
    discardBlobs(this.env, blobs);
  }

  // ── Buckets ──────────────────────────────────────────────────────────────────────────────────

  /** Every request names its bucket: they are kept in memory once read (a few hundred bytes each). */
  async bucket(name: string): Promise<Bucket | undefined> {
    const hit = this.#buckets.get(name);
    if (hit) return hit;
    const gen = this.#generation;
    const r = await this.#db.get<BucketRow>('SELECT * FROM s3_buckets WHERE name = ?', name);
    if (!r) return undefined;
    const b = toBucket(r);
    if (this.#mayCache(gen)) this.#buckets.set(name, b);
    return b;
  }

  /** CreateBucket as one unit of work: the bucket and the configurations it starts with, by kind. */
  async createBucket(b: Bucket, configs: Array<[kind: string, value: unknown]> = []): Promise<void> {
    await this.#unit(async (tx) => {
      await tx.run(
        'INSERT INTO s3_buckets (name, account, region, created_at, versioning, object_lock, ownership, acl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        b.name, b.account, b.region, b.createdAt, b.versioning, b.objectLock ? 1 : 0, b.ownership, JSON.stringify(b.acl),
      );
      for (const [kind, value] of configs) await this.putConfig(b.name, kind, value);
    });
  }

  /**
   * DeleteBucket as one unit of work: when the bucket holds no object (nor version), removes it with
   * its multipart uploads and returns the part blobs to discard; else changes nothing and returns
   * undefined.
   */
  async deleteEmptyBucket(name: string): Promise<string[] | undefined> {
    return await this.#unit(async (tx) => {
      // Deleted meanwhile by another request: that one deleted it, this one finds none.
      if (!(await tx.get('SELECT 1 FROM s3_buckets WHERE name = ?', name))) throw S3Errors.noSuchBucket(name);
      if (await this.hasObjects(name)) return undefined;
      const blobs = await tx.all<{ blob: string }>(
        'SELECT p.blob FROM s3_parts p JOIN s3_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?', name,
      );
      await tx.run('DELETE FROM s3_uploads WHERE bucket = ?', name);
      await this.deleteBucket(name);
      return blobs.map((r) => r.blob);
    });
  }

  /** PutObjectLockConfiguration as one unit of work: the bucket's flag and its configuration. */
  async enableObjectLock(name: string, config: unknown): Promise<void> {
    await this.#unit(async () => {
      await this.updateBucket(name, { objectLock: true });
      await this.putConfig(name, 'objectLock', config);
    });
  }

  async deleteBucket(name: string): Promise<void> {
    await this.#db.run('DELETE FROM s3_buckets WHERE name = ?', name);
    this.#forget(name);
  }

  /** Drops cached copies (after a unit that changed buckets failed: its writes are undone). */
  forgetBuckets(): void {
    this.#buckets.clear();
    this.#configCache.clear();
    this.#generation++;
  }

  /** Sets the given fields only (one statement: a concurrent change to another field is kept). */
  async updateBucket(name: string, fields: Partial<Pick<Bucket, 'versioning' | 'mfaDelete' | 'objectLock' | 'ownership' | 'acl'>>): Promise<void> {
    const sets: string[] = [];
    const args: SqlValue[] = [];
    if (fields.versioning !== undefined) (sets.push('versioning = ?'), args.push(fields.versioning));
    if (fields.mfaDelete !== undefined) (sets.push('mfa_delete = ?'), args.push(fields.mfaDelete));
    if (fields.objectLock !== undefined) (sets.push('object_lock = ?'), args.push(fields.objectLock ? 1 : 0));
    if (fields.ownership !== undefined) (sets.push('ownership = ?'), args.push(fields.ownership));
    if (fields.acl !== undefined) (sets.push('acl = ?'), args.push(JSON.stringify(fields.acl)));
    if (!sets.length) return;
    await this.#db.run(`UPDATE s3_buckets SET ${sets.join(', ')} WHERE name = ?`, ...args, name);
    this.#buckets.delete(name);
    this.#generation++;
  }

  /** An account's buckets in name order, after `after`, optionally by prefix and region. */
  async listBuckets(account: string, opts: { after?: string; prefix?: string; region?: string; limit: number }): Promise<Bucket[]> {
    const rows = await this.#db.all<BucketRow>(
      `SELECT * FROM s3_buckets WHERE account = ? AND name > ? AND (? = '' OR substr(name, 1, length(?)) = ?)
       AND (? = '' OR region = ?) ORDER BY name LIMIT ?`,
      account, opts.after ?? '', opts.prefix ?? '', opts.prefix ?? '', opts.prefix ?? '', opts.region ?? '', opts.region ?? '', opts.limit,
    );
    return rows.map(toBucket);
  }

  /** Every bucket of every account (admin API), in name order after `after`. */
  async allBuckets(after: string, limit: number, account?: string): Promise<Bucket[]> {
    const rows = await this.#db.all<BucketRow>(
      "SELECT * FROM s3_buckets WHERE name > ? AND (? = '' OR account = ?) ORDER BY name LIMIT ?",
      after, account ?? '', account ?? '', limit,
    );
    return rows.map(toBucket);
  }

  // ── Bucket configurations ────────────────────────────────────────────────────────────────────

  async config<T>(bucket: string, kind: string, id = ''): Promise<T | undefined> {
    const r = await this.#db.get<{ value: string }>('SELECT value FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id = ?', bucket, kind, id);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  /** A configuration read on every request (CORS, notifications): cached until it changes. */
  async cachedConfig<T>(bucket: string, kind: string): Promise<T | undefined> {
    const k = `${kind}\0${bucket}`;
    if (this.#configCache.has(k)) return this.#configCache.get(k) as T | undefined;
    const gen = this.#generation;
    const v = await this.config<T>(bucket, kind);
    if (this.#mayCache(gen)) this.#configCache.set(k, v);
    return v;
  }

  /**
   * Stores a configuration of a bucket that exists, in one statement (NoSuchBucket when it was
   * deleted since the handler found it, rather than a foreign-key failure).
   */
  async putConfig(bucket: string, kind: string, value: unknown, id = ''): Promise<void> {
    const r = await this.#db.run(
      `INSERT INTO s3_bucket_configs (bucket, kind, id, value) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM s3_buckets WHERE name = ?)
       ON CONFLICT(bucket, kind, id) DO UPDATE SET value = excluded.value`,
      bucket, kind, id, JSON.stringify(value), bucket,
    );
    this.#configCache.delete(`${kind}\0${bucket}`);
    this.#generation++;
    if (Number(r.changes) === 0) throw S3Errors.noSuchBucket(bucket);
  }

  async deleteConfig(bucket: string, kind: string, id = ''): Promise<boolean> {
    const r = await this.#db.run('DELETE FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id = ?', bucket, kind, id);
    this.#configCache.delete(`${kind}\0${bucket}`);
    this.#generation++;
    return Number(r.changes) > 0;
  }

  /** The configurations of one kind that come several per bucket, by id order, after `after`. */
  async configs<T>(bucket: string, kind: string, after = '', limit = 1000): Promise<Array<{ id: string; value: T }>> {
    const rows = await this.#db.all<{ id: string; value: string }>(
      'SELECT id, value FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?', bucket, kind, after, limit,
    );
    return rows.map((r) => ({ id: r.id, value: JSON.parse(r.value) as T }));
  }

  /** Buckets that have a configuration of `kind` (the lifecycle engine's daily run). */
  async bucketsWithConfig(kind: string): Promise<string[]> {
    const rows = await this.#db.all<{ bucket: string }>('SELECT bucket FROM s3_bucket_configs WHERE kind = ? AND id = ? ORDER BY bucket', kind, '');
    return rows.map((r) => r.bucket);
  }

  #forget(bucket: string): void {
    this.#buckets.delete(bucket);
    for (const k of this.#configCache.keys()) if (k.endsWith(`\0${bucket}`)) this.#configCache.delete(k);
    this.#generation++;
  }

  // ── Object versions ──────────────────────────────────────────────────────────────────────────

  /** The latest version of a key (possibly a delete marker). */
  async latest(bucket: string, key: string): Promise<ObjectVersion | undefined> {
    const r = await this.#db.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1', bucket, encodeKey(key));
    return r && toVersion(r);
  }

  async version(bucket: string, key: string, versionId: string): Promise<ObjectVersion | undefined> {
    const r = await this.#db.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?', bucket, encodeKey(key), versionId);
    return r && toVersion(r);
  }

  /** Every version of a key, newest first. */
  async versionsOf(bucket: string, key: string): Promise<ObjectVersion[]> {
    const rows = await this.#db.all<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC', bucket, encodeKey(key));
    return rows.map(toVersion);
  }

  /** Adds a version as the key's latest (the caller has demoted or removed the previous one). */
  async insertVersion(v: Omit<ObjectVersion, 'seq' | 'isLatest'>): Promise<number> {
    const r = await this.#db.run(
      `INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, size, etag, last_modified, storage_class,
         owner, body, inline, parts, meta, checksum, tags, acl, lock_mode, lock_until, legal_hold, restore)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      v.bucket, encodeKey(v.key), v.versionId, v.deleteMarker ? 1 : 0, v.size, v.etag, v.lastModified, v.storageClass,
      v.owner, json(v.deleteMarker ? undefined : v.body), v.inline ?? null, json(v.parts), JSON.stringify(v.meta), json(v.checksum), json(v.tags),
      json(v.acl), v.lockMode ?? null, v.lockUntil ?? null, v.legalHold ? 1 : 0, json(v.restore),
    );
    return Number(r.lastInsertRowid);
  }

  /** Marks the key's current latest version as no longer latest. */
  async demoteLatest(bucket: string, key: string): Promise<void> {
    await this.#db.run('UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1', bucket, encodeKey(key));
  }

  /** After removing versions: the highest remaining seq becomes the latest. */
  async promoteLatest(bucket: string, key: string): Promise<void> {
    await this.#db.run(
      `UPDATE s3_objects SET is_latest = 1 WHERE seq = (SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1) AND is_latest = 0`,
      bucket, encodeKey(key),
    );
  }

  async deleteVersionRow(seq: number): Promise<void> {
    await this.#db.run('DELETE FROM s3_objects WHERE seq = ?', seq);
  }

  async updateVersion(seq: number, fields: { tags?: Record<string, string> | null; acl?: Grant[] | null; lockMode?: string | null; lockUntil?: number | null; legalHold?: boolean; restore?: { expiry: number } | null; storageClass?: string; meta?: ObjectMeta }): Promise<void> {
    const sets: string[] = [];
    const args: SqlValue[] = [];
    if (fields.tags !== undefined) (sets.push('tags = ?'), args.push(fields.tags === null ? null : JSON.stringify(fields.tags)));
    if (fields.acl !== undefined) (sets.push('acl = ?'), args.push(fields.acl === null ? null : JSON.stringify(fields.acl)));
    if (fields.lockMode !== undefined) (sets.push('lock_mode = ?'), args.push(fields.lockMode));
    if (fields.lockUntil !== undefined) (sets.push('lock_until = ?'), args.push(fields.lockUntil));
    if (fields.legalHold !== undefined) (sets.push('legal_hold = ?'), args.push(fields.legalHold ? 1 : 0));
    if (fields.restore !== undefined) (sets.push('restore = ?'), args.push(fields.restore === null ? null : JSON.stringify(fields.restore)));
    if (fields.storageClass !== undefined) (sets.push('storage_class = ?'), args.push(fields.storageClass));
    if (fields.meta !== undefined) (sets.push('meta = ?'), args.push(JSON.stringify(fields.meta)));
    if (!sets.length) return;
    await this.#db.run(`UPDATE s3_objects SET ${sets.join(', ')} WHERE seq = ?`, ...args, seq);
  }

  async hasObjects(bucket: string): Promise<boolean> {
    return (await this.#db.get('SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1', bucket)) !== undefined;
  }

  /**
   * Current (latest, not deleted) objects with from <= key < to, in key order. The range bounds
   * are key bytes (keys.ts), so prefixes and "after" markers are index seeks; listings read in
   * batches of `limit` and seek past a common prefix between batches.
   */
  async listCurrent(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): Promise<ListedVersion[]> {
    const rows = await this.#db.all<ListedRow>(
      `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_listing
       WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND key < ? ORDER BY key LIMIT ?`,
      bucket, from, to, limit,
    );
    return rows.map(toListed);
  }

  /** Every version with from <= key < to, by key then newest first. */
  async listVersions(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): Promise<ListedVersion[]> {
    const rows = await this.#db.all<ListedRow>(
      `SELECT ${LISTED} FROM s3_objects INDEXED BY s3_objects_versions
       WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, seq DESC LIMIT ?`,
      bucket, from, to, limit,
    );
    return rows.map(toListed);
  }

  /** The versions of one key older than `beforeSeq`, newest first (version-id-marker paging). */
  async olderVersions(bucket: string, key: string, beforeSeq: number, limit: number): Promise<ListedVersion[]> {
    const rows = await this.#db.all<ListedRow>(
      `SELECT ${LISTED} FROM s3_objects WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, bucket, encodeKey(key), beforeSeq, limit,
    );
    return rows.map(toListed);
  }

  /** All versions of a bucket in storage order after `afterSeq` (lifecycle runs, admin listing). */
  async scanVersions(bucket: string, afterSeq: number, limit: number): Promise<ObjectVersion[]> {
    const rows = await this.#db.all<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND seq > ? ORDER BY seq LIMIT ?', bucket, afterSeq, limit);
    return rows.map(toVersion);
  }

  /** The version that followed `seq` on the same key (when it became noncurrent). */
  async successorOf(bucket: string, key: string, seq: number): Promise<{ lastModified: number } | undefined> {
    const r = await this.#db.get<{ last_modified: number }>(
      'SELECT last_modified FROM s3_objects WHERE bucket = ? AND key = ? AND seq > ? ORDER BY seq LIMIT 1', bucket, encodeKey(key), seq,
    );
    return r && { lastModified: r.last_modified };
  }

  async countVersions(bucket: string, key: string): Promise<number> {
    return (await this.#db.get<{ n: number }>('SELECT count(*) AS n FROM s3_objects WHERE bucket = ? AND key = ?', bucket, encodeKey(key)))!.n;
  }

  // ── Multipart uploads ────────────────────────────────────────────────────────────────────────

  async createUpload(u: Upload): Promise<void> {
    await this.#db.run(
      'INSERT INTO s3_uploads (upload_id, bucket, key, initiated, owner, storage_class, meta, checksum_algorithm, checksum_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      u.uploadId, u.bucket, encodeKey(u.key), u.initiated, u.owner, u.storageClass, JSON.stringify(u.meta), u.checksumAlgorithm ?? null, u.checksumType ?? null,
    );
  }

  async upload(uploadId: string): Promise<Upload | undefined> {
    const r = await this.#db.get<UploadRow>('SELECT * FROM s3_uploads WHERE upload_id = ?', uploadId);
    return r && toUpload(r);
  }

  /** Removes an upload and its parts (one unit of work); returns the part blobs to discard. */
  async deleteUpload(uploadId: string): Promise<string[]> {
    return await this.#unit(async (tx) => {
      const blobs = (await tx.all<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ?', uploadId)).map((r) => r.blob);
      await tx.run('DELETE FROM s3_uploads WHERE upload_id = ?', uploadId);
      return blobs;
    });
  }

  /** Removes several uploads and their parts in one unit of work; returns the part blobs to discard. */
  async deleteUploads(uploadIds: Iterable<string>): Promise<string[]> {
    return await this.#unit(async () => {
      const discarded: string[] = [];
      for (const id of uploadIds) discarded.push(...(await this.deleteUpload(id)));
      return discarded;
    });
  }

  /** Uploads of a bucket in (key, initiated) order from a (key, upload id) position. */
  async listUploads(bucket: string, from: Uint8Array, to: Uint8Array, limit: number): Promise<Upload[]> {
    const rows = await this.#db.all<UploadRow>(
      'SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key, initiated, upload_id LIMIT ?', bucket, from, to, limit,
    );
    return rows.map(toUpload);
  }

  async uploadsOf(bucket: string): Promise<Upload[]> {
    return (await this.#db.all<UploadRow>('SELECT * FROM s3_uploads WHERE bucket = ?', bucket)).map(toUpload);
  }

  /**
   * UploadPart's write as one unit of work: stores the part if its upload still exists (it may have
   * been completed or aborted while the part was uploading). `uploading: false` when it did not.
   */
  async putPartIfUploading(uploadId: string, p: Part): Promise<{ uploading: boolean; replaced?: string }> {
    return await this.#unit(async () => {
      if (!(await this.upload(uploadId))) return { uploading: false };
      return { uploading: true, replaced: await this.putPart(uploadId, p) };
    });
  }

  /** Stores a part, replacing one with the same number (one unit); returns the replaced part's blob. */
  async putPart(uploadId: string, p: Part): Promise<string | undefined> {
    return await this.#unit(async (tx) => {
      const old = await tx.get<{ blob: string }>('SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?', uploadId, p.partNumber);
      await tx.run(
        `INSERT INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(upload_id, part_number) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
           last_modified = excluded.last_modified, checksums = excluded.checksums`,
        uploadId, p.partNumber, p.blob, p.size, p.etag, p.lastModified, JSON.stringify(p.checksums),
      );
      return old?.blob;
    });
  }

  async parts(uploadId: string, afterPart = 0, limit = 10000): Promise<Part[]> {
    const rows = await this.#db.all<PartRow>(
      'SELECT part_number, blob, size, etag, last_modified, checksums FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
      uploadId, afterPart, limit,
    );
    return rows.map(toPart);
  }
}
