package dev.parley.server.ws;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Where one connection stands in one conversation: the highest seq it has been given with
 * nothing missing before it, entries that arrived ahead of a gap (held until the gap is filled
 * from the store), and the seqs of the device's own entries confirmed with {@code sent} but not
 * reached yet. The data of {@link OrderedDelivery}, which holds the rules; owned by the
 * connection's event loop.
 */
final class ConversationCursor {
    /**
     * The position of a live-only connection's conversation that only its own {@code sent} has
     * reached so far: the first routed entry sets the real position.
     */
    static final long UNANCHORED = -1;

    /** The conversation this cursor is in (its key in {@link CursorTable}). */
    final long conversationId;
    long position;
    /** A read of the gap after {@link #position} is under way: entries are held meanwhile. */
    boolean filling;
    PriorityQueue<Outbound.Entry> held;
    /** Seqs of this device's own entries, confirmed with sent, not reached by the position yet. */
    private Set<Long> ownConfirmed;

    ConversationCursor(long conversationId, long position) {
        this.conversationId = conversationId;
        this.position = position;
    }

    void confirmedOwn(long seq) {
        if (seq > position) {
            if (ownConfirmed == null) {
                ownConfirmed = new HashSet<>();
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

    boolean anchored() {
        return position != UNANCHORED;
    }

    boolean holdsNothing() {
        return held == null || held.isEmpty();
    }
}
