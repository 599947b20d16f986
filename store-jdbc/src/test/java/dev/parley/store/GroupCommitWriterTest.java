package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group-commit writer on a plain SQLite table. Tests that need several writes in one batch
 * first occupy the writer with a task that waits on a gate, queue their writes, then open the gate:
 * what is batched together is then decided by the queue, not by timing.
 */
class GroupCommitWriterTest {
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    private final CountDownLatch gate = new CountDownLatch(1);
    private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    private GroupCommitWriter writer;

    @AfterEach
    void closeWriter() {
        gate.countDown();
        if (writer != null) {
            writer.close();
        }
    }

    @Test
    void writesWaitingTogetherShareOneCommit() throws Exception {
        open(64, 10_000);
        CompletableFuture<Integer> held = holdWriter();
        int threads = 4;
        int perThread = 250;

        List<CompletableFuture<Integer>> inserts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Integer>>>> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitters.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<Integer>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(writer.submit(insert(thread * perThread + i, "v")));
                    }
                    return mine;
                }));
            }
            go.countDown();
            for (Future<List<CompletableFuture<Integer>>> s : submitters) {
                inserts.addAll(s.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(writer.queued()).isEqualTo(threads * perThread);

        gate.countDown();

        assertThat(await(held)).isZero();
        for (CompletableFuture<Integer> f : inserts) {
            assertThat(await(f)).isEqualTo(1);
        }
        int n = threads * perThread;
        assertThat(writer.tasks()).isEqualTo(n + 1L);
        assertThat(writer.batches()).isLessThan(writer.tasks());
        // The held task alone, then the queue drained 64 at a time.
        List<Integer> expected = new ArrayList<>(List.of(1));
        for (int left = n; left > 0; left -= 64) {
            expected.add(Math.min(64, left));
        }
        assertThat(batchSizes).containsExactlyElementsOf(expected);
        assertThat(writer.batches()).isEqualTo(expected.size());
        assertThat(rows()).hasSize(n);
    }

    @Test
    void futuresCompleteAfterTheCommitInSubmissionOrder() throws Exception {
        open(16, 10_000);
        holdWriter();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        List<CompletableFuture<Integer>> callbacksDone = new ArrayList<>();
        try (Connection reader = connect()) {
            for (int i = 0; i < 200; i++) {
                int index = i;
                boolean bad = i % 37 == 5;
                CompletableFuture<Integer> f = writer.submit(bad ? badSql() : insert(i, "v" + i));
                // Waiting on whenComplete's own future, not on f, so the callback has surely run.
                callbacksDone.add(f.whenComplete((result, failure) -> {
                    completed.add(index);
                    if (!Thread.currentThread().getName().equals("test-writer")) {
                        problems.add(index + " completed on " + Thread.currentThread().getName());
                    }
                    if (failure == null && !committed(reader, index)) {
                        problems.add(index + " completed before its row was committed");
                    }
                }));
                futures.add(f);
            }

            gate.countDown();
            CompletableFuture.allOf(callbacksDone.toArray(CompletableFuture[]::new))
                    .handle((v, e) -> null).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        assertThat(completed).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
        assertThat(problems).isEmpty();
        assertThat(batchSizes.size()).as("batches").isGreaterThan(1).isLessThan(200);
        for (int i = 0; i < 200; i++) {
            if (i % 37 == 5) {
                assertThat(futures.get(i)).isCompletedExceptionally();
            } else {
                assertThat(futures.get(i).getNow(null)).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingWriteFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
        open(64, 100);
        holdWriter();

        CompletableFuture<Integer> first = writer.submit(insert(1, "a"));
        CompletableFuture<Integer> badSql = writer.submit(badSql());
        CompletableFuture<Integer> second = writer.submit(insert(2, "b"));
        CompletableFuture<Integer> refused = writer.submit(s -> {
            insert(3, "c").run(s);
            throw new ChatException(Refusal.CONFLICT, "refused after writing");
        });
        CompletableFuture<Integer> duplicateKey = writer.submit(insert(1, "again"));
        CompletableFuture<Integer> last = writer.submit(insert(4, "d"));
        gate.countDown();

        assertThat(await(first)).isEqualTo(1);
        assertThat(await(second)).isEqualTo(1);
        assertThat(await(last)).isEqualTo(1);
        assertFailsWith(badSql, Refusal.UNAVAILABLE);
        assertFailsWith(refused, Refusal.CONFLICT);
        assertFailsWith(duplicateKey, Refusal.UNAVAILABLE);
        assertThat(batchSizes).as("the six writes were one batch").containsExactly(1, 6);
        assertThat(rows()).containsExactly(Map.entry(1L, "a"), Map.entry(2L, "b"), Map.entry(4L, "d"));

        assertThat(await(writer.submit(insert(5, "e")))).as("the writer goes on").isEqualTo(1);
        assertThat(rows()).containsKey(5L);
    }

    @Test
    void aFailingWriteAloneIsRolledBack() throws Exception {
        open(64, 100);

        CompletableFuture<Integer> failing = writer.submit(s -> {
            insert(1, "a").run(s);
            return badSql().run(s);
        });

        assertFailsWith(failing, Refusal.UNAVAILABLE);
        assertThat(await(writer.submit(insert(2, "b")))).isEqualTo(1);
        assertThat(rows()).containsExactly(Map.entry(2L, "b"));
    }

    @Test
    void aFullQueueFailsFastWithUnavailable() throws Exception {
        open(8, 4);
        CompletableFuture<Integer> held = holdWriter();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(writer.submit(insert(i, "v")));
        }
        assertThat(writer.queued()).isEqualTo(4);

        CompletableFuture<Integer> overflow = writer.submit(insert(99, "overflow"));

        assertThat(overflow).as("failed at once, without waiting for the writer").isCompletedExceptionally();
        assertFailsWith(overflow, Refusal.UNAVAILABLE);
        assertThat(queued).allSatisfy(f -> assertThat(f).isNotDone());

        gate.countDown();
        assertThat(await(held)).isZero();
        for (CompletableFuture<Integer> f : queued) {
            assertThat(await(f)).isEqualTo(1);
        }
        assertThat(await(writer.submit(insert(5, "after")))).isEqualTo(1);
        assertThat(rows()).containsOnlyKeys(0L, 1L, 2L, 3L, 5L);
    }

    @Test
    void closeFinishesQueuedWritesAndRefusesNewOnes() throws Exception {
        open(4, 100);
        holdWriter();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(writer.submit(insert(i, "v")));
        }
        GroupCommitWriter closing = writer;
        Thread closer = Thread.ofPlatform().start(closing::close);

        gate.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertThat(closer.isAlive()).as("close() returned").isFalse();
        writer = null;

        assertThat(queued).allSatisfy(f -> assertThat(f.getNow(-1)).isEqualTo(1));
        assertFailsWith(closing.submit(insert(99, "late")), Refusal.UNAVAILABLE);
        assertThat(rows()).hasSize(10);
    }

    // ------------------------------------------------------------------------------------------

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("writer.db").toAbsolutePath();
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        }
        return c;
    }

    @Test
    void aFullDatabaseFailsWritesWithUnavailableAndTheWriterRecoversByItselfOnceThereIsRoom() throws Exception {
        // SQLite's max_page_count gives a real SQLITE_FULL without filling a disk (FullDiskTest
        // fills one); it holds per connection, so the connections the writer opens take the
        // current limit.
        AtomicInteger maxPages = new AtomicInteger(12);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        }
        writer = new GroupCommitWriter(() -> {
            Connection c = connect();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA max_page_count=" + maxPages.get());
            }
            return new SqlSession(c);
        }, "test-writer", 64, 1_000);
        AtomicInteger probes = new AtomicInteger(1_000_000);
        // A probe that needs room, as SQLite's own does on a full disk.
        writer.probeWith(s -> insert(probes.incrementAndGet(), "p".repeat(3_000)).run(s));

        int failedAt = -1;
        for (int i = 0; i < 200 && failedAt < 0; i++) {
            try {
                await(writer.submit(insert(i, "x".repeat(3_000))));
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(ChatException.class,
                        ce -> assertThat(ce.refusal()).isEqualTo(Refusal.UNAVAILABLE));
                failedAt = i;
            }
        }
        assertThat(failedAt).as("a write met the full database").isPositive();
        assertThat(writer.fault()).hasValueSatisfying(f -> assertThat(f.cause()).contains("SQLITE_FULL"));
        assertFailsWith(writer.submit(insert(failedAt, "x".repeat(3_000))), Refusal.UNAVAILABLE);
        Map<Long, String> whileFull = rows();

        maxPages.set(100_000);
        // No write is submitted: the probe finds out.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (writer.fault().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(writer.fault()).as("fault cleared by the probe").isEmpty();
        assertThat(await(writer.submit(insert(failedAt, "x")))).isEqualTo(1);
        assertThat(rows()).containsAllEntriesOf(whileFull).containsKey((long) failedAt);
    }

    private void open(int maxBatch, int queueCapacity) throws SQLException {
        Connection c = connect();
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        }
        writer = new GroupCommitWriter(new SqlSession(c), "test-writer", maxBatch, queueCapacity);
        writer.onBatch(batchSizes::add);
    }

    /** Occupies the writer's thread until {@link #gate} opens; returns once the writer runs it. */
    private CompletableFuture<Integer> holdWriter() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Integer> held = writer.submit(s -> {
            running.countDown();
            try {
                if (!gate.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new SQLException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException(e);
            }
            return 0;
        });
        assertThat(running.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("writer took the first task").isTrue();
        return held;
    }

    private static SqlTask<Integer> insert(long id, String value) {
        return s -> {
            PreparedStatement ps = s.prepare("INSERT INTO t (id, v) VALUES (?, ?)");
            ps.setLong(1, id);
            ps.setString(2, value);
            return ps.executeUpdate();
        };
    }

    private static SqlTask<Integer> badSql() {
        return s -> s.prepare("INSERT INTO no_such_table (x) VALUES (1)").executeUpdate();
    }

    private static boolean committed(Connection reader, long id) {
        try (PreparedStatement ps = reader.prepareStatement("SELECT count(*) FROM t WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private Map<Long, String> rows() throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM t ORDER BY id")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void assertFailsWith(CompletableFuture<?> f, Refusal refusal) throws Exception {
        try {
            f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(ChatException.class,
                    ce -> assertThat(ce.refusal()).isEqualTo(refusal));
            return;
        }
        throw new AssertionError("expected the write to fail with " + refusal);
    }
}
