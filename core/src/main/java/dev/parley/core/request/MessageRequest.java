package dev.parley.core.request;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

/**
 * A direct conversation opened by someone the recipient never talked to. Until the recipient
 * accepts it they are not a member: the requester writes into it alone. {@code declined} requests
 * are kept (so later messages do not bring them back) but no longer listed; {@code notified} says
 * whether the recipient was told of it (once, with its first message).
 */
public record MessageRequest(ConversationId conversationId, UserId recipient, UserId requester, long createdAt,
                             boolean declined, boolean notified) {
}
