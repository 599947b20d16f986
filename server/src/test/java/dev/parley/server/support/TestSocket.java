package dev.parley.server.support;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A device's WebSocket on the JDK client. Every text message from the node is decoded with
 * {@link FrameCodec#decodeServer} and kept in arrival order; {@link #awaitFrame} takes the first
 * not yet taken frame that matches, waiting for it if needed, and {@link #received()} lists
 * everything ever received (taken or not), so a test can show something never arrived.
 *
 * <p>Reading follows the JDK's request(n) flow control: {@link #stopReading()} stops requesting
 * messages, so the node's writes back up as they would for a client that stopped reading;
 * {@link #resumeReading()} drains what is queued.
 */
public final class TestSocket implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How the connection ended: the close code and reason from the node, or -1 after an abrupt end. */
    public record Closed(int code, String reason, Throwable error) {
    }

    private final Object lock = new Object();
    private final List<ServerFrame> received = new ArrayList<>();
    private final LinkedList<ServerFrame> pending = new LinkedList<>();
    private final List<String> undecodable = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> sentTexts = new ArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private volatile boolean reading = true;
    private WebSocket ws;

    private TestSocket() {
    }

    /** Opens a WebSocket to {@code uri}; fails (with the handshake's failure as cause) if it cannot. */
    public static TestSocket connect(URI uri) {
        TestSocket s = new TestSocket();
        try {
            s.ws = Rest.HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(uri, s.new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("WebSocket connect to " + uri + " failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("WebSocket connect to " + uri + " failed", e);
        }
        return s;
    }

    // ---- sending -------------------------------------------------------------------------

    public void send(ClientFrame frame) {
        sendText(FrameCodec.encodeClient(frame));
    }

    /** Sends any text as one WebSocket text message. */
    public void sendText(String text) {
        synchronized (sendLock) {
            synchronized (lock) {
                sentTexts.add(text);
            }
            join(ws.sendText(text, true));
        }
    }

    public void sendBinary(byte[] data) {
        synchronized (sendLock) {
            join(ws.sendBinary(ByteBuffer.wrap(data), true));
        }
    }

    /** A WebSocket-level ping (not the protocol's {@code ping} frame). */
    public void sendWebSocketPing() {
        synchronized (sendLock) {
            join(ws.sendPing(ByteBuffer.allocate(0)));
        }
    }

    public ServerFrame.Ready auth(String token) {
        send(new ClientFrame.Auth(null, token, null));
        return awaitFrame(ServerFrame.Ready.class);
    }

    /** Authenticates with positions; returns {@code ready}. Catch-up frames and {@code synced} follow. */
    public ServerFrame.Ready authWithPositions(String token, Map<Long, Long> positions) {
        send(new ClientFrame.Auth(null, token, positions));
        return awaitFrame(ServerFrame.Ready.class);
    }

    /** Sends a text message and waits for its {@code sent}. */
    public ServerFrame.Sent sendMessage(long conversationId, String clientId, String body) {
        send(new ClientFrame.Send(null, clientId, conversationId, body));
        return awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals(clientId));
    }

    /**
     * Sends {@code n} messages with {@code body} (client ids {@code prefix0}, {@code prefix1}, ...)
     * without waiting in between, then waits for the last one's {@code sent}.
     */
    public void sendMessages(long conversationId, String prefix, int n, String body) {
        for (int i = 0; i < n; i++) {
            send(new ClientFrame.Send(null, prefix + i, conversationId, body));
        }
        awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals(prefix + (n - 1)));
    }

    // ---- receiving -----------------------------------------------------------------------

    public <T extends ServerFrame> T awaitFrame(Class<T> type) {
        return awaitFrame(type, t -> true, TIMEOUT);
    }

    public <T extends ServerFrame> T awaitFrame(Class<T> type, Predicate<? super T> match) {
        return awaitFrame(type, match, TIMEOUT);
    }

    /**
     * Takes the first not yet taken frame of {@code type} matching {@code match}, waiting up to
     * {@code timeout} for it. Frames it skips stay available to later calls.
     */
    public <T extends ServerFrame> T awaitFrame(Class<T> type, Predicate<? super T> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (Iterator<ServerFrame> it = pending.iterator(); it.hasNext(); ) {
                    ServerFrame f = it.next();
                    if (type.isInstance(f) && match.test(type.cast(f))) {
                        it.remove();
                        return type.cast(f);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + type.getSimpleName() + " frame matching within " + timeout
                            + "; closed=" + closed.getNow(null) + "; received: " + describe(received));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** The {@code error} answering the request with this rid. */
    public ServerFrame.Error awaitError(String rid) {
        return awaitFrame(ServerFrame.Error.class, e -> rid.equals(e.rid()));
    }

    /** The next {@code n} message frames of one conversation, in arrival order. */
    public List<ServerFrame.Message> awaitMessages(long conversationId, int n) {
        List<ServerFrame.Message> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == conversationId));
        }
        return out;
    }

    /**
     * Waits {@code window} and fails if a matching frame arrived (or had arrived). Use only after a
     * positive event that proves the frame would have arrived by now.
     */
    public <T extends ServerFrame> void expectNoFrame(Class<T> type, Predicate<? super T> match, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        synchronized (lock) {
            while (true) {
                List<T> hits = matching(type, match);
                if (!hits.isEmpty()) {
                    throw new AssertionError("unexpected " + type.getSimpleName() + ": " + hits);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Every frame received so far that matches, taken or not, in arrival order. */
    public <T extends ServerFrame> List<T> matching(Class<T> type, Predicate<? super T> match) {
        synchronized (lock) {
            return received.stream().filter(type::isInstance).map(type::cast).filter(match).toList();
        }
    }

    /** Every frame received so far, in arrival order. */
    public List<ServerFrame> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /** Every text message the node sent, as it came, in arrival order. */
    public List<String> texts() {
        synchronized (lock) {
            return List.copyOf(texts);
        }
    }

    /** Every text message sent on this socket, in order. */
    public List<String> sentTexts() {
        synchronized (lock) {
            return List.copyOf(sentTexts);
        }
    }

    /** Text messages the node sent that {@link FrameCodec#decodeServer} could not read. */
    public List<String> undecodable() {
        synchronized (lock) {
            return List.copyOf(undecodable);
        }
    }

    // ---- flow control and closing --------------------------------------------------------

    /** Stops requesting messages: from now on the node's writes pile up in the TCP buffers. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        ws.request(1);
    }

    /** Waits for the connection to end and returns how it ended. */
    public Closed awaitClose() {
        return awaitClose(TIMEOUT);
    }

    public Closed awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + timeout + "; received: " + describe(received()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Closes normally (1000), or drops the connection if the close handshake does not finish. */
    @Override
    public void close() {
        if (ws == null || closed.isDone()) {
            return;
        }
        try {
            synchronized (sendLock) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            }
            closed.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // fall through to abort
        } finally {
            ws.abort();
        }
    }

    /** Drops the TCP connection without a close handshake. */
    public void abort() {
        ws.abort();
    }

    private static void join(CompletableFuture<?> f) {
        try {
            f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("send failed", e);
        }
    }

    private static String describe(List<ServerFrame> frames) {
        int from = Math.max(0, frames.size() - 30);
        return (from > 0 ? "[" + from + " earlier] " : "")
                + frames.subList(from, frames.size()).stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private void demand(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String whole = text.toString();
                text.setLength(0);
                synchronized (lock) {
                    texts.add(whole);
                    try {
                        ServerFrame f = FrameCodec.decodeServer(whole);
                        received.add(f);
                        pending.add(f);
                    } catch (RuntimeException e) {
                        undecodable.add(whole);
                    }
                    lock.notifyAll();
                }
            }
            demand(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (lock) {
                undecodable.add("<binary " + data.remaining() + " bytes>");
            }
            demand(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            // The JDK answers the ping itself.
            demand(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            demand(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason, null));
            synchronized (lock) {
                lock.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, null, error));
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }
}
