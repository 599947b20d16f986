package dev.parley.core.message;

import java.util.Locale;

/**
 * What a history entry is. Besides text, membership changes, renames and actions on earlier
 * entries (reactions) are entries in the conversation's own sequence, so every device sees them
 * at the same place. New kinds go at the end: nodes exchange kinds by position.
 */
public enum MessageKind {
    TEXT, CREATED, MEMBERS_ADDED, MEMBER_REMOVED, MEMBER_LEFT, RENAMED, ROLE_CHANGED,
    /** The recipient of a message request accepted it and became a member of the direct conversation. */
    REQUEST_ACCEPTED,
    /** The sender put an emoji ({@code body}) on the entry at {@code targetSeq}. */
    REACTION_ADDED,
    /** The sender took their emoji ({@code body}) off the entry at {@code targetSeq}. */
    REACTION_REMOVED,
    /** The sender changed the text of their message at {@code targetSeq} to {@code body}. */
    EDITED,
    /**
     * The message at {@code targetSeq} was deleted for everyone, by its sender or a group's owner
     * or admin: its text is erased from storage and a tombstone stays.
     */
    DELETED;

    /** Whether entries of this kind act on an earlier entry, named by their {@code targetSeq}. */
    public boolean isAction() {
        return this == REACTION_ADDED || this == REACTION_REMOVED || this == EDITED || this == DELETED;
    }

    /** The wire name, made once: asked for every entry written and every frame encoded. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    public static MessageKind fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
