package dev.parley.sdk;

/** What a history entry is: a text message, a change to the conversation, or an action on a message. */
public enum EntryKind {
    TEXT("text"),
    /** A group was created; {@code title} and {@code userIds} (owner first) are set. */
    CREATED("created"),
    /** Members joined; {@code userIds} and {@code role} are set. */
    MEMBERS_ADDED("members_added"),
    /** A member was removed by the sender; {@code userIds} names them. */
    MEMBER_REMOVED("member_removed"),
    /** The sender left; {@code userIds} is the leaver, then the new owner if ownership passed. */
    MEMBER_LEFT("member_left"),
    /** The group was renamed to {@code title}. */
    RENAMED("renamed"),
    /** The member in {@code userIds} got {@code role}. */
    ROLE_CHANGED("role_changed"),
    /** The recipient of a message request (the sender, in {@code userIds}) accepted it and became a member. */
    REQUEST_ACCEPTED("request_accepted"),
    /** The sender put the emoji in {@code body} on the message at {@code targetSeq}. */
    REACTION_ADDED("reaction_added"),
    /** The sender took the emoji in {@code body} off the message at {@code targetSeq}. */
    REACTION_REMOVED("reaction_removed"),
    /** The sender changed the text of their message at {@code targetSeq} to {@code body} (null once it was deleted). */
    EDITED("edited"),
    /** The message at {@code targetSeq} was deleted for everyone by the sender of this entry. */
    DELETED("deleted"),
    /** A kind a newer node sends that this SDK does not know; show it as a notice or skip it. */
    UNKNOWN("unknown");

    private final String wire;

    EntryKind(String wire) {
        this.wire = wire;
    }

    /** The name on the wire. */
    public String wire() {
        return wire;
    }

    /** The kind with this wire name, or {@link #UNKNOWN}. */
    public static EntryKind fromWire(String wire) {
        for (EntryKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        return UNKNOWN;
    }
}
