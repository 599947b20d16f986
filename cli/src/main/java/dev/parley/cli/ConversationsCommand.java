package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;

/** {@code parley conversations}: the conversation list, one tab-separated line each. */
@Command(name = "conversations", mixinStandardHelpOptions = true,
        description = {"List your conversations, most recent first.",
                "One line each: ID<TAB>KIND<TAB>NAME<TAB>UNREAD<TAB>LAST MESSAGE",
                "KIND is direct or group; NAME the other user or the group's title."})
public final class ConversationsCommand extends ClientCommand {

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            for (ConversationSummary c : client.allConversations()) {
                ChatMessage last = c.lastMessage();
                out().println(Columns.row(c.conversationId(), c.kind().wire(), c.displayName(), c.unread(),
                        last == null ? "" : EntryText.of(last, id -> id == login.session().userId()
                                ? login.session().username() : c.peer() != null && id == c.peer().userId()
                                ? c.peer().username() : "user:" + id)));
            }
        }
        return 0;
    }
}
