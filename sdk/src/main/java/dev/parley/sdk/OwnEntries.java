package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;

import java.util.Map;
import java.util.Set;

/**
 * The history entry a device's own message or action became, built from what it sent and the
 * node's {@code sent}: the node does not echo a device's own entries back to it.
 */
final class OwnEntries {
    /** The frames that append an entry and are answered with {@code sent}. */
    static final Set<String> TYPES = Set.of("send", "react", "edit", "delete");

    private OwnEntries() {
    }

    static ChatMessage of(ClientFrame frame, ServerFrame.Sent s, long userId, long deviceId) {
        return switch (frame) {
            case ClientFrame.Send send -> new ChatMessage(s.conversationId(), s.seq(), s.ts(), userId, deviceId,
                    s.clientId(), EntryKind.TEXT, send.body(), null, null, null, send.replyTo(), null, 0, Map.of(), 0, 0,
                    0, send.mentions().stream().map(m -> new ChatMessage.Mention(m.userId(), m.offset(), m.length()))
                    .toList());
            case ClientFrame.React r -> action(s, userId, deviceId,
                    r.remove() ? EntryKind.REACTION_REMOVED : EntryKind.REACTION_ADDED, r.emoji(), r.targetSeq());
            case ClientFrame.Edit e -> action(s, userId, deviceId, EntryKind.EDITED, e.body(), e.targetSeq());
            case ClientFrame.Delete d -> action(s, userId, deviceId, EntryKind.DELETED, null, d.targetSeq());
            default -> throw new IllegalArgumentException("not an entry: " + frame.type());
        };
    }

    private static ChatMessage action(ServerFrame.Sent s, long userId, long deviceId, EntryKind kind, String body,
                                      long targetSeq) {
        return new ChatMessage(s.conversationId(), s.seq(), s.ts(), userId, deviceId, s.clientId(), kind, body, null,
                null, null, 0, null, targetSeq, Map.of(), 0, 0, 0);
    }
}
