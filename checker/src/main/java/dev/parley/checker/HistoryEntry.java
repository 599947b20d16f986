package dev.parley.checker;

/**
 * One history entry as a device or the store saw it: enough to compare copies. {@code clientId}
 * and {@code body} are null for entries that are not text messages.
 */
public record HistoryEntry(long conversationId, long seq, long senderId, String clientId, String kind, String body) {
}
