-- CloudWatch Logs: log groups, streams, events, subscription and metric filters.
CREATE TABLE logs_groups (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retention_days INTEGER,
  kms_key_id TEXT,
  log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
  deletion_protection INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '{}',
  UNIQUE (account, region, name)
) STRICT;

CREATE TABLE logs_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  first_event INTEGER,
  last_event INTEGER,
  last_ingestion INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  sequence INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, name)
) STRICT;
CREATE INDEX logs_streams_last_event ON logs_streams (group_id, last_event);

CREATE TABLE logs_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL REFERENCES logs_streams (id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  ingestion_time INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX logs_events_stream ON logs_events (stream_id, timestamp, id);
CREATE INDEX logs_events_group ON logs_events (group_id, timestamp, id);

CREATE TABLE logs_subscription_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  role_arn TEXT,
  distribution TEXT NOT NULL DEFAULT 'ByLogStream',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, name)
) STRICT;

CREATE TABLE logs_metric_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  transformations TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, name)
) STRICT;
