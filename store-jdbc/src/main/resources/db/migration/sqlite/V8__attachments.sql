-- Attachments and search (docs/storage.md, "Attachments"). An upload's row lives on the shard of
-- its id; its bytes live in the blob store under their SHA-256 (lower-case hex), shared by
-- identical uploads.
-- sent_at is set once a message carrying the upload committed; an upload never sent is removed by
-- the node after attachments.unsentExpiry (docs/operations.md).
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    thumbnail    BLOB,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER
);
CREATE INDEX attachments_by_owner ON attachments (owner_id, sha256);
CREATE INDEX attachments_by_sha ON attachments (sha256);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE sent_at IS NULL;

-- Which history entries carry which uploads, on the shard of the conversation, written in the
-- append's transaction. The description is copied from the upload (it never changes), so a
-- history page is read from one shard.
CREATE TABLE message_attachments (
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    attachment_id   INTEGER NOT NULL,
    owner_id        INTEGER NOT NULL,
    sha256          TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    content_type    TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq, position)
) WITHOUT ROWID;
CREATE INDEX message_attachments_by_attachment ON message_attachments (attachment_id);

-- Full-text search over text messages (docs/storage.md, "Search"), on the shard of the
-- conversation, written in the append's transaction. message_search_entries says which entry a
-- row of the FTS5 index is; the index holds the text folded by the node (lower case, accents
-- removed, one token per CJK character), so SQLite and PostgreSQL find the same.
CREATE TABLE message_search_entries (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX message_search_entries_by_entry ON message_search_entries (conversation_id, seq);
CREATE VIRTUAL TABLE message_search USING fts5(text, tokenize = 'unicode61 remove_diacritics 0');
