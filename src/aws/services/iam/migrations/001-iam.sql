-- IAM's identities, policies and account settings. IAM is global: rows are scoped by account only.
-- Names are unique per account regardless of case or path, as IAM's are ("admin" and "ADMIN" cannot
-- both exist), so they compare NOCASE. Everything hanging off an entity (members, attachments, inline
-- policies, keys, login profiles) names it by its unique id, so renaming a user or group moves nothing.

-- Users, groups, roles and instance profiles: one row shape, told apart by kind.
CREATE TABLE iam_entities (
  account TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  description TEXT,
  -- roles: the trust policy as sent, and the longest session AssumeRole may ask for
  trust_policy TEXT,
  max_session INTEGER,
  -- users and roles: the permissions boundary's policy ARN
  boundary TEXT,
  -- [{Key, Value}] in the order they were added
  tags TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (account, kind, name)
) STRICT;

-- Group membership and the roles in instance profiles: both are (container id, member id).
CREATE TABLE iam_members (
  container TEXT NOT NULL,
  member TEXT NOT NULL,
  added INTEGER NOT NULL,
  PRIMARY KEY (container, member)
) STRICT;
CREATE INDEX iam_members_member ON iam_members (member);

-- Customer managed policies.
CREATE TABLE iam_policies (
  account TEXT NOT NULL,
  arn TEXT PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  description TEXT,
  default_version TEXT NOT NULL,
  next_version INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  UNIQUE (account, name)
) STRICT;

CREATE TABLE iam_policy_versions (
  arn TEXT NOT NULL,
  version TEXT NOT NULL,
  document TEXT NOT NULL,
  created INTEGER NOT NULL,
  PRIMARY KEY (arn, version)
) STRICT;

-- Managed policies attached to users, groups and roles (the entity by id).
CREATE TABLE iam_attachments (
  entity TEXT NOT NULL,
  policy_arn TEXT NOT NULL,
  attached INTEGER NOT NULL,
  PRIMARY KEY (entity, policy_arn)
) STRICT;
CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn);

-- Inline policies, kept as sent.
CREATE TABLE iam_inline_policies (
  entity TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (entity, name)
) STRICT;

-- A user's long-term access keys; the secret and status live with every issued key in the core's
-- access_keys table (src/core/accounts.ts), which is what makes a request signed with one act as the user.
CREATE TABLE iam_access_keys (
  user_id TEXT NOT NULL,
  access_key_id TEXT PRIMARY KEY,
  created INTEGER NOT NULL
) STRICT;
CREATE INDEX iam_access_keys_user ON iam_access_keys (user_id);

CREATE TABLE iam_login_profiles (
  user_id TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  reset_required INTEGER NOT NULL,
  created INTEGER NOT NULL
) STRICT;

-- Per-account settings: the account alias, the password policy (JSON).
CREATE TABLE iam_account_settings (
  account TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (account, key)
) STRICT;
CREATE UNIQUE INDEX iam_account_alias ON iam_account_settings (value) WHERE key = 'alias';
