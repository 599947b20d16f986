package dev.parley.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket to a node: joins fragmented text messages, writes one frame at a time (the JDK
 * allows a single outstanding send), and hands every event to the SDK thread.
 *
 * <p>Reading is paced by the SDK thread: the socket asks the JDK for another message only after a
 * received one was handled, so a slow listener slows the node's writes instead of filling memory.
 * Methods other than the {@link WebSocket.Listener} callbacks run on the SDK thread.
 */
final class ChatSocket implements WebSocket.Listener {
    /** Messages asked for ahead of the one being handled. */
    private static final int READ_AHEAD = 32;

    /** What the socket reports, always on the SDK thread. */
    interface Events {
        void opened(ChatSocket socket);

        void received(ChatSocket socket, String text);

        /** A WebSocket ping arrived (the JDK answers it): the node is alive. */
        void heard(ChatSocket socket);

        /** The socket is gone: {@code code} is the close code, or -1 when it failed without one. */
        void lost(ChatSocket socket, int code, String reason, Throwable error);
    }

    private final Executor loop;
    private final Events events;
    private final ArrayDeque<String> unwritten = new ArrayDeque<>();
    private volatile WebSocket ws;
    private StringBuilder partial;
    private boolean writing;
    private boolean gone;

    private ChatSocket(Executor loop, Events events) {
        this.loop = loop;
        this.events = events;
    }

    static ChatSocket open(HttpClient http, URI uri, Duration timeout, Executor loop, Events events) {
        ChatSocket socket = new ChatSocket(loop, events);
        http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, socket).whenComplete((ws, err) -> {
            if (err != null) {
                loop.execute(() -> socket.fail(-1, null, err));
            }
        });
        return socket;
    }

    /** Queues a text frame; frames go out in the order written. Dropped once the socket is gone. */
    void write(String text) {
        if (gone) {
            return;
        }
        unwritten.add(text);
        pump();
    }

    private void pump() {
        if (writing || gone || ws == null || unwritten.isEmpty()) {
            return;
        }
        writing = true;
        ws.sendText(unwritten.poll(), true).whenComplete((w, err) -> loop.execute(() -> {
            writing = false;
            if (err != null) {
                fail(-1, null, err);
            } else {
                pump();
            }
        }));
    }

    /** Its write state, for diagnostics: open, writing, frames waiting. */
    String describe() {
        return "{open=" + (ws != null) + " gone=" + gone + " writing=" + writing + " unwritten=" + unwritten.size()
                + (ws != null ? " outputClosed=" + ws.isOutputClosed() + " inputClosed=" + ws.isInputClosed() : "") + "}";
    }

    /** Closes politely (close frame 1000), then drops the TCP connection if the node does not answer. */
    void close() {
        WebSocket w = ws;
        gone = true;
        unwritten.clear();
        if (w != null) {
            w.sendClose(WebSocket.NORMAL_CLOSURE, "normal").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((x, err) -> w.abort());
        }
    }

    /** Drops the connection at once, as a network failure would; no event follows. */
    void abort() {
        gone = true;
        unwritten.clear();
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
    }

    private void fail(int code, String reason, Throwable error) {
        if (gone) {
            return;
        }
        gone = true;
        unwritten.clear();
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        events.lost(this, code, reason, error);
    }

    // ---- WebSocket.Listener: JDK threads, so everything hops to the SDK thread ------------------

    @Override
    public void onOpen(WebSocket webSocket) {
        ws = webSocket;
        webSocket.request(READ_AHEAD);
        loop.execute(() -> {
            if (!gone) {
                events.opened(this);
                pump();
            } else {
                webSocket.abort();
            }
        });
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        // The JDK may reuse `data` once this returns, so it is copied here.
        if (!last) {
            if (partial == null) {
                partial = new StringBuilder();
            }
            partial.append(data);
            webSocket.request(1);
            return null;
        }
        String text;
        if (partial != null) {
            text = partial.append(data).toString();
            partial = null;
        } else {
            text = data.toString();
        }
        loop.execute(() -> {
            if (!gone) {
                events.received(this, text);
            }
            webSocket.request(1);
        });
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        // The protocol has no binary frames from the node; skip any.
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        webSocket.request(1);
        loop.execute(() -> {
            if (!gone) {
                events.heard(this);
            }
        });
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        loop.execute(() -> fail(statusCode, reason, null));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        loop.execute(() -> fail(-1, null, error));
    }
}
