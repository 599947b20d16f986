package dev.parley.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One conversation as this device has it: the position (highest seq delivered to the listener
 * with nothing missing below it) and the entries that arrived ahead of a gap. Entries at or below
 * the position are duplicates; an entry above position + 1 waits until the gap closes.
 *
 * <p>Also tracks the delivered receipt this device owes the node. Confined to the SDK thread.
 */
final class Timeline {
    final long conversationId;
    private long position;
    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();

    /** Highest {@code delivered} this device sent (or the node confirmed) for the user. */
    long deliveredSent;
    /** Highest {@code delivered} the node confirmed in a receipt for the user. */
    long deliveredConfirmed;
    /** An entry from someone else was handed out since the last {@code delivered} went out. */
    boolean owesDelivered;
    /** The position changed since the store last heard of it. */
    boolean unsaved;
    /** A history read to fill the gap is in progress or scheduled. */
    boolean filling;

    Timeline(long conversationId, long position) {
        this.conversationId = conversationId;
        this.position = position;
        this.deliveredSent = position;
        this.deliveredConfirmed = position;
    }

    long position() {
        return position;
    }

    /** True while an entry waits for earlier ones. */
    boolean hasGap() {
        return !held.isEmpty();
    }

    /** The seq of the last entry missing before the held ones (valid while {@link #hasGap()}). */
    long gapEnd() {
        return held.firstKey() - 1;
    }

    /** Takes an entry; returns the entries that are now next in order (often just this one, or none). */
    List<ChatMessage> offer(ChatMessage entry) {
        if (entry.seq() <= position) {
            return List.of();
        }
        if (entry.seq() != position + 1) {
            held.putIfAbsent(entry.seq(), entry);
            return List.of();
        }
        List<ChatMessage> ready = new ArrayList<>(1 + held.size());
        ready.add(entry);
        position = entry.seq();
        while (!held.isEmpty() && held.firstKey() <= position + 1) {
            ChatMessage next = held.pollFirstEntry().getValue();
            if (next.seq() == position + 1) {
                ready.add(next);
                position = next.seq();
            }
        }
        unsaved = true;
        return ready;
    }

    /**
     * Skips to {@code seq} without the entries before it (a resync, or history that cannot be
     * read); returns the held entries that follow on directly.
     */
    List<ChatMessage> skipTo(long seq) {
        if (seq <= position) {
            return List.of();
        }
        position = seq;
        unsaved = true;
        held.headMap(seq, true).clear();
        if (!held.isEmpty() && held.firstKey() == position + 1) {
            return offer(held.pollFirstEntry().getValue());
        }
        return List.of();
    }
}
