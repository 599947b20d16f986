-- Invite codes for invite-only registration (docs/operations.md, "Limits and abuse"). Only the
-- SHA-256 of a code is kept; uses_left counts the registrations it still allows.
CREATE TABLE invites (
    code_hash  BLOB    PRIMARY KEY,
    uses_left  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
