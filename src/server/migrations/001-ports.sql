-- Ports handed to resources from the configured range (src/server/ports.ts). One row per port; a
-- resource may own several (purpose tells them apart, e.g. 'resp' and 'tls').
CREATE TABLE ports (
  port INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  resource TEXT NOT NULL,
  account TEXT NOT NULL DEFAULT '',
  purpose TEXT NOT NULL DEFAULT '',
  allocated_at INTEGER NOT NULL,
  UNIQUE (kind, account, resource, purpose)
) STRICT;
