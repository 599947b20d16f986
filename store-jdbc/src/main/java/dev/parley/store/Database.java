package dev.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * One database the stores work on: writes queued to a group-commit writer, reads on pooled
 * connections. Implementations differ in engine (SQLite, PostgreSQL) and in how many writers they
 * run; a key picks the writer, so writes with the same key keep their order.
 */
public interface Database extends AutoCloseable {

    /** Queues a write; the future completes after its batch commits. */
    default <T> CompletableFuture<T> write(long key, SqlTask<T> task) {
        return write(key, task, r -> { });
    }

    /**
     * Queues a write; {@code afterCommit} runs with its result on the writer's thread right after
     * the commit, before this or any later write's future completes, so what it records (a cache
     * update) is in place for everything committed after it.
     */
    <T> CompletableFuture<T> write(long key, SqlTask<T> task, java.util.function.Consumer<? super T> afterCommit);

    /** Runs a read on a pooled connection, blocking the caller. */
    <T> T read(SqlTask<T> task);

    /** The SQL that differs between engines. */
    Dialect dialect();

    @Override
    void close();
}
