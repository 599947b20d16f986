package dev.parley.store.hotlog;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The first {@value #BYTES} bytes of a segment file (little-endian):
 * <pre>
 *  0  int   magic         "PLOG"
 *  4  int   version       {@value #VERSION}
 *  8  long  first ordinal the ordinal of the segment's first record, as in the file's name
 * 16  12 zero bytes (reserved)
 * 28  int   crc32c        of bytes 0 to 27
 * </pre>
 * A segment is written with its header when the log rolls into it; a spare (preallocated, not yet
 * rolled into) is all zeros, so a header that does not check means the roll never completed.
 */
final class SegmentHeader {
    static final int BYTES = 32;
    static final int MAGIC = 0x474F_4C50; // "PLOG" read little-endian
    static final int VERSION = 1;

    private SegmentHeader() {
    }

    static ByteBuffer encode(long firstOrdinal) {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(RecordCodec.ORDER);
        b.putInt(MAGIC).putInt(VERSION).putLong(firstOrdinal);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, BYTES - 4);
        b.putInt(BYTES - 4, (int) crc.getValue());
        return b.clear();
    }

    /** Why {@code b} (at least {@link #BYTES} from 0) is not the header of segment {@code firstOrdinal}, or null if it is. */
    static String problem(ByteBuffer b, long firstOrdinal) {
        if (b.limit() < BYTES) {
            return "shorter than a header";
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, BYTES - 4));
        if ((int) crc.getValue() != b.getInt(BYTES - 4)) {
            return "header checksum";
        }
        if (b.getInt(0) != MAGIC) {
            return "not a log segment";
        }
        if (b.getInt(4) != VERSION) {
            return "format version " + b.getInt(4) + " (this build reads " + VERSION + ")";
        }
        if (b.getLong(8) != firstOrdinal) {
            return "header names ordinal " + b.getLong(8);
        }
        return null;
    }
}
