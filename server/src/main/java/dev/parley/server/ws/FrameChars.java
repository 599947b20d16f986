package dev.parley.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A text frame's UTF-8 decoded straight from the socket's buffer into chars, in a scratch array of
 * the event loop, for the JSON parser to read in place ({@code FrameCodec.decodeClient(char[], ...)}).
 * Before, each frame was copied out of the buffer into a byte array, which Jackson then made a
 * String and a reader (its byte input goes through a String when field names are not
 * canonicalized): ~7% of what a node allocated per message (JFR, issue 19).
 *
 * <p>Only frames that decode to the same text either way take this path: ones that start with
 * {@code {} and a byte other than zero (Jackson's encoding detection then settles on UTF-8 without
 * a byte-order mark, as here) and are well-formed UTF-8 (no overlong forms, no encoded
 * surrogates, nothing past U+10FFFF, no sequence cut short). For any other frame {@link #decode}
 * says no and the caller decodes the frame's bytes as before, whose malformed sequences Java
 * replaces with U+FFFD.
 *
 * <p>Threading: one instance per event loop thread ({@link #ofThisLoop}); use it only there.
 */
final class FrameChars {
    /** Frames up to this many chars reuse the loop's array; a longer one gets an array of its own. */
    static final int KEPT_CHARS = 16 * 1024;

    private static final FastThreadLocal<FrameChars> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected FrameChars initialValue() {
            return new FrameChars();
        }
    };

    private char[] scratch = new char[1024];
    /** What the last successful {@link #decode} wrote: chars {@code [0, length)} of {@link #chars}. */
    private char[] chars;
    private int length;

    static FrameChars ofThisLoop() {
        return OF_LOOP.get();
    }

    char[] chars() {
        return chars;
    }

    int length() {
        return length;
    }

    /**
     * Decodes the readable bytes of {@code utf8} (not consumed); false, with nothing decoded, when
     * the frame must take the byte path (see the class comment).
     */
    boolean decode(ByteBuf utf8) {
        int from = utf8.readerIndex();
        int n = utf8.readableBytes();
        if (n < 2 || utf8.getByte(from) != '{' || utf8.getByte(from + 1) == 0) {
            return false;
        }
        // UTF-8 never takes more chars than bytes.
        char[] c = n <= scratch.length ? scratch : n <= KEPT_CHARS ? (scratch = new char[KEPT_CHARS]) : new char[n];
        int j = 0;
        int i = 0;
        while (i < n) {
            int b = utf8.getByte(from + i) & 0xFF;
            if (b < 0x80) {
                c[j++] = (char) b;
                i++;
            } else if (b >= 0xC2 && b <= 0xDF) {
                if (i + 1 >= n) {
                    return false;
                }
                int b1 = utf8.getByte(from + i + 1) & 0xFF;
                if ((b1 & 0xC0) != 0x80) {
                    return false;
                }
                c[j++] = (char) (((b & 0x1F) << 6) | (b1 & 0x3F));
                i += 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int b1 = utf8.getByte(from + i + 1) & 0xFF;
                int b2 = utf8.getByte(from + i + 2) & 0xFF;
                if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80
                        || b == 0xE0 && b1 < 0xA0 // overlong
                        || b == 0xED && b1 >= 0xA0) { // a surrogate
                    return false;
                }
                c[j++] = (char) (((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F));
                i += 3;
            } else if (b >= 0xF0 && b <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int b1 = utf8.getByte(from + i + 1) & 0xFF;
                int b2 = utf8.getByte(from + i + 2) & 0xFF;
                int b3 = utf8.getByte(from + i + 3) & 0xFF;
                if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80 || (b3 & 0xC0) != 0x80
                        || b == 0xF0 && b1 < 0x90 // overlong
                        || b == 0xF4 && b1 >= 0x90) { // past U+10FFFF
                    return false;
                }
                int cp = ((b & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
                c[j++] = Character.highSurrogate(cp);
                c[j++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                return false;
            }
        }
        chars = c;
        length = j;
        return true;
    }
}
