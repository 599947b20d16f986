package dev.parley.cli;

import dev.parley.protocol.ErrorCode;
import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConversationKind;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code parley conversations}: the conversation list, one tab-separated line each. */
@Command(name = "conversations", mixinStandardHelpOptions = true,
        description = {"List your conversations, most recent first.",
                "One line each: ID<TAB>KIND<TAB>NAME<TAB>UNREAD<TAB>LAST MESSAGE",
                "KIND is direct or group; NAME the other user or the group's title.",
                "--json prints [{\"conversationId\", \"kind\", \"name\", \"unread\", \"lastMessage\"}, ...] instead."})
public final class ConversationsCommand extends ClientCommand {

    @Mixin
    Listing.Format format;

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            List<ConversationSummary> all = client.allConversations();
            UserNames names = new UserNames();
            names.put(login.session().userId(), login.session().username());
            for (ConversationSummary c : all) {
                if (c.peer() != null) {
                    names.put(c.peer().userId(), c.peer().username());
                }
            }
            Listing listing = new Listing(new Listing.Column("ID", "conversationId"), new Listing.Column("KIND", "kind"),
                    new Listing.Column("NAME", "name"), new Listing.Column("UNREAD", "unread"),
                    new Listing.Column("LAST MESSAGE", "lastMessage"));
            for (ConversationSummary c : all) {
                ChatMessage last = c.lastMessage();
                if (last != null && c.kind() == ConversationKind.GROUP && names.missesAny(last)) {
                    learnMembers(client, c.conversationId(), names);
                }
                listing.add(c.conversationId(), c.kind().wire(), c.displayName(), c.unread(),
                        last == null ? "" : EntryText.of(last, names::name));
            }
            listing.print(out(), format);
        }
        return 0;
    }

    /** A group change names members the list does not: ask the group who is in it. */
    private static void learnMembers(ParleyClient client, long conversationId, UserNames names) {
        try {
            names.learn(client.conversation(conversationId));
        } catch (ParleyException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // Left or removed since the list was read: the entry shows with what is known.
        }
    }
}
