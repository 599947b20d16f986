package dev.parley.protocol;

import java.util.List;

/**
 * The JSON text of the frames every one-to-one message costs, {@code sent} and {@code message},
 * written without Jackson's generator: in two passes over the frame, the first counting its bytes
 * and the second filling an array of exactly that size, so a frame costs one allocation, its own
 * bytes. Jackson's generator cost about 1.2 KB per frame (its context objects, a first 1,000-byte
 * block its builder grew to, then the copy out of it): a quarter of what a node allocated per
 * message at 3,000 msg/s (JFR, issue 19). The other frames are rare and keep Jackson.
 *
 * <p>The output is Jackson's, byte for byte ({@code FrameWriterTest} compares them on random
 * frames): fields in the same order, and strings escaped as Jackson 2's UTF-8 generator does by
 * default: {@code "} and {@code \} with a backslash; backspace, tab, newline, form feed and
 * carriage return as {@code \b \t \n \f \r}; the other characters below U+0020 as a backslash, 'u'
 * and four upper-case hex digits; every surrogate (each half of a pair alike) the same way; anything else
 * as UTF-8, {@code /} and U+007F included. A null string is written as {@code null}.
 *
 * <p>Not thread-safe: one instance per frame, made by {@link #write}.
 */
final class FrameWriter {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** 10^0 to 10^18: a number's digits are counted without dividing. */
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** Null while counting. */
    private final byte[] out;
    private int pos;
    /** Just after a '{' or '[': the next field or element takes no comma. */
    private boolean fresh;

    private FrameWriter(byte[] out) {
        this.out = out;
    }

    /** Whether {@link #write} writes this frame (else the caller uses Jackson). */
    static boolean writes(ServerFrame frame) {
        return frame instanceof ServerFrame.Sent || frame instanceof ServerFrame.Message;
    }

    /** The frame as UTF-8 JSON, for the frames {@link #writes} takes. */
    static byte[] write(ServerFrame frame) {
        FrameWriter counting = new FrameWriter(null);
        counting.frame(frame);
        FrameWriter writing = new FrameWriter(new byte[counting.pos]);
        writing.frame(frame);
        if (writing.pos != counting.pos) {
            throw new IllegalStateException("frame changed while it was written");
        }
        return writing.out;
    }

    private void frame(ServerFrame frame) {
        startObject();
        stringField("type", frame.type());
        switch (frame) {
            case ServerFrame.Sent s -> {
                optString("rid", s.rid());
                stringField("clientId", s.clientId());
                numberField("conversationId", s.conversationId());
                numberField("seq", s.seq());
                numberField("ts", s.ts());
            }
            case ServerFrame.Message m -> message(m);
            default -> throw new IllegalArgumentException("not written here: " + frame.type());
        }
        endObject();
    }

    /** As {@code FrameCodec.jackson} writes it, field for field. */
    private void message(ServerFrame.Message m) {
        numberField("conversationId", m.conversationId());
        numberField("seq", m.seq());
        numberField("ts", m.ts());
        numberField("senderId", m.senderId());
        if (m.senderDeviceId() != 0) {
            numberField("senderDeviceId", m.senderDeviceId());
        }
        optString("clientId", m.clientId());
        stringField("kind", m.kind());
        optString("body", m.body());
        optString("title", m.title());
        if (m.userIds() != null) {
            name("userIds");
            startArray();
            for (long id : m.userIds()) {
                element();
                number(id);
            }
            endArray();
        }
        optString("role", m.role());
        if (m.replyTo() != 0) {
            numberField("replyTo", m.replyTo());
        }
        if (m.quote() != null) {
            name("quote");
            startObject();
            numberField("seq", m.quote().seq());
            numberField("senderId", m.quote().senderId());
            stringField("kind", m.quote().kind());
            optString("excerpt", m.quote().excerpt());
            if (m.quote().deleted()) {
                name("deleted");
                raw("true");
            }
            endObject();
        }
        if (m.targetSeq() != 0) {
            numberField("targetSeq", m.targetSeq());
        }
        if (!m.reactions().isEmpty()) {
            name("reactions");
            startObject();
            for (ServerFrame.Reaction r : m.reactions()) {
                name(r.emoji());
                startArray();
                for (long id : r.userIds()) {
                    element();
                    number(id);
                }
                endArray();
            }
            endObject();
        }
        if (m.editedAt() != 0) {
            numberField("editedAt", m.editedAt());
        }
        if (m.deletedAt() != 0) {
            numberField("deletedAt", m.deletedAt());
            numberField("deletedBy", m.deletedBy());
        }
        mentions(m.mentions());
        attachments(m.attachments());
    }

    private void mentions(List<ClientFrame.Mention> mentions) {
        if (mentions.isEmpty()) {
            return;
        }
        name("mentions");
        startArray();
        for (ClientFrame.Mention m : mentions) {
            element();
            startObject();
            numberField("userId", m.userId());
            numberField("offset", m.offset());
            numberField("length", m.length());
            endObject();
        }
        endArray();
    }

    private void attachments(List<ServerFrame.Attachment> attachments) {
        if (attachments.isEmpty()) {
            return;
        }
        name("attachments");
        startArray();
        for (ServerFrame.Attachment a : attachments) {
            element();
            startObject();
            numberField("id", a.id());
            stringField("name", a.name());
            stringField("contentType", a.contentType());
            numberField("size", a.size());
            stringField("sha256", a.sha256());
            if (a.width() > 0) {
                numberField("width", a.width());
                numberField("height", a.height());
            }
            endObject();
        }
        endArray();
    }

    // ---- JSON ------------------------------------------------------------------------------

    private void startObject() {
        put('{');
        fresh = true;
    }

    private void endObject() {
        put('}');
        fresh = false;
    }

    private void startArray() {
        put('[');
        fresh = true;
    }

    private void endArray() {
        put(']');
        fresh = false;
    }

    /** Before an array's element: the comma, unless it is the first. */
    private void element() {
        if (!fresh) {
            put(',');
        }
        fresh = false;
    }

    /** A field's name and colon (and the comma before it, unless it is the first). */
    private void name(String name) {
        element();
        string(name);
        put(':');
    }

    private void stringField(String name, String value) {
        name(name);
        string(value);
    }

    private void optString(String name, String value) {
        if (value != null) {
            stringField(name, value);
        }
    }

    private void numberField(String name, long value) {
        name(name);
        number(value);
    }

    private void raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            put(ascii.charAt(i));
        }
    }

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            for (byte b : LONG_MIN) {
                put(b);
            }
            return;
        }
        if (v < 0) {
            put('-');
            v = -v;
        }
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        if (out != null) {
            // Digits from the last: no string or buffer between the number and the frame.
            for (int i = pos + digits - 1; i >= pos; i--) {
                long q = v / 10;
                out[i] = (byte) ('0' + (v - q * 10));
                v = q;
            }
        }
        pos += digits;
    }

    /** A string value (or name) in quotes, escaped as Jackson escapes it; {@code null} for null. */
    private void string(String s) {
        if (s == null) {
            raw("null");
            return;
        }
        put('"');
        int n = s.length();
        int i = 0;
        // The usual text, a byte per char, in a loop of its own with the position in a local.
        byte[] o = out;
        int p = pos;
        if (o == null) {
            while (i < n && plain(s.charAt(i))) {
                i++;
            }
            p += i;
        } else {
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (!plain(c)) {
                    break;
                }
                o[p++] = (byte) c;
            }
        }
        pos = p;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (plain(c)) {
                    put(c);
                } else {
                    escapeAscii(c);
                }
            } else if (c < 0x800) {
                put(0xC0 | (c >> 6));
                put(0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // Jackson 2 writes each half of a pair as an escape of its own, not as the 4-byte
                // UTF-8 of the code point.
                unicodeEscape(c);
            } else {
                put(0xE0 | (c >> 12));
                put(0x80 | ((c >> 6) & 0x3F));
                put(0x80 | (c & 0x3F));
            }
        }
        put('"');
    }

    /** An ASCII char written as it is: printable (or DEL), not a quote or a backslash. */
    private static boolean plain(char c) {
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    }

    private void escapeAscii(char c) {
        switch (c) {
            case '"' -> { put('\\'); put('"'); }
            case '\\' -> { put('\\'); put('\\'); }
            case '\b' -> { put('\\'); put('b'); }
            case '\t' -> { put('\\'); put('t'); }
            case '\n' -> { put('\\'); put('n'); }
            case '\f' -> { put('\\'); put('f'); }
            case '\r' -> { put('\\'); put('r'); }
            default -> unicodeEscape(c);
        }
    }

    private void unicodeEscape(char c) {
        put('\\');
        put('u');
        put(HEX[(c >> 12) & 0xF]);
        put(HEX[(c >> 8) & 0xF]);
        put(HEX[(c >> 4) & 0xF]);
        put(HEX[c & 0xF]);
    }

    private void put(int b) {
        if (out != null) {
            out[pos] = (byte) b;
        }
        pos++;
    }
}
