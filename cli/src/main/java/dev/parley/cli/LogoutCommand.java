package dev.parley.cli;

import dev.parley.protocol.ErrorCode;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import picocli.CommandLine.Command;

/** {@code parley logout}: revokes this terminal's token and forgets it. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = {"Log out: the token stops working and is deleted.", "Prints: logged out"})
public final class LogoutCommand extends ClientCommand {

    @Override
    int run() {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            client.logout();
        } catch (ParleyException e) {
            // A token the node no longer knows is as logged out as it gets; forget it all the same.
            if (e.code() != ErrorCode.UNAUTHENTICATED) {
                throw e;
            }
        }
        loginFile().delete();
        out().println("logged out");
        return 0;
    }
}
