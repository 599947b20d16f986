package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;
import dev.parley.core.search.SearchStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Search with each engine's own full-text index ({@link MessageSearchIndex}): every shard is asked
 * for its newest hits among the caller's memberships (a join with {@code members}, so the
 * membership window is applied in the query), and the answers are merged newest first.
 */
public final class JdbcSearchStore implements SearchStore {
    private static final String WINDOW = " JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = ?"
            + " JOIN conversations c ON c.id = e.conversation_id"
            + " JOIN messages msg ON msg.conversation_id = e.conversation_id AND msg.seq = e.seq"
            + " WHERE %s AND (c.kind = 'direct' OR e.seq >= m.joined_seq)"
            + " AND (m.left_seq IS NULL OR e.seq <= m.left_seq) AND (? = 0 OR e.conversation_id = ?)"
            + " AND (e.created_at < ? OR (e.created_at = ? AND (e.conversation_id < ?"
            + " OR (e.conversation_id = ? AND e.seq < ?))))"
            + " ORDER BY e.created_at DESC, e.conversation_id DESC, e.seq DESC LIMIT ?";
    private static final String SQLITE = "SELECT e.conversation_id, e.seq, e.created_at, msg.sender_id, msg.body"
            + " FROM message_search f JOIN message_search_entries e ON e.id = f.rowid"
            + String.format(WINDOW, "message_search MATCH ?");
    private static final String POSTGRES = "SELECT e.conversation_id, e.seq, e.created_at, msg.sender_id, msg.body"
            + " FROM message_search e" + String.format(WINDOW, "e.document @@ to_tsquery('simple', ?)");

    private final Shards shards;

    public JdbcSearchStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public List<SearchHit> search(UserId user, ConversationId conversation, List<String> prefixes,
                                  SearchPosition after, int limit) {
        List<Database> where = conversation == null ? shards.all() : List.of(shards.forConversation(conversation));
        List<SearchHit> hits = new ArrayList<>();
        for (Database db : where) {
            hits.addAll(db.read(s -> {
                boolean sqlite = s.dialect() == Dialect.SQLITE;
                PreparedStatement ps = s.prepare(sqlite ? SQLITE : POSTGRES);
                int i = 1;
                ps.setLong(i++, user.value());
                ps.setString(i++, sqlite ? ftsQuery(prefixes) : tsQuery(prefixes));
                long only = conversation == null ? 0 : conversation.value();
                ps.setLong(i++, only);
                ps.setLong(i++, only);
                long ts = after == null ? Long.MAX_VALUE : after.createdAt();
                ps.setLong(i++, ts);
                ps.setLong(i++, ts);
                ps.setLong(i++, after == null ? Long.MAX_VALUE : after.conversationId());
                ps.setLong(i++, after == null ? Long.MAX_VALUE : after.conversationId());
                ps.setLong(i++, after == null ? Long.MAX_VALUE : after.seq());
                ps.setInt(i, limit);
                List<SearchHit> found = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new SearchHit(new ConversationId(rs.getLong(1)), rs.getLong(2), rs.getLong(3),
                                new UserId(rs.getLong(4)), rs.getString(5), null));
                    }
                }
                return found;
            }));
        }
        hits.sort(Comparator.comparingLong(SearchHit::createdAt).thenComparingLong(h -> h.conversationId().value())
                .thenComparingLong(SearchHit::seq).reversed());
        return hits.size() > limit ? new ArrayList<>(hits.subList(0, limit)) : hits;
    }

    /** FTS5: every word a quoted prefix, all required. */
    static String ftsQuery(List<String> prefixes) {
        StringBuilder sb = new StringBuilder();
        for (String p : prefixes) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('"').append(p.replace("\"", "\"\"")).append("\"*");
        }
        return sb.toString();
    }

    /** tsquery: every word a quoted prefix, all required. */
    static String tsQuery(List<String> prefixes) {
        StringBuilder sb = new StringBuilder();
        for (String p : prefixes) {
            if (!sb.isEmpty()) {
                sb.append(" & ");
            }
            sb.append('\'').append(p.replace("\\", "\\\\").replace("'", "''")).append("':*");
        }
        return sb.toString();
    }
}
