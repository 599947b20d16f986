-- Where the hot log's replay starts (docs/storage.md, "The hot log"): the first ordinal of the log
-- that SQLite has not materialized and where its record starts (segment, the segment's first
-- ordinal, and the byte offset in it; null when unknown). One row, moved in the transaction that
-- materializes the records before it. A database that never wrote the log replays from ordinal 1.
CREATE TABLE log_marks (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    next_ordinal   INTEGER NOT NULL,
    segment_first  INTEGER,
    segment_offset INTEGER
);
INSERT INTO log_marks (id, next_ordinal) VALUES (1, 1);
