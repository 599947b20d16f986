package dev.parley.sdk;

import java.util.List;

/**
 * A page of history in ascending seq order. {@code hasMore} says whether more entries lie beyond
 * the page in the direction asked for (older for {@code before}, newer for {@code after}).
 */
public record HistoryPage(long conversationId, List<ChatMessage> messages, boolean hasMore) {

    static HistoryPage from(JsonObject o) {
        return new HistoryPage(o.integer("conversationId"),
                o.objects("messages").stream().map(ChatMessage::from).toList(), o.bool("hasMore"));
    }
}
