package dev.parley.microbench.hotlog;

import dev.parley.store.Durability;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.HotLogSettings;
import dev.parley.store.hotlog.LogBatch;
import dev.parley.store.hotlog.LogEntry;
import dev.parley.store.hotlog.LogMark;
import dev.parley.store.hotlog.LogPosition;
import dev.parley.store.hotlog.LogReading;
import dev.parley.store.hotlog.RecordKind;
import dev.parley.store.hotlog.ReplayVisitor;
import dev.parley.store.hotlog.TaggedRest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer of a log-first store, as a prototype for measuring (docs/benchmarks.md, "The hot
 * log's shape"): one thread takes what is queued (up to {@code maxBatch}), gives each append its
 * conversation's next seq from memory after checking the sender's membership and the client id
 * against the recent ones, adds its record to the {@link HotLog}'s batch (the store's library:
 * encoded into one direct buffer), appends the batch (one positional write, and
 * {@code force(false)} for {@code fsync}), records where each entry is, and completes the batch's
 * futures. Nothing else: no materialization, no publishing.
 *
 * <p>Not production code: a failed write fails the batch without giving its seqs back, and the
 * index is read by {@link #page} without a happens-before edge to the writer (the benchmark reads
 * only after the writes it waited for).
 */
public final class LogWriter implements AutoCloseable {
    /** The answer to an append: the entry's seq and time, or, for a retry, the original's. */
    public record Receipt(long conversation, long seq, long time, boolean repeated) {
    }

    /** A refused append: the sender is not a member, or the client id was used for another body. */
    public static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private record Queued(long conversation, long sender, long device, String clientId, String body, long time,
                          CompletableFuture<Receipt> result) {
    }

    /** What the writer holds per conversation: its last seq, its members, where each entry is. */
    private static final class Conversation {
        final long memberA;
        final long memberB;
        long lastSeq;
        long[] segments = new long[64];
        int[] offsets = new int[64];

        Conversation(long memberA, long memberB) {
            this.memberA = memberA;
            this.memberB = memberB;
        }
    }

    private final ArrayBlockingQueue<Queued> queue = new ArrayBlockingQueue<>(65_536);
    private final Map<Long, Conversation> conversations = new HashMap<>();
    private final RecentClientIds recent;
    private final HotLog log;
    private final int maxBatch;
    private final Thread thread;
    private volatile boolean closing;
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    /**
     * @param recentClientIds how many client ids the writer remembers (the oldest is forgotten
     *                        first); a design would look older ones up, see the proposal
     */
    public LogWriter(Path dir, int segmentBytes, boolean sync, int maxBatch, int recentClientIds) throws IOException {
        this.log = HotLog.open(HotLogSettings.of(dir, sync ? Durability.FSYNC : Durability.OS)
                .withSegmentBytes(segmentBytes), LogMark.START, ReplayVisitor.NONE);
        this.maxBatch = maxBatch;
        this.recent = new RecentClientIds(recentClientIds);
        this.thread = Thread.ofPlatform().name("parley-hotlog-writer").daemon(true).unstarted(this::run);
    }

    /** Makes a direct conversation known to the writer; before {@link #start} only. */
    public void open(long conversation, long memberA, long memberB) {
        conversations.put(conversation, new Conversation(memberA, memberB));
    }

    public void start() {
        thread.start();
    }

    public long threadId() {
        return thread.threadId();
    }

    public long appends() {
        return appends.get();
    }

    public long batches() {
        return batches.get();
    }

    public CompletableFuture<Receipt> append(long conversation, long sender, long device, String clientId,
                                             String body, long time) {
        CompletableFuture<Receipt> f = new CompletableFuture<>();
        if (!queue.offer(new Queued(conversation, sender, device, clientId, body, time, f))) {
            f.completeExceptionally(new Refused("unavailable"));
        }
        return f;
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(maxBatch);
        Object[] outcomes = new Object[maxBatch];
        int[] indexes = new int[maxBatch];
        long[] seqs = new long[maxBatch];
        while (!closing) {
            Queued first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatch - 1);
            write(batch, outcomes, indexes, seqs);
            batch.clear();
        }
    }

    private void write(List<Queued> batch, Object[] outcomes, int[] indexes, long[] seqs) {
        LogBatch out = log.batch();
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            Queued q = batch.get(i);
            Conversation c = conversations.get(q.conversation);
            if (c == null || (q.sender != c.memberA && q.sender != c.memberB)) {
                outcomes[i] = new Refused("not_found");
                continue;
            }
            long fingerprint = RecentClientIds.fingerprint(q.conversation, q.sender, q.clientId);
            int seen = recent.find(fingerprint);
            if (seen >= 0) {
                // A design reads the original record back to confirm sender and client id (a
                // 64-bit fingerprint can collide); retries are rare, so that read is too.
                outcomes[i] = recent.bodyHash(seen) == q.body.hashCode()
                        ? new Receipt(q.conversation, recent.seq(seen), recent.time(seen), true)
                        : new Refused("client_id_conflict");
                continue;
            }
            long seq = ++c.lastSeq;
            indexes[i] = out.size();
            seqs[i] = seq;
            out.add(RecordKind.TEXT, q.conversation, seq, q.time, q.sender, q.device, q.clientId, q.body,
                    TaggedRest.NONE);
            recent.remember(fingerprint, seq, q.time, q.body.hashCode());
            outcomes[i] = c;
        }
        try {
            log.append(out);
        } catch (IOException e) {
            for (Queued q : batch) {
                q.result.completeExceptionally(e);
            }
            return;
        }
        long segment = out.size() > 0 ? out.segment() : 0;
        for (int i = 0; i < n; i++) {
            Queued q = batch.get(i);
            Object o = outcomes[i];
            outcomes[i] = null;
            if (o instanceof Conversation c) {
                long seq = seqs[i];
                index(c, seq, segment, out.offset(indexes[i]));
                q.result.complete(new Receipt(q.conversation, seq, q.time, false));
            } else if (o instanceof Receipt r) {
                q.result.complete(r);
            } else {
                q.result.completeExceptionally((Refused) o);
            }
        }
        appends.addAndGet(n);
        batches.incrementAndGet();
    }

    private static void index(Conversation c, long seq, long segment, int offset) {
        int at = (int) (seq - 1);
        if (at >= c.offsets.length) {
            c.segments = Arrays.copyOf(c.segments, c.segments.length * 2);
            c.offsets = Arrays.copyOf(c.offsets, c.offsets.length * 2);
        }
        c.segments[at] = segment;
        c.offsets[at] = offset;
    }

    /**
     * Entries {@code afterSeq + 1 ..} (at most {@code limit}) of a conversation, read from the
     * segments through the in-memory index: one positional read per entry.
     */
    public List<LogEntry> page(long conversation, long afterSeq, int limit) throws IOException {
        Conversation c = conversations.get(conversation);
        long last = Math.min(c.lastSeq, afterSeq + limit);
        List<LogEntry> entries = new ArrayList<>((int) Math.max(0, last - afterSeq));
        try (LogReading reading = log.reading()) {
            for (long seq = afterSeq + 1; seq <= last; seq++) {
                int at = (int) (seq - 1);
                entries.add(reading.read(new LogPosition(c.segments[at], c.offsets[at])));
            }
        }
        return entries;
    }

    public long lastSeq(long conversation) {
        return conversations.get(conversation).lastSeq;
    }

    @Override
    public void close() throws Exception {
        closing = true;
        thread.join();
        log.close();
    }
}
