package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * SQLite's search index, written behind the appends (docs/storage.md, "Search"). An append only
 * notes here that its conversation has entries past its mark; the writer indexes them later, in
 * a transaction of its own that writes many entries' index rows and moves each conversation's
 * mark ({@code search_marks}) with them. FTS5 writes a new segment, its structure record and its
 * totals at every commit whatever the commit holds, so one index transaction per many appends
 * costs the writer far less than one per append (docs/benchmarks.md, issue 19). Search reads the
 * entries past the marks from {@code messages} ({@link SearchTail}), so an entry is found as soon
 * as its append committed; a crash loses no index work that matters, since whatever lies past a
 * mark is indexed after the next start.
 *
 * <p>Everything here runs on the writer's thread: the notes are made by append tasks, indexing
 * runs between batches or when the writer is idle. A note made by a task whose batch then rolled
 * back only sends the indexer to look at a conversation with nothing new: the messages table,
 * read in the index transaction, is the truth, and the texts folded by the appends are used only
 * when the stored body is still the one they were folded from.
 */
final class SearchIndexer {
    /** While the writer is busy, entries wait about this long at most before they are indexed. */
    static final long INDEX_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** ... or until this many appends are waiting. */
    static final int INDEX_AT_APPENDS = 4_096;
    /** Entries read per index transaction, at most (a long backlog after a crash takes several). */
    static final int ENTRIES_PER_TRANSACTION = 8_192;
    /** After an index transaction failed, the next is tried this much later. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Folded texts kept from the appends, at most; beyond, the writer folds what it indexes itself. */
    private static final int MAX_FOLDED = 65_536;

    private static final String PAST_MARK = "SELECT seq, kind, created_at, body, deleted_at FROM messages"
            + " WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?";
    private static final String BEHIND = "SELECT c.id FROM conversations c LEFT JOIN search_marks k"
            + " ON k.conversation_id = c.id WHERE c.last_seq > coalesce(k.indexed_seq, 0)";

    private record Key(long conversation, long seq) {
    }

    private record Folded(String body, String text) {
    }

    private record Row(long conversation, long seq, long createdAt, String text) {
    }

    /** What one index transaction covered: each conversation with the note it was indexed after. */
    record Covered(Map<Long, Long> conversations) {
    }

    private final boolean hold;
    private final boolean eager;
    /** Conversations with entries past their marks, each with the number of its latest note. */
    private final Map<Long, Long> waiting = new LinkedHashMap<>();
    private final Map<Key, Folded> folded = new HashMap<>();
    /** Conversations found past their marks at the start, not indexed since. */
    private final Set<Long> behindAtStart = new HashSet<>();
    private long notes;
    private long notesIndexed;
    private long firstWaitingNanos;
    private long retryAfterNanos = System.nanoTime();
    /** Whether the conversations an earlier run left past their marks were looked up. */
    private boolean caughtUp;
    /** The last index transaction left conversations waiting: the next turn takes them. */
    private boolean leftOver;

    SearchIndexer() {
        String mode = System.getProperty(JdbcSearchStore.INDEXING_PROPERTY, "");
        this.hold = mode.equals("hold");
        this.eager = mode.equals("eager");
    }

    /**
     * Notes an entry its append task wrote, with the text the sender's thread folded for it (null
     * when it is not indexed).
     */
    void appended(Message m, String text) {
        long conversation = m.conversationId().value();
        if (notes == notesIndexed) {
            firstWaitingNanos = System.nanoTime();
        }
        waiting.put(conversation, ++notes);
        if (text != null && folded.size() < MAX_FOLDED) {
            folded.put(new Key(conversation, m.seq()), new Folded(m.body(), text));
        }
    }

    /** Whether to index now: after a start, when the writer is idle, or when enough waited long enough. */
    boolean due(boolean idle) {
        if (hold) {
            return false;
        }
        if (!caughtUp || leftOver) {
            return true;
        }
        long appends = notes - notesIndexed;
        return appends > 0 && (idle || eager || appends >= INDEX_AT_APPENDS
                || System.nanoTime() - firstWaitingNanos >= INDEX_AFTER_NANOS);
    }

    /**
     * Indexes now if {@link #due}, in a transaction of its own on the writer's connection. After a
     * failure (the writer rolls back and logs it) it waits {@link #RETRY_NANOS} before trying
     * again, so a failing index does not cost every batch a transaction that is rolled back.
     */
    void indexIfDue(SqlSession s, boolean idle) throws SQLException {
        if (!due(idle) || System.nanoTime() - retryAfterNanos < 0) {
            return;
        }
        retryAfterNanos = System.nanoTime() + RETRY_NANOS;
        Covered covered = index(s);
        s.connection().commit();
        indexed(covered);
        retryAfterNanos = System.nanoTime();
    }

    /**
     * Writes the index rows of waiting entries and moves the marks, without committing; pass
     * what it returns to {@link #indexed} once committed.
     */
    Covered index(SqlSession s) throws SQLException {
        if (!caughtUp) {
            PreparedStatement behind = s.prepare(BEHIND);
            try (ResultSet rs = behind.executeQuery()) {
                while (rs.next()) {
                    waiting.putIfAbsent(rs.getLong(1), notes);
                    behindAtStart.add(rs.getLong(1));
                }
            }
        }
        Map<Long, Long> covered = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        int read = 0;
        for (Map.Entry<Long, Long> w : waiting.entrySet()) {
            long conversation = w.getKey();
            long mark = markOf(s, conversation);
            long last = mark;
            int left = ENTRIES_PER_TRANSACTION - read;
            PreparedStatement ps = s.prepare(PAST_MARK);
            ps.setLong(1, conversation);
            ps.setLong(2, mark);
            ps.setInt(3, left);
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    n++;
                    last = rs.getLong(1);
                    String body = rs.getString(4);
                    rs.getLong(5);
                    boolean deleted = !rs.wasNull();
                    if (MessageKind.TEXT.wire().equals(rs.getString(2)) && body != null && !deleted) {
                        String text = textOf(conversation, last, body);
                        if (text != null) {
                            rows.add(new Row(conversation, last, rs.getLong(3), text));
                        }
                    }
                }
            }
            read += n;
            if (n < left) {
                // Everything past the mark was read: the mark goes to the conversation's end, past
                // any entries retention removed.
                last = Math.max(last, lastSeq(s, conversation));
                covered.put(conversation, w.getValue());
            }
            if (last > mark) {
                if (behindAtStart.contains(conversation)) {
                    // Index rows past a mark can only come from an earlier version of the node,
                    // which indexed in the append and moved no mark: replaced, never doubled.
                    MessageSearchIndex.removeAfter(s, conversation, mark);
                }
                setMark(s, conversation, last);
            }
            if (read >= ENTRIES_PER_TRANSACTION) {
                break;
            }
        }
        // Rowids in time order, as appends used to give them (SqliteNewestMatches walks rowids).
        rows.sort(Comparator.comparingLong(Row::createdAt).thenComparingLong(Row::conversation)
                .thenComparingLong(Row::seq));
        for (Row r : rows) {
            MessageSearchIndex.add(s, r.conversation(), r.seq(), r.createdAt(), r.text());
        }
        caughtUp = true;
        return new Covered(covered);
    }

    /** After the index transaction committed: the conversations it covered wait no more, unless noted since. */
    void indexed(Covered c) {
        for (Map.Entry<Long, Long> e : c.conversations().entrySet()) {
            waiting.remove(e.getKey(), e.getValue());
            behindAtStart.remove(e.getKey());
        }
        notesIndexed = notes;
        // Some are left after a long backlog (or noted while a test's index task shared a batch).
        leftOver = !waiting.isEmpty();
        if (!leftOver) {
            folded.clear();
        }
    }

    /** How many conversations wait to be indexed (for tests). */
    int waiting() {
        return waiting.size();
    }

    private String textOf(long conversation, long seq, String body) {
        Folded f = folded.remove(new Key(conversation, seq));
        return f != null && f.body().equals(body) ? f.text() : MessageSearchIndex.folded(MessageKind.TEXT, body);
    }

    /** Up to which seq the conversation's entries are in the index (its entries past it are not). */
    static long markOf(SqlSession s, long conversation) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT indexed_seq FROM search_marks WHERE conversation_id = ?");
        ps.setLong(1, conversation);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static long lastSeq(SqlSession s, long conversation) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT last_seq FROM conversations WHERE id = ?");
        ps.setLong(1, conversation);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void setMark(SqlSession s, long conversation, long seq) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO search_marks (conversation_id, indexed_seq) VALUES (?, ?)"
                + " ON CONFLICT (conversation_id) DO UPDATE SET indexed_seq = excluded.indexed_seq");
        ps.setLong(1, conversation);
        ps.setLong(2, seq);
        ps.executeUpdate();
    }
}
