-- The search index moves to a file of its own, DATA/search.db (docs/storage.md, "Search"), written
-- by a thread of its own so no index transaction holds the writer. The node copied this file's
-- index there before this ran (SearchFile.copyFromDatabase).
DROP TABLE message_search;
DROP TABLE message_search_entries;
DROP TABLE search_marks;
-- Erasures and retention the search file's index has not been purged of yet: written in the
-- erasing or deleting transaction, applied by the indexer's next transaction, which records how
-- far it got in the search file. AUTOINCREMENT: ids never go back once applied rows are dropped.
CREATE TABLE search_purges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL,
    sender_id       INTEGER,
    up_to           INTEGER NOT NULL
);
