package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.EntryKind;
import dev.parley.sdk.Member;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;

/**
 * {@code parley group ...}: creating and changing groups. A group is named by its title (quoted
 * when it has spaces) or its id; each change prints the entry it added to the group's history.
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = {"Create and change groups.",
                "GROUP is a group's title (quote it if it has spaces) or its id. Owners and admins add, remove",
                "and rename; the owner makes admins; anyone may leave."},
        subcommands = {GroupCommand.Create.class, GroupCommand.Members.class, GroupCommand.Add.class,
                GroupCommand.Remove.class, GroupCommand.Rename.class, GroupCommand.Leave.class, GroupCommand.SetRole.class})
public final class GroupCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A change to one group: finds it, makes the change, prints what it recorded. */
    abstract static class Change extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group's title or id.")
        String group;

        abstract ChatMessage change(ParleyClient client, Lookup lookup, Conversation group);

        @Override
        final int run() {
            SavedLogin login = login();
            try (ParleyClient client = client(login)) {
                Lookup lookup = new Lookup(client);
                Conversation c = lookup.group(group);
                ChatMessage entry = change(client, lookup, c);
                // Names from before the change (someone removed) and after it (someone added).
                UserNames names = new UserNames();
                names.learn(c);
                names.put(login.session().userId(), login.session().username());
                if (entry.kind() == EntryKind.MEMBERS_ADDED) {
                    names.learn(client.conversation(c.conversationId()));
                }
                out().println(EntryText.of(entry, names::name));
            }
            return 0;
        }
    }

    /** {@code parley group create TITLE USER...}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a group you own with these members.", "Prints: created CONVERSATION_ID"})
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TITLE")
        String title;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "USER")
        List<String> users = List.of();

        @Override
        int run() {
            try (ParleyClient client = client(login())) {
                Conversation group = new Lookup(client).createGroup(title, users);
                out().println("created " + group.conversationId());
            }
            return 0;
        }
    }

    /** {@code parley group members GROUP}. */
    @Command(name = "members", mixinStandardHelpOptions = true,
            description = {"List a group's members.", "One line each: USER<TAB>ROLE<TAB>DELIVERED<TAB>READ",
                    "DELIVERED and READ are the seqs up to which the member has received and seen the group."})
    static final class Members extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "The group's title or id.")
        String group;

        @Mixin
        Listing.Format format;

        @Override
        int run() {
            try (ParleyClient client = client(login())) {
                Conversation c = new Lookup(client).group(group);
                Listing listing = new Listing(new Listing.Column("USER", "username"),
                        new Listing.Column("ROLE", "role"), new Listing.Column("DELIVERED", "delivered"),
                        new Listing.Column("READ", "read"));
                for (Member m : c.members()) {
                    listing.add(m.username(), m.role() == null ? "" : m.role().wire(), m.delivered(), m.read());
                }
                listing.print(out(), format);
            }
            return 0;
        }
    }

    /** {@code parley group add GROUP USER...}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add members (owners and admins).", "Prints: added USER, ..."})
    static final class Add extends Change {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "USER")
        List<String> users;

        @Override
        ChatMessage change(ParleyClient client, Lookup lookup, Conversation group) {
            return lookup.addMembers(group.conversationId(), users);
        }
    }

    /** {@code parley group remove GROUP USER}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a member (owners and admins, below their own role).", "Prints: removed USER"})
    static final class Remove extends Change {
        @Parameters(index = "1", paramLabel = "USER")
        String user;

        @Override
        ChatMessage change(ParleyClient client, Lookup lookup, Conversation c) {
            return client.removeMember(c.conversationId(), Lookup.memberId(c, user, group));
        }
    }

    /** {@code parley group rename GROUP TITLE}. */
    @Command(name = "rename", mixinStandardHelpOptions = true,
            description = {"Rename a group (owners and admins).", "Prints: renamed the group to \"TITLE\""})
    static final class Rename extends Change {
        @Parameters(index = "1", paramLabel = "TITLE")
        String title;

        @Override
        ChatMessage change(ParleyClient client, Lookup lookup, Conversation c) {
            return client.rename(c.conversationId(), title);
        }
    }

    /** {@code parley group leave GROUP}. */
    @Command(name = "leave", mixinStandardHelpOptions = true,
            description = {"Leave a group; an owner who leaves hands the group on.", "Prints: left"})
    static final class Leave extends Change {
        @Override
        ChatMessage change(ParleyClient client, Lookup lookup, Conversation c) {
            return client.leave(c.conversationId());
        }
    }

    /** {@code parley group role GROUP USER admin|member}. */
    @Command(name = "role", mixinStandardHelpOptions = true,
            description = {"Make a member an admin, or an admin a member (the owner only).",
                    "Prints: made USER ROLE"})
    static final class SetRole extends Change {
        @Parameters(index = "1", paramLabel = "USER")
        String user;

        @Parameters(index = "2", paramLabel = "ROLE", description = "admin or member")
        String role;

        @Override
        ChatMessage change(ParleyClient client, Lookup lookup, Conversation c) {
            Role r = Role.fromWire(role.toLowerCase(Locale.ROOT));
            if (r == null || r == Role.OWNER) {
                throw new CommandLine.ParameterException(spec.commandLine(), "ROLE is admin or member, not " + role);
            }
            return client.setRole(c.conversationId(), Lookup.memberId(c, user, group), r);
        }
    }
}
