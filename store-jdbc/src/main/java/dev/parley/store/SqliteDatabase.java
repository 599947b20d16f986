package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.limit.RateLimitedLog;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.HotLogSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded database: one SQLite file in WAL mode, one writer connection doing group commit,
 * and a few read-only connections.
 *
 * <p>Durability maps onto SQLite's {@code synchronous} setting: in WAL mode {@code FULL} syncs the
 * log on every commit (survives power loss) and {@code NORMAL} syncs only at checkpoints (survives
 * a process crash, since the OS holds the written log).
 */
public final class SqliteDatabase implements Database {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    public static final String FILE_NAME = "parley.db";
    /** The hot log's directory in the data directory ({@code storage.hotLog}). */
    public static final String LOG_DIR = "log";

    static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /**
     * Pages of a new database file. Appends to many conversations dirty one page per
     * conversation per index in each commit, and every dirty page is written whole to the log and
     * again to the file: 1 KiB pages write 2.5 times fewer bytes per message than SQLite's
     * default of 4 KiB (docs/benchmarks.md). An existing file keeps its page size.
     */
    static final int PAGE_SIZE = 1024;
    /**
     * Pages of a new database file made behind the hot log (rows kept out of SQLite and inserted a
     * conversation's ~25 at a time): there a conversation's rows fill a page together, and with 1 KiB
     * pages nearly every slice split pages, each split ending its commit with a walk of the whole page
     * cache (below); 4 KiB cut the node's CPU per message by about a sixth and the checkpointer's by
     * a third (docs/benchmarks.md, "Twelfth session").
     */
    static final int PAGE_SIZE_BEHIND_THE_LOG = 4096;
    private static final long CHECKPOINT_INTERVAL_MILLIS = 100;
    /**
     * Page cache of the writer's connection, in KiB. Small on purpose: in profiles of the writer
     * (perf, 7,000 appends/s to 4,000 conversations) 15 to 30% of its time went to SQLite's page
     * cache truncation loop at the end of each write transaction, a walk that grows with the
     * cache; 4 MiB instead of 32 cut the writer's CPU per append by about 15%. The pages an
     * append touches are few and hot, and a miss is a read from the OS's cache.
     */
    private static final int WRITER_CACHE_KIB = 4_096;
    /**
     * The writer's page cache behind the hot log, larger than {@link #WRITER_CACHE_KIB} so more of the
     * pages a slice of kept-out rows dirties (a few per busy conversation) are
     * still cached at that conversation's next slice; not larger, for the truncation walk above
     * (at the end of each write transaction that split a page, B-tree balancing having used the
     * lock-byte page's number as a temporary key): with 64 MiB and paced slices the writer spent
     * half its time there (docs/benchmarks.md, "Twelfth session").
     */
    private static final int DEFERRING_WRITER_CACHE_KIB = 16_384;
    /** System property overriding {@link #DEFERRING_WRITER_CACHE_KIB}, for measuring. */
    static final String DEFERRING_CACHE_PROPERTY = "parley.hotLog.writerCacheKiB";
    /**
     * How long the writer waits for more appends before committing fewer than {@link #LINGER_TARGET},
     * while they come at 1,000 a second or more ({@link CommitLinger}): at ordinary rates commits
     * then hold two to four appends instead of one or two, which cut the writer's CPU per append
     * by 15 to 20% at 2,000 appends a second ({@code GroupCommitBenchmark.appendPaced}), for at
     * most this much added to a send's confirmation (docs/benchmarks.md, "Writer commits at
     * ordinary rates").
     */
    static final long LINGER_MICROS = 1_000;
    static final int LINGER_TARGET = 16;
    /** System property overriding {@link #LINGER_MICROS} (0: commit at once), for measuring. */
    public static final String LINGER_PROPERTY = "parley.writer.lingerMicros";
    /**
     * System property: {@code false} makes every append take its seq and check membership with
     * statements, as before the writer remembered its conversations ({@link HotConversations}),
     * for measuring the difference.
     */
    public static final String HOT_PROPERTY = "parley.writer.hotConversations";
    /**
     * System property: the hot log's segment size in bytes instead of its default 64 MiB (tests,
     * which open many small stores, each preallocating a segment and a spare).
     */
    public static final String LOG_SEGMENT_PROPERTY = "parley.hotLog.segmentBytes";
    /** Page cache of each reader, in KiB (readers' caches are dropped whenever the log changed). */
    private static final int READER_CACHE_KIB = 32_768;
    /** Log pages (of {@link #PAGE_SIZE}; as many bytes with larger pages) after which the writer starts the log again. */
    private static final int LOG_RESET_PAGES = 65_536;
    /**
     * Time the integrity check at opening may take ({@link SqliteIntegrity#quickCheck}): enough
     * for about 3 million messages on a warm cache; a larger database starts after checking that
     * much of it.
     */
    static final Duration QUICK_CHECK_BUDGET = Duration.ofSeconds(3);

    private final Path file;
    private final RateLimitedLog readFailures = new RateLimitedLog(log, GroupCommitWriter.LOG_INTERVAL);
    private final GroupCommitWriter writer;
    private final WalCheckpointer checkpointer;
    private final SearchIndexing searchIndexing;
    private final SearchNotes searchNotes;
    private final BlockingQueue<SqlSession> readers;
    private final int readerCount;
    /** The hot log, when {@code storage.hotLog} is on; owned by the writer's thread. */
    private final HotLog hotLog;
    /** The log's tail per conversation, when the log is on; published by the writer, read by any thread. */
    private final TailViews tailViews;
    /** The writer's logged appends, when the log is on (for tests: materializations, recoveries). */
    private final LoggedAppends logged;

    /**
     * Test-only, never set outside tests and not reachable from configuration: with the hot log on,
     * a database opened on this thread while it holds a rule materializes by it instead of the
     * one its caller asked for (tests commit every few batches, so their reads cross the tail).
     */
    static final ThreadLocal<Materialization> MATERIALIZATION_FOR_TESTS = new ThreadLocal<>();

    private SqliteDatabase(Path file, GroupCommitWriter writer, WalCheckpointer checkpointer,
                           SearchIndexing searchIndexing, SearchNotes searchNotes, BlockingQueue<SqlSession> readers,
                           int readerCount,
                           HotLog hotLog, TailViews tailViews, LoggedAppends logged) {
        this.file = file;
        this.logged = logged;
        this.hotLog = hotLog;
        this.tailViews = tailViews;
        this.writer = writer;
        this.checkpointer = checkpointer;
        this.searchIndexing = searchIndexing;
        this.searchNotes = searchNotes;
        this.readers = readers;
        this.readerCount = readerCount;
    }

    /** Opens (creating if needed) {@code dir/parley.db}, migrates its schema and starts the writer. */
    public static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch)
            throws SQLException {
        return open(dir, durability, readerCount, maxBatch, false);
    }

    /**
     * As {@link #open(Path, Durability, int, int)}; with {@code hotLog} the writer's plain appends
     * also go to the hot log in {@code dir/log} (stage 2, docs/storage.md, "The hot log"), whose
     * records past SQLite's mark are replayed before this returns.
     */
    public static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch, boolean hotLog)
            throws SQLException {
        return open(dir, durability, readerCount, maxBatch, LOG_RESET_PAGES, CHECKPOINT_INTERVAL_MILLIS,
                hotLog ? hotLogSettings(dir, durability) : null, Materialization.AT_COMMIT);
    }

    /**
     * The node's: with {@code hotLog}, plain appends are acknowledged once the log holds them and
     * SQLite commits them behind it ({@link Materialization#behindTheLog()}; docs/storage.md, "The
     * hot log", stage 3).
     */
    public static SqliteDatabase openBehindTheLog(Path dir, Durability durability, int readerCount, int maxBatch,
                                                  boolean hotLog) throws SQLException {
        return open(dir, durability, readerCount, maxBatch, LOG_RESET_PAGES, CHECKPOINT_INTERVAL_MILLIS,
                hotLog ? hotLogSettings(dir, durability) : null, Materialization.behindTheLog());
    }

    /** With the hot log kept as {@code hotLog} says (for tests: a failing disk), or off when null. */
    static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch, HotLogSettings hotLog)
            throws SQLException {
        return open(dir, durability, readerCount, maxBatch, LOG_RESET_PAGES, CHECKPOINT_INTERVAL_MILLIS, hotLog,
                Materialization.AT_COMMIT);
    }

    /** The hot log's settings in {@code dir/log}: the defaults, but for {@link #LOG_SEGMENT_PROPERTY}. */
    static HotLogSettings hotLogSettings(Path dir, Durability durability) {
        HotLogSettings settings = HotLogSettings.of(dir.resolve(LOG_DIR), durability);
        Integer segmentBytes = Integer.getInteger(LOG_SEGMENT_PROPERTY);
        return segmentBytes == null ? settings : settings.withSegmentBytes(segmentBytes);
    }

    static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch, int logResetPages)
            throws SQLException {
        return open(dir, durability, readerCount, maxBatch, logResetPages, CHECKPOINT_INTERVAL_MILLIS);
    }

    /** With a checkpoint interval of its own: tests that drive checkpoints with {@link #checkpointNow} pass a long one. */
    static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch, int logResetPages,
            long checkpointIntervalMillis) throws SQLException {
        return open(dir, durability, readerCount, maxBatch, logResetPages, checkpointIntervalMillis, null,
                Materialization.AT_COMMIT);
    }

    private static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch,
            int logResetPages, long checkpointIntervalMillis, HotLogSettings hotLogSettings, Materialization asked)
            throws SQLException {
        Path file = dir.resolve(FILE_NAME).toAbsolutePath();
        try {
            OwnerOnly.createDirectories(dir);
            if (OwnerOnly.createFileIfAbsent(file)) {
                log.info("created database file={} (owner-only)", file);
            } else if (OwnerOnly.isOpenToOthers(file)) {
                log.warn("{} can be read by other users than its owner; `chmod 600` it (and its -wal and -shm files)", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database " + file, e);
        }
        long checking = System.nanoTime();
        if (CleanClose.unchangedSinceClose(file)) {
            log.info("quick check of {} skipped: the file is byte for byte as its last clean close left it ms={}", file,
                    (System.nanoTime() - checking) / 1_000_000);
        } else {
            SqliteIntegrity.quickCheck(file, QUICK_CHECK_BUDGET);
        }
        String url = "jdbc:sqlite:" + file;
        Path searchFile = SearchFile.of(file);
        // A database of an earlier version holds its index: into the search file before migration 12 drops it.
        SearchFile.prepare(searchFile, file);
        Materialization materialization = MATERIALIZATION_FOR_TESTS.get() != null ? MATERIALIZATION_FOR_TESTS.get()
                : asked;
        long migrating = System.nanoTime();
        int pageSize;
        try {
            pageSize = migrate(url, hotLogSettings != null && materialization.defers()
                    ? PAGE_SIZE_BEHIND_THE_LOG : PAGE_SIZE);
        } catch (FlywayException e) {
            if (Dialect.isStorageFault(e)) {
                throw new DamagedDatabaseException(file, "its schema cannot be read: " + rootMessage(e), e);
            }
            throw e;
        }
        long migrateMs = (System.nanoTime() - migrating) / 1_000_000;
        HotLog hotLog = hotLogSettings == null ? null : openHotLog(hotLogSettings, url, durability);
        discardSearchFileIfAhead(url, searchFile);
        TailViews tailViews = hotLog == null ? null : new TailViews();
        SearchIndexing indexing = new SearchIndexing(searchFile, file, "parley-search-indexer");
        SearchNotes notes = new SearchNotes(indexing);
        // One for the database, not per connection: the rows it keeps out of SQLite outlive a
        // connection the writer replaces.
        LoggedAppends logged = hotLog == null ? null
                : new LoggedAppends(hotLog, tailViews, materialization, notes::materialized);
        // Kept-out rows are inserted a slice of conversations at a time: the pages each slice
        // touches stay in the writer's cache between two slices of the same conversations.
        int writerCacheKiB = logged != null && materialization.defers()
                ? Integer.getInteger(DEFERRING_CACHE_PROPERTY, DEFERRING_WRITER_CACHE_KIB) : WRITER_CACHE_KIB;
        GroupCommitWriter writer;
        try {
            writer = new GroupCommitWriter(() -> openWriter(url, durability, logged, writerCacheKiB),
                    "parley-sqlite-writer", maxBatch, 65_536);
        } catch (SQLException | RuntimeException e) {
            indexing.close();
            closeHotLog(hotLog);
            throw e;
        }
        writer.probeWith(SqliteDatabase::probe);
        writer.lingerFor(TimeUnit.MICROSECONDS.toNanos(Long.getLong(LINGER_PROPERTY, LINGER_MICROS)), LINGER_TARGET);
        WalCheckpointer checkpointer = new WalCheckpointer(open(url, durability, false, WRITER_CACHE_KIB),
                checkpointIntervalMillis, Math.max(1, (int) ((long) logResetPages * PAGE_SIZE / pageSize)),
                "parley-sqlite-checkpointer");
        writer.betweenBatches(session -> {
            try {
                session.materialize(false);
                checkpointer.resetIfLarge(session);
            } finally {
                notes.handOver();
            }
            return null;
        });
        writer.whenIdle(session -> {
            notes.handOver();
            return null;
        });
        BlockingQueue<SqlSession> readers = new ArrayBlockingQueue<>(readerCount);
        for (int i = 0; i < readerCount; i++) {
            Connection reader = open(url, durability, true, READER_CACHE_KIB);
            SearchFile.attach(reader, searchFile);
            readers.add(new SqlSession(reader));
        }
        log.info("opened SQLite database file={} durability={} readers={} migrate_ms={} hot_log={}", file,
                durability.wire(), readerCount, migrateMs, hotLog != null);
        return new SqliteDatabase(file, writer, checkpointer, indexing, notes, readers, readerCount, hotLog,
                tailViews, logged);
    }

    /**
     * Makes the search file again, empty, when its marks run past the database's conversations (a
     * restored backup or a copied database file): see {@link SearchFile#aheadOf}.
     */
    private static void discardSearchFileIfAhead(String url, Path searchFile) throws SQLException {
        boolean ahead;
        try (Connection c = DriverManager.getConnection(url)) {
            SearchFile.attach(c, searchFile);
            ahead = SearchFile.aheadOf(c);
        }
        if (ahead) {
            log.warn("search index is ahead of the database (a restored or copied database?): made again, and"
                    + " rebuilt from the messages in the background file={}", searchFile);
            SearchFile.discard(searchFile);
            SearchFile.prepare(searchFile);
        }
    }

    /** Opens the hot log, replaying what SQLite has not materialized (see {@link LogReplay}). */
    private static HotLog openHotLog(HotLogSettings settings, String url, Durability durability) throws SQLException {
        try (SqlSession replaying = new SqlSession(open(url, durability, false, WRITER_CACHE_KIB))) {
            return LogReplay.open(settings, replaying);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the hot log in " + settings.dir(), e);
        }
    }

    private static void closeHotLog(HotLog hotLog) {
        if (hotLog == null) {
            return;
        }
        try {
            hotLog.close();
        } catch (IOException e) {
            log.warn("closing the hot log failed: {}", e.toString());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * Whether {@code dir} holds a database with something in it: the file exists and is not empty
     * (SQLite would silently make a new database of an empty file).
     */
    public static boolean holdsDatabase(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Brings the schema up to date: Flyway, unless it is current already ({@link SqliteSchemaCurrency});
     * a new file gets {@code newPageSize}. Returns the file's page size (an existing file keeps its own).
     */
    private static int migrate(String url, int newPageSize) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setPageSize(newPageSize);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        try (Connection c = ds.getConnection()) {
            if (SqliteSchemaCurrency.upToDate(c)) {
                return pageSize(c);
            }
        } catch (SQLException e) {
            // Not readable this way: Flyway says why (a damaged file is caught by the caller).
        }
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/sqlite")
                .loggers("slf4j")
                .load()
                .migrate();
        try (Connection c = ds.getConnection()) {
            return pageSize(c);
        }
    }

    private static int pageSize(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA page_size")) {
            return rs.next() ? rs.getInt(1) : PAGE_SIZE;
        }
    }

    /** The writer's connection: SQLite's automatic checkpoints off, the checkpointer does them. */
    private static SqlSession openWriter(String url, Durability durability, LoggedAppends logged, int cacheKiB)
            throws SQLException {
        Connection w = open(url, durability, false, cacheKiB);
        try (Statement s = w.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint=0");
        } catch (SQLException e) {
            w.close();
            throw e;
        }
        boolean hot = !"false".equals(System.getProperty(HOT_PROPERTY));
        HotConversations conversations = hot ? new HotConversations(logged) : null;
        return logged == null ? new SqlSession(w, Dialect.SQLITE, conversations)
                : new SqlSession(w, conversations, logged);
    }

    /**
     * The writer's probe while writes fail: writes the header's {@code user_version} back
     * unchanged. That dirties the first page, so the commit must append it to the log, which is
     * what a full disk refuses; nothing in the database changes, and no table is needed.
     */
    private static Void probe(SqlSession s) throws SQLException {
        try (Statement st = s.connection().createStatement()) {
            int version;
            try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            st.execute("PRAGMA user_version = " + version);
        }
        return null;
    }

    private static Connection open(String url, Durability durability, boolean readOnly, int cacheKiB)
            throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Otherwise the driver runs an extra statement, "SELECT last_insert_rowid()", after every
        // INSERT (a fresh parse each time, on the writer's thread): no code here reads those keys.
        config.setGetGeneratedKeys(false);
        Connection c = DriverManager.getConnection(url, config.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + (durability == Durability.FSYNC ? "FULL" : "NORMAL"));
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-" + cacheKiB);
            // Deleted content (an unsent message's text, rows retention removed) is overwritten
            // with zeros, not left readable in free space of the file.
            s.execute("PRAGMA secure_delete=ON");
            if (readOnly) {
                s.execute("PRAGMA query_only=1");
            }
        }
        return c;
    }

    public Path file() {
        return file;
    }

    public GroupCommitWriter writer() {
        return writer;
    }

    /** The hot log, or null when {@code storage.hotLog} is off (for tests; the writer's thread owns it). */
    HotLog hotLog() {
        return hotLog;
    }

    /** The log's tail views, or null when {@code storage.hotLog} is off; readable from any thread. */
    /** The writer's logged appends; null when the log is off. Read their counters only once the writer is idle. */
    LoggedAppends loggedAppends() {
        return logged;
    }

    TailViews tailViews() {
        return tailViews;
    }

    /** The writer's notes to the search indexer; used only on the writer's thread. */
    SearchNotes searchNotes() {
        return searchNotes;
    }

    /** The search indexer, for tests that read its counters after {@link #indexSearchNow}. */
    SearchIndexer searchIndexer() {
        return searchIndexing.indexer();
    }

    /**
     * Removes the search index of the database in {@code dir} (a restore: the node makes it again
     * and rebuilds it from the messages in the background).
     */
    public static void discardSearchIndex(Path dir) {
        SearchFile.discard(dir.resolve(SearchFile.FILE_NAME));
    }

    /** The search index's file ({@link SearchFile}). */
    public Path searchFile() {
        return SearchFile.of(file);
    }

    /**
     * Indexes every entry committed so far now, and waits for the index's commit (for tests and
     * benchmarks; the indexer does it by itself within about a second of the appends).
     */
    public void indexSearchNow() {
        Futures.await(writer.submit(s -> {
            searchNotes.handOver();
            return null;
        }, r -> { }));
        Futures.await(searchIndexing.indexNow());
    }

    /** Passive checkpoints run so far, and log resets by the writer (for tests and metrics). */
    long checkpoints() {
        return checkpointer.checkpoints();
    }

    /** Runs one passive checkpoint now, on the checkpointer's connection (for tests). */
    void checkpointNow() {
        checkpointer.passive();
    }

    long logResets() {
        return checkpointer.resets();
    }

    long deferredLogResets() {
        return checkpointer.deferredResets();
    }

    @Override
    public <T> CompletableFuture<T> write(long key, SqlTask<T> task, Consumer<? super T> afterCommit) {
        return writer.submit(key, task, afterCommit);
    }

    @Override
    public <T> T read(SqlTask<T> task) {
        SqlSession s;
        try {
            s = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "interrupted");
        }
        try {
            return task.run(s);
        } catch (SQLException e) {
            readFailures.log("read failed: {}", e.toString());
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "storage read failed");
        } finally {
            readers.add(s);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public List<GroupCommitWriter> writers() {
        return List.of(writer);
    }

    @Override
    public void close() {
        writer.close();
        searchIndexing.close();
        closeHotLog(hotLog);
        for (int i = 0; i < readerCount; i++) {
            SqlSession s = readers.poll();
            if (s != null) {
                s.close();
            }
        }
        // Leaves the file whole and the log empty for whoever opens it next (a restore, a copy).
        boolean whole = checkpointer.closeTruncating();
        long marking = System.nanoTime();
        boolean marked = whole && CleanClose.record(file);
        log.info("closed SQLite database file={} marked_clean={} mark_ms={}", file, marked,
                (System.nanoTime() - marking) / 1_000_000);
    }
}
