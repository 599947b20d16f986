package dev.parley.core.conversation;

/** Identifies a conversation (direct or group); also its shard key. */
public record ConversationId(long value) {
    public ConversationId {
        if (value <= 0) {
            throw new IllegalArgumentException("conversation id must be positive");
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
