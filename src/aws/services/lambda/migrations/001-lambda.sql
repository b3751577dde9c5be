-- AWS Lambda: functions and their versions, aliases, policies, layers, URLs, invoke configs,
-- concurrency, code signing configs, event source mappings, and the queue of asynchronous invocations.
CREATE TABLE lambda_functions (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  next_version INTEGER NOT NULL DEFAULT 1,
  tags TEXT NOT NULL DEFAULT '{}',
  reserved_concurrency INTEGER,
  code_signing_config_arn TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  UNIQUE (account, region, name)
) STRICT;

CREATE TABLE lambda_versions (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  config TEXT NOT NULL,
  code_sha256 TEXT NOT NULL DEFAULT '',
  code_size INTEGER NOT NULL DEFAULT 0,
  code_blob TEXT,
  state TEXT NOT NULL,
  state_reason TEXT,
  state_reason_code TEXT,
  last_update_status TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  revision_id TEXT NOT NULL,
  PRIMARY KEY (function_id, version)
) STRICT;
CREATE INDEX lambda_versions_blob ON lambda_versions (code_blob);

CREATE TABLE lambda_aliases (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  routing TEXT,
  revision_id TEXT NOT NULL,
  PRIMARY KEY (function_id, name)
) STRICT;

CREATE TABLE lambda_policies (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  qualifier TEXT NOT NULL DEFAULT '',
  sid TEXT NOT NULL,
  statement TEXT NOT NULL,
  PRIMARY KEY (function_id, qualifier, sid)
) STRICT;

CREATE TABLE lambda_layer_names (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  next_version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (account, region, name)
) STRICT;

CREATE TABLE lambda_layers (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  config TEXT NOT NULL,
  code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL,
  code_blob TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, name, version)
) STRICT;
CREATE INDEX lambda_layers_blob ON lambda_layers (code_blob);

CREATE TABLE lambda_layer_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  sid TEXT NOT NULL,
  statement TEXT NOT NULL,
  PRIMARY KEY (account, region, name, version, sid)
) STRICT;

CREATE TABLE lambda_urls (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  qualifier TEXT NOT NULL DEFAULT '',
  url_id TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, qualifier)
) STRICT;

CREATE TABLE lambda_invoke_configs (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  qualifier TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, qualifier)
) STRICT;

CREATE TABLE lambda_provisioned (
  function_id INTEGER NOT NULL REFERENCES lambda_functions (id) ON DELETE CASCADE,
  qualifier TEXT NOT NULL,
  requested INTEGER NOT NULL,
  status TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (function_id, qualifier)
) STRICT;

CREATE TABLE lambda_code_signing_configs (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  config TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, id)
) STRICT;

CREATE TABLE lambda_event_source_mappings (
  uuid TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function_arn TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  last_result TEXT NOT NULL DEFAULT 'No records processed'
) STRICT;
CREATE INDEX lambda_esm_scope ON lambda_event_source_mappings (account, region);

CREATE TABLE lambda_async_events (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier TEXT,
  payload BLOB NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  source TEXT
) STRICT;

-- Where each stream event source mapping has got to in each shard (the last sequence number done).
CREATE TABLE lambda_mapping_checkpoints (
  uuid TEXT NOT NULL REFERENCES lambda_event_source_mappings (uuid) ON DELETE CASCADE,
  shard TEXT NOT NULL,
  sequence TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (uuid, shard)
) STRICT;
