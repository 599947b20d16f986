-- Profiles, avatars, blocks, message requests and reports (PostgreSQL; the same tables as the
-- SQLite version 6, docs/storage.md). Profiles, avatars
-- and blocks live on the shard of their user (the blocker); a message request on the shard of its
-- conversation; a report, with the copies of the entries it reports, on the shard of its id.

-- What a user chose to show: display name and status line (NULL: none). avatar is the version of
-- the row in avatars, kept here so a profile is one read.
CREATE TABLE profiles (
    user_id      BIGINT PRIMARY KEY,
    display_name TEXT,
    status       TEXT,
    avatar       TEXT,
    updated_at   BIGINT NOT NULL
);

-- Each user's current avatar, re-encoded small by the node (never the upload as sent).
CREATE TABLE avatars (
    user_id      BIGINT PRIMARY KEY,
    version      TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        BYTEA   NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL,
    blocked_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id);

-- A direct conversation whose recipient has not accepted it (they are not a member until then).
CREATE TABLE message_requests (
    conversation_id BIGINT PRIMARY KEY,
    recipient_id    BIGINT NOT NULL,
    requester_id    BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    declined        INTEGER NOT NULL DEFAULT 0,
    notified        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_requests_by_recipient ON message_requests (recipient_id, created_at);
CREATE INDEX message_requests_by_requester ON message_requests (requester_id);

CREATE TABLE reports (
    id              BIGINT PRIMARY KEY,
    reporter_id     BIGINT NOT NULL,
    subject_id      BIGINT NOT NULL,
    conversation_id BIGINT,
    reason          TEXT    NOT NULL,
    note            TEXT,
    created_at      BIGINT NOT NULL,
    resolved_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_by_time ON reports (created_at);

-- Copies of the history entries a report is about, as they were when reported.
CREATE TABLE report_entries (
    report_id        BIGINT NOT NULL,
    conversation_id  BIGINT NOT NULL,
    seq              BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    sender_id        BIGINT NOT NULL,
    sender_device_id BIGINT,
    client_id        TEXT,
    kind             TEXT    NOT NULL,
    body             TEXT,
    title            TEXT,
    user_ids         TEXT,
    role             TEXT,
    PRIMARY KEY (report_id, seq)
);
