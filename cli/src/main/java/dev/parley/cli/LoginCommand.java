package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code parley login USERNAME}: logs this terminal in as a new device and keeps its token. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Log in as a new device of this user.",
                "For another machine, or after logout: register already logs in. The token is kept in",
                "~/.parley (or $PARLEY_HOME), readable by you only.", "Prints: logged in USERNAME USER_ID DEVICE_ID"})
public final class LoginCommand extends ClientCommand {
    @Parameters(paramLabel = "USERNAME")
    String username;

    @Mixin
    Credentials credentials;

    @Override
    int run() throws Exception {
        URI node = node(savedIfAny());
        Session session = ParleyClient.login(node, username, credentials.password(), credentials.device);
        loginFile().write(new SavedLogin(node, session));
        out().println("logged in " + session.username() + " " + session.userId() + " " + session.deviceId());
        return 0;
    }
}
