package dev.parley.core.message;

import dev.parley.core.ChatException;
import dev.parley.core.conversation.Membership;

import java.util.Comparator;
import java.util.List;

/** The rules for a message's mentions: current members, within the text, apart from each other. */
public final class Mentions {
    /** Most members one message may mention. */
    public static final int MAX = 50;

    private Mentions() {
    }

    /**
     * {@code mentions}, checked against {@code body} and the conversation's members as the send
     * sees them; refused as {@code INVALID} (or {@code TOO_LARGE} for too many) otherwise.
     */
    public static List<Mention> require(String body, List<Mention> mentions, Membership members) {
        if (members.kind() != dev.parley.core.conversation.ConversationKind.GROUP) {
            throw ChatException.invalid("mentions are for groups");
        }
        if (mentions.size() > MAX) {
            throw new ChatException(ChatException.Refusal.TOO_LARGE, "a message mentions at most " + MAX + " members");
        }
        List<Mention> sorted = mentions.stream().sorted(Comparator.comparingInt(Mention::offset)).toList();
        int end = 0;
        for (Mention m : sorted) {
            if (m.offset() < 0 || m.length() < 1 || (long) m.offset() + m.length() > body.length()) {
                throw ChatException.invalid("a mention must lie within the text");
            }
            if (m.offset() < end) {
                throw ChatException.invalid("mentions must not overlap");
            }
            if (!members.members().contains(m.userId())) {
                throw ChatException.invalid("a mention must name a member of the conversation");
            }
            end = m.offset() + m.length();
        }
        return sorted;
    }
}
