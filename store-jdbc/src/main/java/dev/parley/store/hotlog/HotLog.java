package dev.parley.store.hotlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;

/**
 * The hot log: history entries appended in batches to preallocated segment files
 * ({@code DATA/log/<first ordinal>.log}), the durable record of appends before SQLite holds them.
 * Formats: {@link RecordCodec} (records), {@link SegmentHeader}; recovery: {@link Recovery}.
 *
 * <p><b>Appending.</b> {@link #batch} gives the log's batch, which assigns the next ordinals;
 * {@link #append} writes it with one positional write at the log's end, then, with
 * {@code fsync}, {@code force(false)}; it returns when the batch is as durable as configured.
 * A batch is never split: if it does not fit in the current segment's rest, the log rolls into
 * the spare that {@link Preallocator} made ahead of need (its header written and synced, renamed,
 * the directory synced). If the write (or the sync) fails, the whole batch fails with the
 * {@link IOException}: the log's end and next ordinal stay where the batch began, so the next
 * batch is written at the same offset with the same ordinals. What the failed write may have put
 * on disk is overwritten with zeros at once if the disk lets it, else by the next successful
 * append (which pads its write to cover it) or before the log rolls; a crash before either may
 * bring the failed batch's records back at recovery, like a commit whose acknowledgement was lost.
 *
 * <p><b>Threading.</b> One owner thread calls {@link #batch}, {@link #append}, {@link #erase},
 * {@link #retire} and {@link #close}; {@link #read} and {@link #reading} may be called from any
 * thread, for positions the owner has handed out. Segments are reference-counted, so a segment
 * {@link #retire}d while a reader holds it is deleted when that reader is done.
 */
public final class HotLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HotLog.class);
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

    private final HotLogSettings settings;
    private final ConcurrentSkipListMap<Long, Segment> segments;
    private final Preallocator preallocator;
    private final LogBatch batch;
    private final CRC32C crc = new CRC32C();
    private final int replayed;
    private volatile Segment current;
    /** Where the next batch goes in {@link #current}. */
    private int end;
    private long next;
    /** How far into {@link #current} a failed batch may have written past {@link #end} (0: nowhere). */
    private int dirtyEnd;
    private boolean closed;

    private HotLog(HotLogSettings settings, Recovery.Recovered r) {
        this.settings = settings;
        this.segments = new ConcurrentSkipListMap<>(r.segments());
        this.preallocator = new Preallocator(settings);
        this.batch = new LogBatch(settings);
        this.current = r.current();
        this.end = r.end();
        this.next = r.next();
        this.replayed = r.replayed();
    }

    /**
     * Opens the log in {@code settings.dir()}, recovering it from {@code from}: the records past
     * the mark go to {@code replay} in order, a torn tail is cut (see {@link Recovery}), and
     * appending continues where the log ends (in a new segment named {@code from.ordinal()} if
     * there is none).
     *
     * @throws DamagedLogException if the log cannot continue from the mark without a gap
     */
    public static HotLog open(HotLogSettings settings, LogMark from, ReplayVisitor replay) throws IOException {
        HotLog l = new HotLog(settings, Recovery.run(settings, from, replay));
        try {
            if (l.current == null) {
                l.roll(l.next, false);
            } else {
                l.preallocator.prepare();
            }
            return l;
        } catch (IOException | RuntimeException e) {
            try {
                l.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The log's batch, cleared, its first ordinal the log's next. */
    public LogBatch batch() {
        requireOpen();
        batch.begin(next);
        return batch;
    }

    /**
     * Writes {@code b} at the log's end (see the class comment); when it returns, the batch's
     * records are durable as configured and {@link LogBatch#position} says where each is.
     *
     * @throws IOException the batch failed whole; the log is as it was before it
     */
    public void append(LogBatch b) throws IOException {
        requireOpen();
        if (b != batch || b.appended() || b.firstOrdinal() != next) {
            throw new IllegalStateException("append the batch HotLog.batch() gave, once");
        }
        if (b.size() == 0) {
            b.placed(current.first, end);
            return;
        }
        int bytes = b.bytes();
        if (end + bytes > current.size) {
            zeroDirty();
            if (end == SegmentHeader.BYTES) {
                // No record in it (a segment smaller than the settings' now, recovered empty):
                // the new one takes its name.
                Segment empty = current;
                segments.remove(empty.first, empty);
                empty.release();
            }
            roll(next, true);
        }
        Segment s = current;
        int at = end;
        try {
            ByteBuffer records = b.encoded();
            Erasure.write(s.channel, records, at);
            if (dirtyEnd > at + bytes) {
                writeZeros(s.channel, at + bytes, dirtyEnd);
            }
            if (settings.fsync()) {
                s.channel.force(false);
            }
        } catch (IOException e) {
            dirtyEnd = Math.max(dirtyEnd, at + bytes);
            try {
                zeroDirty();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        dirtyEnd = 0;
        end = at + bytes;
        next += b.size();
        b.placed(s.first, at);
    }

    /**
     * Erases the record at {@code at} in place (see {@link Erasure}): its body becomes zeros, its
     * kind {@code ERASED}; with {@code fsync} durably so when this returns. Returns false if the
     * segment was retired (its records are materialized: SQLite erases them) or the record was
     * erased already.
     *
     * @throws IllegalArgumentException if no record starts at {@code at}
     */
    public boolean erase(LogPosition at) throws IOException {
        requireOpen();
        Segment s = segments.get(at.segment());
        if (s == null || !s.acquire()) {
            return false;
        }
        try {
            if (s == current && at.offset() >= end) {
                throw new IllegalArgumentException("no record to erase at " + at + ": the log ends at " + end);
            }
            return Erasure.erase(s, at.offset(), settings.fsync(), crc);
        } finally {
            s.release();
        }
    }

    /**
     * Deletes the segments whose records are all at or below {@code materializedThrough} (and
     * durably so in SQLite: the caller's promise), never the one being written. A segment a
     * reader holds goes when the reader is done. Returns how many were retired.
     */
    public int retire(long materializedThrough) {
        requireOpen();
        long writing = current.first;
        int n = 0;
        for (Segment s : segments.values()) {
            Long following = segments.higherKey(s.first);
            if (s.first >= writing || following == null || following - 1 > materializedThrough) {
                break;
            }
            if (segments.remove(s.first, s)) {
                s.release();
                n++;
            }
        }
        return n;
    }

    /** The record at {@code at}; empty if its segment was retired. Any thread. */
    public Optional<LogEntry> read(LogPosition at) throws IOException {
        Segment s = segments.get(at.segment());
        if (s == null || !s.acquire()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LogReading.decode(s, at, new CRC32C(), Segment.scratch()));
        } finally {
            s.release();
        }
    }

    /**
     * Whether a record with this client id ("" for none), body and rest length is within the log's
     * bounds, so {@link LogBatch#add} takes it. Any thread.
     */
    public boolean takes(String clientId, String body, int restBytes) {
        if (!RecordCodec.validClientId(clientId) || restBytes > settings.maxRestBytes()
                || body.length() > settings.maxBodyBytes()) {
            return false;
        }
        // Chars bound the UTF-8 from below: only a body that might be too long is encoded.
        return body.length() * 3 <= settings.maxBodyBytes()
                || body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= settings.maxBodyBytes();
    }

    /** Holds every present segment until closed, for reading many records. Any thread. */
    public LogReading reading() {
        return new LogReading(segments);
    }

    /** The ordinal the next appended record gets. */
    public long nextOrdinal() {
        return next;
    }

    /** Where the next batch goes, if it fits in the current segment. */
    public LogPosition end() {
        return new LogPosition(current.first, end);
    }

    /** Records recovery replayed when the log was opened. */
    public int replayed() {
        return replayed;
    }

    /** The segments, by first ordinal. */
    public List<Long> segments() {
        return List.copyOf(segments.keySet());
    }

    /** How often a roll had to wait for the spare segment or make it itself (0 when preallocation keeps ahead). */
    public long spareMisses() {
        return preallocator.misses();
    }

    /**
     * Closes the files (readers must be done). What a failed batch may have left is zeroed if the
     * disk lets it. The spare is deleted; the next open makes a new one.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            if (current != null) {
                zeroDirty();
            }
        } catch (IOException e) {
            failure = e;
        }
        try {
            preallocator.close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        for (Segment s : segments.values()) {
            try {
                s.close();
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        segments.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Starts segment {@code first}: the spare, its header written and synced, renamed, the directory synced. */
    private void roll(long first, boolean counted) throws IOException {
        FileChannel c = preallocator.take(counted);
        Path spare = SegmentFiles.spare(settings.dir());
        Path file = SegmentFiles.segment(settings.dir(), first);
        try {
            Erasure.write(c, SegmentHeader.encode(first), 0);
            c.force(false);
            Files.move(spare, file, StandardCopyOption.ATOMIC_MOVE);
            SegmentFiles.sync(settings.dir());
        } catch (IOException e) {
            c.close();
            Files.deleteIfExists(spare);
            preallocator.prepare();
            throw e;
        }
        Segment s = new Segment(first, file, c, settings.segmentBytes());
        segments.put(first, s);
        current = s;
        end = SegmentHeader.BYTES;
        dirtyEnd = 0;
        preallocator.prepare();
        log.debug("hot log: writing segment {}", file.getFileName());
    }

    /** Overwrites with zeros what a failed batch may have written past the end. */
    private void zeroDirty() throws IOException {
        if (dirtyEnd > end) {
            writeZeros(current.channel, end, dirtyEnd);
            if (settings.fsync()) {
                current.channel.force(false);
            }
        }
        dirtyEnd = 0;
    }

    private static void writeZeros(FileChannel c, int from, int to) throws IOException {
        for (int at = from; at < to; ) {
            int chunk = Math.min(to - at, ZEROS.capacity());
            Erasure.write(c, ZEROS.duplicate().limit(chunk), at);
            at += chunk;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the hot log is closed");
        }
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
