package dev.parley.protocol;

import java.util.List;

/**
 * The usual {@code send} frame read without Jackson: one flat object of {@code type},
 * {@code clientId}, {@code conversationId}, {@code body} and optionally {@code rid}, in any order,
 * with no whitespace, no escapes, nothing else. Jackson's parser, the map of fields and their
 * names cost about 1 KB per frame, a fifth of what a node allocated per message (JFR, issue 19);
 * this reader makes only the frame and its strings.
 *
 * <p>It reads only what it is sure of: any frame that is not exactly of that shape, or whose values
 * {@link FrameCodec} would refuse, is left to the general decoder ({@link #read} returns null),
 * which then gives the frame or the refusal as it always did. So for every input the result is
 * {@code FrameCodec}'s ({@code DecodeFromCharsTest} compares the two on many frames).
 */
final class PlainSendFrames {
    private static final int TYPE = 0, RID = 1, CLIENT_ID = 2, CONVERSATION_ID = 3, BODY = 4;
    private static final String[] NAMES = {"type", "rid", "clientId", "conversationId", "body"};
    /** Longer strings go to Jackson, which enforces its own limit ({@code JsonFields.FACTORY}). */
    private static final int MAX_STRING = 1 << 19;
    /** Digits of the largest id, {@link FrameCodec#MAX_ID}. */
    private static final int MAX_ID_DIGITS = 16;

    private PlainSendFrames() {
    }

    /** The send frame in {@code json[offset, offset + length)}, or null: decode it the general way. */
    static ClientFrame.Send read(char[] json, int offset, int length) {
        int end = offset + length;
        int i = offset;
        if (length < 2 || json[i++] != '{') {
            return null;
        }
        int seen = 0;
        boolean isSend = false;
        String rid = null;
        String clientId = null;
        String body = null;
        long conversationId = 0;
        while (true) {
            if (i >= end || json[i] != '"') {
                return null;
            }
            int nameStart = ++i;
            i = stringEnd(json, i, end);
            if (i < 0) {
                return null;
            }
            int field = field(json, nameStart, i - nameStart);
            if (field < 0 || (seen & (1 << field)) != 0) {
                return null; // an unknown field, or one given twice: the general decoder decides
            }
            seen |= 1 << field;
            if (++i >= end || json[i] != ':') {
                return null;
            }
            i++;
            if (field == CONVERSATION_ID) {
                int digits = i;
                if (i >= end || json[i] < '1' || json[i] > '9') {
                    return null;
                }
                long v = 0;
                while (i < end && json[i] >= '0' && json[i] <= '9') {
                    if (i - digits == MAX_ID_DIGITS) {
                        return null;
                    }
                    v = v * 10 + (json[i++] - '0');
                }
                if (v > FrameCodec.MAX_ID) {
                    return null;
                }
                conversationId = v;
            } else {
                if (i >= end || json[i] != '"') {
                    return null;
                }
                int start = ++i;
                i = stringEnd(json, i, end);
                if (i < 0) {
                    return null;
                }
                int n = i - start;
                i++;
                switch (field) {
                    case TYPE -> isSend = n == 4 && json[start] == 's' && json[start + 1] == 'e'
                            && json[start + 2] == 'n' && json[start + 3] == 'd';
                    case RID -> rid = new String(json, start, n);
                    case CLIENT_ID -> clientId = new String(json, start, n);
                    default -> body = new String(json, start, n);
                }
            }
            if (i >= end) {
                return null;
            }
            char next = json[i++];
            if (next == '}') {
                break;
            }
            if (next != ',') {
                return null;
            }
        }
        if (i != end || !isSend || clientId == null || body == null || (seen & (1 << CONVERSATION_ID)) == 0
                || rid != null && rid.length() > FrameCodec.MAX_CLIENT_ID_CHARS || !validClientId(clientId)) {
            return null;
        }
        return new ClientFrame.Send(rid, clientId, conversationId, body, 0, List.of(), List.of());
    }

    /**
     * The index of the quote that ends the string starting at {@code i}; -1 when the string holds
     * an escape or a control character (what Jackson refuses or decodes is left to it), or is too
     * long or not closed.
     */
    private static int stringEnd(char[] json, int i, int end) {
        int limit = Math.min(end, i + MAX_STRING);
        for (; i < limit; i++) {
            char c = json[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    private static int field(char[] json, int start, int n) {
        for (int f = 0; f < NAMES.length; f++) {
            String name = NAMES[f];
            if (name.length() == n) {
                boolean same = true;
                for (int k = 0; k < n && same; k++) {
                    same = json[start + k] == name.charAt(k);
                }
                if (same) {
                    return f;
                }
            }
        }
        return -1;
    }

    /** As {@code FrameCodec.clientId} accepts it: 1 to 64 printable ASCII characters, no spaces. */
    private static boolean validClientId(String id) {
        if (id.isEmpty() || id.length() > FrameCodec.MAX_CLIENT_ID_CHARS) {
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
}
