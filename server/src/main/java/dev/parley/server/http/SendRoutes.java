package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.AccountService;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.limit.KeyedAllowance;
import dev.parley.core.limit.Rate;
import dev.parley.core.account.UserId;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageService;
import dev.parley.core.receipt.ReceiptService;
import dev.parley.core.typing.TypingTracker;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.metrics.NodeMetrics;
import dev.parley.server.ws.SendAllowances;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What a WebSocket client sends, for clients without one (docs/protocol.md, "Sending over REST"):
 * a message under a client id (exactly once, as {@code send}), delivered and read positions, and
 * typing. The same domain calls, limits and error codes as the frames; the send allowance is the
 * device's one, shared with its sockets.
 */
public final class SendRoutes {
    private final MessageService messages;
    private final ReceiptService receipts;
    private final TypingTracker typing;
    private final SendAllowances sendAllowances;
    private final NodeMetrics metrics;
    private final BooleanSupplier serving;
    private final Responder respond;
    /** Typing over REST, per device: as over a socket, 2 a second; the rest are dropped. */
    private final KeyedAllowance typingAllowance = new KeyedAllowance(new Rate(2, Duration.ofSeconds(1)), 100_000,
            java.time.Clock.systemUTC());

    public SendRoutes(AccountService accounts, MessageService messages, ReceiptService receipts, TypingTracker typing,
                      SendAllowances sendAllowances, NodeMetrics metrics, BooleanSupplier serving) {
        this.messages = messages;
        this.receipts = receipts;
        this.typing = typing;
        this.sendAllowances = sendAllowances;
        this.metrics = metrics;
        this.serving = serving;
        this.respond = new Responder(accounts, metrics);
    }

    public void mount(Router r) {
        r.post("/v1/conversations/:conversationId/messages").handler(this::send);
        // The message actions, as the react, edit and delete frames (docs/protocol.md, "Message actions").
        r.post("/v1/conversations/:conversationId/messages/:seq/react").handler(ctx -> action(ctx, (caller, id, clientId, b) -> {
            Object remove = b.getValue("remove");
            if (remove != null && !(remove instanceof Boolean)) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'remove' must be true or false");
            }
            return messages.react(caller, id, clientId, targetSeq(ctx), Requests.string(b, "emoji"),
                    !Boolean.TRUE.equals(remove));
        }));
        r.post("/v1/conversations/:conversationId/messages/:seq/edit").handler(ctx -> action(ctx, (caller, id, clientId, b) ->
                messages.edit(caller, id, clientId, targetSeq(ctx), Requests.string(b, "body"))
                        .thenApply(java.util.Optional::of)));
        r.post("/v1/conversations/:conversationId/messages/:seq/delete").handler(ctx -> action(ctx, (caller, id, clientId, b) ->
                messages.delete(caller, id, clientId, targetSeq(ctx))));
        r.post("/v1/conversations/:conversationId/delivered").handler(ctx -> respond.authed(ctx, 204, caller -> {
            receipts.delivered(caller, conversation(ctx), seq(ctx)).get(30, TimeUnit.SECONDS);
            return null;
        }));
        r.post("/v1/conversations/:conversationId/read").handler(ctx -> respond.authed(ctx, 204, caller -> {
            receipts.read(caller, conversation(ctx), seq(ctx)).get(30, TimeUnit.SECONDS);
            return null;
        }));
        r.post("/v1/conversations/:conversationId/typing").handler(ctx -> respond.authed(ctx, 204, caller -> {
            Object t = Requests.body(ctx).getValue("typing");
            if (!(t instanceof Boolean b)) {
                throw new ApiException(t == null ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD,
                        "field 'typing' must be true or false");
            }
            ConversationId id = conversation(ctx);
            if (typingAllowance.tryTake(Long.toString(caller.deviceId().value())).isZero()) {
                typing.typing(caller, id, b).get(30, TimeUnit.SECONDS);
            }
            return null;
        }));
    }

    private static ConversationId conversation(RoutingContext ctx) {
        return new ConversationId(Requests.pathId(ctx, "conversationId"));
    }

    private static long seq(RoutingContext ctx) {
        JsonObject b = Requests.body(ctx);
        if (b.getValue("seq") == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "missing field 'seq'");
        }
        return Requests.optInteger(b, "seq", 0, FrameCodec.MAX_ID, 0);
    }

    private void send(RoutingContext ctx) {
        exactlyOnce(ctx, (caller, b, clientId) -> {
            String body = Requests.string(b, "body");
            long replyTo = Requests.optInteger(b, "replyTo", 1, FrameCodec.MAX_ID, 0);
            List<Mention> mentions = mentions(b);
            List<Long> attachments = attachments(b);
            ConversationId id = conversation(ctx);
            throttle(caller);
            long receivedNanos = System.nanoTime();
            Message m = join(messages.send(caller, id, clientId, body, replyTo, mentions, attachments));
            metrics.messageStored(receivedNanos);
            return new JsonObject().put("clientId", clientId).put("conversationId", id.value()).put("seq", m.seq())
                    .put("ts", m.createdAt());
        });
    }

    /** What an appending route does with the caller, the request body and the entry's client id. */
    private interface Append {
        JsonObject run(Caller caller, JsonObject body, String clientId) throws Exception;
    }

    /**
     * An appending route: refused while the node is not serving (the client retries with the same
     * id), otherwise {@code append} runs under the client id the body or Idempotency-Key gives.
     */
    private void exactlyOnce(RoutingContext ctx, Append append) {
        if (!serving.getAsBoolean()) {
            respond.error(ctx, ErrorCode.UNAVAILABLE, "the node is not serving; retry with the same clientId");
            return;
        }
        String key = ctx.request().getHeader("Idempotency-Key");
        respond.authed(ctx, 201, caller -> {
            JsonObject b = Requests.body(ctx);
            return append.run(caller, b, clientId(Requests.optString(b, "clientId"), key));
        });
    }

    /** One message action of the caller's: the domain call that appends it, or stores nothing. */
    private interface Action {
        java.util.concurrent.CompletableFuture<java.util.Optional<Message>> append(Caller caller, ConversationId id,
                                                                                 String clientId, JsonObject body);
    }

    /**
     * A message action over REST: exactly once under its client id (or Idempotency-Key), under the
     * device's send allowance, answered as {@code sent} is: the entry's seq, or 0 when the action
     * changed nothing and stored nothing.
     */
    private void action(RoutingContext ctx, Action action) {
        exactlyOnce(ctx, (caller, b, clientId) -> {
            ConversationId id = conversation(ctx);
            throttle(caller);
            java.util.Optional<Message> stored = join(action.append(caller, id, clientId, b));
            return new JsonObject().put("clientId", clientId).put("conversationId", id.value())
                    .put("seq", stored.map(Message::seq).orElse(0L))
                    .put("ts", stored.map(Message::createdAt).orElse(System.currentTimeMillis()));
        });
    }

    private static long targetSeq(RoutingContext ctx) {
        return Requests.pathId(ctx, "seq");
    }

    /** {@code attachments} as the {@code send} frame has it: ids of the caller's uploads. */
    private static List<Long> attachments(JsonObject b) {
        return boundedArray(b, "attachments", "an array of ids", FrameCodec.MAX_ATTACHMENTS,
                o -> Requests.idValue(o, "attachments"));
    }

    /** {@code mentions} as the {@code send} frame has it: at most 50 of {userId, offset, length}. */
    private static List<Mention> mentions(JsonObject b) {
        return boundedArray(b, "mentions", "an array", FrameCodec.MAX_MENTIONS, o -> {
            if (!(o instanceof JsonObject m)) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'mentions' must hold objects");
            }
            Mention mention = new Mention(new UserId(Requests.idValue(m.getValue("userId"), "mentions.userId")),
                    (int) Requests.optInteger(m, "offset", 0, Integer.MAX_VALUE, -1),
                    (int) Requests.optInteger(m, "length", 1, Integer.MAX_VALUE, -1));
            if (mention.offset() < 0 || mention.length() < 0) {
                throw new ApiException(ErrorCode.MISSING_FIELD, "each mention needs 'userId', 'offset' and 'length'");
            }
            return mention;
        });
    }

    /**
     * An optional array field of at most {@code max} elements, each read by {@code element}:
     * empty when absent, {@code invalid_field} when not an array, {@code too_large} past the limit.
     */
    private static <T> List<T> boundedArray(JsonObject b, String field, String what, int max,
                                            java.util.function.Function<Object, T> element) {
        Object raw = b.getValue(field);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof JsonArray arr)) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be " + what);
        }
        if (arr.size() > max) {
            throw new ApiException(ErrorCode.TOO_LARGE, "at most " + max + " " + field);
        }
        List<T> out = new ArrayList<>();
        for (Object o : arr) {
            out.add(element.apply(o));
        }
        return out;
    }

    /** The device's send allowance, the same one its WebSockets draw from. */
    private void throttle(Caller caller) {
        long wait = sendAllowances.take(caller.deviceId(), System.nanoTime());
        if (wait > 0) {
            throw new ChatException(ChatException.Refusal.RATE_LIMITED, "send rate limit reached",
                    Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), wait)));
        }
    }

    /** The body's {@code clientId} or the {@code Idempotency-Key} header (the same value when both are given). */
    static String clientId(String fromBody, String fromHeader) {
        if (fromBody != null && fromHeader != null && !fromBody.equals(fromHeader)) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "'clientId' and the Idempotency-Key header differ");
        }
        String id = fromBody != null ? fromBody : fromHeader;
        if (id == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "give 'clientId' or an Idempotency-Key header");
        }
        if (id.isEmpty() || id.length() > FrameCodec.MAX_CLIENT_ID_CHARS) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "clientId must be 1 to " + FrameCodec.MAX_CLIENT_ID_CHARS
                    + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "clientId must be printable ASCII without spaces");
            }
        }
        return id;
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
