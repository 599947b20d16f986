package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parley block}: block or unblock a user, or list whom you blocked. */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = {"Block USERNAME (or unblock with --undo); without USERNAME, list your blocks.",
                "A blocked user cannot write to you, add you to groups or see your presence, typing or receipts.",
                "Prints: blocked USERNAME | unblocked USERNAME | one line per block: USERID<TAB>USERNAME<TAB>NAME"})
public final class BlockCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USERNAME")
    String username;

    @Option(names = "--undo", description = "Unblock instead.")
    boolean undo;

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            if (username == null) {
                for (User u : client.blocks()) {
                    out().println(Columns.row(u.userId(), u.username(), u.shownName()));
                }
                return 0;
            }
            User user = client.lookupUser(username);
            if (undo) {
                client.unblock(user.userId());
                out().println("unblocked " + user.username());
            } else {
                client.block(user.userId());
                out().println("blocked " + user.username());
            }
        }
        return 0;
    }
}
