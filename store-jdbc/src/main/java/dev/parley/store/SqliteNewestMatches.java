package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of a word that matches many entries, for a caller who can see few: the caller's entries
 * (their ids and times) are read once, then the matches among them are read newest rowid first,
 * in growing chunks, until no entry left unread can come before the page. Rowids follow the
 * appends, times nearly so (a time is stamped before the append reaches the writer, and an edit
 * indexes its entry again under a new rowid with its old time), so the first chunk usually
 * settles the page; the stop is exact because the times of the unread entries are known.
 */
final class SqliteNewestMatches {
    /** Above this many visible entries, holding them in memory costs more than it saves. */
    static final int MAX_VISIBLE = 20_000;
    /** Matches read by the first chunk beyond the page: a little slack for times out of rowid order. */
    static final int FIRST_CHUNK = 8;

    private static final String VISIBLE = "SELECT e.id, e.conversation_id, e.seq, e.created_at FROM members m"
            + " JOIN conversations c ON c.id = m.conversation_id"
            + " JOIN message_search_entries e ON e.conversation_id = m.conversation_id"
            + " WHERE m.user_id = ? AND " + JdbcSearchStore.IN_WINDOW + " AND (? = 0 OR m.conversation_id = ?)";
    private static final String MATCHES = "WITH visible(id) AS (SELECT e.id FROM members m"
            + " JOIN conversations c ON c.id = m.conversation_id"
            + " JOIN message_search_entries e ON e.conversation_id = m.conversation_id"
            + " WHERE m.user_id = ? AND " + JdbcSearchStore.IN_WINDOW + " AND (? = 0 OR m.conversation_id = ?))"
            + " SELECT rowid FROM message_search WHERE message_search MATCH ? AND rowid < ? AND +rowid IN visible"
            + " ORDER BY rowid DESC LIMIT ?";
    private static final String BODY = "SELECT sender_id, body FROM messages WHERE conversation_id = ? AND seq = ?";

    private record Entry(long id, long conversation, long seq, long createdAt) {
    }

    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong(Entry::createdAt)
            .thenComparingLong(Entry::conversation).thenComparingLong(Entry::seq).reversed();

    private SqliteNewestMatches() {
    }

    /**
     * The page, or null when the caller can see more than {@code maxVisible} entries; the first
     * chunk asks for {@code limit + firstChunk} matches (tests make it 1 to walk many chunks).
     */
    static List<SearchHit> page(SqlSession s, UserId user, long only, String match, SearchPosition after, int limit,
                                int maxVisible, int firstChunk) throws SQLException {
        PreparedStatement visible = s.prepare(VISIBLE + " LIMIT " + (maxVisible + 1));
        visible.setLong(1, user.value());
        visible.setLong(2, only);
        visible.setLong(3, only);
        List<Entry> read = new ArrayList<>();
        int seen = 0;
        try (ResultSet rs = visible.executeQuery()) {
            while (rs.next()) {
                if (++seen > maxVisible) {
                    return null;
                }
                Entry e = new Entry(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                if (after == null || after.before(e.createdAt(), e.conversation(), e.seq())) {
                    read.add(e);
                }
            }
        }
        if (read.isEmpty()) {
            return List.of();
        }
        Entry[] byId = read.toArray(Entry[]::new);
        Arrays.sort(byId, Comparator.comparingLong(Entry::id));
        long[] ids = new long[byId.length];
        Map<Long, Entry> candidates = new HashMap<>(byId.length * 2);
        // newestUpTo[i]: the entry that comes first in the page order among byId[0..i].
        Entry[] newestUpTo = new Entry[byId.length];
        for (int i = 0; i < byId.length; i++) {
            ids[i] = byId[i].id();
            candidates.put(ids[i], byId[i]);
            boolean newer = i == 0 || NEWEST_FIRST.compare(byId[i], newestUpTo[i - 1]) < 0;
            newestUpTo[i] = newer ? byId[i] : newestUpTo[i - 1];
        }
        List<Entry> found = new ArrayList<>();
        long below = Long.MAX_VALUE;
        int chunk = firstChunk == 1 ? 1 : limit + firstChunk;
        while (true) {
            PreparedStatement ps = s.prepare(MATCHES);
            ps.setLong(1, user.value());
            ps.setLong(2, only);
            ps.setLong(3, only);
            ps.setString(4, match);
            ps.setLong(5, below);
            ps.setInt(6, chunk);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    below = rs.getLong(1);
                    Entry e = candidates.get(below);
                    if (e != null) {
                        found.add(e);
                    }
                }
            }
            found.sort(NEWEST_FIRST);
            if (rows < chunk) {
                break;
            }
            int unread = Arrays.binarySearch(ids, below);
            unread = (unread >= 0 ? unread : -unread - 1) - 1;
            if (unread < 0 || found.size() >= limit
                    && NEWEST_FIRST.compare(found.get(limit - 1), newestUpTo[unread]) < 0) {
                break;
            }
            chunk = (int) Math.min(chunk * 4L, maxVisible + 1L);
        }
        List<SearchHit> hits = new ArrayList<>(Math.min(limit, found.size()));
        PreparedStatement body = s.prepare(BODY);
        for (Entry e : found.subList(0, Math.min(limit, found.size()))) {
            body.setLong(1, e.conversation());
            body.setLong(2, e.seq());
            try (ResultSet rs = body.executeQuery()) {
                // Gone (retention) or erased since it was indexed: a hit without a body, dropped by
                // the caller, which reads on while the page is short.
                String text = rs.next() ? rs.getString(2) : null;
                hits.add(new SearchHit(new ConversationId(e.conversation()), e.seq(), e.createdAt(),
                        text == null ? null : new UserId(rs.getLong(1)), text, null));
            }
        }
        return hits;
    }
}
