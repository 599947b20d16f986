-- How far each conversation's entries are in the search index (docs/storage.md, "Search"). The
-- writer indexes text entries after their appends committed, in batches of their own, and moves a
-- conversation's mark in the transaction that writes its index rows; search reads the entries past
-- the mark from messages. A conversation without a row has nothing indexed yet (mark 0).
CREATE TABLE search_marks (
    conversation_id INTEGER PRIMARY KEY,
    indexed_seq     INTEGER NOT NULL
);
-- Until now every entry was indexed in its append's transaction.
INSERT INTO search_marks (conversation_id, indexed_seq) SELECT id, last_seq FROM conversations WHERE last_seq > 0;
