package dev.parley.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * SQLite's search index in a file of its own, {@code DATA/search.db}, beside the database
 * (docs/storage.md, "Search"). SQLite has one write lock per file: with the index in the
 * database, every index transaction held the writer's appends for its length (most of the delivery
 * p99 left behind the hot log: docs/benchmarks.md, "Thirteenth session"). Here a thread of its own
 * ({@link SearchIndexing}) writes it, reading the database's committed entries through an
 * attached read-only schema, and no write to the database ever waits for it.
 *
 * <p>Everything in it is derived from {@code messages}: a damaged, missing or stale file (a restored
 * backup, whose conversations end before its marks) is made again empty, and the indexer rebuilds it
 * in the background while search reads the entries past the marks from {@code messages}. Its writes
 * are {@code synchronous=NORMAL} whatever the database's durability, for the same reason: a power
 * loss can take its last transactions, never the marks without the rows (one file, one
 * transaction). Deleted text is overwritten ({@code secure_delete}), as in the database.
 */
final class SearchFile {
    private static final Logger log = LoggerFactory.getLogger(SearchFile.class);
    static final String FILE_NAME = "search.db";
    /** The schema name the database's connections attach it under. */
    static final String SCHEMA = "search";
    /** FTS5's segments are large; SQLite's default page suits them. */
    private static final int PAGE_SIZE = 4096;
    private static final Duration QUICK_CHECK_BUDGET = Duration.ofSeconds(1);

    private SearchFile() {
    }

    /** The search file of the database file {@code database}. */
    static Path of(Path database) {
        return database.resolveSibling(FILE_NAME);
    }

    /**
     * Makes sure {@code file} is a usable search file with its schema: made (owner-only) when
     * missing, made again when damaged.
     */
    static void prepare(Path file) throws SQLException {
        prepare(file, null);
    }

    /**
     * As {@link #prepare(Path)}, and on the same connection copies the index {@code database} holds
     * when it is of an earlier version ({@link #copyFromDatabase}); null: nothing to copy.
     */
    static void prepare(Path file, Path database) throws SQLException {
        try {
            SqliteIntegrity.quickCheck(file, QUICK_CHECK_BUDGET);
        } catch (DamagedDatabaseException e) {
            log.warn("search index damaged, made again (it is rebuilt from the messages) file={} reason={}", file,
                    e.getMessage());
            discard(file);
        }
        try {
            if (OwnerOnly.createFileIfAbsent(file)) {
                log.info("created search index file={} (owner-only)", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the search index " + file, e);
        }
        try (Connection c = open(file, 8192); Statement st = c.createStatement()) {
            // What says which entry an FTS5 row is; FTS5 holds the text folded by the node (lower
            // case, accents removed, one token per CJK character), so SQLite and PostgreSQL find the same.
            st.execute("CREATE TABLE IF NOT EXISTS message_search_entries (id INTEGER PRIMARY KEY,"
                    + " conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, created_at INTEGER NOT NULL)");
            st.execute("CREATE UNIQUE INDEX IF NOT EXISTS message_search_entries_by_entry"
                    + " ON message_search_entries (conversation_id, seq)");
            st.execute("CREATE VIRTUAL TABLE IF NOT EXISTS message_search"
                    + " USING fts5(text, tokenize = 'unicode61 remove_diacritics 0')");
            // Up to which seq each conversation's entries are in the index (none: 0).
            st.execute("CREATE TABLE IF NOT EXISTS search_marks (conversation_id INTEGER PRIMARY KEY,"
                    + " indexed_seq INTEGER NOT NULL)");
            // Up to which row of the database's search_purges the index was purged.
            st.execute("CREATE TABLE IF NOT EXISTS search_progress (id INTEGER PRIMARY KEY CHECK (id = 1),"
                    + " purged_up_to INTEGER NOT NULL)");
            st.execute("INSERT OR IGNORE INTO search_progress (id, purged_up_to) VALUES (1, 0)");
            if (database != null) {
                copyFromDatabase(c, st, database, file);
            }
        }
    }

    /** Removes the search file and its log (it is made again, empty, at the next open). */
    static void discard(Path file) {
        try {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the search index " + file, e);
        }
    }

    /** A connection to the search file as its main schema (a new file gets {@link #PAGE_SIZE}). */
    static Connection open(Path file, int cacheKiB) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        config.setPageSize(PAGE_SIZE);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=NORMAL");
            s.execute("PRAGMA busy_timeout=" + SqliteDatabase.BUSY_TIMEOUT_MILLIS);
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-" + cacheKiB);
            s.execute("PRAGMA secure_delete=ON");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Attaches the search file to a connection of the database, as {@link #SCHEMA}. */
    static void attach(Connection c, Path file) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + SCHEMA)) {
            ps.setString(1, file.toString());
            ps.execute();
        }
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA " + SCHEMA + ".secure_delete=ON");
        }
    }

    /**
     * Whether the index is ahead of the database it is opened with: a mark past its conversation's
     * last seq, which only a database older than the index has (a restored backup, a copied file).
     * Its rows would then stand for entries the database does not hold, or holds under other text.
     */
    static boolean aheadOf(Connection database) throws SQLException {
        try (Statement st = database.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT 1 FROM " + SCHEMA + ".search_marks k JOIN conversations c ON c.id = k.conversation_id"
                        + " WHERE k.indexed_seq > c.last_seq LIMIT 1")) {
            return rs.next();
        }
    }

    /**
     * Before migration 12 drops them: copies the index a database of an earlier version holds (its
     * entries, FTS5 rows and marks) into the search file, in one transaction of the search file,
     * after emptying it (so a copy cut short is made again).
     */
    private static void copyFromDatabase(Connection c, Statement st, Path database, Path file) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS old")) {
            ps.setString(1, database.toString());
            ps.execute();
        }
        boolean hasIndex;
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM old.sqlite_schema WHERE name = 'search_marks'")) {
            hasIndex = rs.next();
        }
        if (!hasIndex) {
            return;
        }
        long started = System.nanoTime();
        c.setAutoCommit(false);
        st.execute("DELETE FROM main.message_search_entries");
        st.execute("DELETE FROM main.message_search");
        st.execute("DELETE FROM main.search_marks");
        st.execute("INSERT INTO main.message_search_entries SELECT id, conversation_id, seq, created_at"
                + " FROM old.message_search_entries");
        int rows = st.executeUpdate("INSERT INTO main.message_search (rowid, text)"
                + " SELECT rowid, text FROM old.message_search");
        st.execute("INSERT INTO main.search_marks SELECT conversation_id, indexed_seq FROM old.search_marks");
        c.commit();
        c.setAutoCommit(true);
        log.info("copied the search index into its own file file={} entries={} ms={}", file, rows,
                (System.nanoTime() - started) / 1_000_000);
    }
}
