package dev.parley.core.conversation;

/** A conversation as listed for one member: its metadata and the member's own standing in it. */
public record ConversationEntry(Conversation conversation, MemberState self) {
}
