package dev.parley.core.delivery;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.profile.Profile;

/** Something devices must hear about, produced by the domain and routed by an {@link EventPublisher}. */
public sealed interface ChatEvent {

    /** A new entry in a conversation's history, already durable. */
    record MessageAdded(Message message) implements ChatEvent {
    }

    /** A member's delivered or read position moved forward. */
    record ReceiptMoved(ConversationId conversationId, UserId userId, long deliveredSeq, long readSeq)
            implements ChatEvent {
    }

    /** A member started or stopped typing. Never stored. */
    record TypingChanged(ConversationId conversationId, UserId userId, boolean typing) implements ChatEvent {
    }

    /** A user came online or went offline ({@code lastSeen} in ms). */
    record PresenceChanged(UserId userId, boolean online, long lastSeen) implements ChatEvent {
    }

    /** A user's public profile changed, or their account was deleted. */
    record ProfileChanged(Profile profile) implements ChatEvent {
    }

    /** The first message (at {@code seq}) of a message request from {@code requester} arrived. */
    record RequestReceived(ConversationId conversationId, UserId requester, long seq) implements ChatEvent {
    }
}
