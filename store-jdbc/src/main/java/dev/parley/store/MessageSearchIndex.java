package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.search.SearchText;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Keeps the search index of a conversation's text entries in step with its history, so old words
 * find nothing. On PostgreSQL an entry is indexed in its append's transaction, a {@code tsvector}
 * per entry with a GIN index, and leaves the index in the transaction that erases its text or
 * deletes it. On SQLite a thread of its own indexes entries after their appends, in batches
 * ({@link SearchIndexer}), into an FTS5 table of the search file ({@link SearchFile}) whose rows
 * {@code message_search_entries} ties to entries; edits and deletions are applied when it gets to
 * them, erasure and retention through {@code search_purges} ({@link #purgeLater}), and search reads
 * around what it has not applied yet ({@link SearchTail}). Both hold the text folded by
 * {@link SearchText}.
 */
final class MessageSearchIndex {
    private MessageSearchIndex() {
    }

    private static void add(SqlSession s, Message m) throws SQLException {
        add(s, m, folded(m.kind(), m.body()));
    }

    /**
     * What the index holds for an entry of this kind and body, or null when it is not indexed.
     * Appends fold their text before they are queued, on the sender's thread, so the single
     * writer thread does not spend its time on it.
     */
    static String folded(MessageKind kind, String body) {
        if (kind != MessageKind.TEXT || body == null || body.isEmpty()) {
            return null;
        }
        String text = SearchText.indexed(body);
        return text.isEmpty() ? null : text;
    }

    /** Indexes {@code m} under {@code text}, its {@link #folded} text (nothing when null). */
    static void add(SqlSession s, Message m, String text) throws SQLException {
        if (text != null) {
            add(s, m.conversationId().value(), m.seq(), m.createdAt(), text);
        }
    }

    static void add(SqlSession s, long conversation, long seq, long createdAt, String text) throws SQLException {
        if (s.dialect() == Dialect.SQLITE) {
            PreparedStatement entry = s.prepare("INSERT INTO message_search_entries (conversation_id, seq, created_at)"
                    + " VALUES (?, ?, ?)");
            entry.setLong(1, conversation);
            entry.setLong(2, seq);
            entry.setLong(3, createdAt);
            entry.executeUpdate();
            PreparedStatement fts = s.prepare("INSERT INTO message_search (rowid, text) VALUES (last_insert_rowid(), ?)");
            fts.setString(1, text);
            fts.executeUpdate();
        } else {
            PreparedStatement ps = s.prepare("INSERT INTO message_search (conversation_id, seq, created_at, document)"
                    + " VALUES (?, ?, ?, to_tsvector('simple', ?))");
            ps.setLong(1, conversation);
            ps.setLong(2, seq);
            ps.setLong(3, createdAt);
            ps.setString(4, text);
            ps.executeUpdate();
        }
    }

    /**
     * Keeps the index in step with a message action in its transaction: on PostgreSQL an edit
     * replaces the target's indexed text (its old words find nothing) and a deletion for everyone
     * removes it (SQLite's indexer does both when it gets to the action). A deleted message's files
     * are no longer carried by it (only their uploader can fetch them).
     */
    static void afterAction(SqlSession s, Message action) throws SQLException {
        long conversation = action.conversationId().value();
        boolean postgres = s.dialect() != Dialect.SQLITE;
        switch (action.kind()) {
            case EDITED -> {
                if (!postgres) {
                    return;
                }
                removeEntry(s, conversation, action.targetSeq());
                PreparedStatement target = s.prepare("SELECT " + MessageRows.COLUMNS + " FROM messages"
                        + " WHERE conversation_id = ? AND seq = ?");
                target.setLong(1, conversation);
                target.setLong(2, action.targetSeq());
                for (Message m : MessageRows.readAll(target)) {
                    add(s, m);
                }
            }
            case DELETED -> {
                if (postgres) {
                    removeEntry(s, conversation, action.targetSeq());
                }
                PreparedStatement links = s.prepare("DELETE FROM message_attachments WHERE conversation_id = ?"
                        + " AND seq = ?");
                links.setLong(1, conversation);
                links.setLong(2, action.targetSeq());
                links.executeUpdate();
            }
            default -> {
            }
        }
    }

    /**
     * SQLite, in the transaction of an erasure ({@code sender}) or of retention ({@code upTo}): the
     * index is purged of those entries by the indexer's next transaction, from a row of
     * {@code search_purges} committed with the write (so a crash cannot leave erased text in the
     * index). Rows the index was purged of already ({@code purgedUpTo}) are dropped here.
     */
    static void purgeLater(SqlSession s, long conversation, long sender, long upTo, long purgedUpTo)
            throws SQLException {
        PreparedStatement done = s.prepare("DELETE FROM search_purges WHERE id <= ?");
        done.setLong(1, purgedUpTo);
        done.executeUpdate();
        PreparedStatement ps = s.prepare("INSERT INTO search_purges (conversation_id, sender_id, up_to)"
                + " VALUES (?, ?, ?)");
        ps.setLong(1, conversation);
        if (sender == 0) {
            ps.setNull(2, java.sql.Types.BIGINT);
        } else {
            ps.setLong(2, sender);
        }
        ps.setLong(3, upTo);
        ps.executeUpdate();
    }

    /** Removes the conversation's entries with {@code seq <= upTo} (retention). */
    static void removeUpTo(SqlSession s, long conversation, long upTo) throws SQLException {
        remove(s, "conversation_id = ? AND seq <= ?", conversation, upTo, -1);
    }

    /** Removes the conversation's entries with {@code seq > after}. */
    static void removeAfter(SqlSession s, long conversation, long after) throws SQLException {
        remove(s, "conversation_id = ? AND seq > ?", conversation, after, -1);
    }

    /** Removes the text entries {@code sender} wrote in the conversation (their text was erased). */
    static void removeBySender(SqlSession s, long conversation, long sender) throws SQLException {
        remove(s, "conversation_id = ? AND seq IN (SELECT seq FROM messages WHERE conversation_id = ?"
                + " AND sender_id = ? AND kind = 'text')", conversation, conversation, sender);
    }

    /** Removes one entry (its text changed or went). */
    static void removeEntry(SqlSession s, long conversation, long seq) throws SQLException {
        remove(s, "conversation_id = ? AND seq = ?", conversation, seq, -1);
    }

    private static void remove(SqlSession s, String where, long a, long b, long c) throws SQLException {
        if (s.dialect() == Dialect.SQLITE) {
            PreparedStatement fts = s.prepare("DELETE FROM message_search WHERE rowid IN"
                    + " (SELECT id FROM message_search_entries WHERE " + where + ")");
            bind(fts, a, b, c);
            fts.executeUpdate();
            PreparedStatement entries = s.prepare("DELETE FROM message_search_entries WHERE " + where);
            bind(entries, a, b, c);
            entries.executeUpdate();
        } else {
            PreparedStatement ps = s.prepare("DELETE FROM message_search WHERE " + where);
            bind(ps, a, b, c);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, long a, long b, long c) throws SQLException {
        ps.setLong(1, a);
        ps.setLong(2, b);
        if (c >= 0) {
            ps.setLong(3, c);
        }
    }
}
