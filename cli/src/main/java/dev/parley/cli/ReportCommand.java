package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code parley report}: report a user, or messages of a conversation, to the server's operators. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Report USERNAME (or, with --in and --seq, those messages) to the server's operators.",
                "REASON: spam, harassment, impersonation, inappropriate or other.",
                "Prints: reported REPORTID"})
public final class ReportCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USERNAME")
    String username;

    @Option(names = "--reason", required = true, paramLabel = "REASON")
    String reason;

    @Option(names = "--note", paramLabel = "TEXT", description = "What the operators should know.")
    String note;

    @Option(names = "--in", paramLabel = "CONVERSATION", description = "The conversation of the messages.")
    Long conversation;

    @Option(names = "--seq", paramLabel = "SEQ", split = ",", description = "Messages to report (with --in).")
    List<Long> seqs;

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            long id;
            if (conversation != null && seqs != null && !seqs.isEmpty()) {
                id = client.reportMessages(conversation, seqs, reason, note);
            } else if (username != null) {
                User user = client.lookupUser(username);
                id = client.reportUser(user.userId(), reason, note);
            } else {
                throw new IllegalArgumentException("name a USERNAME, or --in CONVERSATION with --seq");
            }
            out().println("reported " + id);
        }
        return 0;
    }
}
