package dev.parley.core.search;

/**
 * Where a page of results ends, newest first: hits older than this (by time, then conversation,
 * then seq) come next. On the wire it is {@code ts.conversationId.seq}.
 */
public record SearchPosition(long createdAt, long conversationId, long seq) {

    public String wire() {
        return createdAt + "." + conversationId + "." + seq;
    }

    /** The position a client sent back, or null when it is not one. */
    public static SearchPosition parse(String s) {
        String[] parts = s.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new SearchPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether a hit at (createdAt, conversation, seq) comes after this position, newest first. */
    public boolean before(long createdAt, long conversation, long entrySeq) {
        if (createdAt != this.createdAt) {
            return createdAt < this.createdAt;
        }
        if (conversation != conversationId) {
            return conversation < conversationId;
        }
        return entrySeq < seq;
    }
}
