package dev.parley.store.hotlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Records on their way into the log: each {@link #add} checks the entry's bounds, gives it the
 * next ordinal and encodes it into one direct buffer, so {@link HotLog#append} is one positional
 * write. After the append, {@link #position} says where each record is.
 *
 * <p>A batch is written whole into one segment (the log rolls first if the rest of the current
 * one is too small), so it holds at most {@link HotLogSettings#maxBatchBytes} bytes; an
 * {@link #add} past that throws {@link IllegalStateException} and the caller appends what it has.
 * Not thread-safe: the log's owner thread fills it. {@link HotLog#batch} hands out the log's one
 * batch, cleared, so a batch costs no allocation.
 */
public final class LogBatch {
    private final HotLogSettings settings;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10).order(RecordCodec.ORDER);
    private int[] offsets = new int[256];
    private int count;
    private long firstOrdinal;
    private long segment;
    private int base = -1;

    LogBatch(HotLogSettings settings) {
        this.settings = settings;
    }

    void begin(long first) {
        buffer.clear();
        count = 0;
        firstOrdinal = first;
        segment = 0;
        base = -1;
    }

    /**
     * Adds a record; returns its ordinal.
     *
     * @param clientId "" for none, else 1 to 64 printable ASCII characters without spaces
     * @throws IllegalArgumentException if the entry is out of bounds (kind {@code ERASED}, client
     *                                  id, body or rest too large); nothing is added
     * @throws IllegalStateException    if the batch has no room for it; nothing is added
     */
    public long add(RecordKind kind, long conversation, long seq, long time, long sender, long device,
                    String clientId, String body, TaggedRest rest) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(rest, "rest");
        if (kind == RecordKind.ERASED) {
            throw new IllegalArgumentException("erased records are made by HotLog.erase, not appended");
        }
        if (!RecordCodec.validClientId(clientId)) {
            throw new IllegalArgumentException("a client id is 1 to " + RecordCodec.MAX_CLIENT_ID
                    + " printable ASCII characters without spaces (or none)");
        }
        // A body has at least as many UTF-8 bytes as chars: a longer one is refused before it is encoded.
        byte[] text = body.length() > settings.maxBodyBytes() ? null : body.getBytes(StandardCharsets.UTF_8);
        if (text == null || text.length > settings.maxBodyBytes()) {
            throw new IllegalArgumentException("a body of " + (text == null ? "more than " + body.length()
                    : text.length) + " bytes is larger than the log's " + settings.maxBodyBytes());
        }
        if (rest.length() > settings.maxRestBytes()) {
            throw new IllegalArgumentException("a rest of " + rest.length() + " bytes is larger than the log's "
                    + settings.maxRestBytes());
        }
        if (base >= 0) {
            throw new IllegalStateException("this batch was appended; take a new one from HotLog.batch()");
        }
        int size = RecordCodec.size(clientId.length(), text.length, rest.length());
        if (buffer.position() + size > settings.maxBatchBytes()) {
            throw new IllegalStateException("the batch is full: " + buffer.position() + " bytes, a segment holds "
                    + settings.maxBatchBytes());
        }
        if (buffer.remaining() < size) {
            int capacity = Math.min(settings.maxBatchBytes(), Math.max(buffer.capacity() * 2, buffer.position() + size));
            ByteBuffer larger = ByteBuffer.allocateDirect(capacity).order(RecordCodec.ORDER);
            larger.put(buffer.flip());
            buffer = larger;
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        long ordinal = firstOrdinal + count;
        offsets[count++] = buffer.position();
        RecordCodec.encode(buffer, crc, kind, ordinal, conversation, seq, time, sender, device, clientId, text, rest);
        return ordinal;
    }

    /** Records in the batch. */
    public int size() {
        return count;
    }

    /** Bytes the batch's records take. */
    public int bytes() {
        return buffer.position();
    }

    public long firstOrdinal() {
        return firstOrdinal;
    }

    /** Whether {@link HotLog#append} wrote it. */
    public boolean appended() {
        return base >= 0;
    }

    /** The segment (its first ordinal) the appended batch is in. */
    public long segment() {
        requireAppended();
        return segment;
    }

    /** The byte offset of record {@code i} (0-based) in {@link #segment}. */
    public int offset(int i) {
        requireAppended();
        Objects.checkIndex(i, count);
        return base + offsets[i];
    }

    public LogPosition position(int i) {
        return new LogPosition(segment(), offset(i));
    }

    /** The records' bytes, for the write (a view; the batch keeps its own). */
    ByteBuffer encoded() {
        return buffer.duplicate().flip();
    }

    void placed(long inSegment, int at) {
        segment = inSegment;
        base = at;
    }

    private void requireAppended() {
        if (base < 0) {
            throw new IllegalStateException("the batch has not been appended");
        }
    }
}
