package dev.parley.core.message;

import dev.parley.core.conversation.Membership;

/** The outcome of an append, decided inside the store's transaction. */
public sealed interface AppendResult {

    /**
     * Stored at a new seq. For a membership event, {@code membership} is the conversation's
     * membership right after it, versioned at the entry's seq. For a text entry it is null when
     * the membership is still the version the request named (or the request did not name one),
     * and the current membership otherwise.
     */
    record Appended(Message message, Membership membership) implements AppendResult {
    }

    /**
     * The sender already stored an entry with this client id and the same content (kind, body,
     * reply or action target): the original.
     */
    record Duplicate(Message original) implements AppendResult {
    }

    /** The sender already used this client id for a different body. */
    record ClientIdConflict(Message original) implements AppendResult {
    }

    /**
     * An action that would change nothing (a reaction already there, or one to take off that is
     * not): nothing was stored and no seq taken. {@code targetSeq} is the entry it names.
     */
    record Unchanged(long targetSeq) implements AppendResult {
    }

    /** The sender is not a current member, or the conversation does not exist. */
    record NotMember() implements AppendResult {
    }

    /** The sender is a member but their role does not allow this event, or its target is invalid. */
    record Refused(dev.parley.core.ChatException.Refusal refusal, String reason) implements AppendResult {
    }
}
