package dev.parley.sdk;

import java.util.List;

/** A page of the conversation list, most recent activity first; {@code nextCursor} is null on the last. */
public record ConversationPage(List<ConversationSummary> conversations, String nextCursor) {

    static ConversationPage from(JsonObject o) {
        return new ConversationPage(o.objects("conversations").stream().map(ConversationSummary::from).toList(),
                o.optString("nextCursor"));
    }
}
