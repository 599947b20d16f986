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
}
