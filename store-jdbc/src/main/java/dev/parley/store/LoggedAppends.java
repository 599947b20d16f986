package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.LogBatch;
import dev.parley.store.hotlog.LogPosition;
import dev.parley.store.hotlog.RecordKind;
import dev.parley.store.hotlog.TaggedRest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The writer's plain appends on their way into the hot log ({@code storage.hotLog}, docs/storage.md,
 * "The hot log"), in one of two modes, by its {@link Materialization}:
 *
 * <p><b>At commit (stage 2; {@link Materialization#AT_COMMIT}).</b> The appends are SQLite rows
 * already; their records are written to the log just before the transaction commits, with the log's
 * mark moved to its end in the same transaction, so nothing is acknowledged before SQLite's commit and
 * the only records past the mark after a crash are those of a transaction that never committed
 * ({@link LogReplay} puts them in, as a commit whose acknowledgement was lost). Once the log write is
 * durable the entries are published in the {@link TailViews}, and marked materialized after SQLite's
 * commit; should the commit fail, the rollback withdraws them ({@link #clear}).
 *
 * <p><b>Rows kept out (stage 3, the node's mode with the log on).</b> A plain append the log takes
 * is not inserted: {@link #appendedOut} notes it, its record is written at the commit, its view
 * published, and once SQLite's (small) transaction commits it is acknowledged and joins the
 * {@link PendingRows}. The mark stays at or before the oldest pending record. Between batches the
 * writer inserts the due conversations' pending rows ({@link #materializeDue}: a slice of
 * conversations whose first pending entry is old enough, each conversation's entries together) and
 * commits them, moving the mark; only after that commit are they materialized in the views. Any other
 * write first inserts every pending row into its own transaction ({@link #materializeAll}, a barrier),
 * so it reads and moves the conversation rows as they are, and the rest of its batch is inserted as
 * in stage 2. A rolled-back transaction leaves the pending rows pending. A crash replays every record
 * past the mark ({@link LogReplay}), skipping those SQLite holds.
 *
 * <p>What a record cannot carry is never logged, only inserted: an entry with attachments, one that
 * is not text, one whose client id or body is out of the log's bounds.
 *
 * <p>Threading: the writer's thread only (the log's owner thread), through its {@link SqlSession}.
 */
final class LoggedAppends {
    /** Tag of the rest: the entry's mentions, as {@code messages.mentions} holds them (UTF-8). */
    static final byte MENTIONS = 1;
    static final String MOVE_MARK = "UPDATE log_marks SET next_ordinal = ?, segment_first = ?, segment_offset = ?"
            + " WHERE id = 1";
    /** SQLSTATE of a failed log write: an I/O error, which the writer treats as a storage fault. */
    static final String IO_ERROR = "58030";
    /**
     * Conversations whose pending rows one slice inserts, at most: a slice runs between two
     * batches, and 8 conversations of ~25 entries take a few ms (64 took 3-18 ms, 512 up to 100).
     */
    static final int SLICE_CONVERSATIONS = 8;

    /** An entry of the running transaction for the log: its row in SQLite, or kept out. */
    private static final class Waiting {
        final Message message;
        boolean out;

        Waiting(Message message, boolean out) {
            this.message = message;
            this.out = out;
        }
    }

    private final HotLog log;
    /** Where logged entries are published; null where nothing reads them (LogReplay's tests). */
    private final TailViews views;
    private final Materialization materialization;
    /** How many pending rows the slices insert, so they go in evenly, not in waves. */
    private final MaterializationPace pace;
    /** Rows kept out of SQLite; null at commit (stage 2). */
    private final PendingRows pending;
    /** Told each conversation whose pending rows SQLite committed (the search indexer). */
    private final LongConsumer onMaterialized;
    private final List<Waiting> waiting = new ArrayList<>();
    /** This transaction's kept-out entries by client id (a retry in the same batch). */
    private final Map<PendingRows.ClientKey, Message> waitingByClientId = new HashMap<>();
    /** Per conversation, the first and last seq published by this batch, until it ends. */
    private final Map<Long, long[]> published = new LinkedHashMap<>();
    /** This transaction's kept-out entries once logged, with their records' places. */
    private final List<PendingRows.Row> loggedOut = new ArrayList<>();
    /** Per conversation, the pending rows this transaction inserted, up to this seq. */
    private final Map<Long, Long> materializing = new LinkedHashMap<>();
    /** A write that is not a plain kept-out append is in this transaction. */
    private boolean barrier;
    /** Batches since SQLite last held every pending row (for {@link Materialization#everyBatches}). */
    private int batchesSince;
    private long markOrdinal;
    private volatile long materializations;
    private long skipped;

    LoggedAppends(HotLog log, TailViews views) {
        this(log, views, Materialization.AT_COMMIT, c -> { });
    }

    LoggedAppends(HotLog log, TailViews views, Materialization materialization, LongConsumer onMaterialized) {
        this.log = log;
        this.views = views;
        this.materialization = materialization;
        this.pace = new MaterializationPace(materialization.everyNanos());
        this.pending = materialization.defers() && views != null ? new PendingRows() : null;
        this.onMaterialized = onMaterialized;
    }

    /** Whether plain appends are kept out of SQLite now: stage 3, and no barrier in this transaction. */
    boolean keepsRowsOut() {
        return pending != null && !barrier;
    }

    /** Whether the log takes the entry as a record (text, no attachments, within its bounds). */
    boolean takes(Message m) {
        return m.kind() == MessageKind.TEXT && m.attachments().isEmpty()
                && log.takes(m.clientId() == null ? "" : m.clientId(), m.body() == null ? "" : m.body(),
                        rest(MessageRows.formatMentions(m.mentions())).length());
    }

    /** Notes a plain entry kept out of SQLite (after {@link #keepsRowsOut} and {@link #takes}). */
    void appendedOut(Message m) {
        waiting.add(new Waiting(m, true));
        if (m.clientId() != null) {
            waitingByClientId.put(PendingRows.ClientKey.of(m), m);
        }
    }

    /** Notes an entry the transaction inserted; a plain one is written to the log when it commits. */
    void appended(Message m) {
        if (m.kind() == MessageKind.TEXT && m.attachments().isEmpty()) {
            waiting.add(new Waiting(m, false));
        } else {
            barrier = true;
        }
    }

    /** The entry kept out of SQLite under this client id (this transaction's or pending), or null. */
    Message original(long conversation, long sender, String clientId) {
        if (pending == null) {
            return null;
        }
        Message m = waitingByClientId.isEmpty() ? null
                : waitingByClientId.get(new PendingRows.ClientKey(conversation, sender, clientId));
        return m != null ? m : pending.original(conversation, sender, clientId);
    }

    /** The conversation's last seq among the entries kept out of SQLite (this transaction's or pending), or 0. */
    long lastSeqKeptOut(long conversation) {
        if (pending == null) {
            return 0;
        }
        for (int i = waiting.size() - 1; i >= 0; i--) {
            Waiting w = waiting.get(i);
            if (w.out && w.message.conversationId().value() == conversation) {
                return w.message.seq();
            }
        }
        Message last = pending.last(conversation);
        return last == null ? 0 : last.seq();
    }

    /** The conversation's last entry kept out of SQLite (pending), or null. */
    Message lastPending(long conversation) {
        return pending == null ? null : pending.last(conversation);
    }

    /**
     * A write that is not a plain kept-out append (a barrier): every row kept out of SQLite, pending
     * or of this transaction, is inserted now, in this transaction, so the write reads and moves the
     * conversation rows as they are; the rest of the transaction's appends are inserted too.
     */
    void materializeAll(SqlSession s) throws SQLException {
        barrier = true;
        if (pending == null) {
            return;
        }
        insertDue(s, pending.all());
        for (Waiting w : waiting) {
            if (w.out) {
                Message m = w.message;
                PendingRows.insertRow(s, m);
                PendingRows.storeEnd(s, m.conversationId().value(), m.seq(), m.createdAt());
                w.out = false;
            }
        }
        waitingByClientId.clear();
    }

    /**
     * Between batches, in a transaction of its own: inserts the pending rows that are due by the
     * {@link Materialization} (all of them with {@code all}); true when it inserted some, and the
     * caller commits.
     */
    boolean materializeDue(SqlSession s, boolean all) throws SQLException {
        if (pending == null || pending.isEmpty()) {
            return false;
        }
        boolean everything = all || (materialization.everyBatches() > 0
                && batchesSince >= materialization.everyBatches());
        List<Long> due = everything ? pending.all()
                : pending.slice(System.nanoTime(), materialization, pace, SLICE_CONVERSATIONS);
        if (due.isEmpty()) {
            return false;
        }
        insertDue(s, due);
        return true;
    }

    private void insertDue(SqlSession s, List<Long> conversations) throws SQLException {
        for (Long c : conversations) {
            if (!materializing.containsKey(c)) {
                materializing.put(c, pending.insert(s, c));
            }
        }
    }

    boolean materializesWhenIdle() {
        return materialization.whenIdle();
    }

    /** Whether acknowledged entries wait for SQLite (rows kept out). */
    boolean holdsPending() {
        return pending != null && !pending.isEmpty();
    }

    /**
     * Before the commit, inside the transaction: writes the waiting entries to the log (synced
     * with {@code fsync}), publishes them, and moves the mark: to the log's end when nothing is
     * kept out of SQLite, else to the oldest record still kept out. A failed write fails the
     * transaction as a storage fault; the log is as it was.
     */
    void beforeCommit(SqlSession s) throws SQLException {
        if (!waiting.isEmpty()) {
            writeWaiting();
        }
        if (pending == null) {
            if (!waiting.isEmpty()) {
                moveMark(s, log.nextOrdinal(), log.end());
            }
            return;
        }
        if (!materializing.isEmpty()) {
            PendingRows.Row oldest = pending.oldestExcept(materializing);
            if (oldest == null && !loggedOut.isEmpty()) {
                oldest = loggedOut.getFirst();
            }
            if (oldest == null) {
                moveMark(s, log.nextOrdinal(), log.end());
            } else {
                moveMark(s, oldest.ordinal(), oldest.at());
            }
        } else if (pending.isEmpty() && loggedOut.isEmpty() && !waiting.isEmpty()) {
            moveMark(s, log.nextOrdinal(), log.end());
        }
    }

    private void writeWaiting() throws SQLException {
        List<Message> inLog = new ArrayList<>(waiting.size());
        List<LogBatch> batches = new ArrayList<>();
        List<int[]> outAt = new ArrayList<>();
        try {
            LogBatch batch = log.batch();
            for (Waiting w : waiting) {
                Message m = w.message;
                Boolean added = add(batch, m);
                if (added == null) {
                    log.append(batch);
                    batches.add(batch);
                    batch = log.batch();
                    added = add(batch, m);
                    if (added == null) {
                        throw new IllegalStateException("an entry larger than a segment passed the log's bounds");
                    }
                }
                if (added) {
                    inLog.add(m);
                    if (w.out) {
                        outAt.add(new int[] {batches.size(), batch.size() - 1});
                    }
                } else if (w.out) {
                    throw new IllegalStateException("an entry kept out of SQLite was refused by the log");
                } else {
                    barrier = true;
                }
            }
            log.append(batch);
            batches.add(batch);
        } catch (IOException e) {
            throw new SQLException("the hot log's write failed: " + e, IO_ERROR, e);
        }
        long now = System.nanoTime();
        int i = 0;
        for (Waiting w : waiting) {
            if (w.out) {
                int[] at = outAt.get(i++);
                LogBatch b = batches.get(at[0]);
                loggedOut.add(new PendingRows.Row(w.message, b.firstOrdinal() + at[1], b.position(at[1]), now));
            }
        }
        publish(inLog);
    }

    private void moveMark(SqlSession s, long ordinal, LogPosition at) throws SQLException {
        writeMark(s, ordinal, at);
        markOrdinal = ordinal;
    }

    /** Moves SQLite's mark ({@code log_marks}) to the log's end, in the caller's transaction. */
    static void moveMarkToEnd(SqlSession s, HotLog log) throws SQLException {
        writeMark(s, log.nextOrdinal(), log.end());
    }

    private static void writeMark(SqlSession s, long ordinal, LogPosition at) throws SQLException {
        PreparedStatement ps = s.prepare(MOVE_MARK);
        ps.setLong(1, ordinal);
        ps.setLong(2, at.segment());
        ps.setInt(3, at.offset());
        ps.executeUpdate();
    }

    /**
     * The log write is durable: each conversation's run of logged entries joins its tail view,
     * before SQLite's commit and so before any of the batch's futures completes.
     */
    private void publish(List<Message> inLog) {
        if (views == null) {
            return;
        }
        Map<Long, List<Message>> runs = new LinkedHashMap<>();
        Map<Long, Boolean> broken = new LinkedHashMap<>();
        for (Message m : inLog) {
            long c = m.conversationId().value();
            List<Message> run = runs.computeIfAbsent(c, k -> new ArrayList<>());
            if (broken.containsKey(c)) {
                continue;
            }
            if (!run.isEmpty() && m.seq() != run.getLast().seq() + 1) {
                broken.put(c, true);
                barrier = true;
                continue;
            }
            run.add(m);
        }
        for (Map.Entry<Long, List<Message>> e : runs.entrySet()) {
            List<Message> run = e.getValue();
            TailView view = views.view(e.getKey());
            if (view != null && !view.entries().isEmpty() && run.getFirst().seq() != view.lastSeq() + 1) {
                // An entry the tail does not hold came between (a barrier's, in SQLite's
                // transaction); these are SQLite's alone, readable at its commit.
                barrier = true;
                continue;
            }
            views.logged(e.getKey(), run);
            published.put(e.getKey(), new long[] {run.getFirst().seq(), run.getLast().seq()});
        }
    }

    /**
     * Adds the entry's record: true when added, false when left out (out of the log's bounds),
     * null when the batch is full.
     */
    private Boolean add(LogBatch batch, Message m) {
        String mentions = MessageRows.formatMentions(m.mentions());
        try {
            batch.add(RecordKind.TEXT, m.conversationId().value(), m.seq(), m.createdAt(), m.senderId().value(),
                    m.senderDeviceId() == null ? 0 : m.senderDeviceId().value(),
                    m.clientId() == null ? "" : m.clientId(), m.body() == null ? "" : m.body(), rest(mentions));
            return true;
        } catch (IllegalArgumentException e) {
            skipped++;
            return false;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    static TaggedRest rest(String mentions) {
        if (mentions == null) {
            return TaggedRest.NONE;
        }
        byte[] text = mentions.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 1];
        bytes[0] = MENTIONS;
        System.arraycopy(text, 0, bytes, 1, text.length);
        return TaggedRest.of(bytes);
    }

    /** The mentions a record's rest holds, as {@code messages.mentions} does; null for none. */
    static String mentions(TaggedRest rest) {
        byte[] bytes = rest.bytes();
        return bytes.length > 0 && bytes[0] == MENTIONS
                ? new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8) : null;
    }

    /**
     * The transaction committed. Entries it inserted are materialized in their views; its kept-out
     * entries join the pending rows (a barrier later in the batch inserted any before it: those are
     * SQLite's now); the pending rows it inserted are pending no more. The segments before the mark
     * go: SQLite holds their records as durably as the log (the writer's {@code synchronous}
     * follows the same durability).
     */
    void committed() {
        Set<Long> keptOut = loggedOut.isEmpty() ? Set.of() : new HashSet<>();
        for (PendingRows.Row row : loggedOut) {
            keptOut.add(row.message().conversationId().value());
        }
        for (Map.Entry<Long, long[]> e : published.entrySet()) {
            if (!keptOut.contains(e.getKey())) {
                views.materialized(e.getKey(), e.getValue()[1]);
            }
        }
        if (pending != null) {
            // Materialized first, then the new ones: conversations stay in first-record order.
            for (Map.Entry<Long, Long> e : materializing.entrySet()) {
                pending.materialized(e.getKey(), e.getValue());
                views.materialized(e.getKey(), e.getValue());
                onMaterialized.accept(e.getKey());
            }
            for (PendingRows.Row row : loggedOut) {
                pending.add(row);
            }
            if (!materializing.isEmpty()) {
                materializations++;
            }
            batchesSince = pending.isEmpty() ? 0 : batchesSince + 1;
        }
        boolean logged = !waiting.isEmpty() || !materializing.isEmpty();
        reset();
        if (logged && markOrdinal > 0) {
            log.retire(markOrdinal - 1);
        }
    }

    private void reset() {
        barrier = false;
        waiting.clear();
        waitingByClientId.clear();
        published.clear();
        loggedOut.clear();
        materializing.clear();
    }

    /**
     * The transaction rolled back: its entries are not logged (a retry notes them again), the views
     * it published, if SQLite's commit failed after the log write, are withdrawn, and the pending rows
     * it inserted are still pending.
     */
    void clear() {
        for (Map.Entry<Long, long[]> e : published.entrySet()) {
            views.withdrawn(e.getKey(), e.getValue()[0] - 1);
        }
        reset();
    }

    /** SQLite commits that inserted pending rows (for tests and metrics). */
    long materializations() {
        return materializations;
    }

    /** Entries left out of the log because a record could not hold them (for tests). */
    long skipped() {
        return skipped;
    }
}
