package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.search.SearchText;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Keeps the search index of a conversation's text entries in step with its history: an entry
 * leaves the index in the transaction that erases its text or deletes it, so old words find
 * nothing. On PostgreSQL an entry is indexed in its append's transaction, a {@code tsvector} per
 * entry with a GIN index; on SQLite the writer indexes entries after their appends, in batches
 * ({@link SearchIndexer}), into an FTS5 table whose rows {@code message_search_entries} ties to
 * entries. Both hold the text folded by {@link SearchText}.
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
     * Keeps the index in step with a message action in its transaction: an edit replaces the
     * target's indexed text (its old words find nothing), a deletion for everyone removes it, and
     * the deleted message's files are no longer carried by it (only their uploader can fetch them).
     * On SQLite a target past its conversation's mark is not in the index yet: the writer indexes
     * its text as it is when it gets there (the edited text; nothing once deleted).
     */
    static void afterAction(SqlSession s, Message action) throws SQLException {
        long conversation = action.conversationId().value();
        switch (action.kind()) {
            case EDITED -> {
                if (s.dialect() == Dialect.SQLITE && SearchIndexer.markOf(s, conversation) < action.targetSeq()) {
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
                removeEntry(s, conversation, action.targetSeq());
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
