package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import dev.parley.sdk.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code parley register USERNAME}: creates an account and logs this terminal in. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Create an account and log in.", "Prints: registered USERNAME USER_ID"})
public final class RegisterCommand extends ClientCommand {
    @Parameters(paramLabel = "USERNAME", description = "3 to 32 of a-z 0-9 _ . -")
    String username;

    @Mixin
    Credentials credentials;

    @Override
    int run() throws Exception {
        String password = credentials.password();
        User user = ParleyClient.register(credentials.server, username, password);
        Session session = ParleyClient.login(credentials.server, username, password, credentials.device);
        loginFile().write(new SavedLogin(credentials.server, session));
        out().println("registered " + user.username() + " " + user.userId());
        return 0;
    }
}
