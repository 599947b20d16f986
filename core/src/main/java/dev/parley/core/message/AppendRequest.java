package dev.parley.core.message;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;
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
 *
 * <p>{@code replyTo} is the seq of the entry a text message answers, 0 for none; {@code targetSeq}
 * the seq of the entry an action acts on, 0 for entries that are not actions; {@code targetNotBefore}
 * the earliest time (ms) that entry may have been sent for the action to apply (an edit's window).
 */
public record AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                            String clientId, MessageKind kind, String body, String title, List<UserId> userIds,
                            Role role, MembershipChange change, long createdAt, long knownMembershipVersion,
                            long replyTo, long targetSeq, long targetNotBefore, List<Mention> mentions,
                            List<Attachment> attachments) {

    public AppendRequest {
        // In text order, the one order every store keeps them in. Most messages mention no one:
        // no stream is built for those (one per send was ~2.5% of a node's allocation, issue 19).
        mentions = mentions == null || mentions.isEmpty() ? List.of()
                : mentions.stream().sorted(java.util.Comparator.comparingInt(Mention::offset)).toList();
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Without attachments. */
    public AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId, String clientId,
                         MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                         MembershipChange change, long createdAt, long knownMembershipVersion, long replyTo,
                         long targetSeq, long targetNotBefore, List<Mention> mentions) {
        this(conversationId, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, change, createdAt,
                knownMembershipVersion, replyTo, targetSeq, targetNotBefore, mentions, List.of());
    }

    /** Without mentions. */
    public AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId, String clientId,
                         MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                         MembershipChange change, long createdAt, long knownMembershipVersion, long replyTo,
                         long targetSeq, long targetNotBefore) {
        this(conversationId, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, change, createdAt,
                knownMembershipVersion, replyTo, targetSeq, targetNotBefore, List.of());
    }

    /** Neither a reply nor an action. */
    public AppendRequest(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId, String clientId,
                         MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                         MembershipChange change, long createdAt, long knownMembershipVersion) {
        this(conversationId, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, change, createdAt,
                knownMembershipVersion, 0, 0, 0);
    }

    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt) {
        return text(conversationId, senderId, senderDeviceId, clientId, body, createdAt, -1);
    }

    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt, long knownMembershipVersion) {
        return reply(conversationId, senderId, senderDeviceId, clientId, body, createdAt, knownMembershipVersion, 0);
    }

    /**
     * A text message answering the entry at {@code replyTo} (0: none). The store refuses it with
     * {@link dev.parley.core.ChatException.Refusal#TARGET_NOT_FOUND} unless that entry is a text
     * message of the same conversation that still exists.
     */
    public static AppendRequest reply(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                      String clientId, String body, long createdAt, long knownMembershipVersion,
                                      long replyTo) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.TEXT, body,
                null, null, null, null, createdAt, knownMembershipVersion, replyTo, 0, 0);
    }

    /** A text message answering {@code replyTo} (0: none) and mentioning members (checked by {@link Mentions}). */
    public static AppendRequest text(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, String body, long createdAt, long knownMembershipVersion,
                                     long replyTo, List<Mention> mentions) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.TEXT, body,
                null, null, null, null, createdAt, knownMembershipVersion, replyTo, 0, 0, mentions);
    }

    /**
     * A text message carrying the sender's uploads (its body may be empty), answering
     * {@code replyTo} (0: none) and mentioning members, as {@link #text} does.
     */
    public static AppendRequest textWithFiles(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                              String clientId, String body, long createdAt, long knownMembershipVersion,
                                              long replyTo, List<Mention> mentions, List<Attachment> attachments) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.TEXT, body,
                null, null, null, null, createdAt, knownMembershipVersion, replyTo, 0, 0, mentions, attachments);
    }

    /**
     * Puts {@code emoji} on the entry at {@code targetSeq} ({@code add}) or takes it off. The store
     * refuses it with {@link dev.parley.core.ChatException.Refusal#TARGET_NOT_FOUND} unless that
     * entry is a text message of the conversation, with
     * {@link dev.parley.core.ChatException.Refusal#TOO_MANY_REACTIONS} when the sender already has
     * {@link Reactions#MAX_PER_USER} others on it, and stores nothing when the reaction is already
     * as asked ({@link AppendResult.Unchanged}).
     */
    public static AppendRequest reaction(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                         String clientId, long targetSeq, String emoji, boolean add, long createdAt,
                                         long knownMembershipVersion) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId,
                add ? MessageKind.REACTION_ADDED : MessageKind.REACTION_REMOVED, emoji, null, null, null, null,
                createdAt, knownMembershipVersion, 0, targetSeq, 0);
    }

    /**
     * Deletes the message at {@code targetSeq} for everyone: the sender's own, or any in a group
     * whose owner or admin the sender is ({@link ActionRules}).
     */
    public static AppendRequest deletion(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                         String clientId, long targetSeq, long createdAt, long knownMembershipVersion) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.DELETED, null, null,
                null, null, null, createdAt, knownMembershipVersion, 0, targetSeq, 0);
    }

    /**
     * Changes the text of the sender's own message at {@code targetSeq} to {@code body}, if that
     * message was sent at or after {@code editableSince} (node clock, ms). The store refuses it
     * ({@link ActionRules}) for another's message, an older one, or anything but a text message.
     */
    public static AppendRequest edit(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                     String clientId, long targetSeq, String body, long createdAt,
                                     long knownMembershipVersion, long editableSince) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, clientId, MessageKind.EDITED, body, null,
                null, null, null, createdAt, knownMembershipVersion, 0, targetSeq, editableSince);
    }

    /** A membership or title change by the sender, recorded as an entry of the given kind. */
    public static AppendRequest change(ConversationId conversationId, UserId senderId, DeviceId senderDeviceId,
                                       MessageKind kind, MembershipChange change, long createdAt) {
        return new AppendRequest(conversationId, senderId, senderDeviceId, null, kind, null, null, null, null, change,
                createdAt, -1);
    }

    /**
     * Whether this request asks for what {@code original}, stored under the same client id, is: a
     * retry (answered with the original) rather than a reuse of the client id for something else.
     * The text of a message deleted since, or of an edit whose message was, is erased and cannot
     * be compared; the rest still must match.
     */
    public boolean repeats(Message original) {
        boolean erased = original.body() == null
                && (original.deletedAt() != 0 || original.kind() == MessageKind.EDITED);
        return original.kind() == kind && (erased || java.util.Objects.equals(original.body(), body))
                && original.replyTo() == replyTo && original.targetSeq() == targetSeq
                && (erased || original.mentions().equals(mentions))
                && (erased || ids(original.attachments()).equals(ids(attachments)));
    }

    private static List<Long> ids(List<Attachment> attachments) {
        return attachments.stream().map(Attachment::id).toList();
    }
}
