package dev.parley.server.ws;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a node shutting down waits for: WebSockets whose TCP connection is still open, and sends
 * accepted on a socket whose answer has not been written yet. Any thread.
 */
public final class SocketActivity {
    private final AtomicInteger openSockets = new AtomicInteger();
    private final AtomicInteger pendingSends = new AtomicInteger();

    void socketOpened() {
        openSockets.incrementAndGet();
    }

    void socketClosed() {
        openSockets.decrementAndGet();
    }

    void sendStarted() {
        pendingSends.incrementAndGet();
    }

    void sendFinished() {
        pendingSends.decrementAndGet();
    }

    /** WebSockets whose TCP connection is still open (authenticated or not, closing or not). */
    public int openSockets() {
        return openSockets.get();
    }

    /** Sends accepted on this node whose answer has not been written yet. */
    public int pendingSends() {
        return pendingSends.get();
    }
}
