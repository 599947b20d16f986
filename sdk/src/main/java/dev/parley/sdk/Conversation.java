package dev.parley.sdk;

import java.util.List;

/**
 * A conversation with its members. {@code title} is null for direct conversations;
 * {@code lastSeq} is the seq of its newest entry (0 when empty).
 */
public record Conversation(long conversationId, ConversationKind kind, String title, long createdAt, long lastSeq,
                           long lastActivityAt, List<Member> members) {

    /** The member with this user id, or null. */
    public Member member(long userId) {
        for (Member m : members) {
            if (m.userId() == userId) {
                return m;
            }
        }
        return null;
    }

    static Conversation from(JsonObject o) {
        return new Conversation(o.integer("conversationId"), ConversationKind.fromWire(o.string("kind")),
                o.optString("title"), o.integer("createdAt", 0), o.integer("lastSeq", 0),
                o.integer("lastActivityAt", 0), o.objects("members").stream().map(Member::from).toList());
    }
}
