package dev.parley.microbench.hotlog;

import dev.parley.store.Durability;
import dev.parley.microbench.DirectPairs;
import dev.parley.store.SqliteDatabase;
import dev.parley.store.hotlog.LogEntry;
import org.sqlite.SQLiteConfig;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * SQLite behind the hot log, as a prototype for measuring: writes entries the log already holds
 * into the project's schema (its own migrations, through {@link SqliteDatabase}) in large
 * transactions, sorted by conversation and seq: the {@code messages} rows, each conversation's
 * {@code last_seq} and {@code last_activity_at} once per transaction, optionally the search index
 * rows ({@code message_search_entries}, the FTS5 table, {@code search_marks}), and the log
 * position materialized so far, in the same transaction (where replay starts after a crash).
 * The connection is set up as the node's writer is ({@code synchronous=NORMAL}: the log, not
 * SQLite, is what makes an entry durable), with a checkpointer thread of its own doing passive
 * checkpoints every 100 ms and the materializer resetting the WAL past 65,536 pages, as
 * {@code WalCheckpointer} does.
 */
public final class Materializer implements AutoCloseable {
    private static final int RESET_FRAMES = 65_536;
    static final Comparator<LogEntry> ORDER =
            Comparator.comparingLong(LogEntry::conversation).thenComparingLong(LogEntry::seq);

    private final Connection connection;
    private final Connection checkpoints;
    private final Thread checkpointer;
    private volatile boolean closing;
    private volatile int framesInLog;
    private final PreparedStatement insert;
    private final PreparedStatement last;
    private final PreparedStatement entry;
    private final PreparedStatement fts;
    private final PreparedStatement mark;
    private final PreparedStatement ordinalEntry;
    private final PreparedStatement ordinalFts;
    private final PreparedStatement logMark;

    /**
     * Creates {@code dir/parley.db} with the project's migrations and {@code conversations} direct
     * conversations between users {@code 1000 + 2i} and {@code 1001 + 2i}, id {@code 500000 + i}.
     */
    public static void createDatabase(Path dir, int conversations) throws SQLException {
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 1, 1024)) {
            DirectPairs.open(db, conversations);
        }
    }

    /**
     * What is indexed for search with the rows: nothing; today's tables ({@code message_search_entries}
     * with its unique {@code (conversation_id, seq)} index, the FTS5 table with its own copy of the
     * text, a {@code search_marks} row per conversation); or, keyed by each entry's ordinal in the
     * log (so every insert goes to the right end of its B-tree), a contentless FTS5 table and a
     * rowid table from ordinal to entry, with the log mark as the only mark.
     */
    public enum Search { NONE, SCHEMA, ORDINAL }

    public Materializer(Path dir) throws SQLException {
        this(dir, 4_096);
    }

    public Materializer(Path dir, int cacheKiB) throws SQLException {
        String url = "jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath();
        connection = open(url, cacheKiB);
        checkpoints = open(url, 4_096);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS log_marks (id INTEGER PRIMARY KEY, position INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS log_entries (ordinal INTEGER PRIMARY KEY,"
                    + " conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL)");
            s.execute("CREATE VIRTUAL TABLE IF NOT EXISTS log_search USING fts5(text, content = '',"
                    + " contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')");
        }
        connection.setAutoCommit(false);
        insert = connection.prepareStatement("INSERT INTO messages (conversation_id, seq, created_at, sender_id,"
                + " sender_device_id, client_id, kind, body) VALUES (?, ?, ?, ?, ?, ?, 'text', ?)");
        last = connection.prepareStatement("UPDATE conversations SET last_seq = ?, last_activity_at = ? WHERE id = ?");
        entry = connection.prepareStatement("INSERT INTO message_search_entries (conversation_id, seq, created_at)"
                + " VALUES (?, ?, ?)");
        fts = connection.prepareStatement("INSERT INTO message_search (rowid, text) VALUES (last_insert_rowid(), ?)");
        mark = connection.prepareStatement("INSERT INTO search_marks (conversation_id, indexed_seq) VALUES (?, ?)"
                + " ON CONFLICT (conversation_id) DO UPDATE SET indexed_seq = excluded.indexed_seq");
        ordinalEntry = connection.prepareStatement("INSERT INTO log_entries (ordinal, conversation_id, seq)"
                + " VALUES (?, ?, ?)");
        ordinalFts = connection.prepareStatement("INSERT INTO log_search (rowid, text) VALUES (?, ?)");
        logMark = connection.prepareStatement("INSERT INTO log_marks (id, position) VALUES (1, ?)"
                + " ON CONFLICT (id) DO UPDATE SET position = excluded.position");
        checkpointer = Thread.ofPlatform().name("hotlog-checkpointer").daemon(true).start(this::checkpointEvery100ms);
    }

    /** As the node's writer connection (SqliteDatabase.open): WAL, NORMAL, 4 MiB cache, no auto-checkpoints. */
    private static Connection open(String url, int cacheKiB) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        Connection c = DriverManager.getConnection(url, config.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-" + cacheKiB);
            s.execute("PRAGMA secure_delete=ON");
            s.execute("PRAGMA wal_autocheckpoint=0");
        }
        return c;
    }

    public long checkpointerThreadId() {
        return checkpointer.threadId();
    }

    /**
     * Writes {@code entries} (in log order, the first being the log's {@code firstOrdinal}-th) in
     * one transaction, sorted by conversation and seq, with {@code logPosition} as the new
     * materialized mark.
     */
    public void materialize(List<LogEntry> entries, long firstOrdinal, long logPosition, Search index)
            throws SQLException {
        if (index == Search.ORDINAL) {
            long ordinal = firstOrdinal;
            for (LogEntry e : entries) {
                ordinalEntry.setLong(1, ordinal);
                ordinalEntry.setLong(2, e.conversation());
                ordinalEntry.setLong(3, e.seq());
                ordinalEntry.executeUpdate();
                ordinalFts.setLong(1, ordinal);
                ordinalFts.setString(2, e.body());
                ordinalFts.executeUpdate();
                ordinal++;
            }
        }
        boolean search = index == Search.SCHEMA;
        entries.sort(ORDER);
        long conversation = -1;
        long lastSeq = 0;
        long lastTime = 0;
        for (LogEntry e : entries) {
            if (e.conversation() != conversation) {
                if (conversation >= 0) {
                    conversationDone(conversation, lastSeq, lastTime, search);
                }
                conversation = e.conversation();
            }
            lastSeq = e.seq();
            lastTime = e.time();
            insert.setLong(1, e.conversation());
            insert.setLong(2, e.seq());
            insert.setLong(3, e.time());
            insert.setLong(4, e.sender());
            insert.setLong(5, e.device());
            insert.setString(6, e.clientId());
            insert.setString(7, e.body());
            insert.executeUpdate();
            if (search) {
                entry.setLong(1, e.conversation());
                entry.setLong(2, e.seq());
                entry.setLong(3, e.time());
                entry.executeUpdate();
                fts.setString(1, e.body());
                fts.executeUpdate();
            }
        }
        if (conversation >= 0) {
            conversationDone(conversation, lastSeq, lastTime, search);
        }
        logMark.setLong(1, logPosition);
        logMark.executeUpdate();
        connection.commit();
        if (framesInLog >= RESET_FRAMES) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(RESTART)");
            }
            framesInLog = 0;
        }
    }

    private void conversationDone(long conversation, long lastSeq, long lastTime, boolean search) throws SQLException {
        last.setLong(1, lastSeq);
        last.setLong(2, lastTime);
        last.setLong(3, conversation);
        last.executeUpdate();
        if (search) {
            mark.setLong(1, conversation);
            mark.setLong(2, lastSeq);
            mark.executeUpdate();
        }
    }

    private void checkpointEvery100ms() {
        while (!closing) {
            LockSupport.parkNanos(100_000_000L);
            try (Statement s = checkpoints.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (rs.next()) {
                    framesInLog = rs.getInt(2);
                }
            } catch (SQLException e) {
                if (!closing) {
                    System.err.println("checkpoint failed: " + e);
                }
            }
        }
    }

    /** CPU time of the checkpointer thread so far, in nanoseconds. */
    public long checkpointerCpu() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(checkpointer.threadId());
    }

    @Override
    public void close() throws Exception {
        closing = true;
        checkpointer.join();
        connection.close();
        checkpoints.close();
    }
}
