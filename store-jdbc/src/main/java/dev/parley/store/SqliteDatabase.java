package dev.parley.store;

import dev.parley.core.ChatException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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

    private final Path file;
    private final GroupCommitWriter writer;
    private final BlockingQueue<SqlSession> readers;
    private final int readerCount;

    private SqliteDatabase(Path file, GroupCommitWriter writer, BlockingQueue<SqlSession> readers, int readerCount) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.readerCount = readerCount;
    }

    /** Opens (creating if needed) {@code dir/parley.db}, migrates its schema and starts the writer. */
    public static SqliteDatabase open(Path dir, Durability durability, int readerCount, int maxBatch)
            throws SQLException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dir, e);
        }
        Path file = dir.resolve(FILE_NAME).toAbsolutePath();
        String url = "jdbc:sqlite:" + file;
        migrate(url);
        Connection w = open(url, durability, false);
        GroupCommitWriter writer = new GroupCommitWriter(new SqlSession(w), "parley-sqlite-writer", maxBatch, 65_536);
        BlockingQueue<SqlSession> readers = new ArrayBlockingQueue<>(readerCount);
        for (int i = 0; i < readerCount; i++) {
            readers.add(new SqlSession(open(url, durability, true)));
        }
        log.info("opened SQLite database file={} durability={} readers={}", file, durability.wire(), readerCount);
        return new SqliteDatabase(file, writer, readers, readerCount);
    }

    private static void migrate(String url) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl(url);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/sqlite")
                .loggers("slf4j")
                .load()
                .migrate();
    }

    private static Connection open(String url, Durability durability, boolean readOnly) throws SQLException {
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + (durability == Durability.FSYNC ? "FULL" : "NORMAL"));
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("PRAGMA temp_store=MEMORY");
            s.execute("PRAGMA cache_size=-32768");
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
            log.warn("read failed: {}", e.toString());
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
        for (int i = 0; i < readerCount; i++) {
            SqlSession s = readers.poll();
            if (s != null) {
                s.close();
            }
        }
        log.info("closed SQLite database file={}", file);
    }
}
