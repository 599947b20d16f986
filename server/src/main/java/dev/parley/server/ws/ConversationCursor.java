package dev.parley.server.ws;

import java.util.PriorityQueue;

/**
 * Where one connection stands in one conversation: the highest seq it has been given with
 * nothing missing before it, and entries that arrived ahead of a gap, held until the gap is
 * filled from the store. Owned by the connection's event loop.
 */
final class ConversationCursor {
    long position;
    boolean filling;
    PriorityQueue<Outbound.Entry> held;

    ConversationCursor(long position) {
        this.position = position;
    }

    void hold(Outbound.Entry e) {
        if (held == null) {
            held = new PriorityQueue<>((a, b) -> Long.compare(a.seq(), b.seq()));
        }
        held.add(e);
    }
}
