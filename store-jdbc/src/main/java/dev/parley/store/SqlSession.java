package dev.parley.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** A JDBC connection with its prepared statements kept, so hot statements are parsed once. */
public final class SqlSession implements AutoCloseable {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final HotConversations hot;
    /** A PostgreSQL writer's queued plain appends, written together ({@link PostgresAppends}); else null. */
    private final PostgresAppends appends;
    /** A SQLite writer's plain appends on their way into the hot log ({@link LoggedAppends}); else null. */
    private final LoggedAppends logged;

    /** A session on SQLite. */
    public SqlSession(Connection connection) {
        this(connection, Dialect.SQLITE);
    }

    public SqlSession(Connection connection, Dialect dialect) {
        this(connection, dialect, null);
    }

    /** A writer's session that remembers the conversations it appends to ({@link HotConversations}). */
    SqlSession(Connection connection, Dialect dialect, HotConversations hot) {
        this(connection, dialect, hot, null, null);
    }

    /** A SQLite writer's session whose plain appends also go to the hot log ({@link LoggedAppends}). */
    SqlSession(Connection connection, HotConversations hot, LoggedAppends logged) {
        this(connection, Dialect.SQLITE, hot, null, logged);
    }

    /** A PostgreSQL writer's session, which writes plain appends together ({@link PostgresAppends}). */
    SqlSession(Connection connection, PostgresAppends appends) {
        this(connection, Dialect.POSTGRES, null, appends, null);
    }

    private SqlSession(Connection connection, Dialect dialect, HotConversations hot, PostgresAppends appends,
                       LoggedAppends logged) {
        this.connection = connection;
        this.dialect = dialect;
        this.hot = hot;
        this.appends = appends;
        this.logged = logged;
    }

    /** A SQLite writer's plain appends on their way into the hot log; null when the log is off. */
    LoggedAppends logged() {
        return logged;
    }

    /** A PostgreSQL writer's queue of plain appends; null elsewhere. */
    PostgresAppends appends() {
        return appends;
    }

    /** What this writer's session remembers of its conversations; null where appends read the rows. */
    HotConversations hot() {
        return hot;
    }

    /**
     * Before a write task that is not a plain append: stores what the appends so far left only in
     * memory (SQLite) or queued (PostgreSQL), so the task reads and moves the conversation rows as
     * they are.
     */
    void beforeTask() throws SQLException {
        if (logged != null) {
            logged.materializeAll(this);
        }
        storeWhatWaits();
    }

    /**
     * Before a {@link SqlTask.KeepsTail} task: as {@link #beforeTask}, but the rows kept out of SQLite
     * behind the hot log stay out.
     */
    void beforeTaskKeepingTail() throws SQLException {
        storeWhatWaits();
    }

    /**
     * The conversation's last seq among the entries kept out of SQLite behind the hot log (this
     * transaction's or pending), 0 when none is; a task takes the larger of it and SQLite's.
     */
    public long lastSeqKeptOut(long conversation) {
        return logged == null ? 0 : logged.lastSeqKeptOut(conversation);
    }

    /** Stores what the appends left in memory (SQLite) or queued (PostgreSQL). */
    private void storeWhatWaits() throws SQLException {
        if (hot != null) {
            hot.flush(this);
        }
        if (appends != null) {
            appends.flush(this);
        }
    }

    /**
     * Commits the transaction, with what the appends left in memory stored first and, with the hot
     * log on, their records written to the log and its mark moved in the transaction.
     */
    public void commit() throws SQLException {
        storeWhatWaits();
        if (logged != null) {
            logged.beforeCommit(this);
        }
        connection.commit();
        if (hot != null) {
            hot.committed();
        }
        if (logged != null) {
            logged.committed();
        }
    }

    /**
     * Behind the hot log, between batches: inserts and commits the rows kept out of SQLite that are
     * due (all of them with {@code all}); nothing when none are.
     */
    void materialize(boolean all) throws SQLException {
        if (logged != null && logged.materializeDue(this, all)) {
            commit();
        }
    }

    /** Whether an idle writer commits what acknowledged batches left (behind the hot log). */
    boolean materializesWhenIdle() {
        return logged != null && logged.materializesWhenIdle();
    }

    /** Whether acknowledged entries wait for SQLite (behind the hot log). */
    boolean holdsPending() {
        return logged != null && logged.holdsPending();
    }

    /** Rolls the transaction back; what was remembered inside it is dropped. */
    public void rollback() throws SQLException {
        if (hot != null) {
            hot.clear();
        }
        if (appends != null) {
            appends.clear();
        }
        if (logged != null) {
            logged.clear();
        }
        connection.rollback();
    }

    public Connection connection() {
        return connection;
    }

    /** The engine this session talks to. */
    public Dialect dialect() {
        return dialect;
    }

    /** The prepared statement for this SQL, cached for the connection's life. */
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    /** Closes every cached statement; the next {@link #prepare} of each prepares it again. */
    public void forgetStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // dropped anyway
            }
        }
        statements.clear();
    }

    @Override
    public void close() {
        forgetStatements();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
