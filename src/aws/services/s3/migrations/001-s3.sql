-- S3 metadata. Keys are BLOBs of their UTF-8 bytes, so SQLite's memcmp ordering is S3's listing
-- order (UTF-8 binary); bodies are blobs named by ids Fogbank picks, never by keys.

CREATE TABLE s3_buckets (
  name TEXT PRIMARY KEY,            -- bucket names are one namespace across accounts, as in AWS
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  versioning TEXT NOT NULL DEFAULT '',   -- '' (never enabled), 'Enabled', 'Suspended'
  mfa_delete TEXT NOT NULL DEFAULT '',
  object_lock INTEGER NOT NULL DEFAULT 0,
  ownership TEXT NOT NULL DEFAULT 'BucketOwnerEnforced',
  acl TEXT NOT NULL DEFAULT '[]'    -- JSON grants besides the owner's FULL_CONTROL
) STRICT;
CREATE INDEX s3_buckets_by_account ON s3_buckets(account, name);

-- Every bucket sub-resource (cors, policy, lifecycle, website, tagging, ...) as JSON; `id` names
-- the configurations that come several per bucket (analytics, inventory, metrics, tiering).
CREATE TABLE s3_bucket_configs (
  bucket TEXT NOT NULL REFERENCES s3_buckets(name) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  id TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  PRIMARY KEY (bucket, kind, id)
) STRICT, WITHOUT ROWID;

-- One row per object version (delete markers included). The latest version of a key is the one
-- with the highest seq; is_latest mirrors that for the listing index.
CREATE TABLE s3_objects (
  seq INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  key BLOB NOT NULL,
  version_id TEXT NOT NULL,
  is_latest INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  etag TEXT NOT NULL DEFAULT '',
  last_modified INTEGER NOT NULL,
  storage_class TEXT NOT NULL DEFAULT 'STANDARD',
  owner TEXT NOT NULL,
  body TEXT,                        -- JSON [[blobId, size], ...]: the segments, in order
  inline BLOB,                      -- or the bytes themselves, for small bodies (bodies.ts INLINE_MAX)
  parts TEXT,                       -- JSON [{size, checksum}] of a multipart object
  meta TEXT NOT NULL DEFAULT '{}',  -- JSON: system headers, user metadata, encryption, redirect
  checksum TEXT,                    -- JSON {algorithm, value, type}
  tags TEXT,                        -- JSON {key: value}
  acl TEXT,                         -- JSON grants besides the owner's
  lock_mode TEXT,
  lock_until INTEGER,
  legal_hold INTEGER NOT NULL DEFAULT 0,
  restore TEXT                      -- JSON {expiry}
) STRICT;
CREATE INDEX s3_objects_versions ON s3_objects(bucket, key, seq DESC);
CREATE INDEX s3_objects_listing ON s3_objects(bucket, key) WHERE is_latest = 1 AND delete_marker = 0;

CREATE TABLE s3_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key BLOB NOT NULL,
  initiated INTEGER NOT NULL,
  owner TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  meta TEXT NOT NULL,               -- JSON: what the object will carry (headers, metadata, tags, acl, lock)
  checksum_algorithm TEXT,
  checksum_type TEXT
) STRICT;
CREATE INDEX s3_uploads_by_key ON s3_uploads(bucket, key, initiated);

CREATE TABLE s3_parts (
  upload_id TEXT NOT NULL REFERENCES s3_uploads(upload_id) ON DELETE CASCADE,
  part_number INTEGER NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  checksums TEXT NOT NULL DEFAULT '{}',   -- JSON {CRC32: base64, ...}
  PRIMARY KEY (upload_id, part_number)
) STRICT, WITHOUT ROWID;
