package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.LogBatch;
import dev.parley.store.hotlog.LogPosition;
import dev.parley.store.hotlog.RecordKind;
import dev.parley.store.hotlog.TaggedRest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 of the hot log ({@code storage.hotLog}, docs/storage.md, "The hot log"): the
 * plain appends of the writer's transaction, written to the log just before the transaction
 * commits, with the log's mark moved in the same transaction. Materialization is synchronous: the
 * appends are SQLite rows already, and nothing is acknowledged before SQLite's commit, so the
 * only records past the mark after a crash are those of a transaction that never committed
 * ({@link LogReplay} puts them in, as a commit whose acknowledgement was lost).
 *
 * <p>What a record cannot carry yet is not logged, only inserted as today: an entry with
 * attachments, and one whose client id or body is out of the log's bounds. Its row is SQLite's,
 * as every row is in this stage.
 *
 * <p>Stage 3's first step: once the log write is durable (before SQLite's commit, so before the
 * batch's futures complete), the logged entries are published in the database's {@link TailViews};
 * after SQLite's commit they are marked materialized there. SQLite commits in the same batch, so a
 * view holds entries only between the two. A conversation's view takes only the run of its logged
 * entries that follows without a gap from the first (an entry the log left out, or one that is not
 * plain, in between ends it): the rest are SQLite's alone, readable once it commits. Should SQLite's
 * commit fail after the views were published, the rollback withdraws them ({@link #clear}): they were
 * never acknowledged, and the writer assigns their seqs again.
 *
 * <p>Stage 3 (the node's mode with the log on): by its {@link Materialization}, SQLite's commit of a
 * batch of plain logged appends may wait ({@link #defersCommit}): the batch is acknowledged once the
 * log holds it and its views are published, its rows stay in the writer's open transaction, and
 * SQLite commits them later with the batches after it. Those entries are kept here until then, so
 * that a connection that lost its open transaction is followed by one that puts them in again
 * ({@link #recover}); one instance therefore serves every connection the writer opens.
 *
 * <p>Threading: the writer's thread only (the log's owner thread), through its {@link SqlSession}.
 */
final class LoggedAppends {
    private static final Logger LOG = LoggerFactory.getLogger(LoggedAppends.class);
    /** Tag of the rest: the entry's mentions, as {@code messages.mentions} holds them (UTF-8). */
    static final byte MENTIONS = 1;
    static final String MOVE_MARK = "UPDATE log_marks SET next_ordinal = ?, segment_first = ?, segment_offset = ?"
            + " WHERE id = 1";
    /** SQLSTATE of a failed log write: an I/O error, which the writer treats as a storage fault. */
    static final String IO_ERROR = "58030";

    private final HotLog log;
    /** Where logged entries are published; null where nothing reads them (LogReplay's tests). */
    private final TailViews views;
    private final List<Message> waiting = new ArrayList<>();
    /** Per conversation, the first and last seq published by this batch, until it ends. */
    private final Map<Long, long[]> published = new LinkedHashMap<>();
    /** When SQLite commits what the log acknowledged ({@link Materialization}). */
    private final Materialization materialization;
    /** Deferred mode: per conversation, the last seq published by acknowledged batches SQLite has not committed. */
    private final Map<Long, Long> pending = new LinkedHashMap<>();
    /**
     * Deferred mode: the logged entries of those batches, in order: what SQLite must be given again
     * if its open transaction is lost to a storage fault ({@link #recover}).
     */
    private final List<Message> pendingEntries = new ArrayList<>();
    /** This batch's logged entries, until it commits, waits or rolls back. */
    private final List<Message> batchEntries = new ArrayList<>();
    /** Deferred mode: acknowledged batches SQLite has not committed, and when the first of them was. */
    private int deferredBatches;
    private long firstDeferredNanos;
    /** Deferred mode: this batch holds something readers find only in SQLite, so SQLite commits it. */
    private boolean barrier;
    private volatile long materializations;
    private volatile long recoveries;
    private long skipped;

    LoggedAppends(HotLog log, TailViews views) {
        this(log, views, Materialization.AT_COMMIT);
    }

    LoggedAppends(HotLog log, TailViews views, Materialization materialization) {
        this.log = log;
        this.views = views;
        this.materialization = materialization;
    }

    /**
     * A write that is not a plain logged append is in this batch (a barrier): SQLite commits the
     * batch, with every deferred one before it, so what the write changed is readable once it is
     * acknowledged, and everything before it is materialized.
     */
    void barrier() {
        barrier = true;
    }

    /**
     * Deferred mode, once the batch's log write is durable and its views published: whether SQLite's
     * commit waits (the batch is acknowledged with its rows only in the writer's open transaction).
     */
    boolean defersCommit() {
        return views != null && !barrier && materialization.mayWait(deferredBatches, firstDeferredNanos,
                pendingEntries.size() + batchEntries.size(), System.nanoTime());
    }

    boolean materializesWhenIdle() {
        return materialization.whenIdle();
    }

    /** Whether acknowledged batches wait for SQLite's commit (deferred mode). */
    boolean holdsPending() {
        return deferredBatches > 0;
    }

    /** The batch is acknowledged without SQLite's commit: its published entries wait for it. */
    void deferred() {
        waiting.clear();
        for (Map.Entry<Long, long[]> e : published.entrySet()) {
            pending.put(e.getKey(), e.getValue()[1]);
        }
        published.clear();
        pendingEntries.addAll(batchEntries);
        batchEntries.clear();
        if (deferredBatches++ == 0) {
            firstDeferredNanos = System.nanoTime();
        }
    }

    /** Notes a plain entry the transaction inserted; written to the log when it commits. */
    void appended(Message m) {
        if (m.kind() == MessageKind.TEXT && m.attachments().isEmpty()) {
            waiting.add(m);
        } else {
            barrier = true;
        }
    }

    /**
     * Before the commit, inside the transaction: writes the waiting entries to the log (synced
     * with {@code fsync}) and moves the mark to the log's end. A failed write fails the
     * transaction as a storage fault; the log is as it was.
     */
    void beforeCommit(SqlSession s) throws SQLException {
        if (waiting.isEmpty()) {
            return;
        }
        List<Message> inLog = new ArrayList<>(waiting.size());
        try {
            LogBatch batch = log.batch();
            for (Message m : waiting) {
                Boolean added = add(batch, m);
                if (added == null) {
                    log.append(batch);
                    batch = log.batch();
                    added = add(batch, m);
                    if (added == null) {
                        throw new IllegalStateException("an entry larger than a segment passed the log's bounds");
                    }
                }
                if (added) {
                    inLog.add(m);
                } else {
                    barrier = true;
                }
            }
            log.append(batch);
        } catch (IOException e) {
            throw new SQLException("the hot log's write failed: " + e, IO_ERROR, e);
        }
        publish(inLog);
        batchEntries.addAll(inLog);
        moveMarkToEnd(s, log);
    }

    /** Moves SQLite's mark ({@code log_marks}) to the log's end, in the caller's transaction. */
    static void moveMarkToEnd(SqlSession s, HotLog log) throws SQLException {
        LogPosition end = log.end();
        PreparedStatement ps = s.prepare(MOVE_MARK);
        ps.setLong(1, log.nextOrdinal());
        ps.setLong(2, end.segment());
        ps.setInt(3, end.offset());
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
                // Deferred mode: an entry the tail does not hold came between (a barrier's, in
                // SQLite's open transaction); these are SQLite's alone, readable at its commit.
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
     * The transaction committed: SQLite holds the records, as durably as the log (the writer's
     * {@code synchronous} follows the same durability), so the segments before the mark go.
     */
    void committed() {
        barrier = false;
        if (deferredBatches > 0) {
            materializations++;
        }
        waiting.clear();
        for (Map.Entry<Long, long[]> e : published.entrySet()) {
            pending.put(e.getKey(), e.getValue()[1]);
        }
        published.clear();
        boolean any = !pending.isEmpty();
        materializedPending();
        if (any) {
            log.retire(log.nextOrdinal() - 1);
        }
    }

    private void materializedPending() {
        for (Map.Entry<Long, Long> e : pending.entrySet()) {
            views.materialized(e.getKey(), e.getValue());
        }
        pending.clear();
        pendingEntries.clear();
        batchEntries.clear();
        deferredBatches = 0;
    }

    /**
     * On a new connection of the writer's, before it takes any write: the old one's open
     * transaction held acknowledged entries SQLite had not committed, and a storage fault lost
     * it. They are put into SQLite as {@link LogReplay} puts a crash's records (each where it
     * still fits, so an entry SQLite holds after all is not put twice), the mark moves to the
     * log's end, and SQLite commits; then the views hold them as materialized. A failure leaves
     * everything as it was, for the next connection to try.
     */
    void recover(SqlSession s) throws SQLException {
        if (pendingEntries.isEmpty() && pending.isEmpty()) {
            deferredBatches = 0;
            return;
        }
        try {
            LogReplay.Replayed r = LogReplay.replayMessages(s, pendingEntries);
            moveMarkToEnd(s, log);
            s.connection().commit();
            recoveries++;
            LOG.warn(
                    "hot log: a lost SQLite transaction's acknowledged entries were put in again entries={} inserted={}",
                    r.read(), r.inserted());
        } catch (SQLException | RuntimeException e) {
            try {
                s.connection().rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        materializedPending();
        log.retire(log.nextOrdinal() - 1);
    }

    /**
     * The transaction rolled back: its entries are not logged (a retry notes them again), and the
     * views it published, if SQLite's commit failed after the log write, are withdrawn.
     */
    void clear() {
        barrier = false;
        waiting.clear();
        batchEntries.clear();
        for (Map.Entry<Long, long[]> e : published.entrySet()) {
            views.withdrawn(e.getKey(), e.getValue()[0] - 1);
        }
        published.clear();
    }

    /** SQLite commits that materialized deferred batches (for tests and metrics). */
    long materializations() {
        return materializations;
    }

    /** Lost transactions whose entries {@link #recover} put into SQLite again (for tests). */
    long recoveries() {
        return recoveries;
    }

    /** Entries left out of the log because a record could not hold them (for tests). */
    long skipped() {
        return skipped;
    }
}
