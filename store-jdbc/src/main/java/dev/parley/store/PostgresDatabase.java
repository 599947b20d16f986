package dev.parley.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.core.ChatException;
import dev.parley.core.limit.RateLimitedLog;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * One PostgreSQL database (one shard): a few writer lanes doing group commit, and a pool of
 * connections for reads.
 *
 * <p>Each lane is a {@link GroupCommitWriter} on a connection of its own; a write goes to the lane
 * of its key ({@link #laneOf}), so the writes of one conversation keep their order on this node
 * while different conversations commit in parallel. Several nodes may open the same database:
 * the stores' SQL keeps seqs dense and unique by row locks (see {@link JdbcMessageStore}), and the
 * writers retry a batch that meets another node's in a deadlock.
 *
 * <p>Durability maps onto {@code synchronous_commit}, set on each writer connection: {@code on}
 * for {@link Durability#FSYNC} (the commit waits for the WAL flush), {@code off} for
 * {@link Durability#OS} (the commit returns once PostgreSQL has it in memory: a crash of the node
 * loses nothing, a crash of the database server may lose the last few hundred milliseconds).
 *
 * <p>The schema is migrated by Flyway from {@code db/migration/postgres} when the database is
 * opened; nodes starting together take turns on Flyway's lock.
 */
public final class PostgresDatabase implements Database {
    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    /** Writer lanes per database unless configured: enough to overlap commits, few connections. */
    public static final int DEFAULT_LANES = 4;
    private static final int QUEUE_CAPACITY = 65_536;

    private final String url;
    private final RateLimitedLog readFailures = new RateLimitedLog(log, GroupCommitWriter.LOG_INTERVAL);
    private final HikariDataSource readers;
    private final List<GroupCommitWriter> lanes;

    private PostgresDatabase(String url, HikariDataSource readers, List<GroupCommitWriter> lanes) {
        this.url = url;
        this.readers = readers;
        this.lanes = List.copyOf(lanes);
    }

    /**
     * Opens the database at {@code url} (a {@code jdbc:postgresql://} URL), migrates its schema and
     * starts {@code lanes} writers. {@code user} and {@code password} may be null when the URL or
     * the server's authentication do without them.
     */
    public static PostgresDatabase open(String url, String user, String password, Durability durability,
                                        int readPoolSize, int lanes, int maxBatch) throws SQLException {
        if (lanes < 1 || readPoolSize < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("lanes, readPoolSize and maxBatch must be positive");
        }
        migrate(url, user, password);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("parley-pg-readers " + safe(url));
        config.setMaximumPoolSize(readPoolSize);
        config.setMinimumIdle(Math.min(2, readPoolSize));
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "parley-reader");
        HikariDataSource readers = new HikariDataSource(config);
        // Connecting takes tens of milliseconds (a server process each): the lanes connect at once.
        List<CompletableFuture<GroupCommitWriter>> starting = new ArrayList<>(lanes);
        for (int i = 0; i < lanes; i++) {
            String name = "parley-pg-writer-" + databaseName(url) + "-" + i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return new GroupCommitWriter(() -> openWriter(url, user, password, durability, name), name, maxBatch,
                            QUEUE_CAPACITY);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }, task -> Thread.ofVirtual().start(task)));
        }
        List<GroupCommitWriter> writers = new ArrayList<>(lanes);
        Throwable failure = null;
        for (CompletableFuture<GroupCommitWriter> f : starting) {
            try {
                writers.add(f.join());
            } catch (CompletionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure != null) {
            writers.forEach(GroupCommitWriter::close);
            readers.close();
            if (failure instanceof SQLException e) {
                throw e;
            }
            throw failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
        }
        log.info("opened PostgreSQL database {} durability={} lanes={} readPool={}", safe(url), durability.wire(), lanes,
                readPoolSize);
        return new PostgresDatabase(url, readers, writers);
    }

    private static void migrate(String url, String user, String password) {
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration/postgres")
                .loggers("slf4j")
                .load()
                .migrate();
    }

    private static SqlSession openWriter(String url, String user, String password, Durability durability, String name)
            throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", name);
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(url, props);
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = " + (durability == Durability.FSYNC ? "on" : "off"));
            // A writer that died mid-transaction (its node partitioned away) must not hold its row
            // locks, and with them every other node's appends to those conversations, for long.
            s.execute("SET idle_in_transaction_session_timeout = '60s'");
            // The writer's statements are keyed lookups and the appends' one statement
            // (PostgresAppends), whose plan does not depend on its arrays. Left to choose,
            // the server plans that statement afresh on every run (~3 ms of its CPU here),
            // because its generic plan's estimate, made for arrays of unknown length, looks dearer.
            s.execute("SET plan_cache_mode = force_generic_plan");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new SqlSession(c, new PostgresAppends());
    }

    /** The lane of a key: its writes keep their order. Mixed differently from the shard choice. */
    int laneOf(long key) {
        return lanes.size() == 1 ? 0 : Math.floorMod(Shards.mix(Shards.mix(key)), lanes.size());
    }

    public String url() {
        return url;
    }

    @Override
    public <T> CompletableFuture<T> write(long key, SqlTask<T> task, Consumer<? super T> afterCommit) {
        return lanes.get(laneOf(key)).submit(key, task, afterCommit);
    }

    @Override
    public <T> T read(SqlTask<T> task) {
        Connection c;
        try {
            c = readers.getConnection();
        } catch (SQLException e) {
            readFailures.log("no read connection to {}: {}", safe(url), e.toString());
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "storage unavailable");
        }
        try (SqlSession s = new SqlSession(c, Dialect.POSTGRES)) {
            return task.run(s);
        } catch (SQLException e) {
            readFailures.log("read failed on {}: {}", safe(url), e.toString());
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "storage read failed");
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public List<GroupCommitWriter> writers() {
        return lanes;
    }

    @Override
    public void close() {
        for (GroupCommitWriter w : lanes) {
            w.close();
        }
        readers.close();
        log.info("closed PostgreSQL database {}", safe(url));
    }

    private static String databaseName(String url) {
        String path = safe(url);
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The URL without its parameters, which may hold a password, for logs. */
    static String safe(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
