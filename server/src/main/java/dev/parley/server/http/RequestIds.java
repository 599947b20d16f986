package dev.parley.server.http;

import io.vertx.ext.web.RoutingContext;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every HTTP request an id, sent back as {@code X-Request-Id} and written as
 * {@code req=<id>} in the node's log lines about the request, so that a client's report, a
 * proxy's access log and the node's log can be matched up.
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    private static final String KEY = "parley.requestId";
    private static final int MAX_LENGTH = 64;

    private RequestIds() {
    }

    /** The first handler of the router: keeps a proxy's sane id, or makes one. */
    static void assign(RoutingContext ctx) {
        String given = ctx.request().getHeader(HEADER);
        String id = sane(given) ? given : fresh();
        ctx.put(KEY, id);
        // Set now rather than when answering, so that every answer carries it, errors included.
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    static String of(RoutingContext ctx) {
        String id = ctx.get(KEY);
        return id == null ? "-" : id;
    }

    /**
     * The id is echoed in a header and written into log lines, so only a short run of plain
     * characters is taken from outside: nothing that could split a header or forge a log line.
     */
    static boolean sane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 16 hex digits: unique enough to find one request in a node's logs, and cheap to make. */
    private static String fresh() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
