package dev.parley.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One database the stores work on: writes queued to a group-commit writer, reads on pooled
 * connections. Implementations differ in engine (SQLite, PostgreSQL) and in how many writers they
 * run; a key picks the writer, so writes with the same key keep their order. Writes with different
 * keys may run in any order, even when queued together: a caller who needs one before another
 * waits for the first's future.
 */
public interface Database extends AutoCloseable {

    /** Queues a write; the future completes after its batch commits. */
    default <T> CompletableFuture<T> write(long key, SqlTask<T> task) {
        return write(key, task, r -> { });
    }

    /**
     * Queues a write; {@code afterCommit} runs with its result on the writer's thread right after
     * the commit, before this write's future and any later write's with the same key complete, so
     * what it records (a cache update) is in place for everything committed after it with that
     * key. (With one writer, as on SQLite, that holds for every later write; with several, hooks
     * run on several threads at once.)
     */
    <T> CompletableFuture<T> write(long key, SqlTask<T> task, Consumer<? super T> afterCommit);

    /** Runs a read on a pooled connection, blocking the caller. */
    <T> T read(SqlTask<T> task);

    /** The SQL that differs between engines. */
    Dialect dialect();

    /** The writers, for metrics. */
    List<GroupCommitWriter> writers();

    /** Why writes fail, for each writer whose writes fail because of the storage. */
    default List<GroupCommitWriter.Fault> faults() {
        return writers().stream().flatMap(w -> w.fault().stream()).toList();
    }

    @Override
    void close();
}
