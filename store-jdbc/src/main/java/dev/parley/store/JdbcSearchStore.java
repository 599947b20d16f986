package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.search.SearchHit;
import dev.parley.core.search.SearchPosition;
import dev.parley.core.search.SearchStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Search with each engine's own full-text index ({@link MessageSearchIndex}): every shard is asked
 * for its newest hits among the caller's memberships (the membership window is applied in the
 * query), and the answers are merged newest first.
 *
 * <p>On SQLite the query always starts from the full-text match: the planner would otherwise
 * start from the caller's entries and evaluate the FTS5 match once per entry, re-reading the
 * word's doclist each time (seconds to minutes at a million messages). How the matches are
 * narrowed to the caller's depends on how many there are, counted up to {@link #FEW_MATCHES}:
 * a few are joined to their entries and memberships one by one; with more, the caller's matches
 * are walked newest first ({@link SqliteNewestMatches}), or, when the caller can see too many
 * entries to hold, narrowed to the ids of those entries in one statement (a lookup per match in
 * C), so only the caller's matches are joined, sorted and limited.
 * All give exactly the same hits; see docs/benchmarks.md ("Search") for the figures. On SQLite
 * the entries the writer has not indexed yet ({@link SearchTail}) are read in the same snapshot
 * and merged in, so an entry is found as soon as its append committed.
 */
public final class JdbcSearchStore implements SearchStore {
    /** Matches up to which joining each one to its entry and membership is cheaper than a visible set. */
    static final int FEW_MATCHES = 2_000;
    /**
     * A system property for tests, read when the store is made: {@code walk} or {@code visible}
     * sends every SQLite query down the plan for many matches (the walk newest first, from a first
     * chunk of one match; or the visible set in SQL), which the tests' small data would not reach.
     */
    public static final String PLAN_PROPERTY = "parley.search.plan";
    /**
     * A system property for tests, read when a SQLite database is opened: {@code hold} leaves every
     * entry out of the index (search reads them all past the marks, {@link SearchTail}) until
     * {@code SqliteDatabase.indexSearchNow}; {@code eager} indexes after every batch, so search
     * nearly always finds entries in the index.
     */
    public static final String INDEXING_PROPERTY = "parley.search.indexing";
    private static final String COLUMNS = "SELECT e.conversation_id, e.seq, e.created_at, msg.sender_id, msg.body";
    private static final String POSITION = " AND (? = 0 OR e.conversation_id = ?)"
            + " AND (e.created_at < ? OR (e.created_at = ? AND (e.conversation_id < ?"
            + " OR (e.conversation_id = ? AND e.seq < ?))))"
            + " ORDER BY e.created_at DESC, e.conversation_id DESC, e.seq DESC LIMIT ?";
    static final String IN_WINDOW = "(c.kind = 'direct' OR e.seq >= m.joined_seq)"
            + " AND (m.left_seq IS NULL OR e.seq <= m.left_seq)";
    private static final String WINDOW = " JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = ?"
            + " JOIN conversations c ON c.id = e.conversation_id"
            + " JOIN messages msg ON msg.conversation_id = e.conversation_id AND msg.seq = e.seq"
            + " WHERE %s AND " + IN_WINDOW + POSITION;
    private static final String POSTGRES = COLUMNS
            + " FROM message_search e" + String.format(WINDOW, "e.document @@ to_tsquery('simple', ?)");
    /**
     * SQLite: the page found among the entries (with their times) before the messages are read, so
     * a message's row (and body) is read only for the hits of the page.
     */
    private static final String PAGE_BODIES = " SELECT p.conversation_id, p.seq, p.created_at, msg.sender_id, msg.body"
            + " FROM page p LEFT JOIN messages msg ON msg.conversation_id = p.conversation_id AND msg.seq = p.seq"
            + " ORDER BY p.created_at DESC, p.conversation_id DESC, p.seq DESC";
    /** SQLite, few matches: each joined (CROSS JOIN keeps the match the outer loop). */
    private static final String SQLITE_FEW = "WITH page AS MATERIALIZED (SELECT e.conversation_id, e.seq, e.created_at"
            + " FROM message_search f CROSS JOIN message_search_entries e ON e.id = f.rowid"
            + " CROSS JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = ?"
            + " CROSS JOIN conversations c ON c.id = e.conversation_id"
            + " WHERE message_search MATCH ? AND " + IN_WINDOW + POSITION + ")" + PAGE_BODIES;
    /**
     * SQLite, many matches: narrowed to the entries the caller can see before any join. The unary
     * {@code +} keeps the IN from being handed to FTS5 as a rowid constraint, which would run the
     * match once per visible entry.
     */
    private static final String SQLITE_MANY = "WITH visible(id) AS (SELECT e.id FROM members m"
            + " JOIN conversations c ON c.id = m.conversation_id"
            + " JOIN message_search_entries e ON e.conversation_id = m.conversation_id"
            + " WHERE m.user_id = ? AND " + IN_WINDOW + " AND (? = 0 OR m.conversation_id = ?)),"
            + " page AS MATERIALIZED (SELECT e.conversation_id, e.seq, e.created_at"
            + " FROM message_search f CROSS JOIN message_search_entries e ON e.id = f.rowid"
            + " WHERE message_search MATCH ? AND +f.rowid IN visible" + POSITION + ")" + PAGE_BODIES;
    /** A statement that reads only the search file: its snapshot is taken first. */
    private static final String SEARCH_SNAPSHOT = "SELECT purged_up_to FROM " + SearchFile.SCHEMA + ".search_progress";
    private static final String SQLITE_COUNT = "SELECT count(*) FROM (SELECT rowid FROM message_search"
            + " WHERE message_search MATCH ? LIMIT ?)";

    private final Shards shards;

    private final int fewMatches;
    private final int maxVisible;
    private final int firstChunk;

    public JdbcSearchStore(Shards shards) {
        this.shards = shards;
        String plan = System.getProperty(PLAN_PROPERTY, "");
        this.fewMatches = plan.isEmpty() ? FEW_MATCHES : 0;
        this.maxVisible = plan.equals("visible") ? 0 : SqliteNewestMatches.MAX_VISIBLE;
        this.firstChunk = plan.isEmpty() ? SqliteNewestMatches.FIRST_CHUNK : 1;
    }

    @Override
    public List<SearchHit> search(UserId user, ConversationId conversation, List<String> prefixes,
                                  SearchPosition after, int limit) {
        List<Database> where = conversation == null ? shards.all() : List.of(shards.forConversation(conversation));
        List<SearchHit> hits = new ArrayList<>();
        for (Database db : where) {
            List<TailView> tails = TailReads.withEntries(db);
            hits.addAll(db.read(s -> {
                if (s.dialect() != Dialect.SQLITE) {
                    return indexed(s, user, conversation, prefixes, after, limit);
                }
                // One snapshot of each file for the index and the entries not in it yet, the search
                // file's taken first: each index transaction it holds read entries the database's
                // snapshot holds too, so each entry is in exactly one of the two.
                Connection c = s.connection();
                c.setAutoCommit(false);
                try {
                    try (ResultSet rs = s.prepare(SEARCH_SNAPSHOT).executeQuery()) {
                        rs.next();
                    }
                    SearchTail.Unindexed unindexed = SearchTail.matches(s, user,
                            conversation == null ? 0 : conversation.value(), prefixes, after, tails);
                    List<SearchHit> found = SearchTail.leftToTails(
                            current(s, user, conversation, prefixes, after, limit, unindexed.edited()), tails);
                    found.addAll(unindexed.hits());
                    return found;
                } finally {
                    c.setAutoCommit(true);
                }
            }));
        }
        hits = distinct(hits);
        hits.sort(Comparator.comparingLong(SearchHit::createdAt).thenComparingLong(h -> h.conversationId().value())
                .thenComparingLong(SearchHit::seq).reversed());
        return hits.size() > limit ? new ArrayList<>(hits.subList(0, limit)) : hits;
    }

    /**
     * SQLite: the newest hits in the index whose entries are as they were indexed: not deleted,
     * erased or removed by retention since (the index is purged of them a moment later), nor edited
     * past the mark ({@code edited}). More are read while those dropped leave the page short.
     */
    private List<SearchHit> current(SqlSession s, UserId user, ConversationId conversation, List<String> prefixes,
                                    SearchPosition after, int limit, Set<SearchTail.Key> edited) throws SQLException {
        int fetch = limit;
        while (true) {
            List<SearchHit> read = indexed(s, user, conversation, prefixes, after, fetch);
            List<SearchHit> kept = new ArrayList<>(read.size());
            for (SearchHit h : read) {
                if (h.body() != null && !edited.contains(new SearchTail.Key(h.conversationId().value(), h.seq()))) {
                    kept.add(h);
                }
            }
            if (kept.size() >= limit || read.size() < fetch) {
                return kept;
            }
            fetch *= 2;
        }
    }

    /** One hit per entry: an edited entry can come from the index and from past the mark. */
    private static List<SearchHit> distinct(List<SearchHit> hits) {
        Set<SearchTail.Key> seen = new HashSet<>();
        List<SearchHit> one = new ArrayList<>(hits.size());
        for (SearchHit h : hits) {
            if (seen.add(new SearchTail.Key(h.conversationId().value(), h.seq()))) {
                one.add(h);
            }
        }
        return one;
    }

    /**
     * The shard's newest matching hits in its index; on SQLite a hit whose entry is gone or erased
     * has a null body (the caller drops it).
     */
    private List<SearchHit> indexed(SqlSession s, UserId user, ConversationId conversation, List<String> prefixes,
                            SearchPosition after, int limit) throws SQLException {
        boolean sqlite = s.dialect() == Dialect.SQLITE;
        String match = sqlite ? ftsQuery(prefixes) : tsQuery(prefixes);
        long only = conversation == null ? 0 : conversation.value();
        PreparedStatement ps;
        int i = 1;
        if (!sqlite) {
            ps = s.prepare(POSTGRES);
            ps.setLong(i++, user.value());
            ps.setString(i++, match);
        } else if (few(s, match, fewMatches)) {
            ps = s.prepare(SQLITE_FEW);
            ps.setLong(i++, user.value());
            ps.setString(i++, match);
        } else {
            List<SearchHit> walked = SqliteNewestMatches.page(s, user, only, match, after, limit,
                    maxVisible, firstChunk);
            if (walked != null) {
                return new ArrayList<>(walked);
            }
            ps = s.prepare(SQLITE_MANY);
            ps.setLong(i++, user.value());
            ps.setLong(i++, only);
            ps.setLong(i++, only);
            ps.setString(i++, match);
        }
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
                String body = rs.getString(5);
                found.add(new SearchHit(new ConversationId(rs.getLong(1)), rs.getLong(2), rs.getLong(3),
                        body == null ? null : new UserId(rs.getLong(4)), body, null));
            }
        }
        return found;
    }

    /** Whether the shard's index has at most {@code fewMatches} entries matching (counted no further). */
    private static boolean few(SqlSession s, String match, int fewMatches) throws SQLException {
        PreparedStatement ps = s.prepare(SQLITE_COUNT);
        ps.setString(1, match);
        ps.setInt(2, fewMatches + 1);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getLong(1) <= fewMatches;
        }
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
