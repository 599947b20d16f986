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
    /** Behind the hot log: the batch runs in a savepoint of a transaction holding acknowledged ones. */
    private boolean inSavepoint;

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
            logged.barrier();
        }
        storeWhatWaits();
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
            if (logged.defersCommit()) {
                // Behind the hot log (Materialization): acknowledged from the log; the rows stay in
                // this open transaction, and the next batch runs in a savepoint of it, so its
                // failure rolls back only itself.
                if (inSavepoint) {
                    execute("RELEASE SAVEPOINT batch");
                }
                execute("SAVEPOINT batch");
                inSavepoint = true;
                logged.deferred();
                return;
            }
        }
        commitNow();
    }

    /**
     * Behind the hot log: commits what acknowledged batches left in the open transaction,
     * materializing their tail entries; nothing when none wait.
     */
    void materializePending() throws SQLException {
        if (logged != null && logged.holdsPending()) {
            commitNow();
        }
    }

    /** Whether an idle writer commits what acknowledged batches left (behind the hot log). */
    boolean materializesWhenIdle() {
        return logged != null && logged.materializesWhenIdle();
    }

    /** Whether acknowledged batches wait for SQLite's commit (behind the hot log). */
    boolean holdsPending() {
        return logged != null && logged.holdsPending();
    }

    private void execute(String sql) throws SQLException {
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    private void commitNow() throws SQLException {
        connection.commit();
        inSavepoint = false;
        if (hot != null) {
            hot.committed();
        }
        if (logged != null) {
            logged.committed();
        }
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
        if (inSavepoint) {
            // Deferred mode: only this batch; the acknowledged ones before it stay in the transaction.
            execute("ROLLBACK TO SAVEPOINT batch");
            return;
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
