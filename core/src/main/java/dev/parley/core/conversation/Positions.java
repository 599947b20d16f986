package dev.parley.core.conversation;

import dev.parley.core.account.UserId;

/** A member's delivered and read positions after a change. */
public record Positions(ConversationId conversationId, UserId userId, long deliveredSeq, long readSeq) {
}
