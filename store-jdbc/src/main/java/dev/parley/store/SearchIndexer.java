package dev.parley.store;

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
 * SQLite's search index, written behind the appends into a file of its own ({@link SearchFile},
 * docs/storage.md, "Search") by a thread of its own ({@link SearchIndexing}); everything here runs
 * on that thread. The writer notes, once an append committed, that its conversation has entries
 * past its mark ({@link SearchNotes}); the indexer indexes them later, in a transaction of the search
 * file that writes many entries' index rows and moves each conversation's mark
 * ({@code search_marks}) with them. FTS5 writes a new segment, its structure record and its totals at
 * every commit whatever the commit holds, so one index transaction per many appends costs far less
 * than one per append (docs/benchmarks.md, issue 19). Search reads the entries past the marks from
 * {@code messages} ({@link SearchTail}), so an entry is found as soon as its append committed; a
 * crash loses no index work that matters, since whatever lies past a mark is indexed after the next
 * start.
 *
 * <p>The indexer keeps what each committed append wrote (its seq, time and folded text:
 * {@link Tail}) and indexes from that without reading the entries back from {@code messages} (a
 * random leaf per entry, a sixth of the writer's time at ordinary rates: docs/benchmarks.md, "SQLite
 * writer, third pass"). It does so only while the kept entries are exactly the conversation's plain
 * entries past its mark, as committed: an edit or a deletion among them, a write that changes an
 * entry's text or removes entries (erasure, retention: {@link #changed}), or a gap from the mark to
 * the conversation's {@code last_seq}, and the conversation's next indexing reads its entries back
 * from {@code messages}, the truth. Reading back, an edit or a deletion of an entry behind the mark
 * indexes that entry again as it is now (or removes it). Erasure and retention leave a row in the
 * database's {@code search_purges} in their transaction; each index transaction applies the rows past
 * {@code search_progress} after writing its entries, so no erased text stays in the index past the
 * transaction that follows the erasure, even across a crash.
 */
final class SearchIndexer {
    /**
     * While appends come, entries wait about this long at most before they are indexed. FTS5 costs
     * about as much per commit as per entry, and since the index has a thread and a file of its own a
     * longer wait holds no append up: every second instead of every 0.1 s took a third off the
     * indexer's CPU at 10,000/s (docs/benchmarks.md, "Thirteenth session"). Search reads what waits
     * from {@code messages} ({@link SearchTail}): about a second of the caller's conversations.
     */
    static final long INDEX_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);
    /** ... or until this many appends are waiting. */
    static final int INDEX_AT_APPENDS = 16_384;
    /**
     * Entries read per index transaction, at most, so a long backlog (a rebuild, a restart after a
     * crash) is indexed in bounded pieces: what one holds in memory, and what a crash takes back. More
     * than {@link #ENDS_PER_STATEMENT}, so one transaction reads the ends of several chunks.
     */
    static final int ENTRIES_PER_TRANSACTION = 16_384;
    /** System properties overriding the three above, for measuring. */
    static final String INDEX_AFTER_PROPERTY = "parley.search.indexAfterMillis";
    static final String INDEX_AT_APPENDS_PROPERTY = "parley.search.indexAtAppends";
    static final String ENTRIES_PER_TRANSACTION_PROPERTY = "parley.search.entriesPerTransaction";
    /** After an index transaction failed, the next is tried this much later. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Entries kept from the appends, at most; beyond, conversations are read back when indexed. */
    private static final int MAX_KEPT = 65_536;

    private static final String PAST_MARK = "SELECT seq, kind, created_at, body, deleted_at, target_seq FROM messages"
            + " WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?";
    /**
     * Conversations' last seqs and marks, for a JSON array of their ids in one statement. The
     * index transaction writes one entry for most conversations it covers (4,000 conversations at
     * a few thousand appends a second), so one statement per conversation and per entry cost more
     * than the rows they wrote (docs/benchmarks.md, "branch fts"): each kind of write is one
     * statement over a JSON array ({@code json_each}) instead.
     */
    private static final String ENDS = "SELECT c.id, c.last_seq, coalesce(k.indexed_seq, 0)"
            + " FROM json_each(?) j CROSS JOIN conversations c ON c.id = j.value"
            + " LEFT JOIN search_marks k ON k.conversation_id = c.id";
    /** Moves the marks of a JSON array of [conversation, seq]. */
    private static final String SET_MARKS = "INSERT INTO search_marks (conversation_id, indexed_seq)"
            + " SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j WHERE true"
            + " ON CONFLICT (conversation_id) DO UPDATE SET indexed_seq = excluded.indexed_seq";
    /** The entries of a JSON array of [id, conversation, seq, created_at], in its order. */
    private static final String ADD_ENTRIES = "INSERT INTO message_search_entries (id, conversation_id, seq, created_at)"
            + " SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j";
    /** Their index rows, from a JSON array of [id, text] in the same order. */
    private static final String ADD_TEXTS = "INSERT INTO message_search (rowid, text)"
            + " SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j";
    /** The id the next entry would get from SQLite itself ({@code INTEGER PRIMARY KEY}: the largest plus one). */
    private static final String LAST_ID = "SELECT coalesce(max(id), 0) FROM message_search_entries";
    /** Conversations whose ends are read per statement. */
    static final int ENDS_PER_STATEMENT = 1_024;
    private static final String BEHIND = "SELECT c.id FROM conversations c LEFT JOIN search_marks k"
            + " ON k.conversation_id = c.id WHERE c.last_seq > coalesce(k.indexed_seq, 0)";

    /**
     * An entry a committed append wrote: its seq, time and folded text (null when not indexed), and
     * whether it is an edit or a deletion (which changes an entry behind it).
     */
    private record Kept(long seq, long createdAt, String text, boolean action) {
    }

    /**
     * What the indexer knows of a conversation's entries past its mark: the committed appends'
     * entries in seq order, unless a write since the last read-back may have changed or removed
     * some ({@code changedAt} later than the read-back), or more were kept than {@link #MAX_KEPT}.
     */
    private static final class Tail {
        final List<Kept> entries = new ArrayList<>(4);
        /** The event count at the last {@link #changed}, 0 when none since the conversation was read back. */
        long changedAt;
        boolean dropped;

        boolean trusted() {
            return changedAt == 0 && !dropped;
        }
    }

    private record Row(long conversation, long seq, long createdAt, String text) {
    }

    /**
     * What one index transaction covered: each conversation with the note it was indexed after,
     * the seq its mark moved to, and the event count when it was read (for {@link Tail#changedAt}).
     */
    record Covered(Map<Long, Long> conversations, Map<Long, Long> marks, long events) {
    }

    private final boolean hold;
    private final boolean eager;
    private final long indexAfterNanos;
    private final int indexAtAppends;
    private final int entriesPerTransaction;
    /** Conversations with entries past their marks, each with the number of its latest note. */
    private final Map<Long, Long> waiting = new LinkedHashMap<>();
    private final Map<Long, Tail> tails = new HashMap<>();
    /** Conversations {@link #changed} with nothing kept, since the last batch. */
    private final List<Long> changedEmpty = new ArrayList<>();
    private int kept;
    /** Counts {@link #changed} calls and index transactions, to order them. */
    private long events;
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
    /** The highest {@code search_purges} id applied and committed (read by the writer, to drop those rows). */
    private volatile long purgedUpTo;
    /** The highest applied by the running transaction, -1 when none. */
    private long pendingPurgedUpTo = -1;
    /** Entries indexed from what the appends kept, and read back from {@code messages} (for tests). */
    private long fromKept;
    private long readBack;

    SearchIndexer() {
        String mode = System.getProperty(JdbcSearchStore.INDEXING_PROPERTY, "");
        this.hold = mode.equals("hold");
        this.eager = mode.equals("eager");
        // For measuring: how often and how much the indexer commits.
        this.indexAfterNanos = TimeUnit.MILLISECONDS.toNanos(Long.getLong(INDEX_AFTER_PROPERTY,
                TimeUnit.NANOSECONDS.toMillis(INDEX_AFTER_NANOS)));
        this.indexAtAppends = Integer.getInteger(INDEX_AT_APPENDS_PROPERTY, INDEX_AT_APPENDS);
        this.entriesPerTransaction = Integer.getInteger(ENTRIES_PER_TRANSACTION_PROPERTY, ENTRIES_PER_TRANSACTION);
    }

    /**
     * Notes an entry an append wrote, once its transaction committed (in commit order), with the
     * text the sender's thread folded for it (null when it is not indexed).
     */
    void appended(long conversationId, long seq, long createdAt, String text, boolean action) {
        // Boxed once for both maps: every box here is one more per message (issue 19).
        Long conversation = conversationId;
        note(conversation);
        Tail t = tails.computeIfAbsent(conversation, c -> new Tail());
        if (t.dropped) {
            return;
        }
        if (kept >= MAX_KEPT) {
            kept -= t.entries.size();
            t.entries.clear();
            t.dropped = true;
            return;
        }
        t.entries.add(new Kept(seq, createdAt, text, action));
        kept++;
    }

    /**
     * A committed write changed the text of the conversation's entries or removed some: its next
     * indexing reads them back from {@code messages}.
     */
    void changed(long conversation) {
        Tail t = tails.computeIfAbsent(conversation, c -> new Tail());
        if (t.entries.isEmpty()) {
            // Needed only until the batch's appends are kept (after its commit): see forgetEmpty.
            changedEmpty.add(conversation);
        }
        t.changedAt = ++events;
    }

    /**
     * Once the notes of a batch were taken: a conversation changed with nothing kept needs no mark
     * any more (what is appended after the change is current, and a gap before it shows), so
     * retention or erasure over many conversations leaves nothing behind.
     */
    void forgetEmpty() {
        for (long conversation : changedEmpty) {
            Tail t = tails.get(conversation);
            if (t != null && t.entries.isEmpty()) {
                tails.remove(conversation);
            }
        }
        changedEmpty.clear();
    }

    /**
     * The hot log's kept-out rows of the conversation were committed to SQLite: its kept entries up
     * to them can be indexed now (indexing takes only what SQLite holds, up to its last seq).
     */
    void materialized(long conversation) {
        note(conversation);
    }

    /** The conversation has entries past its mark to index. */
    private void note(Long conversation) {
        if (notes == notesIndexed) {
            firstWaitingNanos = System.nanoTime();
        }
        waiting.put(conversation, ++notes);
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
        return appends > 0 && (idle || eager || appends >= indexAtAppends
                || System.nanoTime() - firstWaitingNanos >= indexAfterNanos);
    }

    /**
     * How long until {@link #due} turns true while nothing else is noted ({@code Long.MAX_VALUE}: not
     * before something is).
     */
    long nanosUntilDue() {
        long now = System.nanoTime();
        long until;
        if (hold) {
            return Long.MAX_VALUE;
        } else if (!caughtUp || leftOver) {
            until = 0;
        } else if (notes == notesIndexed) {
            return Long.MAX_VALUE;
        } else {
            until = firstWaitingNanos + indexAfterNanos - now;
        }
        // After a failure, not before the retry (a due index would otherwise spin until then).
        return Math.max(0, Math.max(until, retryAfterNanos - now));
    }

    /**
     * Indexes now if {@link #due}, in a transaction of the search file committed here. After a
     * failure (rolled back, and thrown for the caller to log) it waits {@link #RETRY_NANOS} before
     * trying again, so a failing index does not cost a transaction that is rolled back every turn.
     */
    void indexIfDue(SqlSession s, boolean idle) throws SQLException {
        if (!due(idle) || System.nanoTime() - retryAfterNanos < 0) {
            return;
        }
        indexNow(s);
    }

    /** One index transaction now, whether due or not, committed here (rolled back when it fails). */
    void indexNow(SqlSession s) throws SQLException {
        retryAfterNanos = System.nanoTime() + RETRY_NANOS;
        Covered covered;
        try {
            covered = index(s);
            s.connection().commit();
        } catch (SQLException | RuntimeException e) {
            pendingPurgedUpTo = -1;
            try {
                s.connection().rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        indexed(covered);
        retryAfterNanos = System.nanoTime();
    }

    /**
     * Writes the index rows of waiting entries and moves the marks, without committing; pass
     * what it returns to {@link #indexed} once committed.
     */
    Covered index(SqlSession s) throws SQLException {
        // Changes counted up to here are seen by this transaction's read-backs.
        long at = ++events;
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
        Map<Long, Long> marks = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        Set<Target> retargets = new HashSet<>();
        StringBuilder moved = new StringBuilder("[");
        Map<Long, long[]> ends = new HashMap<>();
        List<Long> order = new ArrayList<>(waiting.keySet());
        int position = 0;
        int read = 0;
        for (Map.Entry<Long, Long> w : waiting.entrySet()) {
            long conversation = w.getKey();
            if (!ends.containsKey(conversation)) {
                // This conversation and the next ones, in one statement.
                readEnds(s, order.subList(position, Math.min(order.size(), position + ENDS_PER_STATEMENT)), ends);
            }
            position++;
            long[] end = ends.get(conversation);
            long lastSeq = end[0];
            long mark = end[1];
            int left = entriesPerTransaction - read;
            long last = fromKept(conversation, mark, lastSeq, left, rows);
            if (last >= mark) {
                read += (int) (last - mark);
                covered.put(conversation, w.getValue());
                marks.put(conversation, last);
            } else {
                PastMark past = readPastMark(s, conversation, mark, left, rows, retargets);
                int n = past.entries();
                last = past.last();
                read += n;
                readBack += n;
                if (n < left) {
                    // Everything past the mark was read: the mark goes to the conversation's end, past
                    // any entries retention removed.
                    last = Math.max(last, lastSeq);
                    covered.put(conversation, w.getValue());
                    marks.put(conversation, last);
                }
            }
            if (last > mark) {
                if (behindAtStart.contains(conversation)) {
                    // Index rows past a mark can only come from an earlier version of the node,
                    // which indexed in the append and moved no mark: replaced, never doubled.
                    MessageSearchIndex.removeAfter(s, conversation, mark);
                }
                moved.append(moved.length() > 1 ? "," : "").append('[').append(conversation).append(',')
                        .append(last).append(']');
            }
            if (read >= entriesPerTransaction) {
                break;
            }
        }
        if (moved.length() > 1) {
            PreparedStatement ps = s.prepare(SET_MARKS);
            ps.setString(1, moved.append(']').toString());
            ps.executeUpdate();
        }
        for (Target t : retargets) {
            reindex(s, t, rows);
        }
        // Rowids in time order, as appends used to give them (SqliteNewestMatches walks rowids).
        rows.sort(Comparator.comparingLong(Row::createdAt).thenComparingLong(Row::conversation)
                .thenComparingLong(Row::seq));
        addRows(s, rows);
        // After the rows: text an erasure removed is gone from them too (read back, or purged here).
        purge(s);
        caughtUp = true;
        return new Covered(covered, marks, at);
    }

    /** An entry behind its conversation's mark that an edit or a deletion past the mark changed. */
    private record Target(long conversation, long seq) {
    }

    private static final String TARGET = "SELECT kind, created_at, body, deleted_at FROM messages"
            + " WHERE conversation_id = ? AND seq = ?";

    /** Indexes the target again as it is now: its current text, or nothing when deleted or erased. */
    private static void reindex(SqlSession s, Target t, List<Row> rows) throws SQLException {
        MessageSearchIndex.removeEntry(s, t.conversation(), t.seq());
        PreparedStatement ps = s.prepare(TARGET);
        ps.setLong(1, t.conversation());
        ps.setLong(2, t.seq());
        try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                String kind = rs.getString(1);
                String body = rs.getString(3);
                rs.getLong(4);
                boolean deleted = !rs.wasNull();
                if (MessageKind.TEXT.wire().equals(kind) && body != null && !deleted) {
                    String text = MessageSearchIndex.folded(MessageKind.TEXT, body);
                    if (text != null) {
                        rows.add(new Row(t.conversation(), t.seq(), rs.getLong(2), text));
                    }
                }
            }
        }
    }

    private static final String PURGES = "SELECT id, conversation_id, sender_id, up_to FROM search_purges"
            + " WHERE id > (SELECT purged_up_to FROM search_progress) ORDER BY id";

    /** Applies the erasures and retention the database recorded since the last purge. */
    private void purge(SqlSession s) throws SQLException {
        long last = -1;
        try (ResultSet rs = s.prepare(PURGES).executeQuery()) {
            List<long[]> purges = new ArrayList<>();
            while (rs.next()) {
                long sender = rs.getLong(3);
                purges.add(new long[] {rs.getLong(1), rs.getLong(2), rs.wasNull() ? 0 : sender, rs.getLong(4)});
            }
            for (long[] p : purges) {
                if (p[2] != 0) {
                    MessageSearchIndex.removeBySender(s, p[1], p[2]);
                } else {
                    MessageSearchIndex.removeUpTo(s, p[1], p[3]);
                }
                last = p[0];
            }
        }
        if (last >= 0) {
            PreparedStatement ps = s.prepare("UPDATE search_progress SET purged_up_to = ?");
            ps.setLong(1, last);
            ps.executeUpdate();
            pendingPurgedUpTo = last;
        }
    }

    /** Up to which {@code search_purges} id the index was purged and committed (any thread). */
    long purgedUpTo() {
        return purgedUpTo;
    }

    /**
     * Adds to {@code rows} the conversation's entries past {@code mark} from what the committed
     * appends kept, and returns the seq the mark moves to; or returns -1 when the kept entries
     * cannot be trusted to be exactly those in {@code messages} (changed since, dropped, not one
     * for every seq up to the conversation's {@code last_seq}, or more than {@code left}).
     */
    /** How many entries {@link #readPastMark} read, and the seq of the last (the mark when none). */
    private record PastMark(int entries, long last) {
    }

    /**
     * Reads at most {@code left} of the conversation's entries past {@code mark} back from
     * {@code messages}, adding those to index (text, not deleted) to {@code rows}.
     */
    private static PastMark readPastMark(SqlSession s, long conversation, long mark, int left, List<Row> rows,
                                         Set<Target> retargets) throws SQLException {
        PreparedStatement ps = s.prepare(PAST_MARK);
        ps.setLong(1, conversation);
        ps.setLong(2, mark);
        ps.setInt(3, left);
        int n = 0;
        long last = mark;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                n++;
                last = rs.getLong(1);
                String body = rs.getString(4);
                rs.getLong(5);
                boolean deleted = !rs.wasNull();
                String kind = rs.getString(2);
                long target = rs.getLong(6);
                if (target > 0 && target <= mark
                        && (MessageKind.EDITED.wire().equals(kind) || MessageKind.DELETED.wire().equals(kind))) {
                    // Entries past the mark are read as they are now: only those behind it need it.
                    retargets.add(new Target(conversation, target));
                }
                if (MessageKind.TEXT.wire().equals(kind) && body != null && !deleted) {
                    String text = MessageSearchIndex.folded(MessageKind.TEXT, body);
                    if (text != null) {
                        rows.add(new Row(conversation, last, rs.getLong(3), text));
                    }
                }
            }
        }
        return new PastMark(n, last);
    }

    private long fromKept(long conversation, long mark, long last, int left, List<Row> rows) {
        Tail t = tails.get(conversation);
        if (t == null || !t.trusted() || behindAtStart.contains(conversation)) {
            return -1;
        }
        List<Kept> entries = t.entries;
        int from = 0;
        // Entries at or below the mark were read back by an index task that ran in their batch.
        while (from < entries.size() && entries.get(from).seq() <= mark) {
            from++;
        }
        // Entries past SQLite's last seq are the hot log's, kept out of SQLite: indexed once
        // their rows are in (materialized notes the conversation again).
        int to = from;
        while (to < entries.size() && entries.get(to).seq() <= last) {
            to++;
        }
        if (last - mark != to - from || last - mark > left) {
            return -1;
        }
        long expected = mark + 1;
        for (int i = from; i < to; i++) {
            if (entries.get(i).seq() != expected++ || entries.get(i).action()) {
                return -1;
            }
        }
        for (int i = from; i < to; i++) {
            Kept k = entries.get(i);
            if (k.text() != null) {
                rows.add(new Row(conversation, k.seq(), k.createdAt(), k.text()));
            }
        }
        fromKept += to - from;
        return last;
    }

    /** After the index transaction committed: the conversations it covered wait no more, unless noted since. */
    void indexed(Covered c) {
        if (pendingPurgedUpTo >= 0) {
            purgedUpTo = pendingPurgedUpTo;
            pendingPurgedUpTo = -1;
        }
        for (Map.Entry<Long, Long> e : c.conversations().entrySet()) {
            waiting.remove(e.getKey(), e.getValue());
            behindAtStart.remove(e.getKey());
        }
        for (Map.Entry<Long, Long> e : c.marks().entrySet()) {
            Tail t = tails.get(e.getKey());
            if (t == null) {
                continue;
            }
            long mark = e.getValue();
            int before = t.entries.size();
            t.entries.removeIf(k -> k.seq() <= mark);
            kept -= before - t.entries.size();
            if (t.changedAt != 0 && t.changedAt < c.events()) {
                // Read back (or found unchanged) after the change: what is kept from here on is exact.
                t.changedAt = 0;
            }
            if (t.dropped && t.entries.isEmpty()) {
                // Entries appended later are kept again; one missed meanwhile shows as a gap.
                t.dropped = false;
            }
            if (t.entries.isEmpty() && t.trusted()) {
                tails.remove(e.getKey());
            }
        }
        notesIndexed = notes;
        // Some are left after a long backlog (or noted while a test's index task shared a batch).
        leftOver = !waiting.isEmpty();
    }

    /** How many conversations wait to be indexed (for tests). */
    int waiting() {
        return waiting.size();
    }

    /** Conversations the indexer keeps anything about (for tests). */
    int tails() {
        return tails.size();
    }

    /** Entries indexed from what the appends kept, without reading them back (for tests). */
    long indexedFromKept() {
        return fromKept;
    }

    /** Entries read back from {@code messages} to be indexed (for tests). */
    long indexedReadBack() {
        return readBack;
    }

    /** Up to which seq the conversation's entries are in the index (its entries past it are not). */
    static long markOf(SqlSession s, long conversation) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT indexed_seq FROM search_marks WHERE conversation_id = ?");
        ps.setLong(1, conversation);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads the last seq and the mark of each of {@code conversations} into {@code ends} ({0, 0} when not there). */
    private static void readEnds(SqlSession s, List<Long> conversations, Map<Long, long[]> ends) throws SQLException {
        StringBuilder ids = new StringBuilder("[");
        for (long conversation : conversations) {
            ids.append(ids.length() > 1 ? "," : "").append(conversation);
            ends.put(conversation, new long[] {0, 0});
        }
        PreparedStatement ps = s.prepare(ENDS);
        ps.setString(1, ids.append(']').toString());
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long[] end = ends.get(rs.getLong(1));
                end[0] = rs.getLong(2);
                end[1] = rs.getLong(3);
            }
        }
    }

    /**
     * Writes the entries and their index rows, in the order given, under the ids SQLite would
     * have given them one by one (the largest so far plus one).
     */
    private static void addRows(SqlSession s, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        long id;
        try (ResultSet rs = s.prepare(LAST_ID).executeQuery()) {
            rs.next();
            id = rs.getLong(1);
        }
        StringBuilder entries = new StringBuilder(rows.size() * 40).append('[');
        StringBuilder texts = new StringBuilder(rows.size() * 80).append('[');
        for (Row r : rows) {
            id++;
            if (entries.length() > 1) {
                entries.append(',');
                texts.append(',');
            }
            entries.append('[').append(id).append(',').append(r.conversation()).append(',').append(r.seq())
                    .append(',').append(r.createdAt()).append(']');
            texts.append('[').append(id).append(',');
            JsonText.append(texts, r.text());
            texts.append(']');
        }
        PreparedStatement ps = s.prepare(ADD_ENTRIES);
        ps.setString(1, entries.append(']').toString());
        ps.executeUpdate();
        ps = s.prepare(ADD_TEXTS);
        ps.setString(1, texts.append(']').toString());
        ps.executeUpdate();
    }
}
