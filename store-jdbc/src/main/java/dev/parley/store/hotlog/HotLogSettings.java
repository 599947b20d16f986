package dev.parley.store.hotlog;

import dev.parley.store.Durability;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How a {@link HotLog} is kept.
 *
 * @param dir           the log's directory ({@code DATA/log}); created owner-only if missing
 * @param durability    {@code FSYNC}: a batch's write is followed by {@code force(false)} before
 *                      {@link HotLog#append} returns; {@code OS}: it returns when the write does
 * @param segmentBytes  the size of a segment file, a multiple of 4 (default 64 MiB); a segment
 *                      must hold at least one record of the largest size, and at most 1 GiB
 * @param maxBodyBytes  the largest body the log takes, UTF-8 (default 16 KiB, the protocol's
 *                      default {@code limits.maxBodyBytes}); recovery reads any body the format
 *                      allows, so lowering it never makes written records unreadable
 * @param maxRestBytes  the largest tagged rest (default and ceiling 65,535)
 * @param preallocation where spare segments are zeroed and synced; null for a thread of the log's own
 * @param opener        how segment files are opened ({@link SegmentOpener#FILES})
 */
public record HotLogSettings(Path dir, Durability durability, int segmentBytes, int maxBodyBytes, int maxRestBytes,
                             Executor preallocation, SegmentOpener opener) {
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;
    public static final int DEFAULT_MAX_BODY_BYTES = 16 << 10;
    static final int MAX_SEGMENT_BYTES = 1 << 30;

    public HotLogSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(opener, "opener");
        if (maxBodyBytes < 1 || maxBodyBytes > RecordCodec.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes must be 1 to " + RecordCodec.MAX_BODY_BYTES);
        }
        if (maxRestBytes < 0 || maxRestBytes > RecordCodec.MAX_REST_BYTES) {
            throw new IllegalArgumentException("maxRestBytes must be 0 to " + RecordCodec.MAX_REST_BYTES);
        }
        int largest = RecordCodec.size(RecordCodec.MAX_CLIENT_ID, maxBodyBytes, maxRestBytes);
        if (segmentBytes % 4 != 0 || segmentBytes < SegmentHeader.BYTES + largest || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be a multiple of 4 from " + (SegmentHeader.BYTES + largest)
                    + " (a header and the largest record) to " + MAX_SEGMENT_BYTES + ", not " + segmentBytes);
        }
    }

    /** The defaults: 64 MiB segments, bodies to 16 KiB, a preallocation thread of the log's own. */
    public static HotLogSettings of(Path dir, Durability durability) {
        return new HotLogSettings(dir, durability, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BODY_BYTES,
                RecordCodec.MAX_REST_BYTES, null, SegmentOpener.FILES);
    }

    public HotLogSettings withSegmentBytes(int bytes) {
        return new HotLogSettings(dir, durability, bytes, maxBodyBytes, maxRestBytes, preallocation, opener);
    }

    public HotLogSettings withBounds(int bodyBytes, int restBytes) {
        return new HotLogSettings(dir, durability, segmentBytes, bodyBytes, restBytes, preallocation, opener);
    }

    public HotLogSettings withPreallocation(Executor executor) {
        return new HotLogSettings(dir, durability, segmentBytes, maxBodyBytes, maxRestBytes, executor, opener);
    }

    public HotLogSettings withOpener(SegmentOpener o) {
        return new HotLogSettings(dir, durability, segmentBytes, maxBodyBytes, maxRestBytes, preallocation, o);
    }

    /** Bytes a batch may hold: what an empty segment has room for (a batch is never split). */
    public int maxBatchBytes() {
        return segmentBytes - SegmentHeader.BYTES;
    }

    boolean fsync() {
        return durability == Durability.FSYNC;
    }
}
