package dev.parley.cli;

import dev.parley.protocol.ErrorCode;
import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.ConversationKind;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.Member;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds what a person typed (a username, a group's title or id) through the node, and when there
 * is nothing by that name says so naming it: the node's own {@code not_found} says only "user not
 * found", which does not tell which of three names was wrong.
 */
final class Lookup {
    private final ParleyClient client;

    Lookup(ParleyClient client) {
        this.client = client;
    }

    /** The direct conversation with this user. */
    Conversation direct(String username) {
        try {
            return client.openDirect(username);
        } catch (ParleyException e) {
            throw e.code() == ErrorCode.NOT_FOUND ? userNotFound(List.of(username)) : e;
        }
    }

    /** A group of the caller by its id or its title; {@code no such group} otherwise. */
    Conversation group(String idOrTitle) {
        String text = idOrTitle.strip();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() < 19) {
            try {
                Conversation c = client.conversation(Long.parseLong(text));
                if (c.kind() == ConversationKind.GROUP) {
                    return c;
                }
            } catch (ParleyException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                // Not one of ours by that id: it may still be a group called "2026".
            }
        }
        List<ConversationSummary> groups = client.allConversations().stream()
                .filter(s -> s.kind() == ConversationKind.GROUP && s.title() != null).toList();
        List<ConversationSummary> named = groups.stream().filter(s -> s.title().equals(text)).toList();
        if (named.isEmpty()) {
            named = groups.stream().filter(s -> s.title().equalsIgnoreCase(text)).toList();
        }
        if (named.size() > 1) {
            throw new ParleyException(ErrorCode.INVALID_FIELD, "several groups are called \"" + text + "\" ("
                    + named.stream().map(s -> Long.toString(s.conversationId())).collect(Collectors.joining(", "))
                    + "); give its id");
        }
        if (named.isEmpty()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such group: " + text);
        }
        return client.conversation(named.getFirst().conversationId());
    }

    /** Creates a group; a refusal for unknown users names them. */
    Conversation createGroup(String title, Collection<String> usernames) {
        try {
            return client.createGroup(title, usernames);
        } catch (ParleyException e) {
            throw e.code() == ErrorCode.NOT_FOUND ? userNotFound(missing(usernames)) : e;
        }
    }

    /** Adds members to a group; a refusal for unknown users names them. */
    ChatMessage addMembers(long conversationId, Collection<String> usernames) {
        try {
            return client.addMembers(conversationId, usernames);
        } catch (ParleyException e) {
            throw e.code() == ErrorCode.NOT_FOUND ? userNotFound(missing(usernames)) : e;
        }
    }

    /** The user id of a current member of the conversation, by username. */
    static long memberId(Conversation c, String username, String groupName) {
        for (Member m : c.members()) {
            if (m.username() != null && m.username().equalsIgnoreCase(username)) {
                return m.userId();
            }
        }
        throw new ParleyException(ErrorCode.NOT_FOUND, "not a member of " + groupName + ": " + username);
    }

    /** The ones of these usernames the node does not know (all of them if it cannot say). */
    private List<String> missing(Collection<String> usernames) {
        List<String> out = new ArrayList<>();
        for (String u : usernames) {
            try {
                client.lookupUser(u);
            } catch (ParleyException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    out.add(u);
                }
            }
        }
        return out.isEmpty() ? List.copyOf(usernames) : out;
    }

    private static ParleyException userNotFound(List<String> usernames) {
        return new ParleyException(ErrorCode.NOT_FOUND, (usernames.size() == 1 ? "user not found: "
                : "users not found: ") + String.join(", ", usernames));
    }
}
