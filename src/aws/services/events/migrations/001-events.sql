-- Buses, rules, archives, replays, connections and API destinations: one row per resource, its
-- description as JSON (EventBridge's control plane is data).
CREATE TABLE events_resources (
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL,
  data TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  PRIMARY KEY (kind, account, region, name)
) STRICT;
CREATE UNIQUE INDEX events_resources_by_arn ON events_resources (arn);

CREATE TABLE events_targets (
  rule_arn TEXT NOT NULL,
  id TEXT NOT NULL,
  arn TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (rule_arn, id)
) STRICT;
CREATE INDEX events_targets_by_arn ON events_targets (arn);

-- Archived events, for replays.
CREATE TABLE events_archived (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  archive_arn TEXT NOT NULL,
  time INTEGER NOT NULL,
  event TEXT NOT NULL
) STRICT;
CREATE INDEX events_archived_by_archive ON events_archived (archive_arn, time);

-- Target invocations waiting for their next attempt (retries survive a restart).
CREATE TABLE events_retries (
  id TEXT PRIMARY KEY,
  due INTEGER NOT NULL,
  job TEXT NOT NULL
) STRICT;

-- Which rules matched which events, and what became of each target invocation (admin API).
CREATE TABLE events_matches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_arn TEXT NOT NULL,
  event_id TEXT NOT NULL,
  time INTEGER NOT NULL,
  target_id TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  event TEXT NOT NULL
) STRICT;
CREATE INDEX events_matches_by_rule ON events_matches (rule_arn, id);
