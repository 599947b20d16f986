package dev.parley.store;

import java.util.concurrent.CompletableFuture;

/**
 * One database the stores work on: writes queued to a group-commit writer, reads on pooled
 * connections. Implementations differ in engine (SQLite, PostgreSQL) and in how many writers they
 * run; a key picks the writer, so writes with the same key keep their order.
 */
public interface Database extends AutoCloseable {

    /** Queues a write; the future completes after its batch commits. */
    <T> CompletableFuture<T> write(long key, SqlTask<T> task);

    /** Runs a read on a pooled connection, blocking the caller. */
    <T> T read(SqlTask<T> task);

    /** The SQL that differs between engines. */
    Dialect dialect();

    @Override
    void close();
}
