package dev.parley.core.memory;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.ActionRules;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;
import dev.parley.core.message.Reaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replies, reactions and edits in memory, as the SQL stores keep them: a reply's quote is read from the
 * quoted entry whenever the reply is read, and each message's reactions are rows beside the
 * history, changed with the reaction's entry. Called under the data's lock.
 */
final class MemoryActions {
    /** One person's emoji on one message, put there by the entry at {@code reactedSeq}. */
    record ReactionRow(long seq, UserId user, String emoji, long reactedSeq) {
    }

    private final MemoryData data;

    MemoryActions(MemoryData data) {
        this.data = data;
    }

    /** The text message at {@code seq} as a reply quotes it now, or null when there is none. */
    Quote quotable(ConversationId id, long seq) {
        Message m = data.messages.getOrDefault(id, new java.util.TreeMap<>()).get(seq);
        return m == null || m.kind() != MessageKind.TEXT ? null
                : new Quote(seq, m.senderId(), MessageKind.TEXT, Quote.excerpt(m.body()), m.deletedAt() != 0);
    }

    /** Decides a reply or action of a current member before its seq is taken: null to go ahead. */
    AppendResult check(AppendRequest r) {
        if (r.replyTo() > 0 && quotable(r.conversationId(), r.replyTo()) == null) {
            return new AppendResult.Refused(Refusal.TARGET_NOT_FOUND, "no message to reply to");
        }
        if (!r.kind().isAction()) {
            return null;
        }
        Message target = data.messages.getOrDefault(r.conversationId(), new java.util.TreeMap<>()).get(r.targetSeq());
        List<String> held = rows(r.conversationId()).stream()
                .filter(x -> x.seq() == r.targetSeq() && x.user().equals(r.senderId())).map(ReactionRow::emoji).toList();
        return ActionRules.decide(r, target == null ? null : new ActionRules.Target(target.seq(), target.senderId(),
                target.kind(), target.createdAt(), target.deletedAt() != 0), held,
                data.members.get(r.conversationId()).get(r.senderId()).role);
    }

    /** Applies a stored action entry to the current state of the message it names. */
    void apply(Message entry) {
        List<ReactionRow> rows = rows(entry.conversationId());
        java.util.TreeMap<Long, Message> history = data.messages.get(entry.conversationId());
        if (entry.kind() == MessageKind.EDITED) {
            Message m = history.get(entry.targetSeq());
            history.put(m.seq(), new Message(m.conversationId(), m.seq(), m.createdAt(), m.senderId(),
                    m.senderDeviceId(), m.clientId(), m.kind(), entry.body(), m.title(), m.userIds(), m.role(),
                    m.replyTo(), null, m.targetSeq(), List.of(), entry.createdAt(), 0, null));
        } else if (entry.kind() == MessageKind.DELETED) {
            Message m = history.get(entry.targetSeq());
            history.put(m.seq(), new Message(m.conversationId(), m.seq(), m.createdAt(), m.senderId(),
                    m.senderDeviceId(), m.clientId(), m.kind(), null, m.title(), m.userIds(), m.role(),
                    m.replyTo(), null, m.targetSeq(), List.of(), 0, entry.createdAt(), entry.senderId()));
            history.replaceAll((seq, e) -> e.kind() == MessageKind.EDITED && e.targetSeq() == m.seq()
                    ? new Message(e.conversationId(), e.seq(), e.createdAt(), e.senderId(), e.senderDeviceId(),
                    e.clientId(), e.kind(), null, null, null, null, 0, null, e.targetSeq(), List.of(), 0, 0, null) : e);
            rows.removeIf(x -> x.seq() == m.seq());
        } else if (entry.kind() == MessageKind.REACTION_ADDED) {
            rows.add(new ReactionRow(entry.targetSeq(), entry.senderId(), entry.body(), entry.seq()));
        } else if (entry.kind() == MessageKind.REACTION_REMOVED) {
            rows.removeIf(x -> x.seq() == entry.targetSeq() && x.user().equals(entry.senderId())
                    && x.emoji().equals(entry.body()));
        }
    }

    /** The entry as a reader sees it now: with its quote and its current reactions. */
    Message current(Message m) {
        Message quoted = m.replyTo() == 0 ? m : new Message(m.conversationId(), m.seq(), m.createdAt(), m.senderId(),
                m.senderDeviceId(), m.clientId(), m.kind(), m.body(), m.title(), m.userIds(), m.role(), m.replyTo(),
                quotable(m.conversationId(), m.replyTo()), m.targetSeq(), List.of(), m.editedAt(), m.deletedAt(),
                m.deletedBy(), m.mentions());
        Map<String, List<UserId>> byEmoji = new LinkedHashMap<>();
        rows(m.conversationId()).stream().filter(x -> x.seq() == m.seq())
                .sorted(Comparator.comparingLong(ReactionRow::reactedSeq))
                .forEach(x -> byEmoji.computeIfAbsent(x.emoji(), k -> new ArrayList<>()).add(x.user()));
        List<Reaction> reactions = new ArrayList<>();
        byEmoji.forEach((emoji, users) -> reactions.add(new Reaction(emoji, users)));
        return quoted.withReactions(reactions);
    }

    /** Drops the reactions of the conversation's messages up to {@code upToSeq} (retention). */
    void deleteUpTo(ConversationId id, long upToSeq) {
        rows(id).removeIf(x -> x.seq() <= upToSeq);
    }

    long count() {
        return data.reactions.values().stream().mapToLong(List::size).sum();
    }

    private List<ReactionRow> rows(ConversationId id) {
        return data.reactions.computeIfAbsent(id, k -> new ArrayList<>());
    }
}
