package dev.parley.loadgen;

import io.vertx.core.Context;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One device's WebSocket as the generator drives it: authenticates, sends timestamped messages,
 * and records what the node sends back into its {@link Conv.Member}s and the run's {@link Stats}.
 *
 * <p>Threading: everything but construction runs on the device's event loop ({@link #context}),
 * so its state needs no locks. Other threads reach it through {@link #onLoop}.
 *
 * <p>With {@link #resume} set the device behaves as a real client does after a disconnect: it
 * reconnects with backoff, authenticates with its positions so the node catches it up, and
 * sends again (with the same client id and body) whatever was not confirmed.
 */
final class Device {
    /** Told when the device is live (authenticated, and caught up when it resumes) and when it drops. */
    interface Listener {
        void live(Device d, long nowNanos);

        void down(Device d, int closeCode);
    }

    /** Told of every delivery of a message this run sent (the fan-out workload uses it). */
    interface DeliveryHook {
        void delivered(Conv.Member m, int index, long sendNanos, long nowNanos);
    }

    /** Told once, when the current connection attempt ends live or fails for good. */
    interface Waiter {
        void onLive();

        void onFailed();
    }

    enum State { DOWN, CONNECTING, AUTHENTICATING, SYNCING, LIVE, STOPPED }

    private record Pending(Conv.Member member, String body) {
    }

    final User user;
    final Context context;
    private final Stats stats;
    private final WebSocketClient client;
    private final WebSocketConnectOptions target;
    private final int bodySize;
    private final boolean resume;
    private final Listener listener;
    private final List<Conv.Member> members = new ArrayList<>(8);
    private Conv.Member[] memberArray = new Conv.Member[0];
    private DeliveryHook hook;
    private volatile boolean readReceipts;
    private java.util.function.LongFunction<String> bodies;
    private java.util.function.IntUnaryOperator chooser;
    private Waiter waiter;
    private final LinkedHashMap<String, Pending> pending;
    /** The close code of a node with too many devices arriving at once (docs/protocol.md). */
    private static final int TRY_AGAIN_LATER = 1013;

    private WebSocket ws;
    /** Set when the device reads its frames itself ({@link #readFramesItself}): then ws is null. */
    private DeviceSocket socket;
    private boolean ownFrames;
    private State state = State.DOWN;
    private long counter;
    private int nextMember;
    private long inflight;
    private int attempt;
    /** The wait the node gave with its last refusal of {@code auth} (too many arriving at once), or 0. */
    private long comeBackAfterMs;
    private long backoffInitialMs = 250;
    private long backoffMaxMs = 4000;

    // Figures read by the correctness check once the loops are quiet.
    long echoes;
    /** The first few echoes, described for the results. */
    final List<String> echoSamples = new ArrayList<>(0);
    long unknownConversation;
    long resyncs;
    long unexpectedCloses;
    long connectFailures;
    long resends;
    long confirmedByCatchUp;
    long liveAtNanos;
    /** When the node last answered an {@code auth} with {@code ready} (before its catch-up, when resuming). */
    long readyAtNanos;
    int lastCloseCode;

    Device(User user, Context context, Stats stats, WebSocketClient client, WebSocketConnectOptions target, int bodySize,
           boolean resume, Listener listener) {
        this.user = user;
        this.context = context;
        this.stats = stats;
        this.client = client;
        this.target = target;
        this.bodySize = bodySize;
        this.resume = resume;
        this.listener = listener;
        this.pending = resume ? new LinkedHashMap<>() : null;
    }

    void addConversation(Conv.Member m) {
        members.add(m);
        memberArray = members.toArray(new Conv.Member[0]);
    }

    List<Conv.Member> members() {
        return members;
    }

    /**
     * Reads this device's frames with {@link DeviceSocket} instead of Vert.x's WebSocket once the
     * upgrade is done (the fan-out workload: every delivery is read the same way, for less CPU).
     * Call before {@link #connect}.
     */
    void readFramesItself() {
        this.ownFrames = true;
    }

    void hook(DeliveryHook h) {
        this.hook = h;
    }

    /**
     * Answers every live message with a {@code read} receipt for its seq, as a client showing the
     * conversation does (docs/protocol.md, "read").
     */
    void sendReadReceipts(boolean on) {
        this.readReceipts = on;
    }

    /**
     * Sends the bodies {@code bodies} makes from the send time instead of timestamped padding (the
     * search workload sends chat text; its deliveries then carry no send time and are only counted).
     */
    void bodies(java.util.function.LongFunction<String> bodies) {
        this.bodies = bodies;
    }

    /**
     * Picks the conversation of each send with {@code chooser} (given how many the device is in,
     * it returns an index) instead of taking them in turn.
     */
    void chooser(java.util.function.IntUnaryOperator chooser) {
        this.chooser = chooser;
    }

    /** Call on the device's loop, before {@link #connect}. */
    void await(Waiter w) {
        this.waiter = w;
    }

    private void notifyWaiter(boolean live) {
        Waiter w = waiter;
        if (w != null) {
            waiter = null;
            if (live) {
                w.onLive();
            } else {
                w.onFailed();
            }
        }
    }

    void backoff(long initialMs, long maxMs) {
        this.backoffInitialMs = initialMs;
        this.backoffMaxMs = maxMs;
    }

    State state() {
        return state;
    }

    boolean live() {
        return state == State.LIVE;
    }

    /** Sends not yet answered with {@code sent} or an error. */
    long inflight() {
        return resume ? pending.size() : inflight;
    }

    void onLoop(Runnable r) {
        context.runOnContext(v -> r.run());
    }

    // ---- connecting -----------------------------------------------------------------------

    /** Connects and authenticates; call on the device's loop. */
    void connect() {
        if (state == State.STOPPED) {
            return;
        }
        state = State.CONNECTING;
        comeBackAfterMs = 0;
        client.connect(target).onComplete(ar -> {
            if (ar.failed()) {
                connectFailures++;
                state = State.DOWN;
                if (resume) {
                    scheduleReconnect();
                } else {
                    stats.onError("connect_failed");
                    listener.down(this, -1);
                    notifyWaiter(false);
                }
                return;
            }
            WebSocket s = ar.result();
            if (state == State.STOPPED) {
                s.close();
                return;
            }
            if (ownFrames && s instanceof io.vertx.core.internal.http.WebSocketInternal wi) {
                socket = DeviceSocket.takeOver(this, wi);
            } else {
                ws = s;
                s.frameHandler(this::onFrame);
                s.closeHandler(v -> onClosed(s, s.closeStatusCode() == null ? 1006 : s.closeStatusCode()));
                s.exceptionHandler(t -> { });
            }
            state = State.AUTHENTICATING;
            write(Wire.auth(user.token(), resume ? positionsForAuth() : null));
        });
    }

    /** This device's positions for an {@code auth}, each remembered as where its catch-up starts. */
    Map<Long, Long> positionsForAuth() {
        Map<Long, Long> positions = new HashMap<>();
        for (Conv.Member m : memberArray) {
            m.resumedFrom = m.position();
            positions.put(m.conv.id, m.resumedFrom);
        }
        return positions;
    }

    private void scheduleReconnect() {
        long cap = Math.min(backoffMaxMs, backoffInitialMs << Math.min(attempt, 20));
        attempt++;
        long wait = Math.max(1, (long) (cap * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
        context.owner().setTimer(wait, t -> connect());
    }

    private void write(String text) {
        if (socket != null) {
            socket.writeText(text);
        } else {
            ws.writeTextMessage(text);
        }
    }

    /** From {@link DeviceSocket}, on the loop: its connection ended with {@code code} (1006 without a close frame). */
    void onSocketClosed(DeviceSocket s, int code) {
        if (s != socket) {
            return;
        }
        socket = null;
        closed(code);
    }

    private void onClosed(WebSocket s, int code) {
        if (s != ws) {
            return;
        }
        ws = null;
        closed(code);
    }

    private void closed(int code) {
        lastCloseCode = code;
        stats.closes.increment();
        if (state == State.STOPPED) {
            return;
        }
        state = State.DOWN;
        if (lastCloseCode == TRY_AGAIN_LATER && comeBackAfterMs > 0) {
            // Too many devices were arriving at the node (it answered auth, so this connection
            // was never live): back at the time it gave, as a real client would, whether resuming
            // or connecting for the first time. Not a failure, so the backoff does not grow.
            context.owner().setTimer(comeBackAfterMs, t -> connect());
            return;
        }
        if (!resume) {
            unexpectedCloses++;
            stats.onError("closed_" + lastCloseCode);
            inflight = 0;
        }
        listener.down(this, lastCloseCode);
        if (resume) {
            scheduleReconnect();
        } else {
            notifyWaiter(false);
        }
    }

    /** Closes the connection from this side (1001, going away); a resuming device reconnects by itself. */
    void drop() {
        if (socket != null) {
            socket.close(1001);
        } else if (ws != null) {
            ws.close((short) 1001, "bench drop");
        }
    }

    /** Closes for good (no reconnect). */
    void stop() {
        state = State.STOPPED;
        if (socket != null) {
            socket.close(1000);
        } else if (ws != null) {
            ws.close();
        }
    }

    private void goLive(long now) {
        state = State.LIVE;
        attempt = 0;
        liveAtNanos = now;
        if (resume && !pending.isEmpty()) {
            for (Map.Entry<String, Pending> e : pending.entrySet()) {
                write(Wire.send(e.getKey(), e.getValue().member().conv.id, e.getValue().body()));
                resends++;
            }
        }
        listener.live(this, now);
        notifyWaiter(true);
    }

    // ---- sending --------------------------------------------------------------------------

    /** Sends one message to the next of this device's conversations in turn; false when not live. */
    boolean send(long now) {
        if (state != State.LIVE || memberArray.length == 0) {
            return false;
        }
        Conv.Member m;
        if (chooser != null) {
            m = memberArray[chooser.applyAsInt(memberArray.length)];
        } else {
            m = memberArray[nextMember];
            nextMember = nextMember + 1 == memberArray.length ? 0 : nextMember + 1;
        }
        String clientId = Wire.clientId(user.deviceId(), counter++, now);
        String body = bodies != null ? bodies.apply(now) : Wire.body(now, bodySize);
        write(Wire.send(clientId, m.conv.id, body));
        stats.onSent(now);
        if (resume) {
            pending.put(clientId, new Pending(m, body));
        } else {
            inflight++;
        }
        return true;
    }

    // ---- receiving ------------------------------------------------------------------------

    void onFrame(WebSocketFrame f) {
        if (!f.isText() && !f.isBinary() && !f.isContinuation()) {
            return;
        }
        if (!f.isFinal() || f.isContinuation()) {
            stats.onError("fragmented_frame");
            return;
        }
        onText(f.binaryData().getBytes(), System.nanoTime());
    }

    /** A text frame from the node, received at {@code now}; either way of reading frames ends here. */
    void onText(byte[] b, long now) {
        switch (Wire.type(b)) {
            case Wire.MESSAGE -> onMessage(b, now);
            case Wire.SENT -> onSent(b, now);
            case Wire.ERROR -> onError(b);
            case Wire.READY -> {
                readyAtNanos = now;
                if (resume) {
                    state = State.SYNCING;
                } else {
                    goLive(now);
                }
            }
            case Wire.SYNCED -> goLive(now);
            case Wire.RECEIPT -> stats.receiptsReceived.increment();
            case Wire.RESYNC -> {
                resyncs++;
                stats.onError("resync");
            }
            default -> {
            }
        }
    }

    /** From {@link DeviceSocket}: a frame the generator does not expect from a node. */
    void frameError(String what) {
        stats.onError(what);
    }

    private Conv.Member member(long conversationId) {
        for (Conv.Member m : memberArray) {
            if (m.conv.id == conversationId) {
                return m;
            }
        }
        return null;
    }

    private void onMessage(byte[] b, long now) {
        // Fields in the order the node writes them, each looked for from where the last was found.
        int at = Wire.valueAt(b, Wire.CONVERSATION_ID, 0);
        Conv.Member m = member(Wire.numberAt(b, at));
        if (m == null) {
            unknownConversation++;
            return;
        }
        at = Wire.valueAt(b, Wire.SEQ, at);
        long rel = Wire.numberAt(b, at) - m.conv.base - 1;
        if (rel < 0) {
            return;
        }
        int idx = (int) rel;
        int senderAt = Wire.valueAt(b, Wire.SENDER_DEVICE_ID, at);
        if (senderAt >= 0) {
            at = senderAt;
        }
        if (Wire.numberAt(b, senderAt) == user.deviceId()) {
            // Its own entry: the node stored a send whose confirmation this device did not get
            // (it reconnected meanwhile); the entry confirms it.
            if (m.confirmed.get(idx)) {
                if (state == State.SYNCING && m.conv.base + 1 + idx > m.resumedFrom) {
                    // A catch-up sends every entry after the position (docs/protocol.md, "Resume
                    // and catch-up"), the device's own included: a device whose own entry was
                    // confirmed by its sent, but which missed another member's entry before it,
                    // resumes below its own and gets it again. Expected, not an echo; a client
                    // knows it by its clientId. Live entries never come while it syncs.
                    return;
                }
                echo(m, idx, "its own entry after its sent");
                return;
            }
            m.confirmed.set(idx);
            stats.expectedDeliveries.add(m.conv.members.size() - 1);
            if (resume) {
                String clientId = Wire.string(b, Wire.CLIENT_ID);
                if (clientId != null && pending.remove(clientId) != null) {
                    confirmedByCatchUp++;
                }
            }
            return;
        }
        if (m.received.get(idx)) {
            m.duplicates++;
            return;
        }
        if (idx <= m.lastReceived) {
            m.outOfOrder++;
        } else {
            m.lastReceived = idx;
        }
        m.received.set(idx);
        long sendNanos = Wire.numberAt(b, Wire.valueAt(b, Wire.BODY_TIME, at));
        stats.onDelivered(sendNanos, now);
        if (readReceipts && state == State.LIVE) {
            write("{\"type\":\"read\",\"conversationId\":" + m.conv.id + ",\"seq\":" + (m.conv.base + 1 + idx) + "}");
            stats.readsSent.increment();
        }
        if (hook != null) {
            hook.delivered(m, idx, sendNanos, now);
        }
    }

    private void onSent(byte[] b, long now) {
        Conv.Member m = member(Wire.number(b, Wire.CONVERSATION_ID));
        if (m == null) {
            unknownConversation++;
            return;
        }
        int idx = (int) (Wire.number(b, Wire.SEQ) - m.conv.base - 1);
        if (idx < 0) {
            return;
        }
        if (m.confirmed.get(idx)) {
            echo(m, idx, "a sent after its own entry (or a second sent)");
        } else {
            m.confirmed.set(idx);
            stats.expectedDeliveries.add(m.conv.members.size() - 1);
        }
        if (resume) {
            pending.remove(Wire.string(b, Wire.CLIENT_ID));
        } else {
            inflight--;
        }
        stats.onConfirmed(Wire.clientIdTime(b), now);
    }

    private void echo(Conv.Member m, int idx, String what) {
        echoes++;
        if (echoSamples.size() < 3) {
            echoSamples.add("echo: device " + user.deviceId() + " got " + what + " for conversation " + m.conv.id + " seq "
                    + (m.conv.base + 1 + idx) + " in state " + state);
        }
    }

    private void onError(byte[] b) {
        String code = Wire.string(b, Wire.CODE);
        String request = Wire.string(b, Wire.REQUEST);
        if ("auth".equals(request) && "unavailable".equals(code)) {
            // The close 1013 that follows sends the device back at this time.
            comeBackAfterMs = Math.max(1, Wire.number(b, Wire.RETRY_AFTER_MS));
            stats.onError("auth_unavailable");
            return;
        }
        stats.onError(code);
        if (!"send".equals(request)) {
            return;
        }
        if (resume) {
            // A node that is shutting down refuses sends with "unavailable"; the device sends them
            // again after it reconnects. Anything else is final.
            if (!"unavailable".equals(code) && !"internal".equals(code)) {
                pending.remove(Wire.string(b, Wire.CLIENT_ID));
            }
        } else {
            inflight--;
        }
    }
}
