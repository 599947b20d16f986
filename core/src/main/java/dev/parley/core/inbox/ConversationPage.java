package dev.parley.core.inbox;

import dev.parley.core.conversation.ListCursor;

import java.util.List;

/** A page of the conversation list and the cursor of the next page (null at the end). */
public record ConversationPage(List<ConversationSummary> conversations, ListCursor next) {
}
