CREATE TABLE sns_topics (
  arn TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  data_protection TEXT,
  created INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX sns_topics_by_scope ON sns_topics (account, region, name);

CREATE TABLE sns_subscriptions (
  arn TEXT PRIMARY KEY,
  topic_arn TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  owner TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  confirmed INTEGER NOT NULL,
  token TEXT,
  attributes TEXT NOT NULL,
  created INTEGER NOT NULL,
  seq INTEGER NOT NULL
) STRICT;
CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn, seq);
CREATE INDEX sns_subscriptions_by_scope ON sns_subscriptions (account, region, seq);
CREATE INDEX sns_subscriptions_by_token ON sns_subscriptions (token);

-- The key pair messages are signed with; its certificate is served at SigningCertURL.
CREATE TABLE sns_signing_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  private_key TEXT NOT NULL,
  certificate TEXT NOT NULL,
  name TEXT NOT NULL
) STRICT;

-- Every delivery attempt outcome per subscription, for the admin API.
CREATE TABLE sns_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_arn TEXT NOT NULL,
  topic_arn TEXT NOT NULL,
  message_id TEXT NOT NULL,
  time INTEGER NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  payload TEXT NOT NULL
) STRICT;
CREATE INDEX sns_deliveries_by_subscription ON sns_deliveries (subscription_arn, id);

-- SMS, email and mobile push messages: nothing leaves the machine, they are kept here.
CREATE TABLE sns_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  destination TEXT NOT NULL,
  subject TEXT,
  message TEXT NOT NULL,
  message_id TEXT NOT NULL,
  topic_arn TEXT,
  subscription_arn TEXT,
  attributes TEXT,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX sns_outbox_by_kind ON sns_outbox (account, region, kind, id);

-- Deliveries waiting for their next attempt (retries survive a restart).
CREATE TABLE sns_retries (
  id TEXT PRIMARY KEY,
  due INTEGER NOT NULL,
  job TEXT NOT NULL
) STRICT;

CREATE TABLE sns_platform_applications (
  arn TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  attributes TEXT NOT NULL,
  created INTEGER NOT NULL
) STRICT;
CREATE INDEX sns_platform_applications_by_scope ON sns_platform_applications (account, region, created);

CREATE TABLE sns_platform_endpoints (
  arn TEXT PRIMARY KEY,
  application_arn TEXT NOT NULL,
  token TEXT NOT NULL,
  attributes TEXT NOT NULL,
  created INTEGER NOT NULL
) STRICT;
CREATE INDEX sns_platform_endpoints_by_app ON sns_platform_endpoints (application_arn, created);

CREATE TABLE sns_sms_settings (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  attributes TEXT NOT NULL,
  PRIMARY KEY (account, region)
) STRICT;

CREATE TABLE sns_phone_numbers (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  phone TEXT NOT NULL,
  opted_out INTEGER NOT NULL DEFAULT 0,
  sandbox_status TEXT,
  otp TEXT,
  PRIMARY KEY (account, region, phone)
) STRICT;
