package dev.parley.core.group;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may change a group's members, title and roles, and what each change does: decided here,
 * from the members as they are inside the store's transaction, so every store (SQLite, PostgreSQL,
 * memory) applies the same rules and only writes the outcome. Pure and thread-safe.
 *
 * <p>Accepting a message request ({@link MembershipChange.AcceptRequest}) is not decided here: it
 * depends on the request, which the store holds.
 */
public final class MembershipRules {
    private MembershipRules() {
    }

    /** The outcome of a change: refused, or applied as described. */
    public sealed interface Decision {
    }

    /** The change is refused; the store answers {@code result} and writes nothing. */
    public record Refuse(AppendResult result) implements Decision {
    }

    /**
     * The change goes ahead. {@code subjects} are the users the history entry names (null for a
     * rename), {@code subjectRole} the role it gives them (adds and role changes), {@code title}
     * the new title (renames), and {@code roles} the current members in joining order after the
     * change, the order the store keeps them in.
     */
    public record Apply(List<UserId> subjects, Role subjectRole, String title, Map<UserId, Role> roles,
                        UserId successor) implements Decision {
    }

    /**
     * Decides {@code change} by {@code sender} on a conversation of {@code kind} whose current
     * members, in joining order, are {@code roles}.
     */
    public static Decision decide(ConversationKind kind, Map<UserId, Role> roles, UserId sender, MembershipChange change) {
        if (change instanceof MembershipChange.AcceptRequest) {
            throw new IllegalArgumentException("accepting a request is decided by the store that holds it");
        }
        Role senderRole = roles.get(sender);
        if (senderRole == null) {
            return new Refuse(new AppendResult.NotMember());
        }
        if (kind == ConversationKind.DIRECT) {
            return refuse(Refusal.INVALID, "a direct conversation's members cannot change");
        }
        if (!change.allowedSenderRoles().contains(senderRole)) {
            return refuse(Refusal.FORBIDDEN, "your role does not allow this");
        }
        Map<UserId, Role> after = new LinkedHashMap<>(roles);
        return switch (change) {
            case MembershipChange.Add add -> {
                if (add.role() == Role.OWNER || (add.role() == Role.ADMIN && senderRole != Role.OWNER)) {
                    yield refuse(Refusal.FORBIDDEN, "only the owner may add admins; nobody adds owners");
                }
                Set<UserId> fresh = new LinkedHashSet<>(add.users());
                fresh.removeAll(roles.keySet());
                if (fresh.isEmpty()) {
                    yield refuse(Refusal.CONFLICT, "every user named is already a member");
                }
                if (roles.size() + fresh.size() > add.maxSize()) {
                    yield refuse(Refusal.GROUP_FULL, "the group would exceed " + add.maxSize() + " members");
                }
                fresh.forEach(u -> after.put(u, add.role()));
                yield new Apply(List.copyOf(fresh), add.role(), null, after, null);
            }
            case MembershipChange.Remove rm -> {
                Role target = roles.get(rm.user());
                if (target == null) {
                    yield refuse(Refusal.NOT_FOUND, "member not found");
                }
                if (rm.user().equals(sender)) {
                    yield refuse(Refusal.INVALID, "to remove yourself, leave");
                }
                if (!senderRole.outranks(target)) {
                    yield refuse(Refusal.FORBIDDEN, "you may only remove members below your role");
                }
                after.remove(rm.user());
                yield new Apply(List.of(rm.user()), null, null, after, null);
            }
            case MembershipChange.Leave leave -> {
                List<UserId> subjects = new ArrayList<>(List.of(sender));
                UserId successor = senderRole == Role.OWNER ? successorOf(roles, sender) : null;
                after.remove(sender);
                if (successor != null) {
                    subjects.add(successor);
                    after.put(successor, Role.OWNER);
                }
                yield new Apply(subjects, null, null, after, successor);
            }
            case MembershipChange.Rename rename -> new Apply(null, null, rename.title(), after, null);
            case MembershipChange.SetRole set -> {
                Role target = roles.get(set.user());
                if (target == null) {
                    yield refuse(Refusal.NOT_FOUND, "member not found");
                }
                if (target == Role.OWNER || set.role() == Role.OWNER) {
                    yield refuse(Refusal.FORBIDDEN, "ownership cannot be given or taken this way");
                }
                after.put(set.user(), set.role());
                yield new Apply(List.of(set.user()), set.role(), null, after, null);
            }
            case MembershipChange.AcceptRequest accept -> throw new IllegalStateException("handled above");
        };
    }

    /**
     * The roles of a new group: the owner first, then the others in the order given, each once.
     */
    public static Map<UserId, Role> newGroup(UserId owner, List<UserId> members) {
        Map<UserId, Role> roles = new LinkedHashMap<>();
        roles.put(owner, Role.OWNER);
        for (UserId u : members) {
            roles.putIfAbsent(u, Role.MEMBER);
        }
        return roles;
    }

    /** Who becomes owner when the owner leaves: the longest-standing admin, else the longest-standing member. */
    static UserId successorOf(Map<UserId, Role> roles, UserId leaving) {
        UserId firstMember = null;
        for (Map.Entry<UserId, Role> e : roles.entrySet()) {
            if (e.getKey().equals(leaving)) {
                continue;
            }
            if (e.getValue() == Role.ADMIN) {
                return e.getKey();
            }
            if (firstMember == null) {
                firstMember = e.getKey();
            }
        }
        return firstMember;
    }

    private static Refuse refuse(Refusal refusal, String reason) {
        return new Refuse(new AppendResult.Refused(refusal, reason));
    }
}
