-- Parley schema, version 1 (SQLite). docs/storage.md explains each table.
-- Times are milliseconds since the epoch; ids are 53-bit integers issued by the nodes.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL,
    title            TEXT,
    created_at       INTEGER NOT NULL,
    last_seq         INTEGER NOT NULL DEFAULT 0,
    last_activity_at INTEGER NOT NULL
);

-- The one direct conversation of a pair of users (user_lo < user_hi).
CREATE TABLE direct_pairs (
    user_lo         INTEGER NOT NULL,
    user_hi         INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    PRIMARY KEY (user_lo, user_hi)
) WITHOUT ROWID;

-- Current and former members. left_seq is NULL while a member; delivered/read only grow.
CREATE TABLE members (
    conversation_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    role            TEXT    NOT NULL,
    joined_seq      INTEGER NOT NULL,
    joined_at       INTEGER NOT NULL,
    left_seq        INTEGER,
    delivered_seq   INTEGER NOT NULL DEFAULT 0,
    read_seq        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id, conversation_id);

-- Every conversation's history: text messages and membership events, dense seq per conversation.
CREATE TABLE messages (
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
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_by_client_id ON messages (conversation_id, sender_id, client_id)
    WHERE client_id IS NOT NULL;
