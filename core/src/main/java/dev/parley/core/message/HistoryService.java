package dev.parley.core.message;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;

import java.util.List;

/**
 * Pages a conversation's history by seq, for members only. A former member sees the history up
 * to the entry that removed them and nothing after it. Blocking: run on virtual threads.
 */
public final class HistoryService {
    private final MessageStore messages;
    private final ConversationStore conversations;
    private final int maxPageSize;
    /** Whether a non-member may read a conversation as the recipient of its pending message request. */
    private final java.util.function.BiPredicate<UserId, ConversationId> requestRecipient;

    public HistoryService(MessageStore messages, ConversationStore conversations, int maxPageSize) {
        this(messages, conversations, maxPageSize, (u, c) -> false);
    }

    public HistoryService(MessageStore messages, ConversationStore conversations, int maxPageSize,
                          java.util.function.BiPredicate<UserId, ConversationId> requestRecipient) {
        this.requestRecipient = requestRecipient;
        this.messages = messages;
        this.conversations = conversations;
        this.maxPageSize = maxPageSize;
    }

    public int maxPageSize() {
        return maxPageSize;
    }

    /**
     * With {@code afterSeq}, the oldest {@code limit} entries after it; otherwise the newest
     * {@code limit} entries before {@code beforeSeq} (or before the end when it is null).
     */
    public HistoryPage page(Caller caller, ConversationId id, Long beforeSeq, Long afterSeq, int limit) {
        if (limit < 1 || limit > maxPageSize) {
            throw ChatException.invalid("limit must be 1 to " + maxPageSize);
        }
        if (beforeSeq != null && afterSeq != null) {
            throw ChatException.invalid("give either before or after, not both");
        }
        long upTo = conversations.member(id, caller.userId()).map(MemberState::visibleUpTo)
                .orElseGet(() -> {
                    if (requestRecipient.test(caller.userId(), id)) {
                        return Long.MAX_VALUE;
                    }
                    throw ChatException.notFound("conversation");
                });
        if (afterSeq != null) {
            List<Message> page = messages.range(id, afterSeq, upTo, limit + 1);
            boolean more = page.size() > limit;
            return new HistoryPage(more ? page.subList(0, limit) : page, more);
        }
        long before = beforeSeq == null ? Long.MAX_VALUE : beforeSeq;
        List<Message> page = messages.before(id, before, upTo, limit + 1);
        boolean more = page.size() > limit;
        return new HistoryPage(more ? page.subList(1, page.size()) : page, more);
    }
}
