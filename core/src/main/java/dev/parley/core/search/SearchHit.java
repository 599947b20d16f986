package dev.parley.core.search;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

/** A text entry that matched, with its text (the store's part) and what to show of it (the service's). */
public record SearchHit(ConversationId conversationId, long seq, long createdAt, UserId senderId, String body,
                        Snippet snippet) {

    /** Part of the text around the first match, and where the matched words stand in it (UTF-16 offsets). */
    public record Snippet(String text, java.util.List<int[]> highlights) {
    }

    public SearchHit withSnippet(Snippet s) {
        return new SearchHit(conversationId, seq, createdAt, senderId, body, s);
    }
}
