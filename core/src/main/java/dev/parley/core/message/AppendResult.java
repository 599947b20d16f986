package dev.parley.core.message;

import dev.parley.core.conversation.Membership;

/** The outcome of an append, decided inside the store's transaction. */
public sealed interface AppendResult {

    /**
     * Stored at a new seq. {@code membership} is the conversation's membership right after the
     * entry (changed if the entry was a membership event).
     */
    record Appended(Message message, Membership membership) implements AppendResult {
    }

    /** The sender already stored a message with this client id and the same body: the original. */
    record Duplicate(Message original) implements AppendResult {
    }

    /** The sender already used this client id for a different body. */
    record ClientIdConflict(Message original) implements AppendResult {
    }

    /** The sender is not a current member, or the conversation does not exist. */
    record NotMember() implements AppendResult {
    }

    /** The sender is a member but their role does not allow this event, or its target is invalid. */
    record Refused(dev.parley.core.ChatException.Refusal refusal, String reason) implements AppendResult {
    }
}
