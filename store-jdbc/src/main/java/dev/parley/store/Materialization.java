package dev.parley.store;

import java.util.concurrent.TimeUnit;

/**
 * When SQLite gets the rows the hot log acknowledged (docs/storage.md, "The hot log", stage 3): how
 * long the writer may keep acknowledged plain appends only in the log (and the tail views) before
 * it inserts their rows. Inserting rarely is the point: at 4,000 busy conversations every append
 * dirties its own pages (the {@code messages} leaf, the client-id index leaf, the conversation's
 * row), SQLite writes each dirty page to its write-ahead log at every commit and the checkpointer
 * copies it again; a conversation's rows inserted together every few seconds write its pages once
 * for all of them (docs/benchmarks.md, "Eleventh session").
 *
 * <p>A conversation's kept-out rows are inserted when the first of these comes: its turn at the pace
 * that inserts rows about {@code everyNanos} after they came ({@link MaterializationPace}, oldest
 * conversations first, evenly rather than in waves), its first one is twice {@code everyNanos} old,
 * more than {@code maxPending} entries wait (the oldest conversations first; memory: the tail views
 * hold them), {@code everyBatches} batches passed (tests: all of them), a barrier (all of them), the
 * writer idle (all), or the database closing (all).
 *
 * @param everyBatches insert every kept-out row once this many batches passed; 0 for no such rule
 * @param everyNanos   how long a row waits for SQLite, about (at most twice it); 0 for no such rule
 * @param maxPending   entries kept out at most
 * @param whenIdle     commit when the writer is idle (always, but in tests that hold a tail on purpose)
 */
record Materialization(int everyBatches, long everyNanos, int maxPending, boolean whenIdle) {
    /** System property: the wait in milliseconds (0 commits every batch, stage 2), for measuring. */
    static final String MILLIS_PROPERTY = "parley.hotLog.materializeMillis";
    /**
     * The node's default: rows go in about 20 s after they came (a conversation's ~25 entries together
     * at 5,000/s over 4,000; 10 s inserted ~12 and cost the writer a third more: docs/benchmarks.md,
     * "Eleventh session").
     */
    static final long DEFAULT_MILLIS = 20_000;
    /** System property overriding {@link #MAX_PENDING}, for measuring. */
    static final String MAX_PENDING_PROPERTY = "parley.hotLog.maxPending";
    /** Entries kept out at most (~500 B of heap each with their views: ~64 MiB). */
    static final int MAX_PENDING = 131_072;
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
        return millis <= 0 ? AT_COMMIT : new Materialization(0, TimeUnit.MILLISECONDS.toNanos(millis),
                Integer.getInteger(MAX_PENDING_PROPERTY, MAX_PENDING), true);
    }

    /** Whether rows are kept out of SQLite at all (not stage 2). */
    boolean defers() {
        return everyBatches != 1 && maxPending > 0;
    }

}
