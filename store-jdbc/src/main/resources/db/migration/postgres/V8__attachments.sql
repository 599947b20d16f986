-- Attachments (PostgreSQL; the same tables as the SQLite version 8, docs/storage.md,
-- "Attachments"). An upload's row lives on the shard of its id; its bytes live in the blob store
-- under their SHA-256 (lower-case hex), shared by identical uploads.
-- sent_at is set once a message carrying the upload committed; an upload never sent is removed by
-- the node after attachments.unsentExpiry (docs/operations.md).
CREATE TABLE attachments (
    id           BIGINT PRIMARY KEY,
    owner_id     BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    content_type TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    thumbnail    BYTEA,
    created_at   BIGINT  NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX attachments_by_owner ON attachments (owner_id, sha256);
CREATE INDEX attachments_by_sha ON attachments (sha256);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE sent_at IS NULL;

-- Which history entries carry which uploads, on the shard of the conversation, written in the
-- append's transaction. The description is copied from the upload (it never changes), so a
-- history page is read from one shard.
CREATE TABLE message_attachments (
    conversation_id BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL,
    position        INTEGER NOT NULL,
    attachment_id   BIGINT  NOT NULL,
    owner_id        BIGINT  NOT NULL,
    sha256          TEXT    NOT NULL,
    size            BIGINT  NOT NULL,
    content_type    TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (conversation_id, seq, position)
);
CREATE INDEX message_attachments_by_attachment ON message_attachments (attachment_id);

-- Full-text search over text messages (docs/storage.md, "Search"), on the shard of the
-- conversation, written in the append's transaction. The document is the text folded by the node
-- (lower case, accents removed, one token per CJK character) under the 'simple' configuration,
-- so SQLite and PostgreSQL find the same; prefix queries use the GIN index.
CREATE TABLE message_search (
    conversation_id BIGINT   NOT NULL,
    seq             BIGINT   NOT NULL,
    created_at      BIGINT   NOT NULL,
    document        TSVECTOR NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX message_search_documents ON message_search USING GIN (document);
