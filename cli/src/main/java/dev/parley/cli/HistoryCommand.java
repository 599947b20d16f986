package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.Member;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** {@code parley history USER}: a page of a conversation's history, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Print a page of a conversation's history, oldest first.",
                "One line per entry: SEQ<TAB>TIME (ISO-8601, UTC)<TAB>SENDER<TAB>KIND<TAB>TEXT",
                "KIND is text, or the group change (created, members_added, renamed, ...)."})
public final class HistoryCommand extends ClientCommand {

    @Parameters(paramLabel = "USER", arity = "0..1", description = "The other user of a direct conversation.")
    String user;

    @Option(names = "--group", paramLabel = "ID", description = "A conversation id instead of a user.")
    Long group;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "Entries, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--before", paramLabel = "SEQ", description = "Only entries before this seq (page back).")
    Long before;

    @Option(names = "--after", paramLabel = "SEQ", description = "Only entries after this seq (page forward).")
    Long after;

    @Override
    int run() {
        if ((user == null) == (group == null)) {
            throw new ParameterException(spec.commandLine(), "give either USER or --group ID");
        }
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            long id = group != null ? group : client.openDirect(user).conversationId();
            Conversation c = client.conversation(id);
            Map<Long, String> names = new HashMap<>();
            for (Member m : c.members()) {
                names.put(m.userId(), m.username());
            }
            HistoryPage page = client.history(id, before, after, limit);
            for (ChatMessage m : page.messages()) {
                out().println(Columns.row(m.seq(), Instant.ofEpochMilli(m.ts()), name(names, m.senderId()),
                        m.kind().wire(), EntryText.of(m, u -> name(names, u))));
            }
        }
        return 0;
    }

    private static String name(Map<Long, String> names, long userId) {
        String n = names.get(userId);
        return n != null ? n : "user:" + userId;
    }
}
