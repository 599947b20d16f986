package dev.parley.server.ws;

import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands frames from any thread to the connections of one event loop with one task per burst
 * rather than one task per frame: a 1,000-member fan-out costs each loop a single wake-up.
 * Order is kept per sender thread, so entries published in seq order arrive in seq order.
 */
final class LoopMailbox {
    private static final Logger log = LoggerFactory.getLogger(LoopMailbox.class);

    private record Item(ChatConnection connection, Object payload) {
    }

    private final Context context;
    private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    LoopMailbox(Context context) {
        this.context = context;
    }

    void post(ChatConnection connection, Object payload) {
        queue.add(new Item(connection, payload));
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        scheduled.set(false);
        Item item;
        while ((item = queue.poll()) != null) {
            try {
                item.connection().receive(item.payload());
            } catch (RuntimeException e) {
                // One connection's fault must not leave the items behind it waiting for the next post.
                log.warn("delivery to conn={} failed: {}", item.connection().id(), e.toString());
            }
        }
    }
}
