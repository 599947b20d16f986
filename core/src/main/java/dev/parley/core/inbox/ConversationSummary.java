package dev.parley.core.inbox;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.message.Message;

/**
 * One line of a user's conversation list: the conversation, the user's positions, its newest
 * entry (null when empty), how many text messages from others the user has not read (capped),
 * for a direct conversation the other user, and whether an entry after the user's read position
 * mentions them.
 */
public record ConversationSummary(ConversationEntry entry, Message lastMessage, int unread, UserId peer,
                                  boolean mentioned) {

    /** Holding no unread mention of the user. */
    public ConversationSummary(ConversationEntry entry, Message lastMessage, int unread, UserId peer) {
        this(entry, lastMessage, unread, peer, false);
    }
}
