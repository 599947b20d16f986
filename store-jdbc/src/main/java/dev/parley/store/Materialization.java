package dev.parley.store;

import java.util.concurrent.TimeUnit;

/**
 * When SQLite catches up with the hot log (docs/storage.md, "The hot log", stage 3): how long the
 * writer may keep acknowledged plain appends only in the log and in its open SQLite transaction
 * before committing them. Committing rarely is the point: at 4,000 busy conversations every
 * append dirties its own pages (the {@code messages} leaf, the client-id index leaf, the
 * conversation's row), and SQLite writes each dirty page to its write-ahead log at every commit,
 * and the checkpointer copies it again; a commit every few seconds writes a page once for all the
 * appends that touched it meanwhile (docs/benchmarks.md, "Eleventh session").
 *
 * <p>SQLite commits when the first of these comes: {@code everyBatches} acknowledged batches
 * wait (tests), {@code everyNanos} passed since the first waited, {@code maxPending} entries wait
 * (memory: the tail views hold them), a barrier, the writer idle, or the database closing.
 *
 * @param everyBatches commit once this many batches wait; 0 for no such rule
 * @param everyNanos   commit once the first waiting batch is this old; 0 for no such rule
 * @param maxPending   commit once this many logged entries wait
 * @param whenIdle     commit when the writer is idle (always, but in tests that hold a tail on purpose)
 */
record Materialization(int everyBatches, long everyNanos, int maxPending, boolean whenIdle) {
    /** System property: the time rule in milliseconds (0 commits every batch, stage 2), for measuring. */
    static final String MILLIS_PROPERTY = "parley.hotLog.materializeMillis";
    /** The node's default: at most every 5 s (about 6 entries per conversation at 5,000/s over 4,000). */
    static final long DEFAULT_MILLIS = 5_000;
    /** Entries waiting at most (~200 B each in the tail views). */
    static final int MAX_PENDING = 65_536;
    /** Stage 2: SQLite commits every batch, nothing is acknowledged before it. */
    static final Materialization AT_COMMIT = new Materialization(1, 0, 0, true);

    Materialization {
        if (everyBatches < 0 || everyNanos < 0 || maxPending < 0) {
            throw new IllegalArgumentException("materialization rules cannot be negative");
        }
    }

    /** The node's: every {@link #MILLIS_PROPERTY} ms ({@link #DEFAULT_MILLIS}), or {@link #AT_COMMIT} for 0. */
    static Materialization behindTheLog() {
        long millis = Long.getLong(MILLIS_PROPERTY, DEFAULT_MILLIS);
        return millis <= 0 ? AT_COMMIT : new Materialization(0, TimeUnit.MILLISECONDS.toNanos(millis), MAX_PENDING, true);
    }

    /** Whether acknowledged batches may wait for SQLite's commit at all. */
    boolean defers() {
        return everyBatches != 1 && maxPending > 0;
    }

    /**
     * Whether the batch being committed may wait too, with {@code batches} waiting before it since
     * {@code sinceNanos} (the first one's commit) and {@code entries} entries.
     */
    boolean mayWait(int batches, long sinceNanos, int entries, long nowNanos) {
        if (!defers() || entries >= maxPending) {
            return false;
        }
        if (everyBatches > 0 && batches + 1 >= everyBatches) {
            return false;
        }
        return everyNanos == 0 || batches == 0 || nowNanos - sinceNanos < everyNanos;
    }
}
