package dev.parley.microbench;

import dev.parley.microbench.hotlog.LogWriter;
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
 * A prototype of a log-first store's writer ({@link LogWriter}: seqs and membership from memory,
 * a client-id map, records with CRC32C appended to preallocated segment files in one write per
 * batch through the store's {@code HotLog}, an in-memory index of where each entry is), driven
 * like {@link GroupCommitBenchmark} so the two can be put side by side: the same conversations,
 * senders, client ids and 64-byte bodies, the writer thread's CPU per append printed after each
 * iteration. The writer is not production code (the log it writes through is);
 * docs/benchmarks.md, "The hot log's shape: a measured proposal".
 *
 * <ul>
 *   <li>{@code appendPipelined}: one thread keeps 256 appends in flight (as
 *       {@code GroupCommitBenchmark.appendPipelined});</li>
 *   <li>{@code appendPaced}: one append every {@code paceMicros} without waiting (as
 *       {@code GroupCommitBenchmark.appendPaced}; batches of one).</li>
 * </ul>
 * Reading history back from the log: {@link HistoryPageBenchmark}.
 *
 * <pre>{@code
 * java -jar microbench/target/microbench.jar HotLogBenchmark.appendPipelined -p conversations=4000
 * java -jar microbench/target/microbench.jar HotLogBenchmark.appendPipelined -p conversations=4000 -p durability=fsync
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class HotLogBenchmark {
    static final int PIPELINE = 256;

    @Param({"os"})
    String durability;

    @Param({"4000"})
    int conversations;

    /** Client ids the writer remembers before it forgets the oldest. */
    @Param({"1048576"})
    int recentClientIds;

    @Param({"400"})
    long paceMicros;

    private Path dir;
    private LogWriter writer;
    private final AtomicLong clientIds = new AtomicLong();
    private final String body = "x".repeat(64);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long cpuAtStart;
    private long appendsAtStart;
    private long batchesAtStart;

    static long conversation(int i) {
        return 500_000 + i;
    }

    static long sender(int i) {
        return 1_000 + 2L * i;
    }

    static long device(int i) {
        return 900_000 + i;
    }

    static LogWriter openLog(Path dir, boolean fsync, int conversations, int recentClientIds) throws IOException {
        LogWriter w = new LogWriter(dir, 64 << 20, fsync, 1024, recentClientIds);
        for (int i = 0; i < conversations; i++) {
            w.open(conversation(i), sender(i), sender(i) + 1);
        }
        w.start();
        return w;
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("parley-jmh-hotlog-");
        writer = openLog(dir, durability.equals("fsync"), conversations, recentClientIds);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpuAtStart = threads.getThreadCpuTime(writer.threadId());
        appendsAtStart = writer.appends();
        batchesAtStart = writer.batches();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        while (writer.appends() < clientIds.get()) {
            LockSupport.parkNanos(100_000); // appendPaced does not wait for its last appends
        }
        long cpu = threads.getThreadCpuTime(writer.threadId()) - cpuAtStart;
        long appends = writer.appends() - appendsAtStart;
        long commits = writer.batches() - batchesAtStart;
        System.out.printf("%nlog writer CPU: %.2f us per append (%d appends in %d writes, %.2f s of writer CPU)%n",
                cpu / 1_000.0 / Math.max(1, appends), appends, commits, cpu / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        writer.close();
        delete(dir);
    }

    private CompletableFuture<LogWriter.Receipt> appendOne() {
        long n = clientIds.incrementAndGet();
        int i = (int) (n % conversations);
        return writer.append(conversation(i), sender(i), device(i), "c" + n, body, System.currentTimeMillis());
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

    @Benchmark
    @Threads(1)
    public CompletableFuture<LogWriter.Receipt> appendPaced() {
        LockSupport.parkNanos(paceMicros * 1_000L);
        return appendOne();
    }
}
