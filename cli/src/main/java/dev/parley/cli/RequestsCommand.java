package dev.parley.cli;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.ConversationSummary;
import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley requests}: message requests from people you share no conversation with. */
@Command(name = "requests", mixinStandardHelpOptions = true,
        description = {"List your message requests, or accept or decline one.",
                "One line each: ID<TAB>USERNAME<TAB>NAME<TAB>MESSAGES<TAB>LAST MESSAGE",
                "Accepting makes it an ordinary conversation; read it with 'parley history'."})
public final class RequestsCommand extends ClientCommand {

    @Option(names = "--accept", paramLabel = "ID", description = "Accept the request in conversation ID.")
    Long accept;

    @Option(names = "--decline", paramLabel = "ID", description = "Decline (delete) the request in conversation ID.")
    Long decline;

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            if (accept != null) {
                client.acceptRequest(accept);
                out().println("accepted " + accept);
                return 0;
            }
            if (decline != null) {
                client.declineRequest(decline);
                out().println("declined " + decline);
                return 0;
            }
            for (ConversationSummary r : client.requests()) {
                ChatMessage last = r.lastMessage();
                out().println(Columns.row(r.conversationId(), r.peer() == null ? "" : r.peer().username(),
                        r.displayName(), r.lastSeq(), last == null ? "" : last.body()));
            }
        }
        return 0;
    }
}
