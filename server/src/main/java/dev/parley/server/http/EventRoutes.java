package dev.parley.server.http;

import dev.parley.core.account.Caller;
import dev.parley.core.sync.SyncCursor;
import dev.parley.core.sync.SyncReader;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.Blocking;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /v1/events} (docs/protocol.md, "Server-sent events"): the pull model's pages as a
 * stream, from now or from a {@code Last-Event-ID}; each stream is an {@link EventStream}.
 */
final class EventRoutes {
    /** Milliseconds between keep-alive comments on an event stream. */
    static final long KEEP_ALIVE_MILLIS = 15_000;

    private final PullAccess access;
    private final SyncReader reader;
    private final int pageEntries;
    /** Keep-alive periods a stream may stay undrained before it is cut off: about the HTTP idle timeout. */
    private final int stallTicks;

    EventRoutes(PullAccess access, SyncReader reader, int pageEntries, Duration idleTimeout) {
        this.access = access;
        this.reader = reader;
        this.pageEntries = pageEntries;
        this.stallTicks = (int) Math.max(2, idleTimeout.toMillis() / KEEP_ALIVE_MILLIS);
    }

    void mount(Router r) {
        r.get("/v1/events").handler(this::events);
    }

    private record Start(Caller caller, Map<Long, Long> positions) {
    }

    private void events(RoutingContext ctx) {
        if (!access.serving(ctx)) {
            return;
        }
        String last = ctx.request().getHeader("Last-Event-ID");
        Map<Long, Long> from = null;
        if (last != null && !last.isBlank()) {
            from = SyncCursor.decode(last.strip(), FrameCodec.MAX_ID);
            if (from == null) {
                access.respond.error(ctx, ErrorCode.INVALID_FIELD, "Last-Event-ID is not an event id of this stream");
                return;
            }
        }
        Map<Long, Long> resumeFrom = from;
        String token = PullAccess.bearer(ctx);
        Context context = ctx.vertx().getOrCreateContext();
        Blocking.run(context, () -> {
            Caller caller = access.reader(token);
            if (resumeFrom != null) {
                access.confirmDelivered(caller, resumeFrom);
                return new Start(caller, resumeFrom);
            }
            return new Start(caller, reader.current(caller.userId()));
        }).onComplete(ar -> {
            if (ar.failed()) {
                access.respond.fail(ctx, ar.cause());
                return;
            }
            Caller caller = ar.result().caller();
            PullAccess.Hold release = access.hold(ctx, caller);
            if (release == null) {
                return;
            }
            EventStream stream = new EventStream(ctx.vertx(), context, ctx.response(), ar.result().positions(),
                    p -> reader.page(caller.userId(), p, pageEntries), release, KEEP_ALIVE_MILLIS, stallTicks);
            ctx.response().closeHandler(v -> stream.cancel());
            JsonObject ready = new JsonObject().put("userId", caller.userId().value())
                    .put("deviceId", caller.deviceId().value());
            release.register(stream).whenComplete((ok, err) -> context.runOnContext(v -> stream.start(ready)));
        });
    }
}
