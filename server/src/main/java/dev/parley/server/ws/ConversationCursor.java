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
    /** Seqs of this device's own sends, confirmed with sent, not reached by the position yet. */
    java.util.Set<Long> ownConfirmed;

    ConversationCursor(long position) {
        this.position = position;
    }

    void confirmedOwn(long seq) {
        if (seq > position) {
            if (ownConfirmed == null) {
                ownConfirmed = new java.util.HashSet<>();
            }
            ownConfirmed.add(seq);
        }
    }

    /** Whether the entry at {@code seq} is this device's own, already confirmed (and forgets it). */
    boolean takeOwn(long seq) {
        return ownConfirmed != null && ownConfirmed.remove(seq);
    }

    void hold(Outbound.Entry e) {
        if (held == null) {
            held = new PriorityQueue<>((a, b) -> Long.compare(a.seq(), b.seq()));
        }
        held.add(e);
    }
}
