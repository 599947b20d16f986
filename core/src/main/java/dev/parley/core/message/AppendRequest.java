package dev.parley.core.message;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;

import java.util.List;

/**
 * What to append to a conversation. The store assigns the seq, checks in the same transaction
 * that the sender is a current member (and, for an event, holds a role allowed to cause it), and
 * applies the event's {@link MembershipChange} atomically with the entry.
 */
public record AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                            String clientId, MessageKind kind, String body, String title, List<UserId> userIds,
                            Role role, MembershipChange change, long createdAt) {

    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.TEXT, body,
                null, null, null, null, createdAt);
    }
}
