package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Role;

import java.util.List;
import java.util.Locale;

/**
 * The commands of the interactive client, typed as lines starting with {@code /}. Words are split
 * on spaces; double quotes keep a title with spaces in one word. Results and refusals show as the
 * screen's notice. Group changes go through the node's REST API; the entries they add come back
 * over the connection like any other, and redraw the conversation.
 */
final class SlashCommands {
    static final String HELP = String.join("\n",
            "/open NAME            a user, a group's title, or a number from the list",
            "/list                 back to the list",
            "/group \"TITLE\" USER... a new group; quote a title with spaces: /group \"Night owls\" bob carol",
            "/more  (or PageUp)    earlier messages; PageDown goes back down",
            "/info [N]             who has received and seen your latest message (N: the Nth latest)",
            "/members              the group's members and their roles",
            "/add USER...          add members          /remove USER        remove a member",
            "/rename \"TITLE\"       rename the group     /role USER admin|member",
            "/leave                leave the group      /quit               end (or Ctrl-D)");

    private final ChatScreen screen;
    private final ParleyClient client;

    SlashCommands(ChatScreen screen, ParleyClient client) {
        this.screen = screen;
        this.client = client;
    }

    /** Runs one command line; false when the user asked to quit. */
    boolean run(String line) {
        List<String> words = ChatScreen.words(line);
        String name = words.getFirst().toLowerCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        switch (name) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/open" -> {
                if (args.isEmpty()) {
                    screen.setNotice("usage: /open NAME (a user, a group's title, or a number from the list)");
                } else {
                    screen.open(String.join(" ", args));
                }
            }
            case "/list", "/back" -> screen.close();
            case "/group" -> {
                if (args.isEmpty()) {
                    screen.setNotice("usage: /group \"TITLE\" USER... (quote a title with spaces)");
                } else {
                    Conversation group = new Lookup(client).createGroup(args.getFirst(), args.subList(1, args.size()));
                    screen.openConversation(group.conversationId());
                }
            }
            case "/more" -> screen.pageUp();
            case "/info" -> screen.setNotice(screen.info(args.isEmpty() ? 1 : number(args.getFirst())));
            case "/members" -> screen.setNotice(screen.members(screen.openGroup("/members")));
            case "/add" -> {
                if (args.isEmpty()) {
                    screen.setNotice("usage: /add USER...");
                } else {
                    Conversation c = screen.openGroup("/add USER...");
                    ChatMessage added = new Lookup(client).addMembers(c.conversationId(), args);
                    screen.openGroup("/add USER..."); // learns the new members' names
                    done(added);
                }
            }
            case "/remove" -> {
                if (args.size() != 1) {
                    screen.setNotice("usage: /remove USER");
                } else {
                    Conversation c = screen.openGroup("/remove USER");
                    done(client.removeMember(c.conversationId(), Lookup.memberId(c, args.getFirst(), "this group")));
                }
            }
            case "/rename" -> {
                if (args.isEmpty()) {
                    screen.setNotice("usage: /rename \"TITLE\"");
                } else {
                    Conversation c = screen.openGroup("/rename TITLE");
                    done(client.rename(c.conversationId(), String.join(" ", args)));
                }
            }
            case "/role" -> {
                Role role = args.size() == 2 ? Role.fromWire(args.get(1).toLowerCase(Locale.ROOT)) : null;
                if (role == null || role == Role.OWNER) {
                    screen.setNotice("usage: /role USER admin|member");
                } else {
                    Conversation c = screen.openGroup("/role USER admin|member");
                    done(client.setRole(c.conversationId(), Lookup.memberId(c, args.getFirst(), "this group"), role));
                }
            }
            case "/leave" -> {
                Conversation c = screen.openGroup("/leave");
                client.leave(c.conversationId());
                screen.forget(c.conversationId());
                screen.setNotice("you left " + c.title());
            }
            case "/help" -> screen.setNotice(HELP);
            default -> screen.setNotice("unknown command " + name + "; /help lists them");
        }
        return true;
    }

    /** Says what a group change did, as its history entry reads. */
    private void done(ChatMessage entry) {
        screen.setNotice("you " + EntryText.of(entry, screen::name));
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ChatScreen.Usage("usage: /info [N], N a number (1: your latest message)");
        }
    }
}
