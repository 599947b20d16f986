package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Receipts and watch requests sent with a request id, waiting for the node's {@code ok}. Like
 * sends they survive reconnects: each goes out again on the next connection until answered.
 * Confined to the SDK thread.
 */
final class PendingRequests {

    /** One request: its frame (built with its rid) and whoever waits for the answer. */
    static final class Request extends AwaitingAnswer {
        final String rid;
        ClientFrame frame;
        final List<CompletableFuture<Void>> waiters = new ArrayList<>(1);

        Request(String rid, ClientFrame frame) {
            this.rid = rid;
            this.frame = frame;
        }
    }

    private final LinkedHashMap<String, Request> byRid = new LinkedHashMap<>();
    private long nextRid;

    /** Adds a request whose frame {@code build} makes from a fresh rid. */
    Request add(Function<String, ClientFrame> build) {
        String rid = "q" + (++nextRid);
        Request r = new Request(rid, build.apply(rid));
        byRid.put(rid, r);
        return r;
    }

    Request get(String rid) {
        return rid == null ? null : byRid.get(rid);
    }

    Request remove(String rid) {
        return rid == null ? null : byRid.remove(rid);
    }

    /** The requests to write on {@code socket} now, marked as written. */
    List<Request> due(ChatSocket socket, long nowNanos) {
        List<Request> out = new ArrayList<>();
        for (Request r : byRid.values()) {
            if (r.dueOn(socket, nowNanos)) {
                r.markWritten(socket, nowNanos);
                out.add(r);
            }
        }
        return out;
    }

    /** Requests unanswered for longer than {@code timeoutNanos} are written again; true if any. */
    boolean expire(long nowNanos, long timeoutNanos) {
        return AwaitingAnswer.expire(byRid.values(), nowNanos, timeoutNanos);
    }

    Collection<Request> drain() {
        List<Request> all = new ArrayList<>(byRid.values());
        byRid.clear();
        return all;
    }
}
