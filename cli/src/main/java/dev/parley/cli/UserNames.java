package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.Member;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shown names (display names, or "Deleted account") by user id, learned from conversations'
 * member lists and profile changes. The node names only current
 * members (there is no look-up by id), so someone who has since left a group and shares no other
 * conversation with us shows as {@value #FORMER}, never as a bare number.
 *
 * <p>Not thread-safe; the chat screen keeps it under its lock.
 */
final class UserNames {
    static final String FORMER = "a former member";

    private final Map<Long, String> names = new HashMap<>();

    void put(long userId, String name) {
        if (name != null) {
            names.put(userId, name);
        }
    }

    void learn(Conversation c) {
        for (Member m : c.members()) {
            if (m.username() != null) {
                put(m.userId(), m.profile().shownName());
            }
        }
    }

    boolean knows(long userId) {
        return names.containsKey(userId);
    }

    String name(long userId) {
        String n = names.get(userId);
        return n != null ? n : FORMER;
    }

    /** Whether showing this entry needs a name not known yet. */
    boolean missesAny(ChatMessage m) {
        return !unknown(m).isEmpty();
    }

    /** The users an entry names (its sender and those it is about) that are not known yet. */
    Set<Long> unknown(ChatMessage m) {
        Set<Long> out = new HashSet<>();
        if (!knows(m.senderId())) {
            out.add(m.senderId());
        }
        for (long id : m.userIds() == null ? List.<Long>of() : m.userIds()) {
            if (!knows(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
