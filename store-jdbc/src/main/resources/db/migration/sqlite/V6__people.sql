-- Profiles, avatars, blocks, message requests and reports (docs/storage.md). Profiles, avatars
-- and blocks live on the shard of their user (the blocker); a message request on the shard of its
-- conversation; a report, with the copies of the entries it reports, on the shard of its id.

-- What a user chose to show: display name and status line (NULL: none). avatar is the version of
-- the row in avatars, kept here so a profile is one read.
CREATE TABLE profiles (
    user_id      INTEGER PRIMARY KEY,
    display_name TEXT,
    status       TEXT,
    avatar       TEXT,
    updated_at   INTEGER NOT NULL
);

-- Each user's current avatar, re-encoded small by the node (never the upload as sent).
CREATE TABLE avatars (
    user_id      INTEGER PRIMARY KEY,
    version      TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE TABLE blocks (
    blocker_id INTEGER NOT NULL,
    blocked_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX blocks_by_blocked ON blocks (blocked_id);

-- A direct conversation whose recipient has not accepted it (they are not a member until then).
CREATE TABLE message_requests (
    conversation_id INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL,
    requester_id    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    declined        INTEGER NOT NULL DEFAULT 0,
    notified        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX message_requests_by_recipient ON message_requests (recipient_id, created_at);
CREATE INDEX message_requests_by_requester ON message_requests (requester_id);

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    reporter_id     INTEGER NOT NULL,
    subject_id      INTEGER NOT NULL,
    conversation_id INTEGER,
    reason          TEXT    NOT NULL,
    note            TEXT,
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_by_reporter ON reports (reporter_id, created_at);
CREATE INDEX reports_by_time ON reports (created_at);

-- Copies of the history entries a report is about, as they were when reported.
CREATE TABLE report_entries (
    report_id        INTEGER NOT NULL,
    conversation_id  INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    sender_id        INTEGER NOT NULL,
    sender_device_id INTEGER,
    client_id        TEXT,
    kind             TEXT    NOT NULL,
    body             TEXT,
    title            TEXT,
    user_ids         TEXT,
    role             TEXT,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
