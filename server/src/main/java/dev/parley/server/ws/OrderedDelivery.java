package dev.parley.server.ws;

import dev.parley.core.message.Message;
import dev.parley.core.sync.Backlog;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One connection's outgoing stream of history entries and signals. Per conversation the device
 * gets every seq once, in seq order, whatever the routing did, and never its own entries (its
 * {@code sent} confirms them). Writes to an {@link Output} and reads gaps through
 * {@link GapReads}, never a socket or a store itself, so its rules are tested without either
 * ({@code OrderedDeliveryTest}).
 *
 * <p>Order: per conversation a {@link ConversationCursor} holds the highest seq written with
 * nothing missing below. The next seq is written; an older one is dropped; one past a gap is held
 * while the gap is read (one read per conversation at a time, through the core's
 * {@code CatchUpReader}: entries, a resync, or nothing yet, then tried again after
 * {@value #RETRY_MILLIS} ms), and the held ones follow in order.
 *
 * <p>Own entries, all decided here: the device's own entry can reach it live before its send is
 * answered (its client id is then in flight: {@link #sending}) or afterwards, routed late or in a
 * gap fill (its seq is then remembered as confirmed: {@link #ownEntryStored}). Either way it is
 * not written, and the position moves past it.
 *
 * <p>Catch-up: a resuming connection starts catching up. Meanwhile live entries and signals are
 * buffered (at most {@value #MAX_PENDING_LIVE}; past that the buffer is dropped and the catch-up
 * runs again from where it got to, {@link Output#catchUpAgain}); the catch-up moves the cursors
 * ({@link #caughtUpTo}), and {@link #finishCatchUp} replays the buffer through them, so what
 * both brought is written once.
 *
 * <p>Threading: confined to the connection's event loop, as are the calls it makes to its
 * {@link Output} and {@link GapReads}; it needs no locks and is not safe from any other thread.
 */
final class OrderedDelivery {
    /** Live entries buffered during a catch-up before the buffer is dropped and re-read from the store. */
    static final int MAX_PENDING_LIVE = 20_000;
    /** How long to wait before reading a gap again that the store did not hold yet (a lagging replica). */
    static final long RETRY_MILLIS = 50;

    /** Where the stream goes: the connection's socket, or a test's record. */
    interface Output {
        /** Whether the connection is still open; nothing is written to a closed one. */
        boolean open();

        /** Writes a frame; false when it was not written (closed, or closed just now as a slow consumer). */
        boolean write(byte[] frame);

        /** An entry was written; {@code committedNanos} is when this node published it, 0 for one read from the store. */
        void delivered(long committedNanos);

        /** An entry of the conversation reached the connection, or the connection was caught up on it. */
        void touched(long conversationId);

        /** What arrived during the catch-up overflowed the buffer: catch up again from these positions. */
        void catchUpAgain(Map<Long, Long> positions);
    }

    /** Reads a gap from the store, off the loop. */
    interface GapReads {
        /**
         * Reads what lies after {@code after} up to {@code upTo} and runs {@code then} with it on the
         * loop, unless the connection closed meanwhile (a failed read closes it). May run
         * {@code then} at once when nothing needs reading.
         */
        void read(long conversationId, long after, long upTo, Consumer<Backlog> then);

        /** Runs {@code task} on the loop after {@code millis}. */
        void later(long millis, Runnable task);
    }

    private final long ownDevice;
    /** Whether the device resumes from positions (else it gets only live entries from now on). */
    private final boolean resuming;
    private final Output out;
    private final GapReads gaps;
    private CursorTable cursors;
    /**
     * The cursor found last, and its conversation: a busy group's entries come one after another,
     * and this spares each a boxed key and a walk through the map. Cursors are never replaced.
     */
    private long lastConversation;
    private ConversationCursor lastCursor;
    /** Non-null while catching up: what arrived live meanwhile. */
    private ArrayList<Outbound> pendingLive;
    private boolean pendingOverflow;
    /** Client ids of this device's sends not answered yet. */
    private HashSet<String> inflight;

    /**
     * @param ownDevice the connection's device: its entries are not echoed
     * @param resuming the device stated positions: it is caught up first, and a conversation new
     *     to this connection starts at its beginning (else at the first entry that arrives)
     */
    OrderedDelivery(long ownDevice, boolean resuming, Output out, GapReads gaps) {
        this.ownDevice = ownDevice;
        this.resuming = resuming;
        this.out = out;
        this.gaps = gaps;
        if (resuming) {
            pendingLive = new ArrayList<>();
        }
    }

    boolean catchingUp() {
        return pendingLive != null;
    }

    /** A frame from the fan-out: buffered while catching up, else written in order. */
    void accept(Outbound o) {
        if (!out.open()) {
            return;
        }
        if (pendingLive != null) {
            if (pendingLive.size() >= MAX_PENDING_LIVE) {
                pendingOverflow = true;
                pendingLive.clear();
            } else {
                pendingLive.add(o);
            }
            return;
        }
        switch (o) {
            case Outbound.Entry e -> deliverEntry(e);
            case Outbound.Signal s -> out.write(s.frame());
        }
    }

    /** The catch-up gave the device the conversation up to {@code at}. */
    void caughtUpTo(long conversationId, long at) {
        out.touched(conversationId);
        ConversationCursor cur = cursors().get(conversationId);
        if (cur == null) {
            cursors.add(new ConversationCursor(conversationId, at));
        } else if (at > cur.position) {
            cur.position = at;
        }
    }

    /** The catch-up is done: replay what arrived meanwhile, or catch up again if that overflowed. */
    void finishCatchUp() {
        if (pendingLive == null || !out.open()) {
            return;
        }
        if (pendingOverflow) {
            // Too much arrived during the catch-up to hold; read it from the store instead.
            pendingOverflow = false;
            pendingLive.clear();
            Map<Long, Long> positions = new HashMap<>();
            cursors().forEach(cur -> positions.put(cur.conversationId, cur.position));
            out.catchUpAgain(positions);
            return;
        }
        List<Outbound> pending = pendingLive;
        pendingLive = null;
        for (Outbound o : pending) {
            accept(o);
        }
    }

    /** The device sent an entry under {@code clientId}; its answer is not written yet. */
    void sending(String clientId) {
        if (inflight == null) {
            inflight = new HashSet<>();
        }
        inflight.add(clientId);
    }

    /** The send under {@code clientId} was answered (stored, or refused). */
    void answered(String clientId) {
        if (inflight != null) {
            inflight.remove(clientId);
        }
    }

    /**
     * The device's own entry was stored at {@code seq} and confirmed with {@code sent}: the entry
     * itself must not reach it again, also when it comes later through a gap filled from the store.
     */
    void ownEntryStored(long conversationId, long seq) {
        ConversationCursor cur = cursors().get(conversationId);
        if (cur == null) {
            // First sight of this conversation here: a resuming device still gets what lies
            // before. A live-only one starts at the first entry routed to it, not here: another
            // member's entry stored just before this one can reach the connection after this
            // sent (they travel by different paths), and it is live all the same.
            cur = new ConversationCursor(conversationId, resuming ? 0 : ConversationCursor.UNANCHORED);
            cursors.add(cur);
        }
        cur.confirmedOwn(seq);
        if (seq == cur.position + 1 && !cur.filling && cur.holdsNothing()) {
            cur.position = seq;
            cur.takeOwn(seq);
        }
    }

    /** The conversation's last seq is {@code lastSeq}: fill from the store if this device is behind. */
    void tailCheck(long conversationId, long lastSeq) {
        if (pendingLive != null) {
            return;
        }
        ConversationCursor cur = cursors().get(conversationId);
        if (cur == null && resuming && lastSeq > 0) {
            // A conversation this device did not know when it connected, whose entries never
            // reached it: from the start, as a catch-up (or its first live entry) would give it.
            cur = new ConversationCursor(conversationId, 0);
            cursors.add(cur);
        }
        if (cur != null && cur.anchored() && !cur.filling && cur.position < lastSeq) {
            fillGap(conversationId, cur, lastSeq);
        }
    }

    private void deliverEntry(Outbound.Entry e) {
        out.touched(e.conversationId());
        ConversationCursor cur = lastCursor != null && lastConversation == e.conversationId() ? lastCursor
                : cursors().get(e.conversationId());
        if (cur == null) {
            // A conversation this connection did not know when it connected (it was created or
            // the user was added since): a resuming device gets it from the start, as a
            // catch-up would have given it; a live-only one from this entry on.
            cur = new ConversationCursor(e.conversationId(), resuming ? 0 : e.seq() - 1);
            cursors.add(cur);
        } else if (!cur.anchored()) {
            cur.position = e.seq() - 1;
        }
        lastConversation = e.conversationId();
        lastCursor = cur;
        if (cur.filling) {
            cur.hold(e);
            return;
        }
        if (e.seq() <= cur.position) {
            return;
        }
        if (e.seq() == cur.position + 1) {
            emit(cur, e.seq(), e.senderDeviceId(), e.clientId(), e.frame(), e.committedNanos());
            cur.position = e.seq();
            return;
        }
        cur.hold(e);
        fillGap(e.conversationId(), cur, e.seq() - 1);
    }

    /** Writes the entry at the cursor's next seq, unless it is the device's own. */
    private void emit(ConversationCursor cur, long seq, long senderDeviceId, String clientId, byte[] frame,
                      long committedNanos) {
        if (senderDeviceId == ownDevice && (cur.takeOwn(seq)
                || clientId != null && inflight != null && inflight.remove(clientId))) {
            return;
        }
        if (out.write(frame)) {
            out.delivered(committedNanos);
        }
    }

    private void fillGap(long conversationId, ConversationCursor cur, long upTo) {
        cur.filling = true;
        gaps.read(conversationId, cur.position, upTo, backlog -> filled(conversationId, cur, upTo, backlog));
    }

    private void filled(long conversationId, ConversationCursor cur, long upTo, Backlog backlog) {
        cur.filling = false;
        if (!out.open()) {
            return;
        }
        switch (backlog) {
            case Backlog.Resync r -> {
                // Too far behind, or retention deleted what lies in the gap: the device reloads.
                out.write(FrameCodec.encodeServer(new ServerFrame.Resync(conversationId, r.latestSeq())));
                cur.position = Math.max(cur.position, r.latestSeq());
                drainHeld(conversationId, cur);
            }
            case Backlog.Nothing n -> retryLater(conversationId, cur);
            case Backlog.Entries e -> {
                long before = cur.position;
                for (Message m : e.entries()) {
                    if (m.seq() == cur.position + 1) {
                        emit(cur, m.seq(), m.senderDeviceId() == null ? 0 : m.senderDeviceId().value(), m.clientId(),
                                FrameCodec.encodeServer(WireFrames.message(m)), 0);
                        cur.position = m.seq();
                    }
                }
                if (cur.position == before) {
                    retryLater(conversationId, cur);
                } else {
                    drainHeld(conversationId, cur);
                }
            }
        }
    }

    /** The store has not caught up with the routed entry (a replica lagging): try again shortly instead of spinning. */
    private void retryLater(long conversationId, ConversationCursor cur) {
        cur.filling = true;
        gaps.later(RETRY_MILLIS, () -> {
            cur.filling = false;
            drainHeld(conversationId, cur);
        });
    }

    private void drainHeld(long conversationId, ConversationCursor cur) {
        while (!cur.holdsNothing() && !cur.filling && out.open()) {
            Outbound.Entry h = cur.held.peek();
            if (h.seq() <= cur.position) {
                cur.held.poll();
            } else if (h.seq() == cur.position + 1) {
                cur.held.poll();
                emit(cur, h.seq(), h.senderDeviceId(), h.clientId(), h.frame(), h.committedNanos());
                cur.position = h.seq();
            } else {
                fillGap(conversationId, cur, h.seq() - 1);
                return;
            }
        }
    }

    private CursorTable cursors() {
        if (cursors == null) {
            cursors = new CursorTable();
        }
        return cursors;
    }
}
