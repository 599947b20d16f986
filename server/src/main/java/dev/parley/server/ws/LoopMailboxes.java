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
    private final ConcurrentHashMap<EventLoop, LoopMailbox> byLoop = new ConcurrentHashMap<>();

    /** The mailbox of the loop {@code context} runs on. */
    LoopMailbox of(Context context) {
        ContextInternal loopContext = ((ContextInternal) context).unwrap();
        return byLoop.computeIfAbsent(loopContext.nettyEventLoop(), loop -> new LoopMailbox(loopContext));
    }
}
