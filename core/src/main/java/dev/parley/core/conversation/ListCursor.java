package dev.parley.core.conversation;

/**
 * Where a conversation-list page ends: lists are ordered by last activity, newest first, with the
 * id breaking ties, so the next page starts strictly after (lastActivityAt, id).
 */
public record ListCursor(long lastActivityAt, long conversationId) {

    /** The opaque cursor string clients pass back. */
    public String encode() {
        return lastActivityAt + "." + conversationId;
    }

    /** Parses a cursor from {@link #encode()}; null for a malformed one. */
    public static ListCursor parse(String s) {
        int dot = s == null ? -1 : s.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            return new ListCursor(Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
