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
            "/attach PATH [TEXT]   send a file or photo (quote a path with spaces), with optional text",
            "/leave                leave the group      /quit               end (or Ctrl-D)",
            "/reply N TEXT         answer message N (1: the latest)    /react N EMOJI   react (again: take it off)",
            "/edit N TEXT          change your message N               /delete N        delete message N for everyone",
            "@USERNAME in a group message mentions that member (they are told even with the group muted)");

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
            case "/reply" -> {
                String text = rest(line, 2);
                ChatMessage target = screen.nthLatest(number(args, "/reply N TEXT"), "/reply N TEXT");
                if (text.isEmpty()) {
                    screen.setNotice("usage: /reply N TEXT");
                } else {
                    screen.act("replied to #" + target.seq(), client.reply(target.conversationId(), target.seq(), text));
                }
            }
            case "/react" -> {
                ChatMessage target = screen.nthLatest(number(args, "/react N EMOJI"), "/react N EMOJI");
                if (args.size() != 2) {
                    screen.setNotice("usage: /react N EMOJI");
                } else {
                    String emoji = args.get(1);
                    // Reacting again with the same emoji takes it off, as a tap on a chip does.
                    boolean mine = target.reactions().getOrDefault(emoji, List.of()).contains(screen.me());
                    screen.act((mine ? "took " + emoji + " off #" : "reacted " + emoji + " to #") + target.seq(),
                            client.react(target.conversationId(), target.seq(), emoji, mine));
                }
            }
            case "/edit" -> {
                String text = rest(line, 2);
                ChatMessage target = screen.nthLatest(number(args, "/edit N TEXT"), "/edit N TEXT");
                if (text.isEmpty()) {
                    screen.setNotice("usage: /edit N TEXT");
                } else {
                    screen.act("edited #" + target.seq(), client.edit(target.conversationId(), target.seq(), text));
                }
            }
            case "/delete" -> {
                ChatMessage target = screen.nthLatest(number(args, "/delete N"), "/delete N");
                screen.act("deleted #" + target.seq(), client.delete(target.conversationId(), target.seq()));
            }
            case "/attach" -> attach(args);
            case "/help" -> screen.setNotice(HELP);
            default -> screen.setNotice("unknown command " + name + "; /help lists them");
        }
        return true;
    }

    /** Uploads a file and sends it in the open conversation; the message comes back like any other. */
    private void attach(List<String> args) {
        long conversation = screen.openId();
        if (args.isEmpty() || conversation == 0) {
            screen.setNotice(conversation == 0 ? "/attach: open a conversation first" : "usage: /attach PATH [TEXT]");
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(args.getFirst());
        if (!java.nio.file.Files.isRegularFile(file)) {
            screen.setNotice("/attach: no file " + file);
            return;
        }
        screen.setNotice("uploading " + file.getFileName() + "...");
        dev.parley.sdk.Attachment a = client.upload(file);
        client.sendFiles(conversation, String.join(" ", args.subList(1, args.size())), List.of(a))
                .whenComplete((sent, err) -> screen.setNotice(err != null
                        ? "not sent: " + (err.getCause() != null ? err.getCause().getMessage() : err.getMessage())
                        : "sent " + a.name() + " (" + EntryText.size(a.size()) + ")"));
    }

    /** Says what a group change did, as its history entry reads. */
    private void done(ChatMessage entry) {
        screen.setNotice("you " + EntryText.of(entry, screen::name));
    }

    /** The first argument as a message number, refused with the usage when there is none. */
    private static int number(List<String> args, String usage) {
        if (args.isEmpty()) {
            throw new ChatScreen.Usage("usage: " + usage);
        }
        try {
            int n = Integer.parseInt(args.getFirst());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the usage says it
        }
        throw new ChatScreen.Usage("usage: " + usage + " (N: 1 is the latest message)");
    }

    /** What the line holds after its first {@code words} words, as typed (spaces kept). */
    private static String rest(String line, int words) {
        String s = line.strip();
        for (int i = 0; i < words; i++) {
            int space = s.indexOf(' ');
            s = space < 0 ? "" : s.substring(space + 1).stripLeading();
        }
        return s;
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ChatScreen.Usage("usage: /info [N], N a number (1: your latest message)");
        }
    }
}
