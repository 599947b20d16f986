package dev.parley.core.message;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Role;

import java.util.List;

/** The change to a group's members that a history event makes, applied with it atomically. */
public sealed interface MembershipChange {

    /** The sender must hold at least one of these roles for the change to apply. */
    List<Role> allowedSenderRoles();

    /** Adds users as members; fails the append if the group would exceed {@code maxSize}. */
    record Add(List<UserId> users, Role role, int maxSize) implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of(Role.OWNER, Role.ADMIN);
        }
    }

    /** Removes a member; only if the sender outranks them. */
    record Remove(UserId user) implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of(Role.OWNER, Role.ADMIN);
        }
    }

    /** The sender leaves. An owner leaving hands ownership to the longest-standing admin or member. */
    record Leave() implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of(Role.OWNER, Role.ADMIN, Role.MEMBER);
        }
    }

    /** Renames the group. */
    record Rename(String title) implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of(Role.OWNER, Role.ADMIN);
        }
    }

    /** Changes a member's role between admin and member; owner only. */
    record SetRole(UserId user, Role role) implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of(Role.OWNER);
        }
    }

    /**
     * The sender, the recipient of a message request in this direct conversation, accepts it and
     * becomes its second member. The only change a non-member may make.
     */
    record AcceptRequest() implements MembershipChange {
        public List<Role> allowedSenderRoles() {
            return List.of();
        }
    }
}
