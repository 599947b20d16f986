-- How far each conversation's entries are in the search index (docs/storage.md, "Search"). On
-- SQLite the writer indexes text entries after their appends, in batches, and moves a
-- conversation's mark with its index rows. PostgreSQL indexes each entry in its append's
-- transaction and keeps no marks: the table is here so both engines have the same schema.
CREATE TABLE search_marks (
    conversation_id BIGINT PRIMARY KEY,
    indexed_seq     BIGINT NOT NULL
);
