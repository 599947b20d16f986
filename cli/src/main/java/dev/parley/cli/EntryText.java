package dev.parley.cli;

import dev.parley.sdk.ChatMessage;

import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/** How a history entry reads as one line: a message's body, or what a group change did. */
final class EntryText {
    private EntryText() {
    }

    /** The text of the entry; {@code names} turns user ids into usernames. */
    static String of(ChatMessage m, LongFunction<String> names) {
        return switch (m.kind()) {
            case TEXT -> m.body() == null ? "[text erased]" : m.body();
            case CREATED -> "created \"" + m.title() + "\" with " + users(m.userIds(), names);
            case MEMBERS_ADDED -> "added " + users(m.userIds(), names);
            case MEMBER_REMOVED -> "removed " + users(m.userIds(), names);
            case MEMBER_LEFT -> m.userIds() != null && m.userIds().size() > 1
                    ? "left; " + names.apply(m.userIds().get(1)) + " is now the owner" : "left";
            case RENAMED -> "renamed the group to \"" + m.title() + "\"";
            case ROLE_CHANGED -> "made " + users(m.userIds(), names) + " " + (m.role() == null ? "?" : m.role().wire());
            case REQUEST_ACCEPTED -> "accepted the message request";
            case UNKNOWN -> "[an entry this client cannot show]";
        };
    }

    private static String users(List<Long> ids, LongFunction<String> names) {
        if (ids == null || ids.isEmpty()) {
            return "nobody";
        }
        return ids.stream().map(names::apply).collect(Collectors.joining(", "));
    }
}
