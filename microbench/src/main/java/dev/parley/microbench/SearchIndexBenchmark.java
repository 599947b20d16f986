package dev.parley.microbench;

import dev.parley.store.Durability;
import dev.parley.store.JdbcMessageStore;
import dev.parley.store.JdbcSearchStore;
import dev.parley.store.SqliteDatabase;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * SQLite's search index behind the appends, alone (issue 19): each invocation first appends one
 * text entry to every one of {@code conversations} direct conversations (in a shuffled order,
 * untimed, with the indexer held: {@code parley.search.indexing=hold}), then indexes them in one
 * index transaction ({@link SqliteDatabase#indexSearchNow}), as the writer does every 0.1 s at a
 * few thousand appends a second to 4,000 conversations: one entry per conversation. Prints the
 * writer thread's CPU per indexed entry over the measured invocations ({@link ThreadMXBean}),
 * which depends far less on the machine's load than the time does.
 *
 * <pre>{@code
 * java -jar microbench/target/microbench.jar SearchIndexBenchmark -p text=chat
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, batchSize = 1)
@Measurement(iterations = 40, batchSize = 1)
@Fork(1)
public class SearchIndexBenchmark {
    private static final String[] WORDS = ("the a to and of you i it is in that for on be have this with we are "
            + "not do at so but was what can just all if like me get will about out your up meeting lunch "
            + "tomorrow tonight call later today thanks ok yes no maybe send file photo see soon love work "
            + "home late train office coffee weekend friday monday project review deploy server build test "
            + "release bug fix merge branch ticket doc design plan budget report slides café zürich").split(" ");

    @Param({"4000"})
    int conversations;

    /**
     * {@code generator}: what {@code parley bench} sends ({@code t=<nanos>;xxx...}, 64 characters:
     * three words, one unique to the message); {@code chat}: 4 to 15 words from a small vocabulary.
     */
    @Param({"chat"})
    String text;

    private Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore store;
    private DirectPairs pairs;
    private final List<Integer> order = new ArrayList<>();
    private final Random random = new Random(19);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long writerThreadId = -1;
    private long clientIds;
    /** The writer's CPU time in the last invocation (the JMH thread reads it after the invocation returned). */
    private volatile long spent;
    private long cpu;
    private long entries;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("parley-jmh-search-");
        System.setProperty(JdbcSearchStore.INDEXING_PROPERTY, "hold");
        db = SqliteDatabase.open(dir, Durability.OS, 4, 1024);
        System.clearProperty(JdbcSearchStore.INDEXING_PROPERTY);
        store = new JdbcMessageStore(db);
        pairs = DirectPairs.open(db, conversations);
        for (int i = 0; i < conversations; i++) {
            order.add(i);
        }
        writerThreadId = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("parley-sqlite-writer")).findFirst().orElseThrow().threadId();
    }

    /** A round of appends, one per conversation, committed before the timed indexing. */
    @Setup(Level.Invocation)
    public void appendRound() {
        Collections.shuffle(order, random);
        List<CompletableFuture<?>> pending = new ArrayList<>(conversations);
        for (int i : order) {
            long n = ++clientIds;
            pending.add(store.append(pairs.text(i, "c" + n, body(),
                    System.currentTimeMillis())));
            if (pending.size() == 256) {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
                pending.clear();
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    @Benchmark
    public void indexRound() {
        long before = threads.getThreadCpuTime(writerThreadId);
        db.indexSearchNow();
        spent = threads.getThreadCpuTime(writerThreadId) - before;
    }

    @TearDown(Level.Iteration)
    public void endIteration(IterationParams params) {
        if (params.getType() == IterationType.MEASUREMENT) {
            cpu += spent;
            entries += conversations;
            System.out.printf("%nindexer CPU: %.2f us per entry this round, %.2f us over %d measured entries%n",
                    spent / 1_000.0 / conversations, cpu / 1_000.0 / entries, entries);
        } else {
            System.out.printf("%nindexer CPU (warm-up): %.2f us per entry%n", spent / 1_000.0 / conversations);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        db.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private String body() {
        if (text.equals("generator")) {
            StringBuilder b = new StringBuilder(64).append("t=").append(System.nanoTime()).append(';');
            while (b.length() < 64) {
                b.append('x');
            }
            return b.toString();
        }
        StringBuilder sb = new StringBuilder();
        int n = 4 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
