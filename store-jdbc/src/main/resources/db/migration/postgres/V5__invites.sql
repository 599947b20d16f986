-- Invite codes for invite-only registration (docs/operations.md, "Limits and abuse"). Only the
-- SHA-256 of a code is kept; uses_left counts the registrations it still allows. An invite lives
-- on the shard of its hash.
CREATE TABLE invites (
    code_hash  BYTEA   PRIMARY KEY,
    uses_left  INTEGER NOT NULL,
    expires_at BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);
