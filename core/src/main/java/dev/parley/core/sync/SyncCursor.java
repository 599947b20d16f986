package dev.parley.core.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Positions written as one short string, for places that carry a single opaque token (the id of
 * a server-sent event, which the client sends back as {@code Last-Event-ID}): each conversation
 * as {@code id.seq} in base 36, comma-separated; {@code 0} for no positions at all. Base 36 keeps
 * a 16-digit id to 11 characters, so a few hundred conversations fit in a header.
 */
public final class SyncCursor {
    /** Most conversations a cursor may name, as {@code auth} positions. */
    public static final int MAX_POSITIONS = 10_000;

    private SyncCursor() {
    }

    public static String encode(Map<Long, Long> positions) {
        if (positions.isEmpty()) {
            return "0";
        }
        StringBuilder b = new StringBuilder(positions.size() * 14);
        for (Map.Entry<Long, Long> e : positions.entrySet()) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(Long.toString(e.getKey(), 36)).append('.').append(Long.toString(e.getValue(), 36));
        }
        return b.toString();
    }

    /** The positions, or null when {@code cursor} is not one this class wrote. */
    public static Map<Long, Long> decode(String cursor, long maxId) {
        Map<Long, Long> out = new LinkedHashMap<>();
        if (cursor.equals("0")) {
            return out;
        }
        String[] pairs = cursor.split(",", -1);
        if (pairs.length > MAX_POSITIONS) {
            return null;
        }
        for (String pair : pairs) {
            int dot = pair.indexOf('.');
            if (dot <= 0 || dot == pair.length() - 1) {
                return null;
            }
            try {
                long id = Long.parseLong(pair, 0, dot, 36);
                long seq = Long.parseLong(pair, dot + 1, pair.length(), 36);
                if (id < 1 || id > maxId || seq < 0 || seq > maxId) {
                    return null;
                }
                out.put(id, seq);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }
}
