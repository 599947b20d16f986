package dev.parley.core.conversation;

import java.util.Locale;

/**
 * A member's role in a group. Owners and admins may add and remove members and rename the group;
 * only the owner may appoint or demote admins; nobody may remove the owner. Direct conversation
 * members are both {@link #MEMBER}.
 */
public enum Role {
    OWNER, ADMIN, MEMBER;

    public boolean canManageMembers() {
        return this != MEMBER;
    }

    /** Whether a member with this role may remove a member holding {@code other}. */
    public boolean outranks(Role other) {
        return this.ordinal() < other.ordinal();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWire(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "owner" -> OWNER;
            case "admin" -> ADMIN;
            case "member" -> MEMBER;
            default -> null;
        };
    }
}
