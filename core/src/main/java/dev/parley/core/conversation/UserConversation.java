package dev.parley.core.conversation;

/**
 * One conversation a user belongs or belonged to, as resume needs it: how far its history goes
 * and, for a former member, the seq at which they left (0 while a member).
 */
public record UserConversation(ConversationId conversationId, long lastSeq, long leftSeq) {

    /** The last seq this user may receive. */
    public long visibleUpTo() {
        return leftSeq == 0 ? lastSeq : Math.min(leftSeq, lastSeq);
    }
}
