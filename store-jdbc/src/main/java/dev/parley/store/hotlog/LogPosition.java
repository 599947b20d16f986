package dev.parley.store.hotlog;

/**
 * Where a record starts: its segment, named by the segment's first ordinal, and the byte offset
 * in that file. Stable for as long as the segment exists (records never move), so callers may
 * index entries by it and read them back with {@link HotLog#read}.
 */
public record LogPosition(long segment, int offset) implements Comparable<LogPosition> {
    public LogPosition {
        if (segment < 1 || offset < SegmentHeader.BYTES) {
            throw new IllegalArgumentException("no record can start at " + segment + ":" + offset);
        }
    }

    @Override
    public int compareTo(LogPosition o) {
        int c = Long.compare(segment, o.segment);
        return c != 0 ? c : Integer.compare(offset, o.offset);
    }

    @Override
    public String toString() {
        return segment + ":" + offset;
    }
}
