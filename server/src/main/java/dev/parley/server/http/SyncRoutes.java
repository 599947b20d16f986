package dev.parley.server.http;

import dev.parley.core.account.AccountService;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.sync.SyncPage;
import dev.parley.core.sync.SyncReader;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.Blocking;
import dev.parley.server.ServerConfig;
import dev.parley.server.metrics.NodeMetrics;
import dev.parley.server.pull.PullWaiters;
import dev.parley.server.pull.SyncWait;
import dev.parley.server.pull.WaitBudget;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /v1/sync}: the pull model (docs/protocol.md, "Pull"), and through {@link EventRoutes}
 * the same as server-sent events. The device sends the positions it holds and gets what it lacks, as a WebSocket resume would send it, in bounded pages with the
 * positions to send next; with {@code wait} the request is held until something arrives. The
 * positions it sends also confirm delivery up to them, as {@code delivered} frames would.
 */
public final class SyncRoutes {
    private final SyncReader reader;
    private final ServerConfig.Pull settings;
    private final PullAccess access;
    private final Responder respond;
    private final EventRoutes events;

    public SyncRoutes(ServerConfig config, AccountService accounts, ConversationStore conversations,
                      ReceiptService receipts, SyncReader reader, PullWaiters waiters, NodeMetrics metrics,
                      BooleanSupplier serving) {
        this.reader = reader;
        this.settings = config.pull();
        this.respond = new Responder(accounts, metrics);
        this.access = new PullAccess(accounts, conversations, receipts, waiters,
                new WaitBudget(settings.maxWaitingPerUser(), settings.maxWaitingPerAddress()),
                new ClientAddress(config.accounts().trustedProxies()), respond, serving);
        this.events = new EventRoutes(access, reader, settings.maxPageEntries(), config.timing().idleTimeout());
    }

    /** Mounts the routes on a router built by {@link ApiRoutes#router} (its guards already apply). */
    public void mount(Router r) {
        r.post("/v1/sync").handler(this::sync);
        events.mount(r);
    }

    private record Ask(Map<Long, Long> positions, long waitMillis, int limit) {
    }

    private void sync(RoutingContext ctx) {
        Ask ask;
        try {
            ask = ask(Requests.body(ctx));
        } catch (ApiException e) {
            respond.fail(ctx, e);
            return;
        }
        if (!access.serving(ctx)) {
            return;
        }
        String token = PullAccess.bearer(ctx);
        Context context = ctx.vertx().getOrCreateContext();
        Blocking.run(context, () -> {
            Caller caller = access.reader(token);
            if (ask.positions() != null) {
                access.confirmDelivered(caller, ask.positions());
            }
            return caller;
        }).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
            } else if (ask.positions() == null) {
                // No positions: where the device stands now, to pull from next time.
                Blocking.run(context, () -> reader.current(ar.result().userId())).onComplete(cur -> {
                    if (cur.failed()) {
                        respond.fail(ctx, cur.cause());
                    } else {
                        Responder.ok(ctx, 200, page(new SyncPage(List.of(), List.of(), List.of(), cur.result(), false),
                                List.of()));
                    }
                });
            } else {
                pull(ctx, context, ar.result(), ask);
            }
        });
    }

    private void pull(RoutingContext ctx, Context context, Caller caller, Ask ask) {
        if (ask.waitMillis() == 0) {
            Blocking.run(context, () -> reader.page(caller.userId(), ask.positions(), ask.limit())).onComplete(ar -> {
                if (ar.failed()) {
                    respond.fail(ctx, ar.cause());
                } else {
                    Responder.ok(ctx, 200, page(ar.result(), List.of()));
                }
            });
            return;
        }
        PullAccess.Hold release = access.hold(ctx, caller);
        if (release == null) {
            return;
        }
        SyncWait[] holder = new SyncWait[1];
        holder[0] = new SyncWait(ctx.vertx(), context, () -> reader.page(caller.userId(), ask.positions(), ask.limit()),
                (page, moved) -> {
                    release.run();
                    Responder.ok(ctx, 200, page(page, moved));
                },
                err -> {
                    release.run();
                    respond.fail(ctx, err);
                });
        ctx.response().closeHandler(v -> {
            holder[0].cancel();
            release.run();
        });
        CompletableFuture<Void> routed = release.register(holder[0]);
        // In a cluster the first read waits until other nodes route the user's events here, so
        // that an entry committed elsewhere after the read still wakes the poll.
        routed.whenComplete((ok, err) -> context.runOnContext(v -> {
            if (!holder[0].done()) {
                holder[0].start(ask.waitMillis());
            }
        }));
    }

    private Ask ask(JsonObject b) {
        Map<Long, Long> positions = null;
        Object raw = b.getValue("positions");
        if (raw != null) {
            if (!(raw instanceof JsonObject p)) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'positions' must be an object");
            }
            if (p.size() > FrameCodec.MAX_POSITIONS) {
                throw new ApiException(ErrorCode.TOO_LARGE, "at most " + FrameCodec.MAX_POSITIONS + " positions");
            }
            positions = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : p) {
                long id;
                try {
                    id = Long.parseLong(e.getKey());
                } catch (NumberFormatException nfe) {
                    id = -1;
                }
                if (id < 1 || id > FrameCodec.MAX_ID) {
                    throw new ApiException(ErrorCode.INVALID_FIELD,
                            "keys of 'positions' must be conversation ids as decimal strings");
                }
                if (!(e.getValue() instanceof Number n) || n instanceof Double || n instanceof Float || n.longValue() < 0
                        || n.longValue() > FrameCodec.MAX_ID) {
                    throw new ApiException(ErrorCode.INVALID_FIELD, "values of 'positions' must be seqs (integers from 0)");
                }
                positions.put(id, n.longValue());
            }
        }
        long wait = Requests.optInteger(b, "wait", 0, Integer.MAX_VALUE, 0);
        long limit = Requests.optInteger(b, "limit", 1, Integer.MAX_VALUE, settings.maxPageEntries());
        return new Ask(positions, Math.min(TimeUnit.SECONDS.toMillis(wait), settings.maxWait().toMillis()),
                (int) Math.min(limit, settings.maxPageEntries()));
    }

    static JsonObject page(SyncPage page, List<ChatEvent.ReceiptMoved> moved) {
        JsonArray entries = new JsonArray();
        page.entries().forEach(m -> entries.add(Views.message(m)));
        JsonArray receiptList = new JsonArray();
        Set<String> seen = new HashSet<>();
        for (SyncPage.Receipt r : page.receipts()) {
            seen.add(r.conversationId() + ":" + r.member().userId().value());
            receiptList.add(receipt(r.conversationId(), r.member().userId().value(), r.member().deliveredSeq(),
                    r.member().readSeq()));
        }
        for (ChatEvent.ReceiptMoved r : moved) {
            // The page's positions were read after the event: they are at least as new.
            if (seen.add(r.conversationId().value() + ":" + r.userId().value())) {
                receiptList.add(receipt(r.conversationId().value(), r.userId().value(), r.deliveredSeq(), r.readSeq()));
            }
        }
        JsonArray resync = new JsonArray();
        page.resyncs().forEach(r -> resync.add(new JsonObject().put("conversationId", r.conversationId())
                .put("latestSeq", r.latestSeq())));
        JsonObject positions = new JsonObject();
        page.positions().forEach((c, s) -> positions.put(Long.toString(c), s));
        return new JsonObject().put("entries", entries).put("receipts", receiptList).put("resync", resync)
                .put("positions", positions).put("more", page.more());
    }

    private static JsonObject receipt(long conversationId, long userId, long delivered, long read) {
        return new JsonObject().put("conversationId", conversationId).put("userId", userId).put("delivered", delivered)
                .put("read", read);
    }
}
