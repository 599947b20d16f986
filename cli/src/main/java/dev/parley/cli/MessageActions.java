package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.EntryKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an action entry (a reaction, an edit, a deletion) to the message it names, as
 * docs/protocol.md tells a client to: reactions as sets, the edit's text, a deletion leaving a
 * tombstone. Applying one the message already reflects (read from the node after it) changes nothing.
 */
final class MessageActions {
    private MessageActions() {
    }

    static boolean isAction(ChatMessage m) {
        return m.kind() == EntryKind.REACTION_ADDED || m.kind() == EntryKind.REACTION_REMOVED
                || m.kind() == EntryKind.EDITED || m.kind() == EntryKind.DELETED;
    }

    /**
     * A reply of this device's own, which the SDK builds from its confirmation without a quote,
     * with the quote of the message it answers as this screen holds it.
     */
    static ChatMessage quoting(ChatMessage reply, ChatMessage quoted) {
        String body = quoted.body();
        ChatMessage.Quote quote = new ChatMessage.Quote(quoted.seq(), quoted.senderId(), quoted.kind(),
                body == null || body.length() <= 100 ? body : body.substring(0, 100), quoted.isDeleted());
        return new ChatMessage(reply.conversationId(), reply.seq(), reply.ts(), reply.senderId(), reply.senderDeviceId(),
                reply.clientId(), reply.kind(), reply.body(), reply.title(), reply.userIds(), reply.role(),
                reply.replyTo(), quote, reply.targetSeq(), reply.reactions(), reply.editedAt(), reply.deletedAt(),
                reply.deletedBy(), reply.mentions());
    }

    /** The target as it is after {@code action}. */
    static ChatMessage apply(ChatMessage target, ChatMessage action) {
        if (target.isDeleted()) {
            return target;
        }
        Map<String, List<Long>> reactions = new LinkedHashMap<>();
        target.reactions().forEach((emoji, users) -> reactions.put(emoji, new ArrayList<>(users)));
        String body = target.body();
        long editedAt = target.editedAt();
        long deletedAt = 0;
        long deletedBy = 0;
        switch (action.kind()) {
            case REACTION_ADDED -> {
                List<Long> users = reactions.computeIfAbsent(action.body(), k -> new ArrayList<>());
                if (!users.contains(action.senderId())) {
                    users.add(action.senderId());
                }
            }
            case REACTION_REMOVED -> {
                List<Long> users = reactions.get(action.body());
                if (users != null && users.remove(action.senderId()) && users.isEmpty()) {
                    reactions.remove(action.body());
                }
            }
            case EDITED -> {
                if (action.body() != null) {
                    body = action.body();
                    editedAt = action.ts();
                }
            }
            case DELETED -> {
                body = null;
                editedAt = 0;
                reactions.clear();
                deletedAt = action.ts();
                deletedBy = action.senderId();
            }
            default -> {
                return target;
            }
        }
        return new ChatMessage(target.conversationId(), target.seq(), target.ts(), target.senderId(),
                target.senderDeviceId(), target.clientId(), target.kind(), body, target.title(), target.userIds(),
                target.role(), target.replyTo(), target.quote(), target.targetSeq(), reactions, editedAt, deletedAt,
                deletedBy);
    }
}
