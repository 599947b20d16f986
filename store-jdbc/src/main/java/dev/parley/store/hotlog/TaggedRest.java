package dev.parley.store.hotlog;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The tagged tail of a record: what an entry carries besides its text (target seq, reply-to,
 * mentions, attachment ids, title, user ids, role). Opaque to the log in stage 1: bytes written
 * and read back as they are, at most {@link RecordCodec#MAX_REST_BYTES}. The array is copied in
 * and out, so a value never changes.
 */
public final class TaggedRest {
    public static final TaggedRest NONE = new TaggedRest(new byte[0]);

    private final byte[] bytes;

    private TaggedRest(byte[] bytes) {
        this.bytes = bytes;
    }

    public static TaggedRest of(byte[] bytes) {
        if (bytes.length > RecordCodec.MAX_REST_BYTES) {
            throw new IllegalArgumentException("the rest of a record is at most " + RecordCodec.MAX_REST_BYTES
                    + " bytes, not " + bytes.length);
        }
        return bytes.length == 0 ? NONE : new TaggedRest(bytes.clone());
    }

    /** Wraps bytes the codec has just read (not shared with anyone). */
    static TaggedRest wrap(byte[] bytes) {
        return bytes.length == 0 ? NONE : new TaggedRest(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes themselves, for the codec's write only. */
    byte[] unsafeBytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaggedRest r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 16 ? HexFormat.of().formatHex(bytes) : bytes.length + " bytes";
    }
}
