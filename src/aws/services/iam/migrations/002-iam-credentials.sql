-- IAM's other credentials and identity providers: virtual MFA devices, users' SSH public keys and
-- signing certificates, server certificates, and OIDC and SAML providers. Scoped by account, as IAM is.

-- Virtual MFA devices by serial number (their ARN). A device belongs to no user until EnableMFADevice
-- assigns it; `last_step` is the TOTP time step last accepted, so a code is never accepted twice.
CREATE TABLE iam_mfa_devices (
  account TEXT NOT NULL,
  serial TEXT PRIMARY KEY COLLATE NOCASE,
  seed TEXT NOT NULL,
  user_id TEXT,
  enabled INTEGER,
  last_step INTEGER,
  created INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX iam_mfa_devices_user ON iam_mfa_devices (user_id);

-- A user's SSH public keys ('ssh-key'), X.509 signing certificates ('signing-cert') and service-specific
-- credentials ('service-credential': `fingerprint` holds the service, only a hash of the password is kept), by id.
CREATE TABLE iam_user_credentials (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status TEXT NOT NULL,
  uploaded INTEGER NOT NULL
) STRICT;
CREATE INDEX iam_user_credentials_user ON iam_user_credentials (user_id, kind);

-- Server certificates (the private key is checked against the certificate, then not kept).
CREATE TABLE iam_server_certificates (
  account TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  chain TEXT,
  expiration INTEGER NOT NULL,
  uploaded INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (account, name)
) STRICT;

-- OIDC ('oidc') and SAML ('saml') identity providers by ARN. OIDC keeps its client ids and
-- thumbprints as JSON arrays in `config`; SAML keeps its metadata document there.
CREATE TABLE iam_providers (
  account TEXT NOT NULL,
  arn TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  config TEXT NOT NULL,
  valid_until INTEGER,
  created INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX iam_providers_account ON iam_providers (account, kind);
