package dev.parley.core.message;

import dev.parley.core.account.UserId;

/**
 * What a reply shows of the entry it answers, read from that entry's current state whenever the
 * reply is read, so a reply never keeps a copy of text that was later changed or erased.
 * {@code excerpt} is the first {@link #EXCERPT_CHARS} characters of its text (null when it has none);
 * {@code deleted} says the quoted message was deleted (it then has no text).
 */
public record Quote(long seq, UserId senderId, MessageKind kind, String excerpt, boolean deleted) {
    /** How much of the quoted text a reply carries: enough for a one-line preview. */
    public static final int EXCERPT_CHARS = 100;

    /** A quote of an entry that was not deleted. */
    public Quote(long seq, UserId senderId, MessageKind kind, String excerpt) {
        this(seq, senderId, kind, excerpt, false);
    }

    /** The first {@link #EXCERPT_CHARS} characters of {@code body}, never splitting a surrogate pair. */
    public static String excerpt(String body) {
        if (body == null || body.length() <= EXCERPT_CHARS) {
            return body;
        }
        int end = EXCERPT_CHARS;
        if (Character.isHighSurrogate(body.charAt(end - 1))) {
            end--;
        }
        return body.substring(0, end);
    }
}
