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
 *
 * <p>{@code knownMembershipVersion} is the version of the membership the caller checked (or -1
 * when it does not care): if the conversation's membership has changed since, the store returns
 * the current membership with the appended text entry, so the entry is routed to the members it
 * was really committed among, even when the caller's cache is behind (another node's change).
 */
public record AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                            String clientId, MessageKind kind, String body, String title, List<UserId> userIds,
                            Role role, MembershipChange change, long createdAt, long knownMembershipVersion) {

    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt) {
        return text(conversationId, senderId, senderDeviceId, clientId, body, createdAt, -1);
    }

    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt, long knownMembershipVersion) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.TEXT, body,
                null, null, null, null, createdAt, knownMembershipVersion);
    }

    /** A membership or title change by the sender, recorded as an entry of the given kind. */
    public static AppendRequest change(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                       MessageKind kind, MembershipChange change, long createdAt) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, null, kind, null, null, null, null, change,
                createdAt, -1);
    }
}
