package dev.parley.core.attachment;

import dev.parley.core.conversation.ConversationId;

/** A history entry that carries an attachment. */
public record AttachmentUse(ConversationId conversationId, long seq) {
}
