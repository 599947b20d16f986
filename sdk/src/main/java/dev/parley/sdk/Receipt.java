package dev.parley.sdk;

import dev.parley.protocol.ServerFrame;

/**
 * A member's positions in a conversation: their devices hold every entry up to {@code delivered},
 * and they have seen up to {@code read}. Both only move forward; {@code read <= delivered}.
 */
public record Receipt(long conversationId, long userId, long delivered, long read) {

    static Receipt of(ServerFrame.Receipt r) {
        return new Receipt(r.conversationId(), r.userId(), r.delivered(), r.read());
    }
}
