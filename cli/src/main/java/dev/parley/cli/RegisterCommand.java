package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import dev.parley.sdk.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code parley register USERNAME}: creates an account and logs this terminal in. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Create an account and log this terminal in.",
                "The login is kept in ~/.parley (or $PARLEY_HOME: give each user on one machine a directory",
                "of their own).", "Prints: registered USERNAME USER_ID"})
public final class RegisterCommand extends ClientCommand {
    @Parameters(paramLabel = "USERNAME", description = "3 to 32 of a-z 0-9 _ . -")
    String username;

    @Mixin
    Credentials credentials;

    @Option(names = "--invite", paramLabel = "CODE", description = "An invite code, where the node's registration is"
            + " invite-only.")
    String invite;

    @Override
    int run() throws Exception {
        URI node = node(savedIfAny());
        String password = credentials.password();
        User user = ParleyClient.register(node, username, password, invite);
        Session session = ParleyClient.login(node, username, password, credentials.device);
        loginFile().write(new SavedLogin(node, session));
        out().println("registered " + user.username() + " " + user.userId());
        return 0;
    }
}
