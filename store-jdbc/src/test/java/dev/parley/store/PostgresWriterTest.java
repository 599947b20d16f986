package dev.parley.store;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The group-commit writer and {@link PostgresDatabase} on PostgreSQL: deadlocks, broken connections, settings. */
class PostgresWriterTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static String url;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void database() {
        url = PostgresTestSupport.freshDatabase("parley_test_writer");
    }

    @BeforeEach
    void reachable() {
        PostgresTestSupport.assumeReachable();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    /**
     * Two writers (two nodes) each run a task that locks two rows, in opposite orders, so their
     * transactions deadlock for certain. PostgreSQL aborts one; its writer runs the task again, and
     * both writes end up committed once each.
     */
    @Test
    void aDeadlockVictimIsRunAgainAndBothWritesCommitOnce() throws Exception {
        table(2);
        GroupCommitWriter a = writer("writer-a");
        GroupCommitWriter b = writer("writer-b");
        CountDownLatch aHoldsRow1 = new CountDownLatch(1);
        CountDownLatch bHoldsRow2 = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();

        CompletableFuture<Integer> fa = a.submit(s -> {
            runs.incrementAndGet();
            bump(s, 1);
            aHoldsRow1.countDown();
            await(bHoldsRow2);
            bump(s, 2);
            return 1;
        });
        CompletableFuture<Integer> fb = b.submit(s -> {
            runs.incrementAndGet();
            await(aHoldsRow1);
            bump(s, 2);
            bHoldsRow2.countDown();
            bump(s, 1);
            return 2;
        });

        assertThat(fa.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(fb.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(runs.get()).as("the victim's task ran twice").isEqualTo(3);
        assertThat(a.retries() + b.retries()).isEqualTo(1);
        assertThat(values()).containsExactly(2, 2);
    }

    /** The tasks of a batch run in key order, each key's in submission order; futures complete in submission order. */
    @Test
    void aBatchRunsItsTasksInKeyOrderAndCompletesThemInSubmissionOrder() throws Exception {
        table(1);
        GroupCommitWriter w = writer("writer");
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Integer> held = w.submit(s -> {
            running.countDown();
            await(gate);
            return 0;
        });
        await(running);
        List<Long> ran = new ArrayList<>();
        List<Integer> completed = new ArrayList<>();
        long[] keys = {30, 10, 20, 10, 30, 5};
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            long key = keys[i];
            int index = i;
            done.add(w.submit(key, s -> {
                ran.add(key * 100 + index);
                return index;
            }, r -> { }).thenAccept(completed::add));
        }
        gate.countDown();
        held.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(ran).containsExactly(505L, 1001L, 1003L, 2002L, 3000L, 3004L);
        assertThat(completed).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aBrokenConnectionIsReplacedForTheNextBatch() throws Exception {
        table(1);
        GroupCommitWriter w = writer("writer");
        int pid = w.submit(PostgresWriterTest::backendPid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        terminate(pid);

        CompletableFuture<Integer> onTheBrokenConnection = w.submit(s -> bump(s, 1));
        try {
            onTheBrokenConnection.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("a write on a terminated connection succeeded");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(ChatException.class,
                    ce -> assertThat(ce.refusal()).isEqualTo(Refusal.UNAVAILABLE));
        }

        assertThat(w.submit(s -> bump(s, 1)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(w.submit(PostgresWriterTest::backendPid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotEqualTo(pid);
        assertThat(values()).containsExactly(1);
    }

    /**
     * The database becomes unreachable (the writer's connection is cut and new ones are refused):
     * every write fails at once with UNAVAILABLE, the log gets a few lines rather than some per
     * write, and when the database answers again the writer notices by itself, without writes.
     */
    @Test
    void anUnreachableDatabaseFailsWritesAtOnceLogsAFewLinesAndIsNoticedBackWithoutWrites() throws Exception {
        table(1);
        AtomicReference<String> target = new AtomicReference<>(url);
        GroupCommitWriter w = new GroupCommitWriter(() -> new SqlSession(PostgresTestSupport.connect(target.get()),
                Dialect.POSTGRES), "writer", 16, 1_000);
        opened.add(w);
        int pid = w.submit(PostgresWriterTest::backendPid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                GroupCommitWriter.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            target.set("jdbc:postgresql://127.0.0.1:1/nowhere");  // nothing listens on port 1
            terminate(pid);
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Integer> write = w.submit(s -> bump(s, 1));
                try {
                    write.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    throw new AssertionError("a write succeeded with the database unreachable");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(ChatException.class,
                            ce -> assertThat(ce.refusal()).isEqualTo(Refusal.UNAVAILABLE));
                }
            }
            assertThat(w.fault()).isPresent();
            assertThat(lines.list).as("log lines for 200 failed writes: %s", lines.list).hasSizeLessThanOrEqualTo(6);

            target.set(url);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (w.fault().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(w.fault()).as("noticed back without a write").isEmpty();
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(w.submit(s -> bump(s, 1)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(values()).containsExactly(1);
    }

    /** A connection that died while the writer had nothing to do is replaced before the next write, which succeeds. */
    @Test
    void aConnectionThatDiedWhileIdleIsReplacedBeforeTheNextWrite() throws Exception {
        table(1);
        GroupCommitWriter w = writer("writer");
        int pid = w.submit(PostgresWriterTest::backendPid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        terminate(pid);
        Thread.sleep(1_100);

        assertThat(w.submit(s -> bump(s, 1)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(w.submit(PostgresWriterTest::backendPid).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotEqualTo(pid);
    }

    /** Ends the backend {@code pid} and waits until it is gone. */
    private static void terminate(int pid) throws Exception {
        try (Connection admin = PostgresTestSupport.connect(url); Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(" + pid + ")");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("the backend ended").isLessThan(deadline);
                Thread.sleep(10);
            }
        }
    }

    @Test
    void durabilityChoosesSynchronousCommitOnTheWriters() throws Exception {
        for (Durability d : Durability.values()) {
            PostgresDatabase db = PostgresDatabase.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD, d, 1,
                    3, 16);
            opened.add(db);
            for (int lane = 0; lane < 3; lane++) {
                long key = keyForLane(db, lane);
                String setting = db.write(key, s -> {
                    try (ResultSet rs = s.prepare("SELECT current_setting('synchronous_commit')").executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(setting).as("lane %d with %s", lane, d).isEqualTo(d == Durability.FSYNC ? "on" : "off");
            }
        }
    }

    @Test
    void writesWithOneKeyStayInOneLaneAndKeysSpreadOverAll() throws Exception {
        PostgresDatabase db = PostgresDatabase.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD,
                Durability.OS, 1, 4, 16);
        opened.add(db);
        int[] perLane = new int[4];
        dev.parley.core.IdGenerator ids = new dev.parley.core.IdGenerator(java.time.Clock.systemUTC(), 3);
        for (int i = 0; i < 4_000; i++) {
            long id = ids.next();
            assertThat(db.laneOf(id)).isEqualTo(db.laneOf(id));
            perLane[db.laneOf(id)]++;
        }
        for (int n : perLane) {
            assertThat(n).isBetween(800, 1_200);
        }
    }

    // ------------------------------------------------------------------------------------------

    private GroupCommitWriter writer(String name) throws SQLException {
        GroupCommitWriter w = new GroupCommitWriter(() -> {
            Connection c = PostgresTestSupport.connect(url);
            try (Statement st = c.createStatement()) {
                // Found in tens of milliseconds instead of a second (needs a superuser, as the tests are).
                st.execute("SET deadlock_timeout = '50ms'");
            }
            return new SqlSession(c, Dialect.POSTGRES);
        }, name, 16, 100);
        opened.add(w);
        return w;
    }

    private static long keyForLane(PostgresDatabase db, int lane) {
        for (long key = 1; ; key++) {
            if (db.laneOf(key) == lane) {
                return key;
            }
        }
    }

    private static void table(int rows) throws SQLException {
        try (Connection c = PostgresTestSupport.connect(url); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS t");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
            for (int i = 1; i <= rows; i++) {
                st.execute("INSERT INTO t (id, v) VALUES (" + i + ", 0)");
            }
        }
    }

    private static List<Integer> values() throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = PostgresTestSupport.connect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }

    private static int bump(SqlSession s, int id) throws SQLException {
        PreparedStatement ps = s.prepare("UPDATE t SET v = v + 1 WHERE id = ?");
        ps.setInt(1, id);
        return ps.executeUpdate();
    }

    private static int backendPid(SqlSession s) throws SQLException {
        try (ResultSet rs = s.prepare("SELECT pg_backend_pid()").executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void await(CountDownLatch latch) throws SQLException {
        try {
            if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLException("the other writer never got there");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        }
    }
}
