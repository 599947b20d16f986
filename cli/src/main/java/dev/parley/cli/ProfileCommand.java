package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code parley profile}: show or change your profile, or show someone's. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Show your profile (or USERNAME's), or change yours with the options.",
                "Prints one line: USERID<TAB>USERNAME<TAB>NAME<TAB>STATUS<TAB>AVATAR",
                "NAME is the display name; AVATAR the avatar's version (empty for none)."})
public final class ProfileCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "USERNAME", description = "Whose profile to show.")
    String username;

    @Option(names = "--name", paramLabel = "NAME", description = "Your display name (\"\" clears it).")
    String name;

    @Option(names = "--status", paramLabel = "TEXT", description = "Your status line (\"\" clears it).")
    String status;

    @Option(names = "--avatar", paramLabel = "FILE", description = "A PNG, JPEG or WebP image to use as your avatar.")
    Path avatar;

    @Option(names = "--no-avatar", description = "Remove your avatar.")
    boolean noAvatar;

    @Override
    int run() throws Exception {
        SavedLogin login = login();
        try (ParleyClient client = client(login)) {
            User shown;
            if (username != null) {
                shown = client.lookupUser(username);
            } else {
                shown = client.profile();
                if (name != null || status != null) {
                    shown = client.updateProfile(name, status);
                }
                if (avatar != null) {
                    shown = client.setAvatar(Files.readAllBytes(avatar));
                }
                if (noAvatar) {
                    shown = client.removeAvatar();
                }
            }
            out().println(Columns.row(shown.userId(), shown.username(), shown.shownName(), shown.status(),
                    shown.avatar()));
        }
        return 0;
    }
}
