package dev.parley.microbench;

import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.microbench.hotlog.LogWriter;
import dev.parley.microbench.hotlog.Materializer;
import dev.parley.store.Durability;
import dev.parley.store.JdbcMessageStore;
import dev.parley.store.SqliteDatabase;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A page of history (50 entries of one conversation after a random seq), 4,000 direct
 * conversations holding 100 entries each, read three ways (µs per page):
 * <ul>
 *   <li>{@code logPage}: from the hot log's segment files through the writer's in-memory index
 *       ({@link LogWriter#page}): one positional read per entry, entries of one conversation
 *       being spread over the log among everyone else's;</li>
 *   <li>{@code sqlitePage}: the same entries' columns with one range query on a reader of the
 *       SQLite file the {@link Materializer} filled (sorted batches of 4,096);</li>
 *   <li>{@code storePage}: {@link JdbcMessageStore#range} on that file, as a history request reads
 *       today (quotes, reactions, attachments looked up with it).</li>
 * </ul>
 * Everything is in the OS's page cache. Not production code: docs/benchmarks.md, "The hot log's
 * shape: a measured proposal".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HistoryPageBenchmark {
    static final int CONVERSATIONS = 4_000;
    static final int PER_CONVERSATION = 100;
    static final int PAGE = 50;

    @State(Scope.Benchmark)
    public static class FilledLog {
        Path dir;
        LogWriter log;

        @Setup(Level.Trial)
        public void fill() throws Exception {
            dir = Files.createTempDirectory("parley-jmh-hotlog-read-");
            log = HotLogBenchmark.openLog(dir, false, CONVERSATIONS, 1 << 20);
            String body = "x".repeat(64);
            long n = 0;
            for (int round = 0; round < (PER_CONVERSATION * CONVERSATIONS + 255) / 256; round++) {
                CompletableFuture<?>[] fs = new CompletableFuture<?>[256];
                for (int k = 0; k < fs.length; k++, n++) {
                    int i = (int) (n % CONVERSATIONS);
                    fs[k] = log.append(HotLogBenchmark.conversation(i), HotLogBenchmark.sender(i),
                            HotLogBenchmark.device(i), "c" + n, body, System.currentTimeMillis());
                }
                CompletableFuture.allOf(fs).join();
            }
            // What was written reads back whole and in order (every record's CRC checked).
            for (int i = 0; i < CONVERSATIONS; i += 97) {
                List<LogEntry> page = log.page(HotLogBenchmark.conversation(i), 0, PER_CONVERSATION);
                for (int k = 0; k < PER_CONVERSATION; k++) {
                    LogEntry e = page.get(k);
                    if (e == null || e.seq() != k + 1 || e.conversation() != HotLogBenchmark.conversation(i)) {
                        throw new IllegalStateException("entry " + (k + 1) + " of conversation " + i + " reads " + e);
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            log.close();
            HotLogBenchmark.delete(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class FilledStore {
        Path dir;
        SqliteDatabase db;
        JdbcMessageStore store;

        @Setup(Level.Trial)
        public void fill() throws Exception {
            dir = Files.createTempDirectory("parley-jmh-sqlite-read-");
            Materializer.createDatabase(dir, CONVERSATIONS);
            long[] lastSeq = new long[CONVERSATIONS];
            try (Materializer m = new Materializer(dir)) {
                for (long n = 0; n < (long) PER_CONVERSATION * CONVERSATIONS; n += 4_096) {
                    m.materialize(HotLogMaterializeBenchmark.nextEntries(lastSeq, n, 4_096, "x".repeat(64)),
                            n, n * 128, Materializer.Search.SCHEMA);
                }
            }
            db = SqliteDatabase.open(dir, Durability.OS, 1, 1024);
            store = new JdbcMessageStore(db);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            db.close();
            HotLogBenchmark.delete(dir);
        }
    }

    private static long after() {
        return ThreadLocalRandom.current().nextLong(PER_CONVERSATION - PAGE);
    }

    private static long conversation() {
        return HotLogBenchmark.conversation(ThreadLocalRandom.current().nextInt(CONVERSATIONS));
    }

    @Benchmark
    public List<LogEntry> logPage(FilledLog f) throws Exception {
        return f.log.page(conversation(), after(), PAGE);
    }

    @Benchmark
    public List<LogEntry> sqlitePage(FilledStore f) {
        long conversation = conversation();
        long after = after();
        return f.db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT seq, created_at, sender_id, sender_device_id, client_id, kind, body"
                    + " FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?");
            ps.setLong(1, conversation);
            ps.setLong(2, after);
            ps.setInt(3, PAGE);
            List<LogEntry> page = new ArrayList<>(PAGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new LogEntry(RecordKind.TEXT, 0, conversation, rs.getLong(1), rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), rs.getString(5), rs.getString(7), TaggedRest.NONE));
                }
            }
            return page;
        });
    }

    @Benchmark
    public List<Message> storePage(FilledStore f) {
        long after = after();
        return f.store.range(new ConversationId(conversation()), after, Long.MAX_VALUE, PAGE);
    }
}
