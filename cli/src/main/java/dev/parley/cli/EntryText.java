package dev.parley.cli;

import dev.parley.sdk.Attachment;
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
            case TEXT -> text(m);
            case CREATED -> "created \"" + m.title() + "\" with " + users(m.userIds(), names);
            case MEMBERS_ADDED -> "added " + users(m.userIds(), names);
            case MEMBER_REMOVED -> "removed " + users(m.userIds(), names);
            case MEMBER_LEFT -> m.userIds() != null && m.userIds().size() > 1
                    ? "left; " + names.apply(m.userIds().get(1)) + " is now the owner" : "left";
            case RENAMED -> "renamed the group to \"" + m.title() + "\"";
            case ROLE_CHANGED -> "made " + users(m.userIds(), names) + " " + (m.role() == null ? "?" : m.role().wire());
            case REQUEST_ACCEPTED -> "accepted the message request";
            case REACTION_ADDED -> "reacted " + m.body() + " to #" + m.targetSeq();
            case REACTION_REMOVED -> "took " + m.body() + " off #" + m.targetSeq();
            case EDITED -> "edited #" + m.targetSeq();
            case DELETED -> "deleted #" + m.targetSeq();
            case UNKNOWN -> "[an entry this client cannot show]";
        };
    }

    /**
     * A text message as it is now: "[message deleted]" for a tombstone; otherwise which message it
     * answers, its text, "(edited)" and its reactions with their counts.
     */
    private static String text(ChatMessage m) {
        if (m.isDeleted()) {
            return "[message deleted]";
        }
        StringBuilder sb = new StringBuilder();
        if (m.replyTo() != 0) {
            sb.append("\u21AA #").append(m.replyTo());
            if (m.quote() != null) {
                sb.append(m.quote().deleted() ? " [message deleted]"
                        : " \"" + Columns.cell(m.quote().excerpt() == null ? "" : m.quote().excerpt()) + "\"");
            }
            sb.append(": ");
        }
        sb.append(m.body() == null ? "[text erased]" : body(m));
        if (m.editedAt() != 0) {
            sb.append(" (edited)");
        }
        if (!m.reactions().isEmpty()) {
            sb.append("  [");
            sb.append(m.reactions().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size())
                    .collect(Collectors.joining("  ")));
            sb.append(']');
        }
        return sb.toString();
    }

    /**
     * A text message's text, then each file it carries with its name, size and the command that
     * downloads it.
     */
    static String body(ChatMessage m) {
        StringBuilder sb = new StringBuilder(m.body() == null ? "" : m.body());
        for (Attachment a : m.attachments()) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('[').append(a.isImage() ? "photo" : "file").append(' ').append(a.name()).append(", ")
                    .append(size(a.size())).append(": parley download ").append(a.id()).append(']');
        }
        return sb.toString();
    }

    /** A byte count as people read it: 512 B, 12.3 KiB, 4.0 MiB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String users(List<Long> ids, LongFunction<String> names) {
        if (ids == null || ids.isEmpty()) {
            return "nobody";
        }
        return ids.stream().map(names::apply).collect(Collectors.joining(", "));
    }
}
