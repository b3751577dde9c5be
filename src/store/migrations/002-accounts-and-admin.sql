-- Accounts seen in requests or created in the admin UI, with an optional display name.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT,
  created_at INTEGER NOT NULL,
  created_in_admin INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Admin UI secrets that must survive restarts: the session signing key, the generated password hash.
CREATE TABLE admin_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
