-- Credentials Fogbank issued (STS sessions, later IAM access keys), so that a request signed with
-- them resolves to the right account and principal.
CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  session_token TEXT,
  account TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  user_id TEXT NOT NULL,
  expires_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
