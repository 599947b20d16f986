package dev.parley.checker;

import java.util.Map;
import java.util.Set;

/**
 * One history entry as a device or the store saw it: enough to compare copies. {@code clientId}
 * and {@code body} are null for entries that are not text messages or actions; {@code targetSeq}
 * names the message an action (a reaction, an edit, a deletion) acts on, 0 otherwise.
 * {@code state} is a text message's state as it was read (null for other entries): from the
 * store, its current state; on a device, what the entry carried when it arrived.
 */
public record HistoryEntry(long conversationId, long seq, long senderId, String clientId, String kind, String body,
                           long targetSeq, MessageState state) {

    /** A text message's text, whether it was edited or deleted, and its reactions (emoji to users). */
    public record MessageState(String body, boolean edited, boolean deleted, Map<String, Set<Long>> reactions) {
        public MessageState {
            reactions = Map.copyOf(reactions);
        }
    }

    /** An entry that is not an action, with (for a text) an untouched state. */
    public HistoryEntry(long conversationId, long seq, long senderId, String clientId, String kind, String body) {
        this(conversationId, seq, senderId, clientId, kind, body, 0,
                "text".equalsIgnoreCase(kind) ? new MessageState(body, false, false, Map.of()) : null);
    }

    /**
     * What identifies the entry at its seq, whatever happened to it since: the same on every
     * device and in the store (a text's body and state change with edits and deletions).
     */
    public HistoryEntry identity() {
        return new HistoryEntry(conversationId, seq, senderId, clientId, kind, null, targetSeq, null);
    }
}
