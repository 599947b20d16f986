package dev.parley.store.hotlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import dev.parley.store.OwnerOnly;

/**
 * Opening a log: from the mark (the first ordinal SQLite has not materialized), read the
 * segments in order, checking each header, and each record's length, CRC and ordinal (dense:
 * each one more than the last, across segments). A length of zero ends a segment's records: the
 * next segment must then start with the next ordinal. The first record or header that fails ends
 * the log: the rest of that segment is zeroed and every later segment deleted. Writing continues
 * at that cut, in the same segment (no fresh segment per start: restarts would otherwise leave a
 * mostly empty 64 MiB file each).
 *
 * <p>Why cutting is right: batches are written one after another at the log's end, so with
 * {@code fsync} nothing after a torn record was acknowledged; with {@code os} a power loss may
 * lose any suffix, which {@code os} allows. Zeroing the rest (only where it is not zero already)
 * matters because records will be written there again: a stale record that happened to start
 * where a new one ends, with the ordinal due, would otherwise come back.
 *
 * <p>If the log ends before the mark (SQLite holds more than the log: {@code os} and a power
 * loss), SQLite's rows are the truth: the segments read are all materialized, so they are deleted
 * and the log starts afresh at the mark. Segments wholly before the mark are kept for
 * {@link HotLog#retire} (those whose header is bad are deleted). The spare is always deleted.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).order(RecordCodec.ORDER);

    /** What recovery leaves: the segments, the one to write in (null: make one at {@code next}), where, and the next ordinal. */
    record Recovered(NavigableMap<Long, Segment> segments, Segment current, int end, long next, int replayed) {
    }

    private final HotLogSettings settings;
    private final Path dir;
    private final LogMark mark;
    private final ReplayVisitor visitor;
    private final CRC32C crc = new CRC32C();
    private final NavigableMap<Long, Segment> segments = new TreeMap<>();
    private int replayed;

    private Recovery(HotLogSettings settings, LogMark mark, ReplayVisitor visitor) {
        this.settings = settings;
        this.dir = settings.dir();
        this.mark = mark;
        this.visitor = visitor;
    }

    static Recovered run(HotLogSettings settings, LogMark mark, ReplayVisitor visitor) throws IOException {
        Recovery r = new Recovery(settings, mark, visitor);
        try {
            return r.recover();
        } catch (IOException | RuntimeException e) {
            for (Segment s : r.segments.values()) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private Recovered recover() throws IOException {
        OwnerOnly.createDirectories(dir);
        Files.deleteIfExists(SegmentFiles.spare(dir));
        List<Long> firsts = SegmentFiles.list(dir);
        int start = start(firsts);
        if (start < 0) {
            if (!firsts.isEmpty() && firsts.getLast() > mark.ordinal()) {
                throw new DamagedLogException(dir, "its segments start at ordinal " + firsts.getFirst()
                        + " but history is materialized only before " + mark.ordinal());
            }
            return afresh(firsts, 0);
        }
        for (int i = 0; i < start; i++) {
            Segment s = open(firsts.get(i));
            if (s != null) {
                segments.put(s.first, s);
            }
        }
        Segment seg = open(firsts.get(start));
        if (seg == null) {
            return afresh(firsts, start);
        }
        boolean positioned = mark.position() != null;
        int at = positioned ? mark.position().offset() : SegmentHeader.BYTES;
        long expected = positioned ? mark.ordinal() : seg.first;
        if (at % 4 != 0 || at > seg.size) {
            seg.close();
            throw new DamagedLogException(dir, "the mark " + mark.position() + " is no record's start");
        }
        ByteBuffer bytes = map(seg);
        int next = start + 1;
        while (true) {
            RecordCodec.Decoded d = RecordCodec.decode(bytes, at, seg.size, expected, crc);
            if (d instanceof RecordCodec.Decoded.Found f) {
                if (f.erasing()) {
                    finishErase(seg, bytes, at);
                }
                if (f.entry().ordinal() >= mark.ordinal()) {
                    visitor.replayed(f.entry(), new LogPosition(seg.first, at));
                    replayed++;
                }
                expected++;
                at += f.size();
                continue;
            }
            if (d instanceof RecordCodec.Decoded.Torn t) {
                log.warn("hot log: the log ends at {}:{} (ordinal {}, {}); what follows is cut", seg, at, expected,
                        t.why());
            } else if (next < firsts.size()) {
                Segment following = firsts.get(next) == expected ? open(firsts.get(next)) : null;
                if (following != null) {
                    segments.put(seg.first, seg);
                    seg = following;
                    bytes = map(seg);
                    at = SegmentHeader.BYTES;
                    next++;
                    continue;
                }
                log.warn("hot log: segment {} does not continue the log at ordinal {}; it and any later are cut",
                        SegmentFiles.segment(dir, firsts.get(next)).getFileName(), expected);
            }
            break;
        }
        if (expected < mark.ordinal()) {
            segments.put(seg.first, seg);
            log.warn("hot log: the log ends at ordinal {}, before the materialized mark {}; starting afresh there",
                    expected, mark.ordinal());
            return afresh(firsts, start);
        }
        cut(seg, bytes, at);
        delete(firsts.subList(next, firsts.size()));
        segments.put(seg.first, seg);
        return new Recovered(segments, seg, at, expected, replayed);
    }

    /** The index in {@code firsts} of the segment holding the mark, or -1. */
    private int start(List<Long> firsts) {
        if (mark.position() != null) {
            return firsts.indexOf(mark.position().segment());
        }
        int start = -1;
        for (int i = 0; i < firsts.size() && firsts.get(i) <= mark.ordinal(); i++) {
            start = i;
        }
        return start;
    }

    /** Deletes the segments from {@code from} on (all materialized) and leaves the log to start at the mark. */
    private Recovered afresh(List<Long> firsts, int from) throws IOException {
        for (Long first : firsts.subList(from, firsts.size())) {
            Segment s = segments.remove(first);
            if (s != null) {
                s.close();
            }
        }
        delete(firsts.subList(from, firsts.size()));
        return new Recovered(segments, null, 0, mark.ordinal(), replayed);
    }

    /** Opens a segment whose header checks; deletes it (and returns null) if it does not. */
    private Segment open(long first) throws IOException {
        Path file = SegmentFiles.segment(dir, first);
        FileChannel c = settings.opener().open(file, false);
        long size = c.size();
        String problem;
        if (size < SegmentHeader.BYTES || size > HotLogSettings.MAX_SEGMENT_BYTES) {
            problem = "size " + size;
        } else {
            ByteBuffer header = ByteBuffer.allocate(SegmentHeader.BYTES).order(RecordCodec.ORDER);
            while (header.hasRemaining() && c.read(header, header.position()) >= 0) {
                // a positional read may return fewer bytes
            }
            problem = SegmentHeader.problem(header.flip(), first);
        }
        if (problem == null) {
            // A file cut short (a truncated copy, a full disk at preallocation) still holds records.
            return new Segment(first, file, c, (int) size & ~3);
        }
        c.close();
        log.warn("hot log: segment {} is unusable ({}); deleting it", file.getFileName(), problem);
        Files.delete(file);
        return null;
    }

    private static ByteBuffer map(Segment s) throws IOException {
        MappedByteBuffer m = s.channel.map(FileChannel.MapMode.READ_ONLY, 0, s.size);
        return m.order(RecordCodec.ORDER);
    }

    /** Completes an erase a crash interrupted after the CRC was written: kind and body too. */
    private void finishErase(Segment s, ByteBuffer bytes, int at) throws IOException {
        int n = bytes.get(at + RecordCodec.CLIENT_ID_LENGTH) & 0xFF;
        int m = bytes.getInt(at + RecordCodec.bodyLengthAt(n));
        Erasure.writeKindAndZeros(s.channel, at, n, m);
        log.info("hot log: finished erasing the record at {}:{}", s, at);
    }

    /** Zeroes the segment from {@code at} to its end, writing only where it is not zero already. */
    private void cut(Segment s, ByteBuffer bytes, int at) throws IOException {
        boolean wrote = false;
        for (int from = at; from < s.size; from += ZEROS.capacity()) {
            int length = Math.min(ZEROS.capacity(), s.size - from);
            if (bytes.slice(from, length).mismatch(ZEROS.slice(0, length)) >= 0) {
                ByteBuffer z = ZEROS.slice(0, length);
                for (long p = from; z.hasRemaining(); ) {
                    p += s.channel.write(z, p);
                }
                wrote = true;
            }
        }
        if (wrote) {
            s.channel.force(false);
            log.warn("hot log: zeroed what followed the log's end in {} from offset {}", s, at);
        }
    }

    private void delete(List<Long> firsts) throws IOException {
        if (firsts.isEmpty()) {
            return;
        }
        for (long first : firsts) {
            Files.deleteIfExists(SegmentFiles.segment(dir, first));
        }
        SegmentFiles.sync(dir);
        log.warn("hot log: deleted {} segment(s) from ordinal {} on", firsts.size(), firsts.getFirst());
    }
}
