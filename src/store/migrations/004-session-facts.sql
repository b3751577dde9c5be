-- What an STS session was issued with, for later authorization (issue 12): the role it acts as (with
-- its path: the session ARN leaves the path out), the session policies passed to AssumeRole… (inline
-- and managed, JSON), the session tags and which of them pass on to chained sessions (JSON), and the
-- source identity. NULL for long-term keys and sessions that are not role sessions.
ALTER TABLE access_keys ADD COLUMN role_arn TEXT;
ALTER TABLE access_keys ADD COLUMN session_policy TEXT;
ALTER TABLE access_keys ADD COLUMN session_policy_arns TEXT;
ALTER TABLE access_keys ADD COLUMN session_tags TEXT;
ALTER TABLE access_keys ADD COLUMN transitive_tag_keys TEXT;
ALTER TABLE access_keys ADD COLUMN source_identity TEXT;
