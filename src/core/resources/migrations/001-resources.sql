-- The resource engine's tables (src/core/resources/). Services that declare resources keep them here;
-- services that predate the engine keep their own tables and use the engine's helpers.

-- Secrets the engine needs to outlive a restart (the page-token key), so tokens stay valid across
-- restarts and travel with the data directory as real services' tokens outlive their servers.
CREATE TABLE resource_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;

-- Declared resources: one row per resource, keyed by its kind, scope and id.
CREATE TABLE resources (
  kind TEXT NOT NULL,
  owner TEXT NOT NULL,          -- account (or GCP project)
  place TEXT NOT NULL,          -- region (or location); '' for account-global resources
  id TEXT NOT NULL,
  arn TEXT NOT NULL,
  parent TEXT,                  -- the parent resource's id, for nested resources
  state TEXT,
  data TEXT NOT NULL,           -- JSON: the service's own description of the resource
  tags TEXT NOT NULL DEFAULT '{}',
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  PRIMARY KEY (kind, owner, place, id)
) STRICT;
CREATE UNIQUE INDEX resources_by_arn ON resources (arn);
CREATE INDEX resources_by_parent ON resources (kind, owner, place, parent, id);

-- Resource policies (SQS queue policies, Lambda function policies, S3 bucket policies ...): the text
-- exactly as the client sent it, per resource ARN.
CREATE TABLE resource_policies (
  arn TEXT PRIMARY KEY,
  policy TEXT NOT NULL,
  revision TEXT NOT NULL
) STRICT;

-- Idempotency tokens (ClientToken, CallerReference): what a token was first used with and answered.
CREATE TABLE idempotency_tokens (
  operation TEXT NOT NULL,
  owner TEXT NOT NULL,
  place TEXT NOT NULL,
  token TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  result TEXT NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (operation, owner, place, token)
) STRICT;
