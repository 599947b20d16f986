package dev.parley.server.ws;

import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;
import dev.parley.server.ErrorMapping;
import io.vertx.core.Context;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What an authenticated device's frames do: each becomes one call of the chat domain
 * ({@link ChatServices}), answered on the socket. Sends and message actions take one token of the
 * device's send allowance and are answered with {@code sent}; receipts and typing with {@code ok}
 * when they carry a rid; {@code watch} with the watched users' presence.
 *
 * <p>Threading: called on the connection's event loop; domain calls complete on other threads
 * (the writer, virtual threads) and their answers are written back on the loop.
 */
final class DeviceRequests {
    private final ChatConnection connection;
    private final Caller caller;
    private final ChatServices chat;
    private final LocalSockets local;
    private final SocketServices services;
    private final OrderedDelivery delivery;
    private final FrameIntake intake;
    private final Context context;

    DeviceRequests(ChatConnection connection, Caller caller, SocketServices services, OrderedDelivery delivery,
                   FrameIntake intake, Context context) {
        this.connection = connection;
        this.caller = caller;
        this.services = services;
        this.chat = services.chat();
        this.local = services.local();
        this.delivery = delivery;
        this.intake = intake;
        this.context = context;
    }

    void handle(ClientFrame frame) {
        long conversationId = FrameIntake.conversationOf(frame);
        if (conversationId != 0 && !caller.may(Scope.SEND)) {
            // Sends, receipts and typing: what an API token needs the send scope for.
            connection.sendError(ErrorCode.FORBIDDEN, "this API token lacks the 'send' scope", frame.type(), frame.rid(),
                    FrameIntake.clientIdOf(frame), conversationId, 0);
            return;
        }
        switch (frame) {
            case ClientFrame.Send s -> appendEntry(s.type(), s.rid(), s.clientId(), s.conversationId(), () -> chat.messages()
                    .send(caller, new ConversationId(s.conversationId()), s.clientId(), s.body(), s.replyTo(),
                            mentions(s), s.attachments()));
            case ClientFrame.React r -> appendEntry(r.type(), r.rid(), r.clientId(), r.conversationId(), () -> chat.messages()
                    .react(caller, new ConversationId(r.conversationId()), r.clientId(), r.targetSeq(), r.emoji(),
                            !r.remove()).thenApply(DeviceRequests::orNull));
            case ClientFrame.Edit e -> appendEntry(e.type(), e.rid(), e.clientId(), e.conversationId(), () -> chat.messages()
                    .edit(caller, new ConversationId(e.conversationId()), e.clientId(), e.targetSeq(), e.body()));
            case ClientFrame.Delete d -> appendEntry(d.type(), d.rid(), d.clientId(), d.conversationId(), () -> chat.messages()
                    .delete(caller, new ConversationId(d.conversationId()), d.clientId(), d.targetSeq())
                    .thenApply(DeviceRequests::orNull));
            case ClientFrame.Delivered d -> answer(d, chat.receipts().delivered(caller,
                    new ConversationId(d.conversationId()), d.seq()), d.conversationId());
            case ClientFrame.Read r -> answer(r, chat.receipts().read(caller,
                    new ConversationId(r.conversationId()), r.seq()), r.conversationId());
            case ClientFrame.Typing t -> {
                if (intake.admitTyping()) {
                    answer(t, chat.typing().typing(caller, new ConversationId(t.conversationId()), t.typing()),
                            t.conversationId());
                }
            }
            case ClientFrame.Watch w -> watch(w);
            case ClientFrame.Auth a -> connection.sendError(ErrorCode.ALREADY_AUTHENTICATED,
                    "this connection is already authenticated", a.type(), a.rid(), null, 0, 0);
            case ClientFrame.Ping p -> connection.send(new ServerFrame.Pong(p.rid()));
        }
    }

    /** The send's mentions as the domain's; most sends have none (no stream built for those). */
    private static List<Mention> mentions(ClientFrame.Send s) {
        if (s.mentions().isEmpty()) {
            return List.of();
        }
        return s.mentions().stream().map(m -> new Mention(new UserId(m.userId()), m.offset(), m.length())).toList();
    }

    /** An action's entry, or null when it changed nothing and stored nothing. */
    private static Message orNull(Optional<Message> entry) {
        return entry.orElse(null);
    }

    /**
     * Appends an entry of this device's (a message or an action) under the send allowance and
     * answers {@code sent}: with the entry's seq, or 0 when the action changed nothing and stored
     * nothing ({@code append} completes with null). A message's future is taken as it is, with no
     * stage of its own to wrap it (a send's future and an Optional each, issue 19).
     */
    private void appendEntry(String type, String rid, String clientId, long conversationId,
                             Supplier<CompletableFuture<Message>> append) {
        if (connection.draining()) {
            connection.sendError(ErrorCode.UNAVAILABLE, "the node is shutting down; reconnect and retry", type, rid,
                    clientId, conversationId, 0);
            return;
        }
        long wait = local.sendAllowances().take(caller.deviceId(), System.nanoTime());
        if (wait > 0) {
            connection.sendError(ErrorCode.RATE_LIMITED, "send rate limit reached", type, rid, clientId,
                    conversationId, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            return;
        }
        delivery.sending(clientId);
        long receivedNanos = System.nanoTime();
        local.activity().sendStarted();
        append.get().whenComplete((stored, err) -> context.runOnContext(v -> {
            delivery.answered(clientId);
            if (err != null) {
                ErrorMapping.Refusal r = ErrorMapping.of(err, "conn=" + connection.id());
                connection.sendError(r.code(), r.message(), type, rid, clientId, conversationId, 0);
            } else if (stored != null) {
                Message m = stored;
                services.metrics().messageStored(receivedNanos);
                delivery.ownEntryStored(conversationId, m.seq());
                connection.send(new ServerFrame.Sent(rid, clientId, conversationId, m.seq(), m.createdAt()));
            } else {
                connection.send(new ServerFrame.Sent(rid, clientId, conversationId, 0, System.currentTimeMillis()));
            }
            // Counted down only once the answer is written, so a draining node that sees
            // zero knows every confirmation is ahead of its close frame.
            local.activity().sendFinished();
        }));
    }

    /** Answers a receipt or typing frame once the domain took it: ok when it has a rid, else the refusal. */
    private void answer(ClientFrame f, CompletableFuture<?> result, long conversationId) {
        result.whenComplete((r, err) -> context.runOnContext(v -> {
            if (err != null) {
                ErrorMapping.Refusal refusal = ErrorMapping.of(err, "conn=" + connection.id());
                connection.sendError(refusal.code(), refusal.message(), f.type(), f.rid(), null, conversationId, 0);
            } else if (f.rid() != null) {
                connection.send(new ServerFrame.Ok(f.rid(), f.type()));
            }
        }));
    }

    /** Watches the users asked for that the core's watch scope allows, and tells their presence now. */
    private void watch(ClientFrame.Watch w) {
        Set<UserId> wanted = new HashSet<>();
        for (long id : w.userIds()) {
            wanted.add(new UserId(id));
        }
        UserId me = caller.userId();
        Blocking.run(context, () -> chat.presence().presenceOf(local.watchers().allowed(me, wanted))).onComplete(ar -> {
            if (connection.isClosed()) {
                return;
            }
            if (ar.failed()) {
                ErrorMapping.Refusal r = ErrorMapping.of(ar.cause(), "conn=" + connection.id());
                connection.sendError(r.code(), r.message(), w.type(), w.rid(), null, 0, 0);
                return;
            }
            connection.watchRequested(Set.copyOf(wanted));
            local.watchers().watch(connection, Set.copyOf(ar.result().keySet()));
            ar.result().forEach((u, p) -> connection.send(new ServerFrame.Presence(u.value(), p.online(), p.lastSeen())));
            if (w.rid() != null) {
                connection.send(new ServerFrame.Ok(w.rid(), w.type()));
            }
        });
    }
}
