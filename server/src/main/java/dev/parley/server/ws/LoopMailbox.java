package dev.parley.server.ws;

import io.vertx.core.Context;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands frames from any thread to the connections of one event loop with one task per burst
 * rather than one task per frame: a 1,000-member fan-out costs each loop a single wake-up.
 * Order is kept per sender thread, so entries published in seq order arrive in seq order.
 */
final class LoopMailbox {
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
            item.connection().receive(item.payload());
        }
    }
}
