package dev.parley.microbench;

import dev.parley.core.message.AppendResult;
import dev.parley.store.Durability;
import dev.parley.store.JdbcMessageStore;
import dev.parley.store.SqliteDatabase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Appending text messages to {@link JdbcMessageStore} on SQLite in a temporary directory, through
 * the group-commit writer: the store's part of every send (client-id lookup, next seq with the
 * membership check, insert, commit shared with whatever else was waiting).
 *
 * <ul>
 *   <li>{@code appendBlocking}: 16 threads, each appending and waiting for its commit, as 16
 *       senders waiting on their confirmations would;</li>
 *   <li>{@code appendPipelined}: one thread keeps 256 appends in flight and waits for all of them,
 *       as a busy node's event loops do. Reported per append.</li>
 * </ul>
 * Appends spread over {@code conversations} direct conversations. After each iteration it prints
 * the writer thread's CPU time per append ({@link ThreadMXBean}), which depends far less on what
 * else runs on the machine than the throughput does.
 *
 * <p>Run:
 * <pre>{@code
 * ./mvnw -pl microbench -am package -DskipTests
 * java -jar microbench/target/microbench.jar GroupCommit                     # os durability
 * java -jar microbench/target/microbench.jar GroupCommit -p durability=fsync
 * java -jar microbench/target/microbench.jar GroupCommitBenchmark.appendPipelined -p conversations=4000   # the realistic spread
 * java -jar microbench/target/microbench.jar GroupCommitBenchmark.appendPipelined -p conversations=4000 \
 *     -bm ss -bs 200 -wi 1 -i 2     # equal work for each build compared: 2 x 51,200 appends after 256
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class GroupCommitBenchmark {
    static final int PIPELINE = 256;

    @Param({"os"})
    String durability;

    @Param({"64"})
    int conversations;

    /**
     * The message text: {@code x}, 64 x's (one word, the same in every message); {@code generator},
     * what {@code parley bench} sends ({@code t=<nanos>;xxx...}, 64 characters: a word unique to
     * each message beside two shared ones), which gives the search index more to do.
     */
    @Param({"x"})
    String text;

    /** {@code appendPaced}: the pause between two appends. */
    @Param({"400"})
    long paceMicros;

    private Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore store;
    private DirectPairs pairs;
    private final AtomicLong clientIds = new AtomicLong();
    private final String body = "x".repeat(64);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long writerThreadId = -1;
    private long checkpointerThreadId = -1;
    private long cpuAtStart;
    private long checkpointerAtStart;
    private long appendsAtStart;
    private long batchesAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("parley-jmh-store-");
        db = SqliteDatabase.open(dir, Durability.parse(durability), 4, 1024);
        store = new JdbcMessageStore(db);
        pairs = DirectPairs.open(db, conversations);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        if (writerThreadId < 0) {
            writerThreadId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("parley-sqlite-writer")).findFirst().orElseThrow().threadId();
            checkpointerThreadId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("parley-sqlite-checkpointer")).findFirst().orElseThrow().threadId();
        }
        cpuAtStart = threads.getThreadCpuTime(writerThreadId);
        checkpointerAtStart = threads.getThreadCpuTime(checkpointerThreadId);
        appendsAtStart = clientIds.get();
        batchesAtStart = db.writer().batches();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        // The search index the writer writes behind the appends is part of their cost.
        db.indexSearchNow();
        long cpu = threads.getThreadCpuTime(writerThreadId) - cpuAtStart;
        long appends = clientIds.get() - appendsAtStart;
        long commits = db.writer().batches() - batchesAtStart;
        long checkpointer = threads.getThreadCpuTime(checkpointerThreadId) - checkpointerAtStart;
        System.out.printf("%nwriter CPU: %.1f us per append (%d appends in %d commits, %.2f s of writer CPU);"
                        + " checkpointer %.1f us per append%n",
                cpu / 1_000.0 / Math.max(1, appends), appends, commits, cpu / 1e9,
                checkpointer / 1_000.0 / Math.max(1, appends));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        db.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private CompletableFuture<AppendResult> appendOne() {
        long n = clientIds.incrementAndGet();
        int i = (int) (n % conversations);
        String b = text.equals("generator") ? generatorBody() : body;
        return store.append(pairs.text(i, "c" + n, b,
                System.currentTimeMillis()));
    }

    private static String generatorBody() {
        StringBuilder b = new StringBuilder(64).append("t=").append(System.nanoTime()).append(';');
        while (b.length() < 64) {
            b.append('x');
        }
        return b.toString();
    }

    @Benchmark
    @Threads(16)
    public AppendResult appendBlocking() {
        return appendOne().join();
    }

    /**
     * One thread appending once every {@code paceMicros} (plus the sleep's slack) without waiting
     * for the commits, as senders at an ordinary rate do: commits hold what arrives while the
     * writer works, mostly one or two appends. Run with {@code -jvmArgs
     * -Dparley.writer.lingerMicros=0} to see the writer that commits at once.
     */
    @Benchmark
    @Threads(1)
    public CompletableFuture<AppendResult> appendPaced() {
        LockSupport.parkNanos(paceMicros * 1_000L);
        return appendOne();
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public Object appendPipelined() {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[PIPELINE];
        for (int i = 0; i < PIPELINE; i++) {
            fs[i] = appendOne();
        }
        return CompletableFuture.allOf(fs).join();
    }
}
