package dev.parley.store.hotlog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The record format. Little-endian; every record starts at a multiple of 4 bytes in its segment:
 * <pre>
 *  0  int    length        bytes after this field, padding included; 0 = nothing written here
 *  4  int    crc32c        of the bytes after this field
 *  8  byte   kind          {@link RecordKind#code}
 *  9  long   ordinal       the record's number in the log (dense from 1)
 * 17  long   conversation
 * 25  long   seq
 * 33  long   time          milliseconds since the epoch
 * 41  long   sender
 * 49  long   device        0 for none
 * 57  byte   n             client id length (0 for none, else 1 to 64 printable ASCII)
 * 58  n      client id
 *     int    m             body length, UTF-8
 *     m      body
 *     ushort k             length of the tagged rest
 *     k      rest
 *     0-3 zero bytes to the next multiple of 4
 * </pre>
 * Why 4-byte alignment: the CRC field then never straddles a disk sector, so an erase in place
 * (which rewrites the CRC first, see {@link HotLog#erase}) cannot tear it. A record is valid when
 * its CRC matches its bytes, or matches its <em>erased form</em> (kind {@code ERASED}, body
 * zeros): the state of an erase that a crash interrupted after the CRC was written.
 */
final class RecordCodec {
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Bytes of a record besides its client id, body, rest and padding. */
    static final int FIXED = 64;
    static final int MAX_CLIENT_ID = 64;
    /** The format's ceiling for a body; a log's own bound is {@link HotLogSettings#maxBodyBytes}. */
    static final int MAX_BODY_BYTES = 16 << 20;
    static final int MAX_REST_BYTES = 0xFFFF;
    static final int KIND = 8;
    static final int ORDINAL = 9;
    static final int CLIENT_ID_LENGTH = 57;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

    private RecordCodec() {
    }

    /** The size of a record, padding included. */
    static int size(int clientIdBytes, int bodyBytes, int restBytes) {
        return align(FIXED + clientIdBytes + bodyBytes + restBytes);
    }

    static int align(int n) {
        return n + 3 & ~3;
    }

    /** Where the body's length field is, from the record's start. */
    static int bodyLengthAt(int clientIdBytes) {
        return CLIENT_ID_LENGTH + 1 + clientIdBytes;
    }

    /** Whether {@code id} is a client id the log takes: "" (none) or 1 to 64 printable ASCII without spaces. */
    static boolean validClientId(String id) {
        if (id.length() > MAX_CLIENT_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes a record at {@code out}'s position (which must be a multiple of 4 from where the
     * batch starts) and moves past it. The caller has checked the bounds; {@code body} is the
     * body's UTF-8.
     */
    static void encode(ByteBuffer out, CRC32C crc, RecordKind kind, long ordinal, long conversation, long seq,
                       long time, long sender, long device, String clientId, byte[] body, TaggedRest rest) {
        int start = out.position();
        int size = size(clientId.length(), body.length, rest.length());
        out.putInt(size - 4).putInt(0).put(kind.code()).putLong(ordinal).putLong(conversation).putLong(seq)
                .putLong(time).putLong(sender).putLong(device).put((byte) clientId.length());
        for (int i = 0; i < clientId.length(); i++) {
            out.put((byte) clientId.charAt(i));
        }
        out.putInt(body.length).put(body);
        out.putShort((short) rest.length()).put(rest.unsafeBytes());
        while (out.position() < start + size) {
            out.put((byte) 0);
        }
        crc.reset();
        crc.update(out.slice(start + 8, size - 8));
        out.putInt(start + 4, (int) crc.getValue());
    }

    /** What a read at one place found. */
    sealed interface Decoded {
        /** A valid record of {@code size} bytes; {@code erasing}: an interrupted erase, to be finished. */
        record Found(LogEntry entry, int size, boolean erasing) implements Decoded {
        }

        /** A length of zero (or no room for one): nothing was written here. */
        record Nothing() implements Decoded {
        }

        /** Bytes that are no valid record: a torn write, or damage. */
        record Torn(String why) implements Decoded {
        }
    }

    static final Decoded NOTHING = new Decoded.Nothing();

    /**
     * Reads the record at {@code at} in {@code in} (absolute, {@code in}'s order must be
     * {@link #ORDER}), using no byte at or past {@code limit} (the segment's end). With
     * {@code expectedOrdinal} &gt; 0 a record of another ordinal is torn: the log is dense.
     */
    static Decoded decode(ByteBuffer in, int at, int limit, long expectedOrdinal, CRC32C crc) {
        if (limit - at < 4) {
            return NOTHING;
        }
        int length = in.getInt(at);
        if (length == 0) {
            return NOTHING;
        }
        if (length < FIXED - 4 || length > limit - at - 4 || (length & 3) != 0) {
            return new Decoded.Torn("length " + length);
        }
        int end = at + 4 + length;
        int n = in.get(at + CLIENT_ID_LENGTH) & 0xFF;
        int bodyLengthAt = at + bodyLengthAt(n);
        if (n > MAX_CLIENT_ID || bodyLengthAt + 4 > end) {
            return new Decoded.Torn("client id length " + n);
        }
        int m = in.getInt(bodyLengthAt);
        int bodyAt = bodyLengthAt + 4;
        if (m < 0 || m > MAX_BODY_BYTES || (long) bodyAt + m + 2 > end) {
            return new Decoded.Torn("body length " + m);
        }
        int k = in.getShort(bodyAt + m) & 0xFFFF;
        int used = bodyAt + m + 2 + k;
        if (used > end || end - used > 3 || align(used - at) != end - at) {
            return new Decoded.Torn("layout");
        }
        int stored = in.getInt(at + 4);
        crc.reset();
        crc.update(in.slice(at + 8, length - 4));
        boolean erasing = false;
        if ((int) crc.getValue() != stored) {
            if (erasedCrc(in, at, end, bodyAt, m, crc) != stored) {
                return new Decoded.Torn("crc");
            }
            erasing = in.get(at + KIND) != RecordKind.ERASED.code() || !zeros(in, bodyAt, m);
        }
        RecordKind kind = erasing ? RecordKind.ERASED : RecordKind.of(in.get(at + KIND));
        if (kind == null) {
            return new Decoded.Torn("kind " + in.get(at + KIND));
        }
        long ordinal = in.getLong(at + ORDINAL);
        if (expectedOrdinal > 0 && ordinal != expectedOrdinal) {
            return new Decoded.Torn("ordinal " + ordinal + " where " + expectedOrdinal + " was due");
        }
        byte[] clientId = new byte[n];
        in.get(at + CLIENT_ID_LENGTH + 1, clientId);
        String id = new String(clientId, StandardCharsets.US_ASCII);
        if (!validClientId(id)) {
            return new Decoded.Torn("client id");
        }
        String body = "";
        if (kind != RecordKind.ERASED) {
            byte[] b = new byte[m];
            in.get(bodyAt, b);
            body = new String(b, StandardCharsets.UTF_8);
        }
        byte[] rest = new byte[k];
        in.get(bodyAt + m + 2, rest);
        LogEntry entry = new LogEntry(kind, ordinal, in.getLong(at + 17), in.getLong(at + 25), in.getLong(at + 33),
                in.getLong(at + 41), in.getLong(at + 49), id, body, TaggedRest.wrap(rest));
        return new Decoded.Found(entry, 4 + length, erasing);
    }

    /**
     * The CRC the record at {@code at} has once erased: kind {@code ERASED} and a body of zeros,
     * every other byte as it is. {@code end} is the record's end, {@code bodyAt} and {@code m}
     * where its body is and how long.
     */
    static int erasedCrc(ByteBuffer in, int at, int end, int bodyAt, int m, CRC32C crc) {
        crc.reset();
        crc.update(RecordKind.ERASED.code());
        crc.update(in.slice(at + ORDINAL, bodyAt - at - ORDINAL));
        for (int left = m; left > 0; ) {
            int chunk = Math.min(left, ZEROS.capacity());
            crc.update(ZEROS.duplicate().limit(chunk));
            left -= chunk;
        }
        crc.update(in.slice(bodyAt + m, end - bodyAt - m));
        return (int) crc.getValue();
    }

    private static boolean zeros(ByteBuffer in, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (in.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
