package dev.parley.store;

import java.util.concurrent.Callable;

/**
 * Opens SQLite databases with the hot log's test-only deferred materialization
 * ({@link SqliteDatabase#MATERIALIZATION_FOR_TESTS}): SQLite commits only every {@link #EVERY} batches, at a
 * barrier or when the writer is idle, so reads right after an acknowledged append find it in the tail.
 */
final class DeferredMaterialization {
    static final int EVERY = 4;

    private DeferredMaterialization() {
    }

    /** Runs {@code open} with databases opened on this thread deferring materialization. */
    static <T> T opening(Callable<T> open) throws Exception {
        SqliteDatabase.MATERIALIZATION_FOR_TESTS.set(new Materialization(EVERY, 0, Materialization.MAX_PENDING, true));
        try {
            return open.call();
        } finally {
            SqliteDatabase.MATERIALIZATION_FOR_TESTS.remove();
        }
    }
}
