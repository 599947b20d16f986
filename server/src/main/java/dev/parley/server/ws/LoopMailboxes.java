package dev.parley.server.ws;

import io.vertx.core.Context;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's {@link LoopMailbox}es, one per event loop: where the local fan-out hands frames to
 * connections. Any thread.
 */
public final class LoopMailboxes {
    private final ConcurrentHashMap<Context, LoopMailbox> byLoop = new ConcurrentHashMap<>();

    /** The mailbox of the loop {@code context} runs on. */
    LoopMailbox of(Context context) {
        return byLoop.computeIfAbsent(context, LoopMailbox::new);
    }
}
