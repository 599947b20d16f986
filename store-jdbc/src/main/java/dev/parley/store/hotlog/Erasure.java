package dev.parley.store.hotlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Erasing a record in place (an unsent message's text leaves the log too): its body becomes
 * zeros and its kind {@code ERASED}, its length and every other field stay, so the records after
 * it are where they were. Two steps, so that a crash at any point leaves a valid record:
 * <ol>
 *   <li>the CRC of the erased form alone (4 aligned bytes, never torn): from now on the record
 *       reads as erased, whatever its kind and body bytes still are (see {@link RecordCodec});</li>
 *   <li>the kind byte and the body's zeros.</li>
 * </ol>
 * With {@code fsync} each step is forced before the next, so the order also holds on disk;
 * with {@code os} a power loss may leave the second step before the first (a torn record there
 * ends the log, a loss {@code os} allows). Recovery finishes an erase that stopped after step 1.
 */
final class Erasure {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

    private Erasure() {
    }

    /**
     * Erases the record at {@code at}; false if it was erased already.
     *
     * @throws IllegalArgumentException if no valid record starts there
     */
    static boolean erase(Segment s, int at, boolean fsync, CRC32C crc) throws IOException {
        ByteBuffer record = s.read(at);
        RecordCodec.Decoded d = RecordCodec.decode(record, 0, record.limit(), 0, crc);
        if (!(d instanceof RecordCodec.Decoded.Found f)) {
            throw new IllegalArgumentException("no record to erase at " + s.first + ":" + at
                    + (d instanceof RecordCodec.Decoded.Torn t ? " (" + t.why() + ")" : ""));
        }
        if (f.entry().kind() == RecordKind.ERASED && !f.erasing()) {
            return false;
        }
        int n = record.get(RecordCodec.CLIENT_ID_LENGTH) & 0xFF;
        int bodyAt = RecordCodec.bodyLengthAt(n) + 4;
        int m = record.getInt(bodyAt - 4);
        int erased = RecordCodec.erasedCrc(record, 0, record.limit(), bodyAt, m, crc);
        ByteBuffer crcBytes = ByteBuffer.allocate(4).order(RecordCodec.ORDER).putInt(0, erased);
        write(s.channel, crcBytes, at + 4L);
        if (fsync) {
            s.channel.force(false);
        }
        writeKindAndZeros(s.channel, at, n, m);
        if (fsync) {
            s.channel.force(false);
        }
        return true;
    }

    /** Step 2: the kind byte and the body's zeros of the record at {@code at} ({@code n}: client id bytes, {@code m}: body bytes). */
    static void writeKindAndZeros(FileChannel c, int at, int n, int m) throws IOException {
        write(c, ByteBuffer.wrap(new byte[] {RecordKind.ERASED.code()}), at + (long) RecordCodec.KIND);
        long bodyAt = at + (long) RecordCodec.bodyLengthAt(n) + 4;
        for (int done = 0; done < m; ) {
            int chunk = Math.min(m - done, ZEROS.capacity());
            write(c, ZEROS.duplicate().limit(chunk), bodyAt + done);
            done += chunk;
        }
    }

    static void write(FileChannel c, ByteBuffer b, long at) throws IOException {
        for (long p = at; b.hasRemaining(); ) {
            p += c.write(b, p);
        }
    }
}
