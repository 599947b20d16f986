package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every conversation as this device has it, and the one way entries reach the listener.
 *
 * <p>Entries come from {@code message} frames, from {@code sent} confirmations (the node does not
 * echo a device's own message), and from history reads; each passes through its conversation's
 * {@link Timeline}, so the listener gets it exactly once, in seq order. After a burst the inbox
 * saves the new positions and, with auto-delivered on, sends one {@code delivered} per
 * conversation. A gap the node does not close by itself (a group joined while connected, whose
 * earlier entries were never routed here) is closed by reading history.
 *
 * <p>Confined to the SDK thread.
 */
final class Inbox {
    private static final System.Logger log = System.getLogger(ParleyClient.class.getName());
    /** How long a gap may stay open before history is read; the node usually closes it first. */
    private static final long GAP_GRACE_MS = 500;
    private static final long GAP_RETRY_MS = 2000;
    /** Beyond this many missing entries a gap is skipped with a resync, as the node itself does. */
    private static final long MAX_GAP_FILL = 10_000;
    private static final int HISTORY_PAGE = 200;

    /** Writes a frame on the current connection; false when there is none ready. */
    interface Link {
        boolean write(ClientFrame frame);
    }

    private final ParleyListener listener;
    private final PositionStore positions;
    private final Rest rest;
    private final ScheduledExecutorService timers;
    private final Executor loop;
    private final Link link;
    private final boolean resume;
    private final boolean autoDelivered;

    private final Map<Long, Timeline> timelines = new HashMap<>();
    private final Set<Timeline> unflushed = new LinkedHashSet<>();
    private boolean flushQueued;
    private boolean live;
    private long userId;
    private long deviceId;

    Inbox(ParleyListener listener, PositionStore positions, Rest rest, ScheduledExecutorService timers, Executor loop,
          Link link, boolean resume, boolean autoDelivered) {
        this.listener = listener;
        this.positions = positions;
        this.rest = rest;
        this.timers = timers;
        this.loop = loop;
        this.link = link;
        this.resume = resume;
        this.autoDelivered = autoDelivered;
    }

    /** Takes the stored positions (once, before the first connection). */
    void load() {
        for (Map.Entry<Long, Long> e : positions.load().entrySet()) {
            timelines.putIfAbsent(e.getKey(), new Timeline(e.getKey(), e.getValue()));
        }
    }

    /** The positions to authenticate with: the node sends what follows each. */
    Map<Long, Long> positions() {
        Map<Long, Long> at = new LinkedHashMap<>();
        for (Timeline t : timelines.values()) {
            // The node takes at most this many; conversations left out are caught up from their start.
            if (at.size() == FrameCodec.MAX_POSITIONS) {
                break;
            }
            at.put(t.conversationId, t.position());
        }
        return at;
    }

    /** A connection is authenticated as this device. */
    void ready(long userId, long deviceId) {
        this.userId = userId;
        this.deviceId = deviceId;
        for (Timeline t : timelines.values()) {
            if (t.deliveredSent > t.deliveredConfirmed) {
                // That receipt may have died with the old connection; owe it again.
                t.deliveredSent = t.deliveredConfirmed;
                t.owesDelivered = true;
                unflushed.add(t);
            }
        }
        queueFlush();
    }

    /** Caught up ({@code true}) or disconnected; gaps are only worth reading while caught up. */
    void live(boolean on) {
        live = on;
        if (on) {
            flush();
            for (Timeline t : timelines.values()) {
                if (t.hasGap()) {
                    scheduleGapCheck(t);
                }
            }
        }
    }

    /** An entry from any source; duplicates and entries ahead of a gap are dealt with here. */
    void add(ChatMessage entry) {
        Timeline t = timeline(entry.conversationId(), entry.seq());
        emit(t, t.offer(entry));
        if (t.hasGap()) {
            scheduleGapCheck(t);
        }
    }

    /** The conversation continues after {@code latestSeq}; what came before is not delivered. */
    void resync(long conversationId, long latestSeq) {
        Timeline t = timeline(conversationId, 0);
        List<ChatMessage> next = t.skipTo(latestSeq);
        unflushed.add(t);
        queueFlush();
        safely(() -> listener.onResync(conversationId, latestSeq));
        emit(t, next);
    }

    /** A receipt; this user's own delivered position tells what no longer needs confirming. */
    void receipt(Receipt r) {
        Timeline t = timelines.get(r.conversationId());
        if (r.userId() == userId && t != null) {
            t.deliveredConfirmed = Math.max(t.deliveredConfirmed, r.delivered());
            t.deliveredSent = Math.max(t.deliveredSent, r.delivered());
        }
        safely(() -> listener.onReceipt(r));
    }

    private Timeline timeline(long conversationId, long firstSeq) {
        Timeline t = timelines.get(conversationId);
        if (t == null) {
            // Resuming, a conversation we never saw starts at 0, as the node's catch-up does. Live
            // only, it starts at the first entry seen, as the node's own cursor does.
            t = new Timeline(conversationId, resume || firstSeq <= 0 ? 0 : firstSeq - 1);
            timelines.put(conversationId, t);
        }
        return t;
    }

    private void emit(Timeline t, List<ChatMessage> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (ChatMessage m : entries) {
            if (m.senderDeviceId() != deviceId) {
                t.owesDelivered = true;
            }
            safely(() -> listener.onMessage(m));
            switch (m.kind()) {
                case REACTION_ADDED, REACTION_REMOVED -> safely(() -> listener.onReaction(m.conversationId(),
                        m.targetSeq(), m.senderId(), m.body(), m.kind() == EntryKind.REACTION_ADDED));
                case EDITED -> safely(() -> listener.onEdited(m.conversationId(), m.targetSeq(), m.body(), m.ts()));
                case DELETED -> safely(() -> listener.onDeleted(m.conversationId(), m.targetSeq(), m.senderId(), m.ts()));
                default -> {
                }
            }
        }
        unflushed.add(t);
        queueFlush();
    }

    /** Runs the flush once after the frames already queued, so a burst costs one receipt per conversation. */
    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            loop.execute(this::flush);
        }
    }

    /** Saves moved positions and sends the {@code delivered} receipts owed, if connected. */
    void flush() {
        flushQueued = false;
        for (Timeline t : unflushed) {
            if (t.unsaved) {
                t.unsaved = false;
                long at = t.position();
                safely(() -> positions.save(t.conversationId, at));
            }
            if (autoDelivered && t.owesDelivered) {
                if (t.position() <= t.deliveredSent) {
                    t.owesDelivered = false;
                } else if (link.write(new ClientFrame.Delivered(null, t.conversationId, t.position()))) {
                    t.owesDelivered = false;
                    t.deliveredSent = t.position();
                }
            }
        }
        unflushed.removeIf(t -> !t.unsaved && !(autoDelivered && t.owesDelivered));
    }

    private void scheduleGapCheck(Timeline t) {
        if (!live || t.filling) {
            return;
        }
        t.filling = true;
        timers.schedule(() -> fillGap(t), GAP_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    private void fillGap(Timeline t) {
        if (!t.hasGap() || !live) {
            t.filling = false;
            return;
        }
        long missing = t.gapEnd() - t.position();
        if (missing > MAX_GAP_FILL) {
            t.filling = false;
            resync(t.conversationId, t.gapEnd());
            return;
        }
        String path = "/v1/conversations/" + t.conversationId + "/messages?after=" + t.position() + "&limit="
                + Math.min(HISTORY_PAGE, missing);
        rest.send("GET", path, null).whenComplete((page, err) -> loop.execute(() -> {
            t.filling = false;
            if (err != null || page == null) {
                log.log(System.Logger.Level.DEBUG, "history read for a gap failed: {0}", String.valueOf(err));
                t.filling = true;
                timers.schedule(() -> fillGap(t), GAP_RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            if (!t.hasGap()) {
                return;
            }
            List<ChatMessage> entries = HistoryPage.from(page).messages();
            if (entries.isEmpty() || entries.getFirst().seq() > t.position() + 1) {
                // The entries before are not ours to read: go on from what can be read.
                resync(t.conversationId, entries.isEmpty() ? t.gapEnd() : entries.getFirst().seq() - 1);
            }
            for (ChatMessage m : entries) {
                add(m);
            }
        }));
    }

    private static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "a Parley listener or position store threw", e);
        }
    }
}
