package dev.parley.microbench.hotlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One history entry as the hot log would hold it (a prototype for measuring, not production
 * code). Layout, big-endian:
 * <pre>
 * int    length        bytes after this field (a record is 4 + length bytes)
 * int    crc32c        of the bytes after this field
 * byte   kind          1 = text (actions and membership events would get kinds of their own)
 * long   conversation
 * long   seq
 * long   time          milliseconds since the epoch, the entry's timestamp
 * long   sender
 * long   device
 * byte   n, n bytes    client id (printable ASCII, 1 to 64)
 * int    m, m bytes    body, UTF-8
 * </pre>
 * A length of zero marks the end of what was written in a preallocated segment; a record whose
 * CRC does not match is where a torn write ends the log after a crash.
 */
public final class LogRecord {
    public static final byte TEXT = 1;
    /** Bytes of a record besides its client id and body. */
    static final int FIXED = 4 + 4 + 1 + 8 * 5 + 1 + 4;

    private LogRecord() {
    }

    /** A decoded entry. */
    public record Entry(long conversation, long seq, long time, long sender, long device, String clientId,
                        byte kind, String body) {
    }

    /** Encodes at {@code out}'s position; returns the record's size. */
    static int encode(ByteBuffer out, CRC32C crc, long conversation, long seq, long time, long sender, long device,
                      byte[] clientId, byte[] body) {
        int start = out.position();
        int size = FIXED + clientId.length + body.length;
        out.putInt(size - 4);
        out.putInt(0);
        out.put(TEXT);
        out.putLong(conversation);
        out.putLong(seq);
        out.putLong(time);
        out.putLong(sender);
        out.putLong(device);
        out.put((byte) clientId.length);
        out.put(clientId);
        out.putInt(body.length);
        out.put(body);
        crc.reset();
        crc.update(out.slice(start + 8, size - 8));
        out.putInt(start + 4, (int) crc.getValue());
        return size;
    }

    /** Decodes the record at {@code in}'s position (which it moves past it); null if torn or absent. */
    public static Entry decode(ByteBuffer in, CRC32C crc) {
        if (in.remaining() < 4) {
            return null;
        }
        int start = in.position();
        int length = in.getInt(start);
        if (length <= 0 || length + 4 > in.remaining()) {
            return null;
        }
        crc.reset();
        crc.update(in.slice(start + 8, length - 4));
        if ((int) crc.getValue() != in.getInt(start + 4)) {
            return null;
        }
        in.position(start + 8);
        byte kind = in.get();
        long conversation = in.getLong();
        long seq = in.getLong();
        long time = in.getLong();
        long sender = in.getLong();
        long device = in.getLong();
        byte[] clientId = new byte[in.get()];
        in.get(clientId);
        byte[] body = new byte[in.getInt()];
        in.get(body);
        return new Entry(conversation, seq, time, sender, device, new String(clientId, StandardCharsets.US_ASCII),
                kind, new String(body, StandardCharsets.UTF_8));
    }
}
