package dev.parley.core.inbox;

import dev.parley.core.ChatException;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's conversations, most recent activity first, each with its last message, unread count
 * and (for direct conversations) the peer. Paginated by an opaque cursor. Blocking.
 */
public final class ConversationList {
    /** Unread counts stop here; clients show "999+". */
    public static final int UNREAD_CAP = 999;

    private final ConversationStore conversations;
    private final MessageStore messages;
    private final int maxPageSize;
    /** The other person of a direct conversation that has one member (a message request's recipient). */
    private final java.util.function.Function<dev.parley.core.conversation.ConversationId, UserId> requestRecipient;

    public ConversationList(ConversationStore conversations, MessageStore messages, int maxPageSize) {
        this(conversations, messages, maxPageSize, c -> null);
    }

    public ConversationList(ConversationStore conversations, MessageStore messages, int maxPageSize,
                            java.util.function.Function<dev.parley.core.conversation.ConversationId, UserId> requestRecipient) {
        this.requestRecipient = requestRecipient;
        this.conversations = conversations;
        this.messages = messages;
        this.maxPageSize = maxPageSize;
    }

    public ConversationPage page(Caller caller, String cursor, int limit) {
        if (limit < 1 || limit > maxPageSize) {
            throw ChatException.invalid("limit must be 1 to " + maxPageSize);
        }
        ListCursor after = null;
        if (cursor != null && !cursor.isEmpty()) {
            after = ListCursor.parse(cursor);
            if (after == null) {
                throw ChatException.invalid("cursor is not one this server gave");
            }
        }
        List<ConversationEntry> entries = conversations.listForUser(caller.userId(), after, limit + 1);
        boolean more = entries.size() > limit;
        List<ConversationEntry> page = more ? entries.subList(0, limit) : entries;
        List<ConversationSummary> out = new ArrayList<>(page.size());
        for (ConversationEntry e : page) {
            out.add(summarize(caller.userId(), e));
        }
        ListCursor next = null;
        if (more) {
            Conversation last = page.getLast().conversation();
            next = new ListCursor(last.lastActivityAt(), last.id().value());
        }
        return new ConversationPage(out, next);
    }

    /** One line of the list for an entry the caller is not listed by (a message request they received). */
    public ConversationSummary summarize(UserId user, ConversationEntry e, UserId peer) {
        Conversation c = e.conversation();
        List<Message> last = c.lastSeq() == 0 ? List.of() : messages.before(c.id(), Long.MAX_VALUE, c.lastSeq(), 1);
        int unread = messages.countUnread(c.id(), user, 0, c.lastSeq(), UNREAD_CAP);
        return new ConversationSummary(e, last.isEmpty() ? null : last.getFirst(), unread, peer,
                messages.mentions(c.id(), user, 0, c.lastSeq()));
    }

    private ConversationSummary summarize(UserId user, ConversationEntry e) {
        Conversation c = e.conversation();
        List<Message> last = c.lastSeq() == 0 ? List.of() : messages.before(c.id(), Long.MAX_VALUE, c.lastSeq(), 1);
        int unread = messages.countUnread(c.id(), user, e.self().readSeq(), c.lastSeq(), UNREAD_CAP);
        UserId peer = null;
        if (c.kind() == ConversationKind.DIRECT) {
            for (MemberState m : conversations.members(c.id())) {
                if (!m.userId().equals(user)) {
                    peer = m.userId();
                }
            }
            if (peer == null) {
                peer = requestRecipient.apply(c.id());
            }
        }
        boolean mentioned = c.kind() == ConversationKind.GROUP
                && messages.mentions(c.id(), user, e.self().readSeq(), c.lastSeq());
        return new ConversationSummary(e, last.isEmpty() ? null : last.getFirst(), unread, peer, mentioned);
    }
}
