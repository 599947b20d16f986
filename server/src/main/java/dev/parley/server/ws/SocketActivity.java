package dev.parley.server.ws;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a node shutting down waits for: WebSockets whose TCP connection is still open, sends
 * accepted on a socket whose answer has not been written yet, and sockets that sent their close
 * frame and ended their output but are still open (their peer has not answered). Any thread.
 */
public final class SocketActivity {
    private final AtomicInteger openSockets = new AtomicInteger();
    private final AtomicInteger pendingSends = new AtomicInteger();
    private final Set<ChannelSocket> closing = ConcurrentHashMap.newKeySet();

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

    /** {@code socket} is writing its close frame and then ends its output; it stays open for the answer. */
    void closeSent(ChannelSocket socket) {
        closing.add(socket);
    }

    /** {@code socket}'s TCP connection is gone. */
    void closeEnded(ChannelSocket socket) {
        closing.remove(socket);
    }

    /** WebSockets whose TCP connection is still open (authenticated or not, closing or not). */
    public int openSockets() {
        return openSockets.get();
    }

    /** Sockets that sent (or are sending) their close frame and are still open, waiting for the answer. */
    public int closing() {
        return closing.size();
    }

    /** Sends accepted on this node whose answer has not been written yet. */
    public int pendingSends() {
        return pendingSends.get();
    }

    /**
     * Whether every socket still waiting for its peer's answer to the close has had everything it
     * wrote acknowledged by the peer's TCP stack (the close frame and the end of the stream
     * included): then closing them all now loses the peers nothing, and a stop need not wait for
     * the answers. Asks each socket on its event loop and waits until {@code deadlineNanos} at
     * most ({@link System#nanoTime}); false if one is not acknowledged yet, cannot tell, or did not
     * answer in time.
     */
    public boolean closesDelivered(long deadlineNanos) throws InterruptedException {
        List<ChannelSocket> waiting = List.copyOf(closing);
        CountDownLatch answered = new CountDownLatch(waiting.size());
        AtomicBoolean all = new AtomicBoolean(true);
        for (ChannelSocket socket : waiting) {
            socket.askCloseDelivered(delivered -> {
                if (!delivered) {
                    all.set(false);
                }
                answered.countDown();
            });
        }
        return answered.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS) && all.get();
    }
}
