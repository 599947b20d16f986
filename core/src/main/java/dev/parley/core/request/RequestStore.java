package dev.parley.core.request;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;

import java.util.List;
import java.util.Optional;

/**
 * Message requests, on the shard of their conversation (so accepting one is one transaction with
 * the entry that records it: see {@link dev.parley.core.message.MembershipChange.AcceptRequest}).
 * Blocking: call from virtual threads.
 */
public interface RequestStore {

    /** The direct conversation of two users, if they have one. */
    Optional<ConversationId> directBetween(UserId a, UserId b);

    /**
     * Opens the direct conversation of {@code requester} and {@code recipient} as a request: with
     * {@code requester} its only member and a pending request for {@code recipient}. If the pair
     * already has a direct conversation, returns it unchanged.
     */
    Conversation open(ConversationId newId, UserId requester, UserId recipient, long now);

    Optional<MessageRequest> find(ConversationId conversation);

    /** The recipient's requests that are neither accepted nor declined, newest first, at most {@code limit}. */
    List<MessageRequest> pendingFor(UserId recipient, int limit);

    /** Declines the recipient's request in this conversation; false if there is none pending. */
    boolean decline(ConversationId conversation, UserId recipient);

    /** Marks the request notified; returns it if this call did (it was pending and not yet notified). */
    Optional<MessageRequest> markNotified(ConversationId conversation);

    /** Declines every request the user made or received (their account was deleted). */
    void declineInvolving(UserId user);
}
