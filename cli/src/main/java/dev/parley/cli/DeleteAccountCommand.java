package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parley delete-account}: deletes the logged-in account for good. */
@Command(name = "delete-account", mixinStandardHelpOptions = true,
        description = {"Delete your account: you leave every group, every device is logged out, your username is"
                + " freed; your messages stay or are erased as the server's operator decided. Needs --yes and your"
                + " password (asked for, or read from standard input).",
                "Prints: account deleted"})
public final class DeleteAccountCommand extends ClientCommand {

    @Option(names = "--yes", required = true, description = "Confirm: this cannot be undone.")
    boolean yes;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Your password (else asked for).")
    String password;

    @Override
    int run() throws Exception {
        SavedLogin login = login();
        Credentials asked = new Credentials();
        asked.password = password;
        String pw = asked.password();
        try (ParleyClient client = client(login)) {
            client.deleteAccount(pw);
        }
        loginFile().delete();
        out().println("account deleted");
        return 0;
    }
}
