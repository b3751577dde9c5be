CREATE TABLE scheduler_groups (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
) STRICT;

-- Schedules; `data` is the schedule as GetSchedule describes it. They are re-armed on start-up.
CREATE TABLE scheduler_schedules (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  group_name TEXT NOT NULL,
  name TEXT NOT NULL,
  arn TEXT NOT NULL UNIQUE,
  data TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  last_fired INTEGER,
  PRIMARY KEY (account, region, group_name, name)
) STRICT;

CREATE TABLE scheduler_retries (
  id TEXT PRIMARY KEY,
  due INTEGER NOT NULL,
  job TEXT NOT NULL
) STRICT;

-- Every invocation of a schedule's target (admin API).
CREATE TABLE scheduler_invocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  schedule_arn TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  time INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  input TEXT NOT NULL
) STRICT;
CREATE INDEX scheduler_invocations_by_schedule ON scheduler_invocations (schedule_arn, id);
