package dev.parley.server.ws;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.limit.TokenBucket;
import dev.parley.core.message.Message;
import dev.parley.core.presence.Presence;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;
import dev.parley.server.ErrorMapping;
import dev.parley.server.OutOfMemoryExit;
import dev.parley.server.ServerConfig;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device's WebSocket: authentication, inbound frames, and the ordered stream of history
 * entries and signals going out.
 *
 * <p>Threading: every method except {@link #post}, {@link #postTask}, {@link #closeFromAnyThread}
 * and {@link #isClosed} runs on the connection's event loop, so its state needs no locks.
 * Blocking work (token check, store reads, a catch-up) runs on virtual threads and comes back to
 * the loop; a catch-up asks {@link #isClosed} from its virtual thread between chunks, which is why
 * {@code state} (written on the loop only) is volatile, as are the few fields read by other threads.
 *
 * <p>Ordering: for each conversation the connection keeps a {@link ConversationCursor}; an entry
 * is written only when it is the next seq. An entry that arrives ahead of a gap is held while the
 * gap is read from the store, so the device sees every seq once, in order, whatever the routing
 * did. Entries this device sent itself are not echoed back: its {@code sent} confirms them.
 */
public final class ChatConnection {
    private static final Logger log = LoggerFactory.getLogger(ChatConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Live entries buffered during a catch-up before the buffer is dropped and re-read from the store. */
    private static final int MAX_PENDING_LIVE = 20_000;
    static final int CATCH_UP_CHUNK = 500;
    /** Typing frames forwarded per second per connection; the rest are dropped. */
    static final int TYPING_PER_SECOND = 2;
    /** Refused frames in a row after which the connection is closed (4010). */
    static final int MAX_CONSECUTIVE_VIOLATIONS = 100;

    enum State { AWAITING_AUTH, AUTHENTICATING, SYNCING, LIVE, CLOSED }

    private final long id = IDS.incrementAndGet();
    private final ServerWebSocket ws;
    private final Context context;
    private final SocketServices services;
    private final ServerConfig.Limits limits;
    private final LoopMailbox mailbox;
    private final TokenBucket frameAllowance;
    private final TokenBucket typingAllowance;

    private volatile State state = State.AWAITING_AUTH;
    private volatile Caller caller;
    private volatile long lastHeardNanos;
    private volatile long outboundQueuedBytes;
    private boolean draining;
    private int violations;
    /** Whether this connection resumes from positions (else it only gets live entries from now on). */
    private boolean resuming;
    private long authTimer;
    private SocketPipeline pipeline;
    private Buffer partial;
    private boolean partialBinary;
    private HashMap<Long, ConversationCursor> cursors;
    private ArrayList<Outbound> pendingLive;
    private boolean pendingOverflow;
    private HashSet<String> inflight;
    private Set<UserId> watching = Set.of();
    /** What the last {@code watch} asked for; {@link #watching} is the part of it allowed. */
    private volatile Set<UserId> watchRequested = Set.of();

    ChatConnection(ServerWebSocket ws, Context context, SocketServices services) {
        this.ws = ws;
        this.context = context;
        this.services = services;
        this.limits = services.config().limits();
        this.mailbox = services.connections().mailbox(context);
        this.frameAllowance = new TokenBucket(limits.framesPerSecond(), limits.frameBurst(), System.nanoTime());
        this.typingAllowance = new TokenBucket(TYPING_PER_SECOND, TYPING_PER_SECOND, System.nanoTime());
        this.lastHeardNanos = System.nanoTime();
    }

    public long id() {
        return id;
    }

    public Caller caller() {
        return caller;
    }

    void start() {
        if (ws.isClosed()) {
            // The client left during the upgrade: Vert.x refuses handlers on a closed socket.
            return;
        }
        services.connections().socketOpened();
        ws.setWriteQueueMaxSize(limits.outboundQueueBytes());
        pipeline = SocketPipeline.guard(ws, this, limits.preAuthBytes());
        ws.frameHandler(this::onFrame);
        ws.pongHandler(b -> heard());
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(t -> {
            if (t instanceof CorruptedWebSocketFrameException) {
                // Netty is told not to close on protocol violations; say why before closing.
                close(CloseCode.FRAME_TOO_LARGE);
            } else {
                OutOfMemoryExit.haltIfOutOfMemory(t);
                log.debug("connection error conn={} {}", id, t.toString());
            }
        });
        authTimer = services.vertx().setTimer(services.config().timing().authTimeout().toMillis(), t -> {
            if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
                close(CloseCode.AUTH_TIMEOUT);
            }
        });
    }

    private void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** A ping or pong arrived: a sign of life, and a frame against the allowance (false: drop it). */
    boolean admitControlFrame() {
        heard();
        if (frameAllowance.tryTake(System.nanoTime()) == 0) {
            return true;
        }
        if (++violations >= MAX_CONSECUTIVE_VIOLATIONS && state != State.CLOSED) {
            log.info("closing conn={} after {} refused frames in a row (pings or pongs over the allowance)", id,
                    violations);
            close(CloseCode.PROTOCOL_VIOLATION);
        }
        return false;
    }

    /** Whether the connection is in its catch-up, which fills the outbound queue on purpose. */
    boolean catchingUp() {
        return state == State.SYNCING;
    }

    /**
     * Takes nothing more from the connection and closes it with 4008: its outbound queue stays
     * full because the peer does not read.
     */
    void closeSlowConsumer(String why) {
        if (state != State.CLOSED) {
            log.info("closing slow consumer conn={} user={}: {}", id, caller == null ? null : caller.userId(), why);
            if (pipeline != null) {
                pipeline.stopReading();
            }
            services.metrics().slowConsumer();
            close(CloseCode.SLOW_CONSUMER);
        }
    }

    /** The connection sent more than {@code limits.preAuthBytes} before it was authenticated. */
    void preAuthBudgetExceeded() {
        if (state != State.CLOSED) {
            log.debug("closing conn={}: more than {} bytes before auth", id, limits.preAuthBytes());
            close(CloseCode.FRAME_TOO_LARGE);
        }
    }

    // ---- inbound -------------------------------------------------------------------------

    private void onFrame(WebSocketFrame f) {
        heard();
        if (f.isText() || f.isBinary()) {
            if (f.isFinal()) {
                onMessage(f.binaryData(), f.isBinary());
            } else {
                partial = f.binaryData().copy();
                partialBinary = f.isBinary();
            }
        } else if (f.isContinuation() && partial != null) {
            partial.appendBuffer(f.binaryData());
            if (partial.length() > limits.hardFrameBytes()) {
                close(CloseCode.FRAME_TOO_LARGE);
            } else if (f.isFinal()) {
                Buffer whole = partial;
                partial = null;
                onMessage(whole, partialBinary);
            }
        }
    }

    private void onMessage(Buffer data, boolean binary) {
        if (state == State.CLOSED) {
            return;
        }
        long wait = frameAllowance.tryTake(System.nanoTime());
        if (binary) {
            refuse(ErrorCode.MALFORMED, "binary frames are not supported; send JSON text frames", null, null, null, 0, 0);
            return;
        }
        // Decoded even when it will be refused, so that the error names the request it answers.
        ClientFrame frame = null;
        FrameException undecodable = null;
        try {
            frame = FrameCodec.decodeClient(data.getBytes());
        } catch (FrameException e) {
            undecodable = e;
        }
        String type = frame != null ? frame.type() : undecodable.requestType();
        String rid = frame != null ? frame.rid() : undecodable.rid();
        String clientId = frame != null ? clientIdOf(frame) : undecodable.clientId();
        long conversationId = frame != null ? conversationOf(frame) : undecodable.conversationId();
        if (wait > 0) {
            refuse(ErrorCode.RATE_LIMITED, "too many frames; slow down", type, rid, clientId, conversationId,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        } else if (data.length() > limits.maxFrameBytes()) {
            refuse(ErrorCode.TOO_LARGE, "frame is larger than " + limits.maxFrameBytes() + " bytes", type, rid, clientId,
                    conversationId, 0);
        } else if (undecodable != null) {
            refuse(undecodable.code(), undecodable.getMessage(), type, rid, clientId, conversationId, 0);
        } else {
            violations = 0;
            dispatch(frame);
        }
    }

    /** Answers a frame refused before dispatch; a client that sends nothing else is cut off. */
    private void refuse(ErrorCode code, String message, String request, String rid, String clientId, long conversationId,
                        long retryAfterMs) {
        sendError(code, message, request, rid, clientId, conversationId, retryAfterMs);
        if (++violations >= MAX_CONSECUTIVE_VIOLATIONS) {
            log.info("closing conn={} after {} refused frames in a row", id, violations);
            close(CloseCode.PROTOCOL_VIOLATION);
        }
    }

    private void dispatch(ClientFrame frame) {
        if (frame instanceof ClientFrame.Ping p) {
            send(new ServerFrame.Pong(p.rid()));
            return;
        }
        if (frame instanceof ClientFrame.Auth a) {
            onAuth(a);
            return;
        }
        if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
            sendError(ErrorCode.NOT_AUTHENTICATED_YET, "send auth first", frame.type(), frame.rid(), clientIdOf(frame),
                    conversationOf(frame), 0);
            return;
        }
        if (conversationOf(frame) != 0 && !caller.may(Scope.SEND)) {
            // Sends, receipts and typing: what an API token needs the send scope for.
            sendError(ErrorCode.FORBIDDEN, "this API token lacks the 'send' scope", frame.type(), frame.rid(),
                    clientIdOf(frame), conversationOf(frame), 0);
            return;
        }
        switch (frame) {
            case ClientFrame.Send s -> onSend(s);
            case ClientFrame.React r -> onReact(r);
            case ClientFrame.Edit e -> onEdit(e);
            case ClientFrame.Delete d -> onDelete(d);
            case ClientFrame.Delivered d -> onReceipt(d, services.receipts().delivered(caller,
                    new ConversationId(d.conversationId()), d.seq()), d.conversationId());
            case ClientFrame.Read r -> onReceipt(r, services.receipts().read(caller,
                    new ConversationId(r.conversationId()), r.seq()), r.conversationId());
            case ClientFrame.Typing t -> onTyping(t);
            case ClientFrame.Watch w -> onWatch(w);
            case ClientFrame.Auth a -> onAuth(a);
            case ClientFrame.Ping p -> send(new ServerFrame.Pong(p.rid()));
        }
    }

    private static String clientIdOf(ClientFrame f) {
        return switch (f) {
            case ClientFrame.Send s -> s.clientId();
            case ClientFrame.React r -> r.clientId();
            case ClientFrame.Edit e -> e.clientId();
            case ClientFrame.Delete d -> d.clientId();
            default -> null;
        };
    }

    private static long conversationOf(ClientFrame f) {
        return switch (f) {
            case ClientFrame.Send s -> s.conversationId();
            case ClientFrame.React r -> r.conversationId();
            case ClientFrame.Edit e -> e.conversationId();
            case ClientFrame.Delete d -> d.conversationId();
            case ClientFrame.Delivered d -> d.conversationId();
            case ClientFrame.Read r -> r.conversationId();
            case ClientFrame.Typing t -> t.conversationId();
            default -> 0;
        };
    }

    private void onAuth(ClientFrame.Auth a) {
        if (state != State.AWAITING_AUTH) {
            sendError(ErrorCode.ALREADY_AUTHENTICATED, "this connection is already authenticated", a.type(), a.rid(),
                    null, 0, 0);
            return;
        }
        state = State.AUTHENTICATING;
        Blocking.run(context, () -> services.accounts().authenticate(a.token())).onComplete(ar -> {
            if (state == State.CLOSED) {
                return;
            }
            if (ar.failed()) {
                ErrorMapping.Refusal r = ErrorMapping.of(ar.cause(), "conn=" + id);
                sendError(r.code(), r.message(), a.type(), a.rid(), null, 0, 0);
                close(r.code() == ErrorCode.ACCOUNT_DISABLED ? CloseCode.ACCOUNT_DISABLED
                        : r.code() == ErrorCode.UNAUTHENTICATED ? CloseCode.AUTH_FAILED : CloseCode.INTERNAL_ERROR);
                return;
            }
            if (!ar.result().may(Scope.READ)) {
                // A socket receives everything of its user: an API token needs the read scope.
                sendError(ErrorCode.FORBIDDEN, "this API token lacks the 'read' scope", a.type(), a.rid(), null, 0, 0);
                close(CloseCode.AUTH_FAILED);
                return;
            }
            authenticated(ar.result(), a.positions());
        });
    }

    private void authenticated(Caller c, Map<Long, Long> positions) {
        services.vertx().cancelTimer(authTimer);
        if (pipeline != null) {
            pipeline.authenticated();
        }
        caller = c;
        state = positions == null ? State.LIVE : State.SYNCING;
        resuming = positions != null;
        if (positions != null) {
            pendingLive = new ArrayList<>();
        }
        CompletableFuture<Void> routed = services.connections().add(this);
        services.presence().connected(c.userId());
        log.debug("authenticated conn={} user={} device={}", id, c.userId(), c.deviceId());
        send(new ServerFrame.Ready(c.userId().value(), c.deviceId().value(),
                services.config().timing().heartbeat().toMillis(), limits.maxFrameBytes(), limits.maxBodyBytes(),
                limits.sendsPerSecond()));
        Blocking.executor().execute(() -> services.accounts().touch(c.deviceId()));
        if (positions != null) {
            // The catch-up reads the store only once this node receives the user's live events.
            // If Redis did not take the route, the cluster writes it again once its link is back
            // and then has every connection check its conversations (RecoveryCheck), so the
            // catch-up goes ahead rather than turning the device away.
            routed.whenComplete((ok, err) -> {
                if (err != null) {
                    log.debug("routing registration failed conn={}: {}", id, err.toString());
                }
                new CatchUp(this, services, positions).start();
            });
        }
    }

    /** The node is shutting down: refuse new sends, let those in flight finish. */
    void drain() {
        draining = true;
    }

    private void onSend(ClientFrame.Send s) {
        appendEntry(s.type(), s.rid(), s.clientId(), s.conversationId(), () -> services.messages()
                .send(caller, new ConversationId(s.conversationId()), s.clientId(), s.body(), s.replyTo(),
                        s.mentions().stream().map(m -> new dev.parley.core.message.Mention(new UserId(m.userId()),
                                m.offset(), m.length())).toList(), s.attachments())
                .thenApply(java.util.Optional::of));
    }

    private void onReact(ClientFrame.React r) {
        appendEntry(r.type(), r.rid(), r.clientId(), r.conversationId(), () -> services.messages()
                .react(caller, new ConversationId(r.conversationId()), r.clientId(), r.targetSeq(), r.emoji(),
                        !r.remove()));
    }

    private void onEdit(ClientFrame.Edit e) {
        appendEntry(e.type(), e.rid(), e.clientId(), e.conversationId(), () -> services.messages()
                .edit(caller, new ConversationId(e.conversationId()), e.clientId(), e.targetSeq(), e.body())
                .thenApply(java.util.Optional::of));
    }

    private void onDelete(ClientFrame.Delete d) {
        appendEntry(d.type(), d.rid(), d.clientId(), d.conversationId(), () -> services.messages()
                .delete(caller, new ConversationId(d.conversationId()), d.clientId(), d.targetSeq()));
    }

    /**
     * Appends an entry of this device's (a message or an action) under the send allowance and
     * answers {@code sent}: with the entry's seq, or 0 when the action changed nothing and stored
     * nothing.
     */
    private void appendEntry(String type, String rid, String clientId, long conversationId,
                             java.util.function.Supplier<CompletableFuture<java.util.Optional<Message>>> append) {
        if (draining) {
            sendError(ErrorCode.UNAVAILABLE, "the node is shutting down; reconnect and retry", type, rid,
                    clientId, conversationId, 0);
            return;
        }
        long wait = services.connections().takeSend(caller.deviceId(), System.nanoTime());
        if (wait > 0) {
            sendError(ErrorCode.RATE_LIMITED, "send rate limit reached", type, rid, clientId,
                    conversationId, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            return;
        }
        if (inflight == null) {
            inflight = new HashSet<>();
        }
        inflight.add(clientId);
        long receivedNanos = System.nanoTime();
        services.connections().sendStarted();
        append.get().whenComplete((stored, err) -> context.runOnContext(v -> {
                    if (inflight != null) {
                        inflight.remove(clientId);
                    }
                    if (err != null) {
                        ErrorMapping.Refusal r = ErrorMapping.of(err, "conn=" + id);
                        sendError(r.code(), r.message(), type, rid, clientId, conversationId, 0);
                    } else if (stored.isPresent()) {
                        Message m = stored.get();
                        services.metrics().messageStored(receivedNanos);
                        ownEntryConfirmed(conversationId, m.seq());
                        send(new ServerFrame.Sent(rid, clientId, conversationId, m.seq(), m.createdAt()));
                    } else {
                        send(new ServerFrame.Sent(rid, clientId, conversationId, 0, System.currentTimeMillis()));
                    }
                    // Counted down only once the answer is written, so a draining node that sees
                    // zero knows every confirmation is ahead of its close frame.
                    services.connections().sendFinished();
                }));
    }

    private void onTyping(ClientFrame.Typing t) {
        if (typingAllowance.tryTake(System.nanoTime()) > 0) {
            return;
        }
        onReceipt(t, services.typing().typing(caller, new ConversationId(t.conversationId()), t.typing()),
                t.conversationId());
    }

    private void onWatch(ClientFrame.Watch w) {
        Set<UserId> wanted = new HashSet<>();
        for (long id : w.userIds()) {
            wanted.add(new UserId(id));
        }
        UserId me = caller.userId();
        Blocking.run(context, () -> {
            Set<UserId> allowed = services.watchers().allowed(me, wanted);
            Map<UserId, Presence> now = new HashMap<>();
            for (UserId u : allowed) {
                now.put(u, services.presence().presenceOf(u));
            }
            return now;
        }).onComplete(ar -> {
            if (state == State.CLOSED) {
                return;
            }
            if (ar.failed()) {
                ErrorMapping.Refusal r = ErrorMapping.of(ar.cause(), "conn=" + id);
                sendError(r.code(), r.message(), w.type(), w.rid(), null, 0, 0);
                return;
            }
            watchRequested = Set.copyOf(wanted);
            services.watchers().watch(this, Set.copyOf(ar.result().keySet()));
            ar.result().forEach((u, p) -> send(new ServerFrame.Presence(u.value(), p.online(), p.lastSeen())));
            if (w.rid() != null) {
                send(new ServerFrame.Ok(w.rid(), w.type()));
            }
        });
    }

    Set<UserId> watching() {
        return watching;
    }

    Set<UserId> watchRequested() {
        return watchRequested;
    }

    void watching(Set<UserId> users) {
        watching = users;
    }

    /**
     * The device learns of its own entry from {@code sent}; the entry itself must not reach it
     * again, also when it comes later through a gap filled from the store.
     */
    private void ownEntryConfirmed(long conversationId, long seq) {
        ConversationCursor cur = cursors().get(conversationId);
        if (cur == null) {
            // First sight of this conversation here: a resuming device still gets what lies
            // before; a live-only one starts after its own entry.
            cur = new ConversationCursor(resuming ? 0 : seq);
            cursors.put(conversationId, cur);
        }
        cur.confirmedOwn(seq);
        if (seq == cur.position + 1 && !cur.filling && (cur.held == null || cur.held.isEmpty())) {
            cur.position = seq;
            cur.takeOwn(seq);
        }
    }

    private void onReceipt(ClientFrame f, CompletableFuture<?> result, long conversationId) {
        result.whenComplete((r, err) -> context.runOnContext(v -> {
            if (err != null) {
                ErrorMapping.Refusal refusal = ErrorMapping.of(err, "conn=" + id);
                sendError(refusal.code(), refusal.message(), f.type(), f.rid(), null, conversationId, 0);
            } else if (f.rid() != null) {
                send(new ServerFrame.Ok(f.rid(), f.type()));
            }
        }));
    }

    // ---- outbound ------------------------------------------------------------------------

    /** Queues a frame for this connection; safe from any thread. */
    void post(Outbound o) {
        mailbox.post(this, o);
    }

    /** Runs a task on the connection's loop, in order with its frames; safe from any thread. */
    void postTask(Runnable task) {
        mailbox.post(this, task);
    }

    /** Called on the loop by the mailbox. */
    void receive(Object payload) {
        switch (payload) {
            case Outbound o -> deliver(o);
            case Runnable r -> r.run();
            default -> throw new IllegalArgumentException("unexpected payload " + payload.getClass());
        }
    }

    private void deliver(Outbound o) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.SYNCING) {
            if (pendingLive.size() >= MAX_PENDING_LIVE) {
                pendingOverflow = true;
                pendingLive.clear();
            } else {
                pendingLive.add(o);
            }
            return;
        }
        switch (o) {
            case Outbound.Entry e -> deliverEntry(e);
            case Outbound.Signal s -> write(s.frame());
        }
    }

    private void deliverEntry(Outbound.Entry e) {
        if (services.tail() != null) {
            services.tail().touched(e.conversationId());
        }
        ConversationCursor cur = cursors().get(e.conversationId());
        if (cur == null) {
            // A conversation this connection did not know when it connected (it was created or
            // the user was added since): a resuming device gets it from the start, as a
            // catch-up would have given it; a live-only one from this entry on.
            cur = new ConversationCursor(resuming ? 0 : e.seq() - 1);
            cursors.put(e.conversationId(), cur);
        }
        if (cur.filling) {
            cur.hold(e);
            return;
        }
        if (e.seq() <= cur.position) {
            return;
        }
        if (e.seq() == cur.position + 1) {
            emit(cur, e.seq(), e.senderDeviceId(), e.clientId(), e.frame(), e.committedNanos());
            cur.position = e.seq();
            return;
        }
        cur.hold(e);
        fillGap(e.conversationId(), cur, e.seq() - 1);
    }

    private void emit(ConversationCursor cur, long seq, long senderDeviceId, String clientId, byte[] frame,
                      long committedNanos) {
        if (senderDeviceId == caller.deviceId().value() && (cur.takeOwn(seq)
                || clientId != null && inflight != null && inflight.remove(clientId))) {
            return;
        }
        if (write(frame)) {
            services.metrics().delivered(committedNanos);
        }
    }

    private void fillGap(long conversationId, ConversationCursor cur, long upTo) {
        long from = cur.position;
        if (upTo - from > limits.maxCatchUp()) {
            send(new ServerFrame.Resync(conversationId, upTo));
            cur.position = upTo;
            drainHeld(conversationId, cur);
            return;
        }
        cur.filling = true;
        ConversationId cid = new ConversationId(conversationId);
        Blocking.run(context, () -> services.messageStore().range(cid, from, upTo, (int) (upTo - from)))
                .onComplete(ar -> {
                    cur.filling = false;
                    if (state == State.CLOSED) {
                        return;
                    }
                    if (ar.failed()) {
                        log.warn("gap fill failed conn={} conversation={}: {}", id, conversationId, ar.cause().toString());
                        close(CloseCode.INTERNAL_ERROR);
                        return;
                    }
                    long before = cur.position;
                    List<Message> fetched = ar.result();
                    if (!fetched.isEmpty() && fetched.getFirst().seq() > cur.position + 1) {
                        // Retention deleted what lies in the gap; the device reloads what remains.
                        send(new ServerFrame.Resync(conversationId, upTo));
                        cur.position = upTo;
                        drainHeld(conversationId, cur);
                        return;
                    }
                    for (Message m : fetched) {
                        if (m.seq() == cur.position + 1) {
                            emit(cur, m.seq(), m.senderDeviceId() == null ? 0 : m.senderDeviceId().value(),
                                    m.clientId(), FrameCodec.encodeServer(WireFrames.message(m)), 0);
                            cur.position = m.seq();
                        }
                    }
                    if (cur.position == before) {
                        // The store has not caught up with the routed entry (a replica lagging):
                        // try again shortly instead of spinning.
                        cur.filling = true;
                        services.vertx().setTimer(50, t -> {
                            cur.filling = false;
                            drainHeld(conversationId, cur);
                        });
                        return;
                    }
                    drainHeld(conversationId, cur);
                });
    }

    private void drainHeld(long conversationId, ConversationCursor cur) {
        while (cur.held != null && !cur.held.isEmpty() && !cur.filling && state != State.CLOSED) {
            Outbound.Entry h = cur.held.peek();
            if (h.seq() <= cur.position) {
                cur.held.poll();
            } else if (h.seq() == cur.position + 1) {
                cur.held.poll();
                emit(cur, h.seq(), h.senderDeviceId(), h.clientId(), h.frame(), h.committedNanos());
                cur.position = h.seq();
            } else {
                fillGap(conversationId, cur, h.seq() - 1);
                return;
            }
        }
    }

    /** The conversation's last seq is {@code lastSeq}: fill from the store if this device is behind. */
    void tailCheck(long conversationId, long lastSeq) {
        if (state != State.LIVE) {
            return;
        }
        ConversationCursor cur = cursors().get(conversationId);
        if (cur == null && resuming && lastSeq > 0) {
            // A conversation this device did not know when it connected, whose entries never
            // reached it: from the start, as a catch-up (or its first live entry) would give it.
            cur = new ConversationCursor(0);
            cursors.put(conversationId, cur);
        }
        if (cur != null && !cur.filling && cur.position < lastSeq) {
            fillGap(conversationId, cur, lastSeq);
        }
    }

    HashMap<Long, ConversationCursor> cursors() {
        if (cursors == null) {
            cursors = new HashMap<>();
        }
        return cursors;
    }

    /** Catch-up finished up to the cursors set: go live, replaying what arrived meanwhile. */
    void goLive() {
        if (state != State.SYNCING) {
            return;
        }
        if (pendingOverflow) {
            // Too much arrived during the catch-up to hold; read it from the store instead.
            pendingOverflow = false;
            pendingLive.clear();
            Map<Long, Long> positions = new HashMap<>();
            cursors().forEach((cid, cur) -> positions.put(cid, cur.position));
            new CatchUp(this, services, positions).start();
            return;
        }
        state = State.LIVE;
        List<Outbound> pending = pendingLive;
        pendingLive = null;
        for (Outbound o : pending) {
            deliver(o);
        }
    }

    /** Runs on the loop; the future completes when the writes it made have drained far enough. */
    CompletableFuture<Void> onLoopThenDrained(Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (state == State.CLOSED) {
                done.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "closed"));
                return;
            }
            work.run();
            if (ws.isClosed()) {
                done.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "closed"));
            } else if (ws.writeQueueFull()) {
                ws.drainHandler(x -> {
                    ws.drainHandler(null);
                    done.complete(null);
                });
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    void send(ServerFrame frame) {
        write(FrameCodec.encodeServer(frame));
    }

    /** Writes without the slow-consumer check; for catch-up, which waits for the queue to drain. */
    void writePaced(byte[] frame) {
        if (state != State.CLOSED) {
            ws.writeFrame(TextFrames.of(frame));
        }
    }

    /** Writes the frame unless the connection is closed or too far behind (then closes it). */
    private boolean write(byte[] frame) {
        if (state == State.CLOSED || ws.isClosed()) {
            // Closed by the client (its close frame came in; the close handler has not run yet):
            // what it has not read it gets on its next resume. Vert.x throws on a closed socket.
            return false;
        }
        if (ws.writeQueueFull() && state == State.LIVE) {
            closeSlowConsumer("outbound queue full");
            return false;
        }
        ws.writeFrame(TextFrames.of(frame));
        return true;
    }

    private void sendError(ErrorCode code, String message, String request, String rid, String clientId,
                           long conversationId, long retryAfterMs) {
        services.metrics().error(code);
        send(new ServerFrame.Error(code.wire(), message, request, rid, clientId, conversationId, retryAfterMs));
    }

    // ---- liveness and closing ------------------------------------------------------------

    /** Pings, or closes the connection if nothing was heard for longer than {@code silenceNanos}. */
    void heartbeat(long nowNanos, long silenceNanos) {
        if (state == State.CLOSED) {
            return;
        }
        outboundQueuedBytes = ws instanceof WebSocketInternal wi && wi.channelHandlerContext() != null
                ? pending(wi) : 0;
        if (nowNanos - lastHeardNanos > silenceNanos) {
            log.debug("heartbeat timeout conn={}", id);
            close(CloseCode.HEARTBEAT_TIMEOUT);
            return;
        }
        ws.writePing(Buffer.buffer());
    }

    private static long pending(WebSocketInternal wi) {
        var buffer = wi.channelHandlerContext().channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Bytes waiting to be written to this connection, as of the last heartbeat. */
    long outboundQueuedBytes() {
        return outboundQueuedBytes;
    }

    void closeFromAnyThread(CloseCode code) {
        context.runOnContext(v -> close(code));
    }

    void close(CloseCode code) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        // A half-open peer never answers the close frame; the server's WebSocket closing timeout
        // then drops the TCP connection.
        ws.close((short) code.code(), code.reason());
        unregister();
    }

    private void onClosed() {
        state = State.CLOSED;
        if (!socketGone) {
            socketGone = true;
            services.connections().socketClosed();
        }
        unregister();
    }

    private boolean socketGone;

    private boolean unregistered;

    private void unregister() {
        if (unregistered) {
            return;
        }
        unregistered = true;
        services.vertx().cancelTimer(authTimer);
        if (caller != null) {
            services.connections().remove(this);
            services.watchers().unwatchAll(this);
            services.presence().disconnected(caller.userId());
            Caller c = caller;
            Blocking.executor().execute(() -> services.accounts().touch(c.deviceId()));
            log.debug("closed conn={} user={} device={}", id, caller.userId(), caller.deviceId());
        }
    }
}
