package dev.parley.sdk;

/**
 * One row of the caller's conversation list. {@code unread} counts others' text messages after
 * the caller's read position, up to 999. {@code peer} is the other user of a direct conversation
 * (null for groups); {@code lastMessage} is null for an empty conversation. {@code request} marks a
 * message request (listed by {@link ParleyClient#requests()}); {@code mentioned} a group that
 * holds a message mentioning the caller after their read position.
 */
public record ConversationSummary(long conversationId, ConversationKind kind, String title, long lastSeq,
                                  long lastActivityAt, Role role, long delivered, long read, int unread,
                                  ChatMessage lastMessage, User peer, boolean request, boolean mentioned) {

    /** The peer's shown name for a direct conversation, the title for a group. */
    public String displayName() {
        if (kind == ConversationKind.DIRECT && peer != null) {
            return peer.shownName();
        }
        return title == null ? "#" + conversationId : title;
    }

    static ConversationSummary from(JsonObject o) {
        JsonObject last = o.object("lastMessage");
        JsonObject peer = o.object("peer");
        return new ConversationSummary(o.integer("conversationId"), ConversationKind.fromWire(o.string("kind")),
                o.optString("title"), o.integer("lastSeq", 0), o.integer("lastActivityAt", 0),
                Role.fromWire(o.optString("role")), o.integer("delivered", 0), o.integer("read", 0),
                (int) o.integer("unread", 0), last == null ? null : ChatMessage.from(last),
                peer == null ? null : User.from(peer), o.has("request") && o.bool("request"),
                o.has("mentioned") && o.bool("mentioned"));
    }
}
