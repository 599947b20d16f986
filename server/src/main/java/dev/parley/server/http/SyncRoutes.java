package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.AccountService;
import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.sync.SyncCursor;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /v1/sync} and {@code GET /v1/events}: the pull model (docs/protocol.md, "Pull"). The device sends the positions
 * it holds and gets what it lacks, as a WebSocket resume would send it, in bounded pages with the
 * positions to send next; with {@code wait} the request is held until something arrives. The
 * positions it sends also confirm delivery up to them, as {@code delivered} frames would.
 */
public final class SyncRoutes {
    private final AccountService accounts;
    private final ConversationStore conversations;
    private final ReceiptService receipts;
    private final SyncReader reader;
    private final PullWaiters waiters;
    private final WaitBudget budget;
    private final ServerConfig.Pull settings;
    private final BooleanSupplier serving;
    private final Responder respond;
    private final ClientAddress clients;
    private final long idleMillis;

    public SyncRoutes(ServerConfig config, AccountService accounts, ConversationStore conversations,
                      ReceiptService receipts, SyncReader reader, PullWaiters waiters, NodeMetrics metrics,
                      BooleanSupplier serving) {
        this.accounts = accounts;
        this.conversations = conversations;
        this.receipts = receipts;
        this.reader = reader;
        this.waiters = waiters;
        this.settings = config.pull();
        this.budget = new WaitBudget(settings.maxWaitingPerUser(), settings.maxWaitingPerAddress());
        this.serving = serving;
        this.respond = new Responder(accounts, metrics);
        this.clients = new ClientAddress(config.accounts().trustedProxies());
        this.idleMillis = config.timing().idleTimeout().toMillis();
    }

    /** Mounts the routes on a router built by {@link ApiRoutes#router} (its guards already apply). */
    public void mount(Router r) {
        r.post("/v1/sync").handler(this::sync);
        r.get("/v1/events").handler(this::events);
    }

    /** Milliseconds between keep-alive comments on an event stream. */
    static final long KEEP_ALIVE_MILLIS = 15_000;

    private static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private record Start(Caller caller, Map<Long, Long> positions) {
    }

    private void events(RoutingContext ctx) {
        if (!serving.getAsBoolean()) {
            respond.error(ctx, ErrorCode.UNAVAILABLE, "this node is not serving; retry, or ask another node");
            return;
        }
        String last = ctx.request().getHeader("Last-Event-ID");
        Map<Long, Long> from = null;
        if (last != null && !last.isBlank()) {
            from = SyncCursor.decode(last.strip(), FrameCodec.MAX_ID);
            if (from == null) {
                respond.error(ctx, ErrorCode.INVALID_FIELD, "Last-Event-ID is not an event id of this stream");
                return;
            }
        }
        Map<Long, Long> resumeFrom = from;
        String token = bearer(ctx);
        Context context = ctx.vertx().getOrCreateContext();
        Blocking.run(context, () -> {
            if (token == null) {
                throw new ChatException(ChatException.Refusal.UNAUTHENTICATED, "missing bearer token");
            }
            Caller caller = accounts.authenticate(token);
            caller.require(Scope.READ);
            if (resumeFrom != null) {
                confirmDelivered(caller, resumeFrom);
                return new Start(caller, resumeFrom);
            }
            return new Start(caller, reader.current(caller.userId()));
        }).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
                return;
            }
            Caller caller = ar.result().caller();
            Hold release = hold(ctx, caller);
            if (release == null) {
                return;
            }
            EventStream[] holder = new EventStream[1];
            long idle = Math.max(2, idleMillis / KEEP_ALIVE_MILLIS);
            holder[0] = new EventStream(ctx.vertx(), context, ctx.response(), ar.result().positions(),
                    p -> reader.page(caller.userId(), p, settings.maxPageEntries()), release, KEEP_ALIVE_MILLIS,
                    (int) idle);
            ctx.response().closeHandler(v -> holder[0].cancel());
            JsonObject ready = new JsonObject().put("userId", caller.userId().value())
                    .put("deviceId", caller.deviceId().value());
            release.waiter = holder[0];
            waiters.add(caller.userId(), holder[0]).whenComplete((ok, err) -> context.runOnContext(v ->
                    holder[0].start(ready)));
        });
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
        if (!serving.getAsBoolean()) {
            respond.error(ctx, ErrorCode.UNAVAILABLE, "this node is not serving; retry, or ask another node");
            return;
        }
        String token = bearer(ctx);
        Context context = ctx.vertx().getOrCreateContext();
        Blocking.run(context, () -> {
            if (token == null) {
                throw new ChatException(ChatException.Refusal.UNAUTHENTICATED, "missing bearer token");
            }
            Caller caller = accounts.authenticate(token);
            caller.require(Scope.READ);
            if (ask.positions() != null) {
                confirmDelivered(caller, ask.positions());
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
        Hold release = hold(ctx, caller);
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
        release.waiter = holder[0];
        CompletableFuture<Void> routed = waiters.add(caller.userId(), holder[0]);
        // In a cluster the first read waits until other nodes route the user's events here, so
        // that an entry committed elsewhere after the read still wakes the poll.
        routed.whenComplete((ok, err) -> context.runOnContext(v -> {
            if (!holder[0].done()) {
                holder[0].start(ask.waitMillis());
            }
        }));
    }

    /**
     * One waiting request's share of the budget and its registration; released once, whichever
     * comes first: its answer, its failure, or its client going away.
     */
    private final class Hold implements Runnable {
        private final Caller caller;
        private final String address;
        PullWaiters.Waiter waiter;
        private boolean released;

        Hold(Caller caller, String address) {
            this.caller = caller;
            this.address = address;
        }

        @Override
        public void run() {
            if (!released) {
                released = true;
                if (waiter != null) {
                    waiters.remove(caller.userId(), waiter);
                }
                budget.release(caller.userId(), address);
            }
        }
    }

    /** Takes a wait from the budget, or answers {@code rate_limited} and returns null. */
    private Hold hold(RoutingContext ctx, Caller caller) {
        String address = clients.of(ctx);
        if (!budget.tryTake(caller.userId(), address)) {
            respond.error(ctx, ErrorCode.RATE_LIMITED, "too many waiting syncs and event streams for this user or from"
                    + " this address; wait for one to end", Duration.ofSeconds(1));
            return null;
        }
        return new Hold(caller, address);
    }

    /** The positions a device sends are what it holds: its user's delivered positions move up to them. */
    private void confirmDelivered(Caller caller, Map<Long, Long> positions) {
        List<CompletableFuture<?>> moves = new ArrayList<>();
        for (Map.Entry<ConversationId, Long> mine : conversations.deliveredPositions(caller.userId()).entrySet()) {
            Long held = positions.get(mine.getKey().value());
            if (held != null && held > mine.getValue()) {
                moves.add(receipts.delivered(caller, mine.getKey(), held));
            }
        }
        if (moves.isEmpty()) {
            return;
        }
        try {
            // Awaited so that this device's own receipt is published before its poll waits (it
            // would wake it for nothing). A failure (removed meanwhile) changes nothing for the page.
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
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
