package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;
import dev.parley.core.search.SearchText;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * SQLite: the caller's text entries not yet in the search index ({@link SearchIndexer}), those
 * past their conversation's mark, matched in Java by {@link SearchText#startsWords}, the rule the
 * protocol documents. They are the entries of about the last tenth of a second, so the caller's
 * part of them is small: one range of {@code messages} for each of the caller's conversations
 * that has any. Read in the transaction that reads the index, so every entry is in exactly one of
 * the two (the writer moves a mark in the transaction that indexes the entries behind it).
 */
final class SearchTail {
    private static final String UNINDEXED = "SELECT e.conversation_id, e.seq, e.created_at, e.sender_id, e.body"
            + " FROM members m CROSS JOIN conversations c ON c.id = m.conversation_id"
            + " LEFT JOIN search_marks k ON k.conversation_id = m.conversation_id"
            + " CROSS JOIN messages e ON e.conversation_id = m.conversation_id AND e.seq > coalesce(k.indexed_seq, 0)"
            + " WHERE m.user_id = ? AND (? = 0 OR m.conversation_id = ?)"
            + " AND c.last_seq > coalesce(k.indexed_seq, 0)"
            + " AND e.kind = 'text' AND e.body IS NOT NULL AND e.deleted_at IS NULL AND " + JdbcSearchStore.IN_WINDOW;

    private SearchTail() {
    }

    /** The caller's unindexed entries that match, after {@code after} when given, in no particular order. */
    static List<SearchHit> matches(SqlSession s, UserId user, long only, List<String> prefixes, SearchPosition after)
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
                long createdAt = rs.getLong(3);
                String body = rs.getString(5);
                if ((after == null || after.before(createdAt, conversation, seq))
                        && SearchText.startsWords(body, prefixes)) {
                    found.add(new SearchHit(new ConversationId(conversation), seq, createdAt,
                            new UserId(rs.getLong(4)), body, null));
                }
            }
        }
        return found;
    }
}
