package dev.parley.cli;

import dev.parley.sdk.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code @username} words of a group message that name its members, as the node takes mentions. */
final class MentionFinder {
    private static final Pattern AT_NAME = Pattern.compile("(?<![\\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)");

    private MentionFinder() {
    }

    /** The mentions in {@code body} of users in {@code members} (username to user id), in text order. */
    static List<ChatMessage.Mention> find(String body, Map<String, Long> members) {
        List<ChatMessage.Mention> out = new ArrayList<>();
        Matcher m = AT_NAME.matcher(body);
        while (m.find() && out.size() < 50) {
            Long id = members.get(m.group(1));
            if (id != null) {
                out.add(new ChatMessage.Mention(id, m.start(), m.end() - m.start()));
            }
        }
        return out;
    }
}
