package dev.parley.core.conversation;

import java.util.List;

/** A conversation as a member sees it: metadata and the current members with their positions. */
public record ConversationView(Conversation conversation, List<MemberState> members) {
}
