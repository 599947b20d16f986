-- Parley schema, version 1 (PostgreSQL): the same tables, columns and indexes as the SQLite
-- version 1. docs/storage.md explains each table and which shard holds its rows.
-- Times are milliseconds since the epoch; ids are 53-bit integers issued by the nodes. Flags are
-- INTEGER 0/1, as on SQLite, so the stores' SQL binds them the same way on both.

CREATE TABLE users (
    id            BIGINT  PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE devices (
    id           BIGINT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    token_hash   BYTEA  NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE conversations (
    id               BIGINT PRIMARY KEY,
    kind             TEXT   NOT NULL,
    title            TEXT,
    created_at       BIGINT NOT NULL,
    last_seq         BIGINT NOT NULL DEFAULT 0,
    last_activity_at BIGINT NOT NULL
);

-- The one direct conversation of a pair of users (user_lo < user_hi).
CREATE TABLE direct_pairs (
    user_lo         BIGINT NOT NULL,
    user_hi         BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    PRIMARY KEY (user_lo, user_hi)
);

-- Current and former members. left_seq is NULL while a member; delivered/read only grow.
CREATE TABLE members (
    conversation_id BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    role            TEXT   NOT NULL,
    joined_seq      BIGINT NOT NULL,
    joined_at       BIGINT NOT NULL,
    left_seq        BIGINT,
    delivered_seq   BIGINT NOT NULL DEFAULT 0,
    read_seq        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX members_by_user ON members (user_id, conversation_id);

-- Every conversation's history: text messages and membership events, dense seq per conversation.
CREATE TABLE messages (
    conversation_id  BIGINT NOT NULL,
    seq              BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    sender_id        BIGINT NOT NULL,
    sender_device_id BIGINT,
    client_id        TEXT,
    kind             TEXT   NOT NULL,
    body             TEXT,
    title            TEXT,
    user_ids         TEXT,
    role             TEXT,
    PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_id ON messages (conversation_id, sender_id, client_id)
    WHERE client_id IS NOT NULL;
