package dev.parley.server.ws;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.account.UserId;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.Blocking;
import dev.parley.server.ErrorMapping;
import dev.parley.server.ServerConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device's WebSocket. It wires three parts to the socket and holds the connection's life
 * (authentication, heartbeat, closing): {@link FrameIntake} takes frames in (fragments, limits,
 * allowances, decoding), {@link DeviceRequests} turns an authenticated device's frames into calls
 * of the chat domain, and {@link OrderedDelivery} decides what goes out, in order (with
 * {@link CatchUp} bringing a resuming device up to date first).
 *
 * <p>Threading: everything runs on the connection's event loop (the Netty handlers of its
 * channel, {@link ChannelSocket} among them, mailbox deliveries, its timers), so the parts need no locks, except
 * {@link #post}, {@link #postTask} and {@link #closeFromAnyThread}, which any thread may call, and
 * the getters of the few volatile fields below, which other threads read: {@code state} (a
 * catch-up's virtual thread asks {@link #isClosed} between chunks), {@code caller} (the fan-out),
 * {@code outboundQueuedBytes} (the heartbeat timer's sample), and {@code watching} /
 * {@code watchRequested} (presence re-checks on virtual threads). Blocking work (the token check,
 * store reads, a catch-up) runs on virtual threads and comes back to the loop.
 */
public final class ChatConnection implements LoopMailbox.Recipient {
    private static final Logger log = LoggerFactory.getLogger(ChatConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    enum State { AWAITING_AUTH, AUTHENTICATING, AUTHENTICATED, CLOSED }

    private final long id = IDS.incrementAndGet();
    private final ChatSocket ws;
    private final Context context;
    private final SocketServices services;
    private final ServerConfig.Limits limits;
    private final LoopMailbox mailbox;
    private final FrameIntake intake;

    private volatile State state = State.AWAITING_AUTH;
    private volatile Caller caller;
    private volatile long outboundQueuedBytes;
    private volatile Set<UserId> watching = Set.of();
    /** What the last {@code watch} asked for; {@link #watching} is the part of it allowed. */
    private volatile Set<UserId> watchRequested = Set.of();
    /** Set at every sign of life (frames, pongs, pings), read by the heartbeat; all on the loop. */
    private volatile long lastHeardNanos;
    private boolean draining;
    private long authTimer;
    private SocketPipeline pipeline;
    /** Set once authenticated. */
    private OrderedDelivery delivery;
    private boolean socketGone;
    private boolean unregistered;
    /** Holds a place among the devices arriving ({@link Arrivals}) until live or closed. */
    private boolean arriving;

    ChatConnection(ChatSocket ws, Context context, SocketServices services) {
        this.ws = ws;
        this.context = context;
        this.services = services;
        this.limits = services.config().limits();
        this.mailbox = services.local().mailboxes().of(context);
        this.intake = new FrameIntake(this, limits, this::dispatch);
        this.lastHeardNanos = System.nanoTime();
    }

    public long id() {
        return id;
    }

    public Caller caller() {
        return caller;
    }

    /** {@code pipeline}: the socket's Netty handlers, guarded from now on. */
    void start(SocketPipeline pipeline) {
        this.pipeline = pipeline;
        services.local().activity().socketOpened();
        authTimer = services.vertx().setTimer(services.config().timing().authTimeout().toMillis(), t -> {
            if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
                close(CloseCode.AUTH_TIMEOUT);
            }
        });
    }

    /** A data frame from the socket (a whole message or a fragment); on the loop. */
    void onFrame(WebSocketFrame f) {
        heard();
        intake.onFrame(f);
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** A ping or pong arrived: a sign of life, and a frame against the allowance (false: drop it). */
    boolean admitControlFrame() {
        heard();
        return intake.admitControlFrame();
    }

    /** Whether the connection is in its catch-up, which fills the outbound queue on purpose. */
    boolean catchingUp() {
        return state == State.AUTHENTICATED && delivery.catchingUp();
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

    /**
     * The connection sent more than {@code limits.preAuthBytes} before it was authenticated. The
     * error ahead of the close says why: a 1009 alone reads as "a frame was too large", while the
     * usual cause is a client that sends requests right behind its {@code auth} without waiting
     * for {@code ready}.
     */
    void preAuthBudgetExceeded() {
        if (state != State.CLOSED) {
            boolean authPending = state == State.AUTHENTICATING;
            log.info("closing conn={}: more than {} bytes before ready ({})", id, limits.preAuthBytes(),
                    authPending ? "sent while its auth was being checked" : "no auth yet");
            sendError(ErrorCode.NOT_AUTHENTICATED_YET, "more than " + limits.preAuthBytes()
                    + " bytes sent before ready; closing (1009). Send auth, then wait for ready before anything else",
                    null, null, null, 0, 0);
            close(CloseCode.FRAME_TOO_LARGE);
        }
    }

    // ---- inbound: authentication, then the device's requests -------------------------------

    /** A frame {@link FrameIntake} let through. */
    private void dispatch(ClientFrame frame) {
        if (frame instanceof ClientFrame.Ping p) {
            send(new ServerFrame.Pong(p.rid()));
        } else if (frame instanceof ClientFrame.Auth a) {
            onAuth(a);
        } else if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
            // Not carried out, and not kept for later either: holding frames for an auth that may
            // fail would let a stranger make the node hold them. The client resends after ready.
            sendError(ErrorCode.NOT_AUTHENTICATED_YET, state == State.AUTHENTICATING
                            ? "auth is still being checked; wait for ready, then send this again" : "send auth first",
                    frame.type(), frame.rid(), FrameIntake.clientIdOf(frame), FrameIntake.conversationOf(frame), 0);
        } else {
            // Made per request rather than kept: a short-lived object per frame costs less than
            // 48 bytes held by every idle connection.
            new DeviceRequests(this, caller, services, delivery, intake, context).handle(frame);
        }
    }

    private void onAuth(ClientFrame.Auth a) {
        if (state != State.AWAITING_AUTH) {
            sendError(ErrorCode.ALREADY_AUTHENTICATED, "this connection is already authenticated", a.type(), a.rid(),
                    null, 0, 0);
            return;
        }
        Arrivals arrivals = services.local().arrivals();
        if (!arrivals.tryEnter()) {
            // Refused before the token is even looked at: a refusal must cost far less than an arrival.
            sendError(ErrorCode.UNAVAILABLE, "too many devices are arriving at once; come back after retryAfterMs",
                    a.type(), a.rid(), null, 0, arrivals.appointment());
            close(CloseCode.TRY_AGAIN_LATER);
            return;
        }
        arriving = true;
        state = State.AUTHENTICATING;
        Blocking.run(context, () -> services.chat().accounts().authenticate(a.token())).onComplete(ar -> {
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
        begin(c, positions != null);
        CompletableFuture<Void> routed = services.local().connections().add(this);
        services.chat().presence().connected(c.userId());
        log.debug("authenticated conn={} user={} device={}", id, c.userId(), c.deviceId());
        send(new ServerFrame.Ready(c.userId().value(), c.deviceId().value(),
                services.config().timing().heartbeat().toMillis(), limits.maxFrameBytes(), limits.maxBodyBytes(),
                limits.sendsPerSecond()));
        Blocking.executor().execute(() -> services.chat().accounts().touch(c.deviceId()));
        if (positions == null) {
            arrived(true);
        } else {
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

    /**
     * The connection is {@code c}'s from now on: its requests are taken and its stream set up,
     * catching up first when it {@code resumes}. Registering it for the fan-out is the caller's
     * next step (authentication does it; the fan-out benchmark does it without a token).
     */
    void begin(Caller c, boolean resumes) {
        caller = c;
        delivery = new OrderedDelivery(c.deviceId().value(), resumes, new SocketOutput(),
                new StoreGaps(this, services, context));
        state = State.AUTHENTICATED;
    }

    /** The node is shutting down: refuse new sends, let those in flight finish. */
    void drain() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    Set<UserId> watching() {
        return watching;
    }

    void watching(Set<UserId> users) {
        watching = users;
    }

    Set<UserId> watchRequested() {
        return watchRequested;
    }

    void watchRequested(Set<UserId> users) {
        watchRequested = users;
    }

    // ---- outbound ------------------------------------------------------------------------

    /** Queues a frame for this connection; safe from any thread. */
    void post(Outbound o) {
        mailbox.post(this, o);
    }

    /** The mailbox of the connection's loop, for posts to many connections at once. */
    LoopMailbox mailbox() {
        return mailbox;
    }

    /** Runs a task on the connection's loop, in order with its frames; safe from any thread. */
    void postTask(Runnable task) {
        mailbox.post(this, task);
    }

    /** Called on the loop by the mailbox. */
    @Override
    public void receive(Object payload) {
        switch (payload) {
            case Outbound o -> {
                if (state == State.AUTHENTICATED) {
                    delivery.accept(o);
                }
            }
            case Runnable r -> r.run();
            default -> throw new IllegalArgumentException("unexpected payload " + payload.getClass());
        }
    }

    /** The conversation's last seq is {@code lastSeq}: fill from the store if this device is behind. */
    void tailCheck(long conversationId, long lastSeq) {
        if (state == State.AUTHENTICATED) {
            delivery.tailCheck(conversationId, lastSeq);
        }
    }

    /** The catch-up gave the device the conversation up to {@code at}. On the loop. */
    void caughtUpTo(long conversationId, long at) {
        delivery.caughtUpTo(conversationId, at);
    }

    /** The catch-up is done: go live, replaying what arrived meanwhile. On the loop. */
    void goLive() {
        if (state == State.AUTHENTICATED) {
            delivery.finishCatchUp();
            arrived(true);
        }
    }

    /** The device is live ({@code live}) or gone: its place among those arriving is free. On the loop. */
    private void arrived(boolean live) {
        if (arriving) {
            arriving = false;
            services.local().arrivals().leave(live);
        }
    }

    /** Runs on the loop; the future completes when the writes it made have drained far enough. */
    /**
     * Runs {@code work} on the loop, in order with everything posted before it, unless the
     * connection is closed by then; does not wait. Any thread.
     */
    void onLoopIfOpen(Runnable work) {
        context.runOnContext(v -> {
            if (state != State.CLOSED && !ws.isClosed()) {
                work.run();
            }
        });
    }

    /** Whether the bytes waiting to be written are past the outbound bound; any thread. */
    boolean outboundFull() {
        return ws.writeQueueFull();
    }

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
            } else {
                ws.whenDrained(() -> done.complete(null));
            }
        });
        return done;
    }

    /** Any thread. */
    boolean isClosed() {
        return state == State.CLOSED;
    }

    void send(ServerFrame frame) {
        write(FrameCodec.encodeServer(frame));
    }

    /** Writes without the slow-consumer check; for catch-up, which waits for the queue to drain. */
    void writePaced(byte[] frame) {
        if (state != State.CLOSED && !ws.isClosed()) {
            ws.writeText(frame);
        }
    }

    /** Writes the frame unless the connection is closed or too far behind (then closes it). */
    private boolean write(byte[] frame) {
        if (state == State.CLOSED || ws.isClosed()) {
            // Closed by the client (its close frame came in; the close handler has not run yet):
            // what it has not read it gets on its next resume. Nothing may follow a close frame.
            return false;
        }
        if (ws.writeQueueFull() && state == State.AUTHENTICATED && !delivery.catchingUp()) {
            closeSlowConsumer("outbound queue full");
            return false;
        }
        ws.writeText(frame);
        return true;
    }

    void sendError(ErrorCode code, String message, String request, String rid, String clientId,
                   long conversationId, long retryAfterMs) {
        services.metrics().error(code);
        send(new ServerFrame.Error(code.wire(), message, request, rid, clientId, conversationId, retryAfterMs));
    }

    /** The ordered stream's way out: this socket, the node's delivery metric and tail check. */
    private final class SocketOutput implements OrderedDelivery.Output {
        @Override
        public boolean open() {
            return state != State.CLOSED;
        }

        @Override
        public boolean write(byte[] frame) {
            return ChatConnection.this.write(frame);
        }

        @Override
        public void delivered(long committedNanos) {
            services.metrics().delivered(committedNanos);
        }

        @Override
        public void touched(long conversationId) {
            services.local().touched(conversationId);
        }

        @Override
        public void catchUpAgain(Map<Long, Long> positions) {
            new CatchUp(ChatConnection.this, services, positions).start();
        }
    }

    // ---- liveness and closing ------------------------------------------------------------

    /** Pings, or closes the connection if nothing was heard for longer than {@code silenceNanos}. */
    void heartbeat(long nowNanos, long silenceNanos) {
        if (state == State.CLOSED) {
            return;
        }
        outboundQueuedBytes = ws.queuedBytes();
        if (nowNanos - lastHeardNanos > silenceNanos) {
            log.debug("heartbeat timeout conn={}", id);
            close(CloseCode.HEARTBEAT_TIMEOUT);
            return;
        }
        ws.writePing();
    }

    /** Bytes waiting to be written to this connection, as of the last heartbeat. Any thread. */
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
        ws.close(code);
        unregister();
    }

    /** The TCP connection is gone; on the loop. */
    void onClosed() {
        state = State.CLOSED;
        if (!socketGone) {
            socketGone = true;
            services.local().activity().socketClosed();
        }
        unregister();
    }

    private void unregister() {
        arrived(false);
        if (unregistered) {
            return;
        }
        unregistered = true;
        services.vertx().cancelTimer(authTimer);
        if (caller != null) {
            LocalSockets local = services.local();
            if (local.connections().remove(this) && !local.connections().isConnected(caller.deviceId(), caller.userId())) {
                local.sendAllowances().forget(caller.deviceId());
            }
            local.watchers().unwatchAll(this);
            services.chat().presence().disconnected(caller.userId());
            Caller c = caller;
            Blocking.executor().execute(() -> services.chat().accounts().touch(c.deviceId()));
            log.debug("closed conn={} user={} device={}", id, caller.userId(), caller.deviceId());
        }
    }
}
