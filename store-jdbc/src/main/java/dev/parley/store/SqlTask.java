package dev.parley.store;

import java.sql.SQLException;

/**
 * A unit of database work on a {@link SqlSession}. As a write it runs inside a transaction shared
 * with other tasks, and must only touch the database (no side effects outside it), because the
 * writer may roll a batch back and run the task again on its own.
 */
@FunctionalInterface
public interface SqlTask<T> {
    T run(SqlSession session) throws SQLException;

    /**
     * A task that keeps the writer's {@link HotConversations} true itself (an append): the writer
     * runs it without first storing what earlier appends of the transaction left in memory.
     * Every other task runs after that is stored, so it sees the conversation rows as they are.
     */
    @FunctionalInterface
    interface Append<T> extends SqlTask<T> {
    }

    /**
     * A task that reads no row a plain append writes, and takes a conversation's last seq as
     * {@link SqlSession#lastSeqKeptOut} says when it needs it (a receipt's clamp): behind the hot
     * log it runs without the rows kept out of SQLite inserted first, so it is not a barrier. Its own
     * writes commit with its batch, as every task's.
     */
    @FunctionalInterface
    interface KeepsTail<T> extends SqlTask<T> {
    }
}
