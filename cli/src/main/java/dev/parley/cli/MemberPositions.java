package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.Member;
import dev.parley.sdk.Receipt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One conversation's current members and how far each has received ({@code delivered}) and seen
 * ({@code read}) it: what a sender's ticks are made of. A message counts as delivered or read when
 * every other current member who was already there when it was sent has passed it; someone added
 * later never received it as a member, and does not hold its ticks back.
 *
 * <p>Not thread-safe; the chat screen keeps it under its lock.
 */
final class MemberPositions {
    /** The current members, in the node's order. */
    private final List<Long> members = new ArrayList<>();
    /** Delivered and read positions by user id; receipts may come before the member list. */
    private final Map<Long, long[]> positions = new HashMap<>();
    /** The seq of the entry that added a member, where this client saw it. */
    private final Map<Long, Long> joinedAt = new HashMap<>();
    private boolean known;

    /** Takes the member list (and positions) the node gave; those not in it are no longer members. */
    void learn(Conversation c) {
        members.clear();
        for (Member m : c.members()) {
            members.add(m.userId());
            move(m.userId(), m.delivered(), m.read());
        }
        known = true;
    }

    /** Whether the member list has been learned yet. */
    boolean known() {
        return known;
    }

    List<Long> userIds() {
        return List.copyOf(members);
    }

    void receipt(Receipt r) {
        move(r.userId(), r.delivered(), r.read());
    }

    private void move(long userId, long delivered, long read) {
        long[] at = positions.computeIfAbsent(userId, k -> new long[2]);
        at[0] = Math.max(at[0], delivered);
        at[1] = Math.max(at[1], read);
    }

    private long[] at(long userId) {
        return positions.getOrDefault(userId, new long[2]);
    }

    /** Notes when members joined, from a {@code created} or {@code members_added} entry. */
    void entry(ChatMessage m) {
        switch (m.kind()) {
            case CREATED, MEMBERS_ADDED -> {
                for (long id : m.userIds() == null ? List.<Long>of() : m.userIds()) {
                    joinedAt.merge(id, m.seq(), Math::max);
                }
            }
            default -> {
            }
        }
    }

    /** {@link ChatScreen#SENT}, {@link ChatScreen#DELIVERED} or {@link ChatScreen#READ} for an entry {@code me} sent. */
    String mark(long seq, long me) {
        List<Long> waiting = audience(seq, me);
        if (waiting.isEmpty()) {
            return ChatScreen.SENT;
        }
        boolean delivered = true;
        boolean read = true;
        for (long u : waiting) {
            long[] at = at(u);
            delivered &= at[0] >= seq;
            read &= at[1] >= seq;
        }
        return read ? ChatScreen.READ : delivered ? ChatScreen.DELIVERED : ChatScreen.SENT;
    }

    /** Who has seen, who has only received, and who has not yet received an entry, as one line. */
    String describe(long seq, long me, LongFunction<String> names) {
        List<String> seen = new ArrayList<>();
        List<String> delivered = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (long u : audience(seq, me)) {
            long[] at = at(u);
            (at[1] >= seq ? seen : at[0] >= seq ? delivered : waiting).add(names.apply(u));
        }
        List<String> parts = new ArrayList<>();
        if (!seen.isEmpty()) {
            parts.add("seen by " + String.join(", ", seen));
        }
        if (!delivered.isEmpty()) {
            parts.add("delivered to " + String.join(", ", delivered));
        }
        if (!waiting.isEmpty()) {
            parts.add("not yet delivered to " + String.join(", ", waiting));
        }
        return parts.isEmpty() ? "no other members" : String.join(" · ", parts);
    }

    /** The other current members who were members when the entry at {@code seq} was written. */
    private List<Long> audience(long seq, long me) {
        List<Long> out = new ArrayList<>();
        for (long u : members) {
            if (u != me && joinedAt.getOrDefault(u, 0L) < seq) {
                out.add(u);
            }
        }
        return out;
    }
}
