package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;
import dev.parley.core.search.SearchText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SQLite: the caller's text entries not yet in the search index ({@link SearchIndexer}), those
 * past their conversation's mark, matched in Java by {@link SearchText#startsWords}, the rule the
 * protocol documents. They are the entries of about the last tenth of a second, so the caller's
 * part of them is small: one range of {@code messages} for each of the caller's conversations
 * that has any. Read in the transaction that reads the index, so every entry is in exactly one of
 * the two (the writer moves a mark in the transaction that indexes the entries behind it).
 *
 * <p>With the hot log's tail (docs/storage.md, "The hot log"), the entries waiting in the tail views
 * are not in SQLite, so not indexed either: they are matched here too, from the views the caller took
 * before its read, and SQLite's rows past a view's materialized seq are left to the view (the read rule).
 */
final class SearchTail {
    /**
     * The caller's text entries past the marks (in the membership window), and the edits past the
     * marks of entries behind them (whose indexed text the index has not replaced yet).
     */
    private static final String UNINDEXED = "SELECT e.conversation_id, e.seq, e.created_at, e.sender_id, e.body,"
            + " e.kind, e.target_seq"
            + " FROM members m CROSS JOIN conversations c ON c.id = m.conversation_id"
            + " LEFT JOIN search_marks k ON k.conversation_id = m.conversation_id"
            + " CROSS JOIN messages e ON e.conversation_id = m.conversation_id AND e.seq > coalesce(k.indexed_seq, 0)"
            + " WHERE m.user_id = ? AND (? = 0 OR m.conversation_id = ?)"
            + " AND c.last_seq > coalesce(k.indexed_seq, 0)"
            + " AND (e.kind = 'text' AND e.body IS NOT NULL AND e.deleted_at IS NULL AND " + JdbcSearchStore.IN_WINDOW
            + " OR e.kind = 'edited' AND e.target_seq <= coalesce(k.indexed_seq, 0))";
    /** An edited entry behind its mark, as it is now, when the caller may see it. */
    private static final String EDITED = "SELECT e.created_at, e.sender_id, e.body FROM messages e"
            + " CROSS JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = ?"
            + " CROSS JOIN conversations c ON c.id = e.conversation_id"
            + " WHERE e.conversation_id = ? AND e.seq = ? AND e.kind = 'text' AND e.body IS NOT NULL"
            + " AND e.deleted_at IS NULL AND " + JdbcSearchStore.IN_WINDOW;

    /** An entry: its conversation and seq. */
    record Key(long conversation, long seq) {
    }

    /**
     * What search finds outside the index: the matching entries, and the entries whose indexed text
     * is stale ({@code edited}: an edit past the mark; the index's hits for them are not used, and
     * those that match as they are now are among {@code hits}).
     */
    record Unindexed(List<SearchHit> hits, Set<Key> edited) {
    }

    private SearchTail() {
    }

    /** The caller's membership window in a conversation: kind, joined and left seq (null: not a member). */
    private static final String WINDOW = "SELECT c.kind, m.joined_seq, m.left_seq FROM members m"
            + " JOIN conversations c ON c.id = m.conversation_id WHERE m.conversation_id = ? AND m.user_id = ?";

    /**
     * The caller's unindexed entries that match, after {@code after} when given, in no particular
     * order: SQLite's and those of {@code tails} (taken before this read).
     */
    static Unindexed matches(SqlSession s, UserId user, long only, List<String> prefixes, SearchPosition after,
                             List<TailView> tails) throws SQLException {
        Map<Long, Long> sqliteUpTo = new HashMap<>();
        List<SearchHit> found = new ArrayList<>();
        for (TailView tail : tails) {
            if (only != 0 && tail.conversation() != only) {
                continue;
            }
            sqliteUpTo.put(tail.conversation(), tail.materializedSeq());
            PreparedStatement window = s.prepare(WINDOW);
            window.setLong(1, tail.conversation());
            window.setLong(2, user.value());
            try (ResultSet rs = window.executeQuery()) {
                if (!rs.next()) {
                    continue;
                }
                boolean direct = "direct".equals(rs.getString(1));
                long joined = rs.getLong(2);
                long left = rs.getLong(3);
                boolean stillMember = rs.wasNull();
                for (Message m : tail.entries()) {
                    if ((direct || m.seq() >= joined) && (stillMember || m.seq() <= left)
                            && (after == null || after.before(m.createdAt(), tail.conversation(), m.seq()))
                            && m.body() != null && SearchText.startsWords(m.body(), prefixes)) {
                        found.add(new SearchHit(m.conversationId(), m.seq(), m.createdAt(), m.senderId(), m.body(),
                                null));
                    }
                }
            }
        }
        Set<Key> edited = new HashSet<>();
        found.addAll(matches(s, user, only, prefixes, after, sqliteUpTo, edited));
        return new Unindexed(found, edited);
    }

    /**
     * Drops the index's hits past a tail's materialized seq: those entries are the tail's (the read
     * rule), found by {@link #matches}, and may have been materialized and indexed after the caller
     * took the tail.
     */
    static List<SearchHit> leftToTails(List<SearchHit> indexed, List<TailView> tails) {
        if (tails.isEmpty()) {
            return indexed;
        }
        Map<Long, Long> upTo = new HashMap<>();
        for (TailView tail : tails) {
            upTo.put(tail.conversation(), tail.materializedSeq());
        }
        List<SearchHit> kept = new ArrayList<>(indexed.size());
        for (SearchHit hit : indexed) {
            if (hit.seq() <= upTo.getOrDefault(hit.conversationId().value(), Long.MAX_VALUE)) {
                kept.add(hit);
            }
        }
        return kept;
    }

    private static List<SearchHit> matches(SqlSession s, UserId user, long only, List<String> prefixes,
                                           SearchPosition after, Map<Long, Long> sqliteUpTo, Set<Key> edited)
            throws SQLException {
        PreparedStatement ps = s.prepare(UNINDEXED);
        ps.setLong(1, user.value());
        ps.setLong(2, only);
        ps.setLong(3, only);
        List<SearchHit> found = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long conversation = rs.getLong(1);
                long seq = rs.getLong(2);
                if (seq > sqliteUpTo.getOrDefault(conversation, Long.MAX_VALUE)) {
                    continue;
                }
                if ("edited".equals(rs.getString(6))) {
                    edited.add(new Key(conversation, rs.getLong(7)));
                    continue;
                }
                long createdAt = rs.getLong(3);
                String body = rs.getString(5);
                if ((after == null || after.before(createdAt, conversation, seq))
                        && SearchText.startsWords(body, prefixes)) {
                    found.add(new SearchHit(new ConversationId(conversation), seq, createdAt,
                            new UserId(rs.getLong(4)), body, null));
                }
            }
        }
        for (Key k : edited) {
            if (k.seq() > sqliteUpTo.getOrDefault(k.conversation(), Long.MAX_VALUE)) {
                continue;
            }
            PreparedStatement e = s.prepare(EDITED);
            e.setLong(1, user.value());
            e.setLong(2, k.conversation());
            e.setLong(3, k.seq());
            try (ResultSet rs = e.executeQuery()) {
                if (rs.next()) {
                    long createdAt = rs.getLong(1);
                    String body = rs.getString(3);
                    if ((after == null || after.before(createdAt, k.conversation(), k.seq()))
                            && SearchText.startsWords(body, prefixes)) {
                        found.add(new SearchHit(new ConversationId(k.conversation()), k.seq(), createdAt,
                                new UserId(rs.getLong(2)), body, null));
                    }
                }
            }
        }
        return found;
    }
}
