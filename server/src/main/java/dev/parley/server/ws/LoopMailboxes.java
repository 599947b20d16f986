package dev.parley.server.ws;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's {@link LoopMailbox}es, one per event loop: where the local fan-out hands frames to
 * connections. Any thread.
 *
 * <p>Keyed by the Netty event loop, not by the Vert.x context: each HTTP connection has a context
 * of its own, and keying by it made one mailbox per connection, kept after the connection closed
 * (a fan-out then woke its loop once per recipient instead of once per burst).
 */
public final class LoopMailboxes {
    /** Netty's own setting: how long an event loop runs queued tasks before it reads its sockets. */
    static final String TASK_QUANTUM_PROPERTY = "io.netty.eventLoop.maxTaskProcessingQuantumMs";
    /** Netty's default is 1,000 ms, and 100 its smallest value. */
    static final String TASK_QUANTUM_MS = "100";

    /**
     * Caps at 100 ms the time an event loop spends on queued tasks (mailbox drains among them)
     * between two rounds of socket I/O, unless the JVM was started with its own value. Under a
     * fan-out backlog the loop's tasks never run out; with Netty's 1 s default, sockets whose
     * kernel buffer filled waited up to a second to be written again, and readers sat idle. Call
     * before the first Vert.x instance is built: Netty reads the setting once per JVM.
     */
    public static void boundTaskTimePerLoopTurn() {
        if (System.getProperty(TASK_QUANTUM_PROPERTY) == null) {
            System.setProperty(TASK_QUANTUM_PROPERTY, TASK_QUANTUM_MS);
        }
    }

    private final ConcurrentHashMap<EventLoop, LoopMailbox> byLoop = new ConcurrentHashMap<>();

    /** The mailbox of the loop {@code context} runs on. */
    LoopMailbox of(Context context) {
        ContextInternal loopContext = ((ContextInternal) context).unwrap();
        return byLoop.computeIfAbsent(loopContext.nettyEventLoop(), loop -> new LoopMailbox(loopContext));
    }
}
