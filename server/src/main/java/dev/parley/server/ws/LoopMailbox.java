package dev.parley.server.ws;

import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands frames from any thread to the connections of one event loop with one task per burst
 * rather than one task per frame: a 1,000-member fan-out costs each loop a single wake-up.
 * Order is kept per sender thread, so entries published in seq order arrive in seq order.
 *
 * <p>A drain works for at most {@value #SLICE_MICROS} µs, then queues itself again behind the
 * loop's other tasks. Draining a whole backlog in one task kept the loop from reading its sockets
 * for as long as posts kept coming (under load, indefinitely): pongs went unread, and the node
 * closed hundreds of live members for missed heartbeats. Items are still taken in the order they
 * were posted, by one drain at a time, so per-conversation order is unchanged.
 *
 * <p>A fan-out posts one item per loop and payload ({@link #postToAll}), not one per recipient:
 * an item and a queue node per delivery were a quarter of what a node allocated in a 1,024-member
 * fan-out (JFR), and its young collections, 20-30 ms each, came that much more often. A slice may
 * end inside such an item; the next drain goes on from the recipient it got to.
 */
final class LoopMailbox {
    private static final Logger log = LoggerFactory.getLogger(LoopMailbox.class);
    /**
     * The most time one drain task takes before queueing itself again. The ends-of-turn flushes of
     * {@link ChannelSocket} run between slices, so a slice must be long enough for a connection to
     * get several frames per flush (500 µs gave most members one frame per write and cut
     * deliveries/s by two thirds) and short enough to add no noticeable latency.
     */
    static final long SLICE_MICROS = 20_000;
    /** Items delivered between two looks at the clock (a delivery costs a few µs). */
    private static final int ITEMS_PER_CLOCK_READ = 16;

    /** Where a mailbox item goes: a {@link ChatConnection}, or a stand-in in tests. */
    interface Recipient {
        /** On the loop. */
        void receive(Object payload);

        long id();
    }

    private record Item(Recipient connection, Object payload) {
    }

    /** One payload for several recipients of this loop, delivered in list order. */
    private record ToAll(List<? extends Recipient> connections, Object payload) {
    }

    private final ContextInternal context;
    /** {@link Item}s and {@link ToAll}s, in the order posted. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** On the loop: the {@link ToAll} a slice ended in, and the index of its next recipient. */
    private ToAll unfinished;
    private int unfinishedNext;
    /** True from the post that schedules a drain until a drain finds the queue empty. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    LoopMailbox(ContextInternal context) {
        this.context = context;
    }

    void post(Recipient connection, Object payload) {
        enqueue(new Item(connection, payload));
    }

    /** Queues {@code payload} for each of {@code connections} (all of this loop), in list order; any thread. */
    void postToAll(List<? extends Recipient> connections, Object payload) {
        enqueue(new ToAll(connections, payload));
    }

    private void enqueue(Object item) {
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    private void drain() {
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(SLICE_MICROS);
        int delivered = 0;
        try {
            while (true) {
                ToAll all = unfinished;
                if (all != null) {
                    List<? extends Recipient> to = all.connections();
                    while (unfinishedNext < to.size()) {
                        deliver(to.get(unfinishedNext++), all.payload());
                        if (sliceOver(++delivered, deadline)) {
                            requeue();
                            return;
                        }
                    }
                    unfinished = null;
                }
                Object next = queue.poll();
                if (next == null) {
                    break;
                }
                if (next instanceof ToAll toAll) {
                    unfinished = toAll;
                    unfinishedNext = 0;
                } else {
                    Item item = (Item) next;
                    deliver(item.connection(), item.payload());
                    if (sliceOver(++delivered, deadline)) {
                        requeue();
                        return;
                    }
                }
            }
        } catch (Error e) {
            // Let the next post schedule a drain again rather than leave the mailbox stuck.
            scheduled.set(false);
            throw e;
        }
        scheduled.set(false);
        // A post between the last poll and the line above saw the drain scheduled and left it to us.
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    /** Whether the slice is used up, the clock read once every {@link #ITEMS_PER_CLOCK_READ} deliveries. */
    private static boolean sliceOver(int delivered, long deadline) {
        return delivered % ITEMS_PER_CLOCK_READ == 0 && System.nanoTime() - deadline >= 0;
    }

    private void requeue() {
        // Behind the tasks already queued (the end-of-turn flushes of this slice among them):
        // Netty runs queued tasks for at most its task quantum (100 ms on a node, see
        // LoopMailboxes), then reads and writes its sockets, so a backlog no longer keeps reads
        // waiting until it is gone. A zero-delay schedule() instead, to yield on every slice, left
        // the loop asleep in epoll_wait between slices (deliveries/s fell 20-fold).
        context.runOnContext(v -> drain());
    }

    private static void deliver(Recipient connection, Object payload) {
        try {
            connection.receive(payload);
        } catch (RuntimeException e) {
            // One connection's fault must not leave the items behind it waiting for the next post.
            log.warn("delivery to conn={} failed: {}", connection.id(), e.toString());
        }
    }
}
