package dev.parley.server.http;

import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.message.Message;
import dev.parley.core.sync.SyncCursor;
import dev.parley.core.sync.SyncPage;
import dev.parley.server.Blocking;
import dev.parley.server.pull.MovedReceipts;
import dev.parley.server.pull.PullWaiters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One {@code GET /v1/events} stream: the pull model's pages written as server-sent events, one
 * after another for as long as the client stays. Each entry and resync event carries as its id
 * the positions just after it ({@link SyncCursor}), so a client reconnecting with
 * {@code Last-Event-ID} continues after the last event it received: nothing missing, nothing
 * twice. Like a long poll it waits without a thread (registered for its user's events, read
 * again when woken), and it reads the next page only once the previous one has left for the
 * client; a client that takes nothing for {@code stallTicks} keep-alive periods is cut off.
 *
 * <p>State is touched on the request's event loop only; {@link #event} and {@link #end} hop onto it.
 */
final class EventStream implements PullWaiters.Waiter {
    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final Function<Map<Long, Long>, SyncPage> read;
    private final Runnable onClose;
    private final long keepAliveMillis;
    private final int stallTicks;
    private final MovedReceipts moved = new MovedReceipts();
    private Map<Long, Long> positions;
    private long keepAlive = -1;
    private int stalled;
    private boolean reading;
    private boolean again;
    private boolean closed;
    /** Whether the head and the ready event are written: nothing may be read or written before. */
    private boolean started;

    EventStream(Vertx vertx, Context context, HttpServerResponse response, Map<Long, Long> positions,
                Function<Map<Long, Long>, SyncPage> read, Runnable onClose, long keepAliveMillis, int stallTicks) {
        this.vertx = vertx;
        this.context = context;
        this.response = response;
        this.positions = new LinkedHashMap<>(positions);
        this.read = read;
        this.onClose = onClose;
        this.keepAliveMillis = keepAliveMillis;
        this.stallTicks = stallTicks;
    }

    /** On the request's loop: the head and a {@code ready} event, then the first page. */
    void start(JsonObject ready) {
        if (closed) {
            return;
        }
        response.setChunked(true).setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                // Proxies such as nginx would otherwise buffer the stream.
                .putHeader("X-Accel-Buffering", "no");
        response.drainHandler(v -> {
            stalled = 0;
            if (again) {
                again = false;
                readNow();
            }
        });
        write("retry: 2000\nid: " + SyncCursor.encode(positions) + "\nevent: ready\ndata: " + ready.encode() + "\n\n");
        started = true;
        keepAlive = vertx.setPeriodic(keepAliveMillis, t -> tick());
        readNow();
    }

    @Override
    public void event(ChatEvent event) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            if (event instanceof ChatEvent.ReceiptMoved r) {
                moved.add(r);
            }
            readNow();
        });
    }

    @Override
    public void end() {
        context.runOnContext(v -> {
            if (!closed) {
                close();
                response.end();
            }
        });
    }

    /** The client went away. */
    void cancel() {
        close();
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            if (++stalled >= stallTicks) {
                close();
                response.reset();
            }
            return;
        }
        stalled = 0;
        // A comment line: keeps proxies from closing an idle stream, and finds a vanished client.
        write(": keep-alive\n\n");
        // And a read: events between nodes are at most once (a Redis restart loses those published
        // meanwhile), and a stream, unlike a long poll, never ends by itself to read again. Without
        // this a stream whose wake-up was lost would wait for its user's next event, if any came.
        readNow();
    }

    private void readNow() {
        if (closed) {
            return;
        }
        // An event can come between the registration and the start (in a cluster the start waits
        // for the route): a page written then would go out before the head and be lost, while
        // the positions moved on. The start reads anyway.
        if (!started || reading || response.writeQueueFull()) {
            again = true;
            return;
        }
        reading = true;
        Map<Long, Long> from = new LinkedHashMap<>(positions);
        Blocking.run(context, () -> read.apply(from)).onComplete(ar -> {
            reading = false;
            if (closed) {
                return;
            }
            if (ar.failed()) {
                close();
                response.reset();
                return;
            }
            SyncPage page = ar.result();
            writePage(page);
            if (page.more() || again) {
                again = false;
                readNow();
            }
        });
    }

    private void writePage(SyncPage page) {
        StringBuilder out = new StringBuilder();
        for (Message m : page.entries()) {
            positions.put(m.conversationId().value(), m.seq());
            out.append("id: ").append(SyncCursor.encode(positions)).append("\nevent: message\ndata: ")
                    .append(Views.message(m).encode()).append("\n\n");
        }
        for (SyncPage.Resync r : page.resyncs()) {
            positions.put(r.conversationId(), r.latestSeq());
            out.append("id: ").append(SyncCursor.encode(positions)).append("\nevent: resync\ndata: ")
                    .append(new JsonObject().put("conversationId", r.conversationId()).put("latestSeq", r.latestSeq())
                            .encode()).append("\n\n");
        }
        // Receipts carry no id: a client resuming gets current ones with the entries it lacks.
        JsonObject asPage = SyncRoutes.page(new SyncPage(java.util.List.of(), page.receipts(), java.util.List.of(),
                Map.of(), false), moved.list());
        moved.clear();
        asPage.getJsonArray("receipts").forEach(r -> out.append("event: receipt\ndata: ")
                .append(((JsonObject) r).encode()).append("\n\n"));
        // Conversations the user gained or lost since the cursor: the next page starts from these.
        positions = new LinkedHashMap<>(page.positions());
        if (!out.isEmpty()) {
            write(out.toString());
        }
    }

    private void write(String chunk) {
        if (!closed) {
            response.write(chunk);
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (keepAlive >= 0) {
            vertx.cancelTimer(keepAlive);
        }
        onClose.run();
    }
}
