-- Bots and API tokens (docs/protocol.md, "Bots and API tokens"). An API token is a device that
-- no password login made: scopes lists what it may do (comma-separated: read, send, manage);
-- NULL for a login, which may do everything. A bot account is shown as such in profiles.
ALTER TABLE devices ADD COLUMN scopes TEXT;
ALTER TABLE users ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;
