package dev.parley.core.conversation;

import dev.parley.core.account.UserId;

import java.util.Map;
import java.util.Set;

/**
 * Who belongs to a conversation right now, and in which role: the hot state of the send path,
 * cached on every node. {@code version} is the seq of the last membership event (0 when none), so
 * a newer snapshot always replaces an older one and never the reverse.
 */
public record Membership(ConversationId conversationId, ConversationKind kind, Map<UserId, Role> roles,
                         long version) {

    public Membership {
        roles = Map.copyOf(roles);
    }

    public boolean isMember(UserId user) {
        return roles.containsKey(user);
    }

    /** The member's role, or null for a non-member. */
    public Role roleOf(UserId user) {
        return roles.get(user);
    }

    /**
     * The members. The key set of the immutable map itself, which refuses changes as it is: asked
     * several times per message sent (the audience, the gate, push), a wrapper each time was waste.
     */
    public Set<UserId> members() {
        return roles.keySet();
    }

    public int size() {
        return roles.size();
    }
}
