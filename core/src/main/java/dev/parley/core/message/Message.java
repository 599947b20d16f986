package dev.parley.core.message;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;

import java.util.List;

/**
 * One entry in a conversation's history, at its sequence number. Text messages carry a body and
 * the sender's client id; events carry the fields of their kind (title, user ids, role).
 * {@code createdAt} is the node's clock in ms, informational only: order is {@code seq}.
 *
 * <p>A text message may answer an earlier entry ({@code replyTo}, 0 for none); {@code quote} is
 * that entry as it is now (null when it no longer exists). An action (a reaction) names the entry
 * it acts on in {@code targetSeq} (0 for entries that are not actions). {@code reactions} is the
 * entry's current aggregated reactions, kept by the store with the entry; {@code editedAt} when
 * its text was last edited (0: never), {@code body} being the text as edited. A deleted message is a
 * tombstone: {@code deletedAt} (0: not deleted) and {@code deletedBy} say when and by whom, and its
 * text is gone ({@code body} null). {@code mentions} are the members a text message mentions (dropped
 * when its text is edited or deleted).
 *
 * <p>A text message may carry {@code attachments} (then its body may be empty); never null.
 */
public record Message(ConversationId conversationId, long seq, long createdAt, UserId senderId,
                      DeviceId senderDeviceId, String clientId, MessageKind kind, String body, String title,
                      List<UserId> userIds, Role role, long replyTo, Quote quote, long targetSeq,
                      List<Reaction> reactions, long editedAt, long deletedAt, UserId deletedBy,
                      List<Mention> mentions, List<Attachment> attachments) {

    public Message {
        userIds = userIds == null ? null : List.copyOf(userIds);
        reactions = reactions == null ? List.of() : List.copyOf(reactions);
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Without attachments. */
    public Message(ConversationId conversationId, long seq, long createdAt, UserId senderId, DeviceId senderDeviceId,
                   String clientId, MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                   long replyTo, Quote quote, long targetSeq, List<Reaction> reactions, long editedAt, long deletedAt,
                   UserId deletedBy, List<Mention> mentions) {
        this(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title, userIds, role,
                replyTo, quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, mentions, List.of());
    }

    /** Without mentions. */
    public Message(ConversationId conversationId, long seq, long createdAt, UserId senderId, DeviceId senderDeviceId,
                   String clientId, MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                   long replyTo, Quote quote, long targetSeq, List<Reaction> reactions, long editedAt, long deletedAt,
                   UserId deletedBy) {
        this(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title, userIds, role,
                replyTo, quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, List.of());
    }

    /** An entry that acts on nothing and has no reactions. */
    public Message(ConversationId conversationId, long seq, long createdAt, UserId senderId, DeviceId senderDeviceId,
                   String clientId, MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                   long replyTo, Quote quote) {
        this(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title, userIds, role,
                replyTo, quote, 0, List.of(), 0, 0, null);
    }

    /** This entry with {@code current} as its reactions. */
    public Message withReactions(List<Reaction> current) {
        return new Message(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title,
                userIds, role, replyTo, quote, targetSeq, current, editedAt, deletedAt, deletedBy, mentions,
                attachments);
    }

    /** This entry with {@code list} as its attachments. */
    public Message withAttachments(List<Attachment> list) {
        return new Message(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title,
                userIds, role, replyTo, quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, mentions, list);
    }

    /** An entry that answers nothing. */
    public Message(ConversationId conversationId, long seq, long createdAt, UserId senderId, DeviceId senderDeviceId,
                   String clientId, MessageKind kind, String body, String title, List<UserId> userIds, Role role) {
        this(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title, userIds, role,
                0, null);
    }

    /** A text entry that answers nothing and carries {@code attachments}. */
    public Message(ConversationId conversationId, long seq, long createdAt, UserId senderId, DeviceId senderDeviceId,
                   String clientId, MessageKind kind, String body, String title, List<UserId> userIds, Role role,
                   List<Attachment> attachments) {
        this(conversationId, seq, createdAt, senderId, senderDeviceId, clientId, kind, body, title, userIds, role,
                0, null, 0, List.of(), 0, 0, null, List.of(), attachments);
    }
}
