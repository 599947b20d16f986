package dev.parley.core.message;

import java.util.Locale;

/**
 * What a history entry is. Besides text, membership changes and renames are entries in the
 * conversation's own sequence, so every device sees them at the same place.
 */
public enum MessageKind {
    TEXT, CREATED, MEMBERS_ADDED, MEMBER_REMOVED, MEMBER_LEFT, RENAMED, ROLE_CHANGED,
    /** The recipient of a message request accepted it and became a member of the direct conversation. */
    REQUEST_ACCEPTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageKind fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
