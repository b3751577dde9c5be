-- DynamoDB: tables, their items and index entries, streams, backups, exports and imports.
-- Key attributes are stored encoded (values/attribute.ts encodeKeyValue) so that SQLite's BLOB order
-- is DynamoDB's order; `seg` is a hash of the partition key, as DynamoDB hashes partitions, which
-- makes parallel Scan segments key ranges and keeps every key lookup an index seek.

CREATE TABLE ddb_tables (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  spec TEXT NOT NULL,
  item_count INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
) STRICT;

CREATE TABLE ddb_indexes (
  id INTEGER PRIMARY KEY,
  table_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  item_count INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE ddb_items (
  table_id INTEGER NOT NULL,
  seg INTEGER NOT NULL,
  hk BLOB NOT NULL,
  rk BLOB NOT NULL,
  item TEXT NOT NULL,
  size INTEGER NOT NULL,
  expires INTEGER,
  PRIMARY KEY (table_id, seg, hk, rk)
) STRICT, WITHOUT ROWID;

CREATE INDEX ddb_items_expiry ON ddb_items (expires) WHERE expires IS NOT NULL;

CREATE TABLE ddb_index_items (
  index_id INTEGER NOT NULL,
  seg INTEGER NOT NULL,
  hk BLOB NOT NULL,
  rk BLOB NOT NULL,
  thk BLOB NOT NULL,
  trk BLOB NOT NULL,
  item TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (index_id, seg, hk, rk, thk, trk)
) STRICT, WITHOUT ROWID;

CREATE TABLE ddb_streams (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  table_name TEXT NOT NULL,
  table_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  view_type TEXT NOT NULL,
  shard_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER,
  -- Sequence number of the last record of the closed shard.
  ending_seq INTEGER,
  key_schema TEXT NOT NULL
) STRICT;

CREATE INDEX ddb_streams_scope ON ddb_streams (account, region, table_name);

CREATE TABLE ddb_stream_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  record TEXT NOT NULL
) STRICT;

CREATE INDEX ddb_stream_records_stream ON ddb_stream_records (stream_id, seq);
CREATE INDEX ddb_stream_records_age ON ddb_stream_records (created_at);

CREATE TABLE ddb_backups (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  table_name TEXT NOT NULL,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE ddb_backup_items (
  backup_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (backup_id, n)
) STRICT, WITHOUT ROWID;

-- Exports to and imports from S3, by ARN; `spec` is the description DynamoDB returns.
CREATE TABLE ddb_jobs (
  arn TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  spec TEXT NOT NULL
) STRICT;
