package dev.parley.core.report;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;

import java.util.List;

/**
 * A member's report of a user (and of some of their messages) to the operators. {@code entries}
 * are copies of the reported history entries as they were when reported, so deleting the account,
 * erasing its messages or the retention sweep does not destroy the evidence.
 * {@code conversationId} is null for a report of a user alone; {@code resolvedAt} is 0 while open.
 */
public record Report(long id, UserId reporter, UserId subject, ConversationId conversationId, ReportReason reason,
                     String note, long createdAt, long resolvedAt, List<Message> entries) {

    public Report {
        entries = List.copyOf(entries);
    }

    public boolean open() {
        return resolvedAt == 0;
    }
}
