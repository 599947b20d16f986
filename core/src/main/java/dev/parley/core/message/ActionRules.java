package dev.parley.core.message;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Role;

import java.util.List;

/**
 * What a reply or an action may do to the entry it names, decided here from that entry as the
 * store reads it inside the append's transaction, before a seq is taken: every store (SQLite,
 * PostgreSQL, memory) applies the same rules. Pure and thread-safe.
 */
public final class ActionRules {
    private ActionRules() {
    }

    /** The named entry as stored; a store passes null when there is no entry at that seq. */
    public record Target(long seq, UserId senderId, MessageKind kind, long createdAt, boolean deleted) {
    }

    /**
     * Null when the request may go ahead, or the outcome to answer instead (nothing is written).
     * The caller has checked that the sender is a current member, holding {@code role}. {@code held}
     * is the emoji the sender has on the target now (read for reactions only).
     */
    public static AppendResult decide(AppendRequest r, Target target, List<String> held, Role role) {
        if (target == null || target.kind() != MessageKind.TEXT) {
            return new AppendResult.Refused(Refusal.TARGET_NOT_FOUND,
                    "no message " + (r.kind().isAction() ? r.targetSeq() : r.replyTo()) + " here to "
                            + verb(r.kind()));
        }
        if (target.deleted()) {
            return r.kind() == MessageKind.DELETED ? new AppendResult.Unchanged(r.targetSeq())
                    : new AppendResult.Refused(Refusal.MESSAGE_DELETED, "message " + r.targetSeq() + " was deleted");
        }
        return switch (r.kind()) {
            case DELETED -> {
                // A group's owner and admins moderate: they may delete anyone's message.
                boolean own = target.senderId().equals(r.senderId());
                yield own || role == Role.OWNER || role == Role.ADMIN ? null
                        : new AppendResult.Refused(Refusal.FORBIDDEN,
                                "only its sender or a group's owner or admin may delete a message");
            }
            case REACTION_ADDED, REACTION_REMOVED -> {
                boolean add = r.kind() == MessageKind.REACTION_ADDED;
                if (add == held.contains(r.body())) {
                    yield new AppendResult.Unchanged(r.targetSeq());
                }
                if (add && held.size() >= Reactions.MAX_PER_USER) {
                    yield new AppendResult.Refused(Refusal.TOO_MANY_REACTIONS,
                            "at most " + Reactions.MAX_PER_USER + " reactions per person on one message");
                }
                yield null;
            }
            case EDITED -> {
                if (!target.senderId().equals(r.senderId())) {
                    yield new AppendResult.Refused(Refusal.FORBIDDEN, "only its sender may edit a message");
                }
                if (target.createdAt() < r.targetNotBefore()) {
                    yield new AppendResult.Refused(Refusal.EDIT_WINDOW_CLOSED,
                            "the time to edit this message is over");
                }
                yield null;
            }
            default -> null;
        };
    }

    private static String verb(MessageKind kind) {
        return switch (kind) {
            case REACTION_ADDED, REACTION_REMOVED -> "react to";
            case EDITED -> "edit";
            case DELETED -> "delete";
            default -> "reply to";
        };
    }
}
