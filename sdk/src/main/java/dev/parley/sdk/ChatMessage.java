package dev.parley.sdk;

import dev.parley.protocol.ServerFrame;

import java.util.List;

/**
 * One entry of a conversation's history, at its {@code seq} (1, 2, 3 ... with no gaps). Order
 * comes from {@code seq}; {@code ts} (ms since the epoch, the node's clock) is for display.
 *
 * <p>Fields beyond the first five depend on {@link #kind()}: text messages carry {@code body},
 * {@code clientId} and {@code senderDeviceId}; group changes carry {@code title}, {@code userIds}
 * and {@code role} as {@link EntryKind} describes. Absent fields are null (0 for the device).
 */
public record ChatMessage(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                          String clientId, EntryKind kind, String body, String title, List<Long> userIds,
                          Role role) {

    /** True for a text message (as opposed to a change of the conversation). */
    public boolean isText() {
        return kind == EntryKind.TEXT;
    }

    static ChatMessage text(long conversationId, long seq, long ts, long senderId, long senderDeviceId,
                            String clientId, String body) {
        return new ChatMessage(conversationId, seq, ts, senderId, senderDeviceId, clientId, EntryKind.TEXT, body,
                null, null, null);
    }

    static ChatMessage of(ServerFrame.Message m) {
        return new ChatMessage(m.conversationId(), m.seq(), m.ts(), m.senderId(), m.senderDeviceId(), m.clientId(),
                EntryKind.fromWire(m.kind()), m.body(), m.title(),
                m.userIds() == null ? null : List.copyOf(m.userIds()), Role.fromWire(m.role()));
    }

    static ChatMessage from(JsonObject o) {
        return new ChatMessage(o.integer("conversationId"), o.integer("seq"), o.integer("ts"), o.integer("senderId"),
                o.integer("senderDeviceId", 0), o.optString("clientId"), EntryKind.fromWire(o.string("kind")),
                o.optString("body"), o.optString("title"), o.integers("userIds"), Role.fromWire(o.optString("role")));
    }
}
