package dev.parley.store.hotlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A reader's hold on the log's segments: every segment present when it was taken stays on disk
 * until it is closed, even if the log retires it meanwhile. For one reader thread; take a new one
 * to see segments the log started later.
 */
public final class LogReading implements AutoCloseable {
    private final NavigableMap<Long, Segment> held = new TreeMap<>();
    private final CRC32C crc = new CRC32C();
    /** Reused for every read: a direct buffer, so the kernel copies into it with no copy of the JDK's. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(Segment.FIRST_READ).order(RecordCodec.ORDER);

    LogReading(Map<Long, Segment> segments) {
        for (Segment s : segments.values()) {
            if (s.acquire()) {
                held.put(s.first, s);
            }
        }
    }

    /**
     * The record at {@code at}.
     *
     * @throws IllegalArgumentException if its segment is not held (retired before this reading, or newer)
     * @throws IOException              if no valid record starts there
     */
    public LogEntry read(LogPosition at) throws IOException {
        Segment s = held.get(at.segment());
        if (s == null) {
            throw new IllegalArgumentException("segment " + at.segment() + " is not held by this reading");
        }
        return decode(s, at, crc, scratch);
    }

    static LogEntry decode(Segment s, LogPosition at, CRC32C crc, ByteBuffer scratch) throws IOException {
        ByteBuffer record = s.read(at.offset(), scratch);
        RecordCodec.Decoded d = RecordCodec.decode(record, 0, record.limit(), 0, crc);
        if (d instanceof RecordCodec.Decoded.Found f) {
            return f.entry();
        }
        throw new IOException("no valid record at " + at
                + (d instanceof RecordCodec.Decoded.Torn t ? " (" + t.why() + ")" : ""));
    }

    @Override
    public void close() {
        for (Segment s : held.values()) {
            s.release();
        }
        held.clear();
    }
}
