package dev.parley.core.conversation;

/**
 * A conversation's metadata. {@code lastSeq} is the sequence number of its newest history entry;
 * {@code lastActivityAt} (ms) orders conversation lists.
 */
public record Conversation(ConversationId id, ConversationKind kind, String title, long createdAt,
                           long lastSeq, long lastActivityAt) {
}
