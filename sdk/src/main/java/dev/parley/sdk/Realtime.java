package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.protocol.ServerFrame;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One device's real-time connection and everything that must survive its loss: the
 * {@link Inbox} (positions and ordered delivery), unconfirmed sends and requests, the watch list.
 * It opens the socket, authenticates with the inbox's positions, dispatches the node's frames,
 * and after any loss reconnects with jittered exponential backoff, unless the node said the
 * token is no good.
 *
 * <p>Threading: all state lives on one SDK thread (a single-threaded scheduler). Public entry
 * points post to it; socket events arrive on it; listener callbacks and future completions run
 * on it. Nothing here locks.
 */
final class Realtime implements ChatSocket.Events {
    private static final System.Logger log = System.getLogger(ParleyClient.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** An unanswered send or request is written again after this long on the same connection. */
    private static final long ANSWER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** From opening a socket to {@code ready}. */
    private static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long SWEEP_MS = 1000;
    private static final long SEND_RETRY_INITIAL_MS = 200;
    private static final long SEND_RETRY_MAX_MS = 10_000;

    private final HttpClient http;
    private final Rest rest;
    private final String token;
    private final ParleyListener listener;
    private final boolean resume;
    private final Backoff reconnects;
    private final ScheduledThreadPoolExecutor thread;
    private final Executor loop;
    private volatile Thread loopThread;

    private volatile ConnectionState state = ConnectionState.IDLE;
    private ChatSocket socket;
    private boolean ready;
    private ErrorCode authRefusal;
    /** The wait the node gave when it refused {@code auth} because too many devices were arriving, or 0. */
    private long comeBackAfterMs;
    private long userId;
    private long deviceId;
    private long heartbeatMs = 25_000;
    private int maxFrameBytes = 64 * 1024;
    private long lastHeardNanos;

    private final Inbox inbox;
    private final Outbox outbox = new Outbox();
    private final PendingRequests requests = new PendingRequests();
    private List<Long> watching;
    private PendingRequests.Request watchRequest;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> pumpTimer;
    private long pumpAtNanos = Long.MAX_VALUE;
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();

    Realtime(HttpClient http, Rest rest, String token, ParleyListener listener, PositionStore positions,
             boolean resume, boolean autoDelivered, Duration backoffInitial, Duration backoffMax) {
        this.http = http;
        this.rest = rest;
        this.token = token;
        this.listener = listener;
        this.resume = resume;
        this.reconnects = new Backoff(backoffInitial, backoffMax);
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "parley-sdk-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // After close, late socket callbacks have nowhere to go; dropping them is right.
        this.loop = task -> {
            try {
                thread.execute(task);
            } catch (RejectedExecutionException ignored) {
                // closed
            }
        };
        this.inbox = new Inbox(listener, positions, rest, thread, loop, this::writeIfReady, resume, autoDelivered);
        thread.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    // ---- entry points (any thread) ----------------------------------------------------------

    ConnectionState state() {
        return state;
    }

    boolean onSdkThread() {
        return Thread.currentThread() == loopThread;
    }

    CompletableFuture<Void> connect() {
        loop.execute(() -> {
            if (state == ConnectionState.IDLE) {
                // Read at the first connect, so an application can prepare the store until then.
                inbox.load();
                openSocket();
            }
        });
        return firstSync;
    }

    CompletableFuture<SentMessage> send(long conversationId, String clientId, String body) {
        return append(conversationId, clientId, new ClientFrame.Send(null, clientId, conversationId, body));
    }

    /**
     * Sends a message or an action ({@code frame}, without a rid) under its client id: written
     * again after every reconnect until the node confirms it or refuses it for good.
     */
    CompletableFuture<SentMessage> append(long conversationId, String clientId, ClientFrame frame) {
        return append(conversationId, clientId, frame, List.of());
    }

    /** A message carrying files ({@code frame} names their ids; {@code attachments} describe them). */
    CompletableFuture<SentMessage> append(long conversationId, String clientId, ClientFrame frame,
                                          List<Attachment> attachments) {
        CompletableFuture<SentMessage> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (state.isFinal()) {
                future.completeExceptionally(stopped());
                return;
            }
            Outbox.PendingSend existing = outbox.find(conversationId, clientId);
            if (existing != null) {
                if (existing.frame.equals(frame)) {
                    existing.future.whenComplete((s, err) -> {
                        if (err != null) {
                            future.completeExceptionally(err);
                        } else {
                            future.complete(s);
                        }
                    });
                } else {
                    future.completeExceptionally(new ParleyException(ErrorCode.CLIENT_ID_CONFLICT,
                            "client id " + clientId + " is pending for something else"));
                }
                return;
            }
            outbox.add(new Outbox.PendingSend(conversationId, clientId, frame, attachments, future));
            pumpSends();
        });
        return future;
    }

    /** A receipt or watch request: answered by {@code ok}, written again after a reconnect until then. */
    CompletableFuture<Void> request(Function<String, ClientFrame> build) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (state.isFinal()) {
                future.completeExceptionally(stopped());
                return;
            }
            requests.add(build).waiters.add(future);
            pumpRequests();
        });
        return future;
    }

    CompletableFuture<Void> watch(List<Long> userIds) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        loop.execute(() -> {
            if (state.isFinal()) {
                future.completeExceptionally(stopped());
                return;
            }
            watching = userIds;
            PendingRequests.Request previous = watchRequest;
            if (previous != null) {
                // Only the newest list matters; whoever waited for the old one waits for this one.
                requests.remove(previous.rid);
            }
            watchRequest = requests.add(rid -> new ClientFrame.Watch(rid, userIds));
            if (previous != null) {
                watchRequest.waiters.addAll(previous.waiters);
            }
            watchRequest.waiters.add(future);
            pumpRequests();
        });
        return future;
    }

    void typing(long conversationId, boolean typing) {
        loop.execute(() -> {
            // Typing is momentary: when there is no connection there is nothing worth keeping.
            if (socket != null && ready) {
                socket.write(FrameCodec.encodeClient(new ClientFrame.Typing(null, conversationId, typing)));
            }
        });
    }

    /** Drops the connection as a network failure would; the client reconnects as usual. */
    void dropConnection() {
        loop.execute(() -> {
            ChatSocket s = socket;
            if (s != null) {
                s.abort();
                lost(s, -1, "dropped", null);
            }
        });
    }

    void close() {
        if (thread.isShutdown()) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            ChatSocket s = socket;
            socket = null;
            if (s != null) {
                s.close();
            }
            stop(ConnectionState.CLOSED, ErrorCode.UNAVAILABLE, "the client was closed");
            done.complete(null);
        });
        if (!onSdkThread()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.log(System.Logger.Level.DEBUG, "close did not finish in time: {0}", e.toString());
            }
        }
        thread.shutdown();
    }

    // ---- the connection's life ---------------------------------------------------------------

    private void openSocket() {
        reconnectTimer = null;
        if (state.isFinal()) {
            return;
        }
        setState(ConnectionState.CONNECTING);
        ready = false;
        authRefusal = null;
        comeBackAfterMs = 0;
        lastHeardNanos = System.nanoTime();
        socket = ChatSocket.open(http, rest.socketUri(), Duration.ofSeconds(10), loop, this);
    }

    @Override
    public void opened(ChatSocket s) {
        if (s != socket) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        s.write(FrameCodec.encodeClient(new ClientFrame.Auth(null, token, resume ? inbox.positions() : null)));
    }

    @Override
    public void heard(ChatSocket s) {
        if (s == socket) {
            lastHeardNanos = System.nanoTime();
        }
    }

    @Override
    public void received(ChatSocket s, String text) {
        if (s != socket) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        ServerFrame frame;
        try {
            frame = FrameCodec.decodeServer(text);
        } catch (FrameException e) {
            // A frame type from a newer node, say: skipping it is what the protocol asks of clients.
            log.log(System.Logger.Level.DEBUG, "skipped a frame: {0}", e.getMessage());
            return;
        }
        switch (frame) {
            case ServerFrame.Ready r -> onReady(r);
            case ServerFrame.Synced x -> onSynced();
            case ServerFrame.Message m -> onEntry(m);
            case ServerFrame.Sent x -> onSent(x);
            case ServerFrame.Error e -> onError(e);
            case ServerFrame.Ok o -> onOk(o);
            case ServerFrame.Receipt r -> inbox.receipt(Receipt.of(r));
            case ServerFrame.Typing t -> safely(() -> listener.onTyping(t.conversationId(), t.userId(), t.typing()));
            case ServerFrame.Presence p -> safely(() -> listener.onPresence(Presence.of(p)));
            case ServerFrame.Profile p -> safely(() -> listener.onProfile(new User(p.userId(), p.username(),
                    p.displayName(), p.status(), p.avatar(), p.deleted())));
            case ServerFrame.Request q -> safely(() -> listener.onRequest(q.conversationId(), q.userId()));
            case ServerFrame.Resync r -> inbox.resync(r.conversationId(), r.latestSeq());
            case ServerFrame.Pong p -> {
            }
        }
    }

    @Override
    public void lost(ChatSocket s, int code, String reason, Throwable error) {
        if (s != socket) {
            return;
        }
        socket = null;
        ready = false;
        inbox.live(false);
        if (state.isFinal()) {
            return;
        }
        if (code == CloseCode.AUTH_FAILED.code() || authRefusal == ErrorCode.UNAUTHENTICATED) {
            stop(ConnectionState.AUTH_FAILED, ErrorCode.UNAUTHENTICATED, "the node does not know this token");
            return;
        }
        if (code == CloseCode.LOGGED_OUT.code()) {
            stop(ConnectionState.LOGGED_OUT, ErrorCode.UNAUTHENTICATED, "this device was logged out");
            return;
        }
        if (code == CloseCode.ACCOUNT_DELETED.code()) {
            stop(ConnectionState.ACCOUNT_DELETED, ErrorCode.UNAUTHENTICATED, "the account was deleted");
            return;
        }
        if (code == CloseCode.ACCOUNT_DISABLED.code() || authRefusal == ErrorCode.ACCOUNT_DISABLED) {
            stop(ConnectionState.ACCOUNT_DISABLED, ErrorCode.ACCOUNT_DISABLED, "the account is disabled");
            return;
        }
        // Refused because too many devices were arriving at the node: back at the time it gave
        // (spread by the node), without growing the backoff, since the node is up.
        long wait = code == CloseCode.TRY_AGAIN_LATER.code() && comeBackAfterMs > 0 ? comeBackAfterMs : reconnects.next();
        log.log(System.Logger.Level.DEBUG, "connection lost (code {0}, {1}); reconnecting in {2} ms", code,
                error != null ? error.toString() : reason, wait);
        setState(ConnectionState.DISCONNECTED);
        reconnectTimer = thread.schedule(this::openSocket, wait, TimeUnit.MILLISECONDS);
    }

    /** Stops for good: fails everything that waits, so no caller waits forever. */
    private void stop(ConnectionState end, ErrorCode code, String why) {
        if (state.isFinal()) {
            return;
        }
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
        }
        if (pumpTimer != null) {
            pumpTimer.cancel(false);
        }
        inbox.flush();
        setState(end);
        ParleyException failure = new ParleyException(code, why);
        firstSync.completeExceptionally(failure);
        for (Outbox.PendingSend p : outbox.drain()) {
            p.future.completeExceptionally(failure);
        }
        for (PendingRequests.Request r : requests.drain()) {
            r.waiters.forEach(w -> w.completeExceptionally(failure));
        }
    }

    private ParleyException stopped() {
        return new ParleyException(state == ConnectionState.CLOSED ? ErrorCode.UNAVAILABLE : ErrorCode.UNAUTHENTICATED,
                "the client has stopped (" + state + ")");
    }

    /**
     * What waits for an answer, for a test's failure message: the connection, the window, and per
     * unconfirmed send where it was written and how long ago. Package-private, not an API.
     */
    CompletableFuture<String> describeUnanswered() {
        CompletableFuture<String> out = new CompletableFuture<>();
        loop.execute(() -> {
            long now = System.nanoTime();
            StringBuilder b = new StringBuilder("state=").append(state).append(" ready=").append(ready)
                    .append(" socket=").append(socket == null ? "none" : socket.describe())
                    .append(" window=").append(outbox.window()).append(" sweeps=").append(sweeps)
                    .append(" lastSweepMsAgo=").append((now - lastSweepNanos) / 1_000_000)
                    .append(" lastHeardMsAgo=").append((now - lastHeardNanos) / 1_000_000).append(" pending=[");
            b.append(outbox.describe(socket, now)).append("]");
            out.complete(b.toString());
        });
        return out;
    }

    private long sweeps;
    private long lastSweepNanos = System.nanoTime();

    /** Runs every second; a scheduled task that throws is never run again, so nothing may escape. */
    private void sweep() {
        try {
            sweeps++;
            lastSweepNanos = System.nanoTime();
            sweepOnce();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "the SDK's periodic sweep failed; it runs again in a second", e);
        }
    }

    private void sweepOnce() {
        long now = System.nanoTime();
        if (socket != null) {
            long limit = ready ? TimeUnit.MILLISECONDS.toNanos(2 * heartbeatMs) : HANDSHAKE_TIMEOUT_NANOS;
            if (now - lastHeardNanos > limit) {
                // A half-open connection reports nothing; silence is the only sign.
                ChatSocket s = socket;
                s.abort();
                lost(s, -1, "silent for too long", null);
                return;
            }
        }
        outbox.expire(now, ANSWER_TIMEOUT_NANOS);
        requests.expire(now, ANSWER_TIMEOUT_NANOS);
        // Every second, not only after an expiry: whatever is due goes out even if an answer
        // that should have made room was missed, so no send can wait for ever on a live connection.
        pumpSends();
        pumpRequests();
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            safely(() -> listener.onConnectionState(next));
        }
    }

    // ---- frames from the node ----------------------------------------------------------------

    private void onReady(ServerFrame.Ready r) {
        ready = true;
        userId = r.userId();
        deviceId = r.deviceId();
        if (r.heartbeatMs() > 0) {
            heartbeatMs = r.heartbeatMs();
        }
        if (r.maxFrameBytes() > 0) {
            maxFrameBytes = r.maxFrameBytes();
        }
        inbox.ready(userId, deviceId);
        if (watching != null && watchRequest == null) {
            List<Long> users = watching;
            watchRequest = requests.add(rid -> new ClientFrame.Watch(rid, users));
        }
        if (resume) {
            setState(ConnectionState.SYNCING);
        } else {
            // Without positions the node sends no catch-up and no `synced`: live from here.
            becomeLive();
        }
        pumpRequests();
        pumpSends();
    }

    private void onSynced() {
        becomeLive();
    }

    private void becomeLive() {
        reconnects.reset();
        // Positions and receipts of the catch-up first, so whoever waits on connect() sees them saved.
        inbox.live(true);
        setState(ConnectionState.LIVE);
        firstSync.complete(null);
    }

    private void onEntry(ServerFrame.Message m) {
        ChatMessage entry = ChatMessage.of(m);
        Outbox.PendingSend confirmed = null;
        if (entry.senderDeviceId() == deviceId && entry.clientId() != null) {
            // Our own message, from a catch-up: it confirms the send as `sent` would.
            confirmed = outbox.remove(entry.conversationId(), entry.clientId());
            if (confirmed != null) {
                outbox.confirmed();
                confirmed.future.complete(new SentMessage(entry.conversationId(), entry.clientId(), entry.seq(),
                        entry.ts()));
            }
        }
        inbox.add(entry);
        if (confirmed != null) {
            // Its slot of the window is free: a send that waited for one goes out now. Its
            // `sent`, when it comes, finds nothing pending and so pumps nothing.
            pumpSends();
        }
    }

    private void onSent(ServerFrame.Sent s) {
        Outbox.PendingSend p = outbox.remove(s.conversationId(), s.clientId());
        if (p == null) {
            return; // a repeated confirmation, or the entry came first (and freed the slot then)
        }
        outbox.confirmed();
        p.future.complete(new SentMessage(s.conversationId(), s.clientId(), s.seq(), s.ts()));
        if (s.seq() > 0) {
            // Seq 0: an action that changed nothing, and stored nothing.
            // The sending connection gets no copy of its own entry: it is made here, files included.
            ChatMessage own = OwnEntries.of(p.frame, s, userId, deviceId);
            inbox.add(p.attachments.isEmpty() ? own : own.withAttachments(p.attachments));
        }
        pumpSends();
    }

    private void onError(ServerFrame.Error e) {
        ErrorCode code = e.errorCode();
        long now = System.nanoTime();
        if (OwnEntries.TYPES.contains(e.request()) && e.clientId() != null) {
            Outbox.PendingSend p = outbox.find(e.conversationId(), e.clientId());
            if (p == null) {
                return;
            }
            p.writtenOn = null;
            if (code == ErrorCode.RATE_LIMITED) {
                outbox.rateLimited();
                p.notBeforeNanos = now + TimeUnit.MILLISECONDS.toNanos(Math.max(1, e.retryAfterMs()));
            } else if (ParleyException.isTransient(code)) {
                p.notBeforeNanos = now + TimeUnit.MILLISECONDS.toNanos(retryDelay(++p.attempts));
            } else {
                outbox.remove(p.conversationId, p.clientId);
                p.future.completeExceptionally(new ParleyException(code, e.message()));
            }
            pumpSends();
            return;
        }
        PendingRequests.Request r = requests.get(e.rid());
        if (r != null) {
            r.writtenOn = null;
            if (ParleyException.isTransient(code)) {
                r.notBeforeNanos = now + TimeUnit.MILLISECONDS.toNanos(
                        code == ErrorCode.RATE_LIMITED ? Math.max(1, e.retryAfterMs()) : retryDelay(++r.attempts));
                schedulePump(r.notBeforeNanos);
            } else {
                requests.remove(r.rid);
                if (r == watchRequest) {
                    watchRequest = null;
                }
                ParleyException failure = new ParleyException(code, e.message());
                r.waiters.forEach(w -> w.completeExceptionally(failure));
            }
            return;
        }
        if ("auth".equals(e.request())) {
            authRefusal = code; // the close that follows says the rest
            if (code == ErrorCode.UNAVAILABLE) {
                comeBackAfterMs = Math.max(1, e.retryAfterMs());
            }
            return;
        }
        log.log(System.Logger.Level.DEBUG, "node reported {0}: {1}", e.code(), e.message());
    }

    private void onOk(ServerFrame.Ok o) {
        PendingRequests.Request r = requests.remove(o.rid());
        if (r == null) {
            return;
        }
        if (r == watchRequest) {
            watchRequest = null;
        }
        r.waiters.forEach(w -> w.complete(null));
    }

    // ---- writing -----------------------------------------------------------------------------

    /** Writes a frame if a connection is authenticated; false otherwise. */
    private boolean writeIfReady(ClientFrame frame) {
        if (socket == null || !ready || state.isFinal()) {
            return false;
        }
        socket.write(FrameCodec.encodeClient(frame));
        return true;
    }

    private void pumpSends() {
        if (socket == null || !ready) {
            return;
        }
        long now = System.nanoTime();
        for (Outbox.PendingSend p : outbox.due(socket, now)) {
            String frame = FrameCodec.encodeClient(p.frame);
            if (frame.length() * 3L > maxFrameBytes && frame.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
                // The node would refuse the frame without naming the send; refuse it here instead.
                outbox.remove(p.conversationId, p.clientId);
                p.future.completeExceptionally(new ParleyException(ErrorCode.TOO_LARGE,
                        "the message does not fit in a frame of " + maxFrameBytes + " bytes"));
                continue;
            }
            socket.write(frame);
        }
        schedulePump(outbox.nextDueNanos(socket, now));
    }

    private void pumpRequests() {
        if (socket == null || !ready) {
            return;
        }
        for (PendingRequests.Request r : requests.due(socket, System.nanoTime())) {
            socket.write(FrameCodec.encodeClient(r.frame));
        }
    }

    private void schedulePump(long atNanos) {
        if (atNanos == Long.MAX_VALUE || (pumpTimer != null && !pumpTimer.isDone() && pumpAtNanos - atNanos <= 0)) {
            return;
        }
        if (pumpTimer != null) {
            pumpTimer.cancel(false);
        }
        pumpAtNanos = atNanos;
        pumpTimer = thread.schedule(() -> {
            pumpTimer = null;
            pumpSends();
            pumpRequests();
        }, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static long retryDelay(int attempt) {
        return Backoff.jitter(Backoff.delay(attempt - 1, SEND_RETRY_INITIAL_MS, SEND_RETRY_MAX_MS));
    }

    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "a Parley listener or position store threw", e);
        }
    }
}
