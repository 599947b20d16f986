package dev.parley.core.conversation;

import dev.parley.core.account.UserId;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Persistent conversations, membership and receipt positions. Methods returning plain values
 * block (call them from a virtual thread); methods returning futures are queued to the store's
 * writer and complete on its thread, so callbacks must not block.
 */
public interface ConversationStore {

    /**
     * The direct conversation between two users, created with the given id if they have none
     * yet. Idempotent: concurrent calls for one pair return the same conversation.
     */
    Conversation openDirect(ConversationId newId, UserId a, UserId b, long now);

    Optional<Conversation> find(ConversationId id);

    /** Current members and their roles, or empty if the conversation does not exist. */
    Optional<Membership> membership(ConversationId id);

    /** The user's standing in the conversation, including a past membership; empty if never a member. */
    Optional<MemberState> member(ConversationId id, UserId user);

    /** Every conversation the user belongs or belonged to, with its last seq and where they left. */
    List<UserConversation> conversationsOf(UserId user);

    /**
     * The user's current conversations, most recent activity first (ties by id, descending),
     * starting strictly after {@code after} when it is given.
     */
    List<ConversationEntry> listForUser(UserId user, ListCursor after, int limit);

    /** Of {@code others}, those who share at least one conversation with {@code user} (both current members). */
    Set<UserId> contactsAmong(UserId user, Collection<UserId> others);

    /** Current members with their positions. */
    List<MemberState> members(ConversationId id);

    /**
     * The user's delivered position in every conversation they are a current member of (a pull
     * request that sends back positions moves it forward, and needs it for all of them at once).
     * Blocking; adapters answer it in one query per database.
     */
    default Map<ConversationId, Long> deliveredPositions(UserId user) {
        Map<ConversationId, Long> out = new HashMap<>();
        for (UserConversation uc : conversationsOf(user)) {
            if (uc.leftSeq() == 0) {
                member(uc.conversationId(), user).ifPresent(m -> out.put(uc.conversationId(), m.deliveredSeq()));
            }
        }
        return out;
    }

    /**
     * Moves the member's delivered and read positions forward to at most the conversation's last
     * seq (read also moves delivered). Completes with the new positions if either moved, empty if
     * neither did (including when the user is not a current member).
     */
    default CompletableFuture<Optional<Positions>> advancePositions(ConversationId id, UserId user, long deliveredUpTo,
                                                                   long readUpTo) {
        return advancePositions(id, user, deliveredUpTo, readUpTo, p -> { });
    }

    /**
     * As above; {@code onCommit} runs on the store's writer thread right after the commit, in
     * commit order, so receipts published from it never reach a device out of order.
     */
    CompletableFuture<Optional<Positions>> advancePositions(ConversationId id, UserId user, long deliveredUpTo,
                                                           long readUpTo, Consumer<? super Optional<Positions>> onCommit);
}
