package dev.parley.sdk;

import dev.parley.protocol.ServerFrame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a conversation's history, at its {@code seq} (1, 2, 3 ... with no gaps). Order
 * comes from {@code seq}; {@code ts} (ms since the epoch, the node's clock) is for display.
 *
 * <p>Fields beyond the first five depend on {@link #kind()}: text messages carry {@code body},
 * {@code clientId} and {@code senderDeviceId}; group changes carry {@code title}, {@code userIds}
 * and {@code role} as {@link EntryKind} describes. Absent fields are null (0 for numbers).
 *
 * <p>Message actions (docs/protocol.md, "Message actions"): a text message may answer another
 * ({@code replyTo}, with {@code quote} as that message is now); an action entry (a reaction, an
 * edit, a deletion) names the message it acts on in {@code targetSeq}. A text message read from
 * the node carries its current state: {@code reactions} (emoji to the users who put it there, in
 * the order they did), {@code editedAt}, and for a deleted one {@code deletedAt} and
 * {@code deletedBy} with no body, and a group message the members it {@code mentions}. A text
 * message may carry {@code attachments} (never null; its body may then be empty).
 * {@link ParleyListener} says how to apply actions to messages
 * already shown.
 */
public record ChatMessage(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                          String clientId, EntryKind kind, String body, String title, List<Long> userIds,
                          Role role, long replyTo, Quote quote, long targetSeq, Map<String, List<Long>> reactions,
                          long editedAt, long deletedAt, long deletedBy, List<Mention> mentions,
                          List<Attachment> attachments) {

    /** A member a group message mentions: {@code length} UTF-16 characters of its text from {@code offset}. */
    public record Mention(long userId, int offset, int length) {
    }

    /** What a reply shows of the message it answers: as it is now, deleted or not. */
    public record Quote(long seq, long senderId, EntryKind kind, String excerpt, boolean deleted) {
    }

    public ChatMessage {
        reactions = reactions == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reactions));
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Without attachments. */
    public ChatMessage(long conversationId, long seq, long ts, long senderId, long senderDeviceId, String clientId,
                       EntryKind kind, String body, String title, List<Long> userIds, Role role, long replyTo,
                       Quote quote, long targetSeq, Map<String, List<Long>> reactions, long editedAt, long deletedAt,
                       long deletedBy, List<Mention> mentions) {
        this(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, replyTo,
                quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, mentions, List.of());
    }

    /** This entry carrying {@code list} (the files a message of this device's was sent with). */
    ChatMessage withAttachments(List<Attachment> list) {
        return new ChatMessage(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds,
                role, replyTo, quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, mentions, list);
    }

    /** Without mentions. */
    public ChatMessage(long conversationId, long seq, long ts, long senderId, long senderDeviceId, String clientId,
                       EntryKind kind, String body, String title, List<Long> userIds, Role role, long replyTo,
                       Quote quote, long targetSeq, Map<String, List<Long>> reactions, long editedAt, long deletedAt,
                       long deletedBy) {
        this(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, replyTo,
                quote, targetSeq, reactions, editedAt, deletedAt, deletedBy, List.of());
    }

    /** An entry that is neither a reply nor an action and has no reactions. */
    public ChatMessage(long conversationId, long seq, long ts, long senderId, long senderDeviceId, String clientId,
                       EntryKind kind, String body, String title, List<Long> userIds, Role role) {
        this(conversationId, seq, ts, senderId, senderDeviceId, clientId, kind, body, title, userIds, role, 0, null, 0,
                Map.of(), 0, 0, 0);
    }

    /** True for a text message (as opposed to a change of the conversation or an action). */
    public boolean isText() {
        return kind == EntryKind.TEXT;
    }

    /** True for a text message deleted for everyone: show "message deleted". */
    public boolean isDeleted() {
        return deletedAt != 0;
    }

    static ChatMessage text(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                            String clientId, String body) {
        return new ChatMessage(conversationId, seq, ts, senderId, senderDeviceId, clientId, EntryKind.TEXT, body,
                null, null, null);
    }

    static ChatMessage of(ServerFrame.Message m) {
        Map<String, List<Long>> reactions = new LinkedHashMap<>();
        m.reactions().forEach(r -> reactions.put(r.emoji(), List.copyOf(r.userIds())));
        ServerFrame.Quote q = m.quote();
        return new ChatMessage(m.conversationId(), m.seq(), m.ts(), m.senderId(), m.senderDeviceId(), m.clientId(),
                EntryKind.fromWire(m.kind()), m.body(), m.title(),
                m.userIds() == null ? null : List.copyOf(m.userIds()), Role.fromWire(m.role()), m.replyTo(),
                q == null ? null : new Quote(q.seq(), q.senderId(), EntryKind.fromWire(q.kind()), q.excerpt(), q.deleted()),
                m.targetSeq(), reactions, m.editedAt(), m.deletedAt(), m.deletedBy(),
                m.mentions().stream().map(x -> new Mention(x.userId(), x.offset(), x.length())).toList(),
                m.attachments().stream().map(Attachment::of).toList());
    }

    static ChatMessage from(JsonObject o) {
        JsonObject q = o.object("quote");
        JsonObject r = o.object("reactions");
        Map<String, List<Long>> reactions = new LinkedHashMap<>();
        if (r != null) {
            for (String emoji : r.fields().keySet()) {
                reactions.put(emoji, r.integers(emoji));
            }
        }
        return new ChatMessage(o.integer("conversationId"), o.integer("seq"), o.integer("ts"), o.integer("senderId"),
                o.integer("senderDeviceId", 0), o.optString("clientId"), EntryKind.fromWire(o.string("kind")),
                o.optString("body"), o.optString("title"), o.integers("userIds"), Role.fromWire(o.optString("role")),
                o.integer("replyTo", 0), q == null ? null : new Quote(q.integer("seq"), q.integer("senderId"),
                EntryKind.fromWire(q.string("kind")), q.optString("excerpt"), q.has("deleted") && q.bool("deleted")),
                o.integer("targetSeq", 0), reactions, o.integer("editedAt", 0), o.integer("deletedAt", 0),
                o.integer("deletedBy", 0), o.objects("mentions").stream().map(x -> new Mention(x.integer("userId"),
                        (int) x.integer("offset"), (int) x.integer("length"))).toList(),
                o.objects("attachments").stream().map(Attachment::from).toList());
    }
}
