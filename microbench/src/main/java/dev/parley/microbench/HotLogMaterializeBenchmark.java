package dev.parley.microbench;

import dev.parley.microbench.hotlog.Materializer;
import dev.parley.store.hotlog.LogEntry;
import dev.parley.store.hotlog.RecordKind;
import dev.parley.store.hotlog.TaggedRest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a log-first store would still pay behind its log: the entries the log holds written into
 * SQLite's real schema in large sorted transactions ({@link Materializer}), with or without the
 * search index. Each invocation writes one transaction of {@code batchRows} entries spread over
 * {@code conversations} direct conversations round-robin (so a batch holds about
 * {@code batchRows / conversations} entries per conversation, the spread a busy node would see);
 * after each iteration it prints the materializing thread's CPU per entry (sorting included,
 * making the entries not) and the checkpointer thread's. Not production code: docs/benchmarks.md,
 * "The hot log's shape: a measured proposal".
 *
 * <pre>{@code
 * java -jar microbench/target/microbench.jar HotLogMaterializeBenchmark -p search=none,schema,ordinal
 * java -jar microbench/target/microbench.jar HotLogMaterializeBenchmark -p batchRows=32768
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class HotLogMaterializeBenchmark {
    @Param({"4000"})
    int conversations;

    @Param({"4096"})
    int batchRows;

    /** {@link Materializer.Search}: none, schema (today's tables) or ordinal. */
    @Param({"schema"})
    String search;

    /** The materializing connection's page cache. */
    @Param({"4096"})
    int cacheKiB;

    private Materializer.Search index;

    private Path dir;
    private Materializer materializer;
    private long[] lastSeq;
    private long n;
    private final String body = "x".repeat(64);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long cpu;
    private long rows;
    private long checkpointerAtStart;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("parley-jmh-materialize-");
        Materializer.createDatabase(dir, conversations);
        materializer = new Materializer(dir, cacheKiB);
        index = Materializer.Search.valueOf(search.toUpperCase(java.util.Locale.ROOT));
        lastSeq = new long[conversations];
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        cpu = 0;
        rows = 0;
        checkpointerAtStart = materializer.checkpointerCpu();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long checkpointer = materializer.checkpointerCpu() - checkpointerAtStart;
        System.out.printf("%nmaterializer CPU: %.2f us per entry, checkpointer %.2f us per entry (%d entries, %d per"
                        + " transaction)%n", cpu / 1_000.0 / Math.max(1, rows), checkpointer / 1_000.0 / Math.max(1, rows),
                rows, batchRows);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        materializer.close();
        HotLogBenchmark.delete(dir);
    }

    /** The next {@code count} entries, round-robin over the conversations, as the log would hand them over. */
    static List<LogEntry> nextEntries(long[] lastSeq, long first, int count, String body) {
        List<LogEntry> entries = new ArrayList<>(count);
        long now = System.currentTimeMillis();
        for (long k = first; k < first + count; k++) {
            int i = (int) (k % lastSeq.length);
            entries.add(new LogEntry(RecordKind.TEXT, k + 1, HotLogBenchmark.conversation(i), ++lastSeq[i], now,
                    HotLogBenchmark.sender(i), HotLogBenchmark.device(i), "c" + k, body, TaggedRest.NONE));
        }
        return entries;
    }

    @Benchmark
    public int materialize() throws Exception {
        List<LogEntry> entries = nextEntries(lastSeq, n, batchRows, body);
        long first = n;
        n += batchRows;
        long start = threads.getCurrentThreadCpuTime();
        materializer.materialize(entries, first, n * 128, index);
        cpu += threads.getCurrentThreadCpuTime() - start;
        rows += batchRows;
        return entries.size();
    }
}
