package dev.parley.loadgen;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Hand-tuned encoding of the frames the generator sends and byte scanning of the frames it
 * receives most ({@code message}, {@code sent}), so that parsing JSON is not what limits a run.
 *
 * <p>The scanners look fields up by name, so they do not depend on the order in which the node
 * writes them; they do assume what the node and this generator produce: no whitespace between
 * a name and its value, and a body that starts with the generator's own {@code t=<nanos>;}
 * timestamp. Frames of other types ({@code OTHER}) are not decoded at all: the generator ignores
 * what it does not measure.
 */
final class Wire {
    static final int OTHER = 0, MESSAGE = 1, SENT = 2, ERROR = 3, READY = 4, SYNCED = 5, RESYNC = 6, RECEIPT = 7,
            PONG = 8;

    private static final byte[] TYPE = ascii("\"type\":\"");
    static final byte[] CONVERSATION_ID = ascii("\"conversationId\":");
    static final byte[] SEQ = ascii("\"seq\":");
    static final byte[] SENDER_DEVICE_ID = ascii("\"senderDeviceId\":");
    static final byte[] CLIENT_ID = ascii("\"clientId\":\"");
    static final byte[] CODE = ascii("\"code\":\"");
    static final byte[] REQUEST = ascii("\"request\":\"");
    static final byte[] LATEST_SEQ = ascii("\"latestSeq\":");
    static final byte[] BODY_TIME = ascii("\"body\":\"t=");
    static final byte[] RETRY_AFTER_MS = ascii("\"retryAfterMs\":");

    private Wire() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A message body of at least {@code size} bytes that starts with the send time:
     * {@code t=<nanos>;} and then padding.
     */
    static String body(long sendNanos, int size) {
        StringBuilder b = new StringBuilder(Math.max(size, 24)).append("t=").append(sendNanos).append(';');
        while (b.length() < size) {
            b.append('x');
        }
        return b.toString();
    }

    /**
     * A client id that carries the first send time, so a confirmation's latency needs no lookup:
     * {@code <counter>.<deviceId>-<nanos>}. The node deduplicates by conversation and sender
     * <em>user</em>, so the device id keeps two devices of one user from colliding.
     */
    static String clientId(long deviceId, long counter, long sendNanos) {
        return counter + "." + deviceId + "-" + sendNanos;
    }

    static String send(String clientId, long conversationId, String body) {
        return new StringBuilder(64 + body.length()).append("{\"type\":\"send\",\"clientId\":\"").append(clientId)
                .append("\",\"conversationId\":").append(conversationId).append(",\"body\":\"").append(body)
                .append("\"}").toString();
    }

    /** {@code positions} null: live entries only; otherwise catch up from these positions first. */
    static String auth(String token, Map<Long, Long> positions) {
        StringBuilder b = new StringBuilder(96).append("{\"type\":\"auth\",\"token\":\"").append(token).append('"');
        if (positions != null) {
            b.append(",\"positions\":{");
            boolean first = true;
            for (Map.Entry<Long, Long> e : positions.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append('"').append(e.getKey()).append("\":").append(e.getValue());
            }
            b.append('}');
        }
        return b.append('}').toString();
    }

    /** The frame's type as one of this class's constants. */
    static int type(byte[] f) {
        int at = indexOf(f, TYPE, 0);
        if (at < 0) {
            return OTHER;
        }
        at += TYPE.length;
        if (at >= f.length) {
            return OTHER;
        }
        return switch (f[at]) {
            case 'm' -> is(f, at, "message\"") ? MESSAGE : OTHER;
            case 's' -> is(f, at, "sent\"") ? SENT : is(f, at, "synced\"") ? SYNCED : OTHER;
            case 'e' -> is(f, at, "error\"") ? ERROR : OTHER;
            case 'r' -> is(f, at, "ready\"") ? READY : is(f, at, "resync\"") ? RESYNC
                    : is(f, at, "receipt\"") ? RECEIPT : OTHER;
            case 'p' -> is(f, at, "pong\"") ? PONG : OTHER;
            default -> OTHER;
        };
    }

    private static boolean is(byte[] f, int at, String word) {
        if (at + word.length() > f.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (f[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The non-negative integer after {@code key}, or -1 when the key is absent. */
    static long number(byte[] f, byte[] key) {
        int at = indexOf(f, key, 0);
        return at < 0 ? -1 : digits(f, at + key.length);
    }

    /**
     * Where the value after {@code key} starts, or -1 when the key is absent. Looks from
     * {@code hint} first, then from the start: reading a frame's fields in the order the node
     * writes them, each from where the last one was found, scans the frame about once instead of
     * once per field (four times for a {@code message}, the generator's busiest loop in a fan-out
     * profile), and a node that orders them otherwise is still read right.
     */
    static int valueAt(byte[] f, byte[] key, int hint) {
        int at = hint > 0 ? indexOf(f, key, hint) : -1;
        if (at < 0) {
            at = indexOf(f, key, 0);
        }
        return at < 0 ? -1 : at + key.length;
    }

    /** The non-negative integer that starts at {@code at} (from {@link #valueAt}), or -1. */
    static long numberAt(byte[] f, int at) {
        return at < 0 ? -1 : digits(f, at);
    }

    /** The string value after {@code key} (which ends with the opening quote), or null. */
    static String string(byte[] f, byte[] key) {
        int at = indexOf(f, key, 0);
        if (at < 0) {
            return null;
        }
        int from = at + key.length;
        int end = from;
        while (end < f.length && f[end] != '"') {
            end++;
        }
        return new String(f, from, end - from, StandardCharsets.UTF_8);
    }

    /** The send time the generator put in a message body, or -1 if the body is not one of ours. */
    static long bodyTime(byte[] f) {
        int at = indexOf(f, BODY_TIME, 0);
        return at < 0 ? -1 : digits(f, at + BODY_TIME.length);
    }

    /** The send time the generator put in a client id ({@code counter.deviceId-nanos}), or -1. */
    static long clientIdTime(byte[] f) {
        int at = indexOf(f, CLIENT_ID, 0);
        if (at < 0) {
            return -1;
        }
        int i = at + CLIENT_ID.length;
        while (i < f.length && f[i] != '-' && f[i] != '"') {
            i++;
        }
        return i < f.length && f[i] == '-' ? digits(f, i + 1) : -1;
    }

    private static long digits(byte[] f, int at) {
        long v = 0;
        int i = at;
        while (i < f.length) {
            int d = f[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            i++;
        }
        return i == at ? -1 : v;
    }

    static int indexOf(byte[] f, byte[] key, int from) {
        byte first = key[0];
        int last = f.length - key.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (f[i] != first) {
                continue;
            }
            for (int j = 1; j < key.length; j++) {
                if (f[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
