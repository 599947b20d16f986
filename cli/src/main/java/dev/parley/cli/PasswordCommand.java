package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** {@code parley password}: change your password; your other devices are logged out unless told otherwise. */
@Command(name = "password", mixinStandardHelpOptions = true,
        description = {"Change your password. Asks for the current and the new one (or reads them as two lines of"
                + " standard input). Every other device is logged out, unless --keep-devices.",
                "Prints: password changed; N other devices logged out"})
public final class PasswordCommand extends ClientCommand {

    @Option(names = "--keep-devices", description = "Leave your other devices logged in.")
    boolean keepDevices;

    @Override
    int run() throws IOException {
        SavedLogin login = login();
        String[] passwords = read();
        try (ParleyClient client = client(login)) {
            int revoked = client.changePassword(passwords[0], passwords[1], !keepDevices);
            out().println("password changed; " + revoked + " other devices logged out");
        }
        return 0;
    }

    private static String[] read() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] current = console.readPassword("Current password: ");
            char[] next = console.readPassword("New password: ");
            if (current != null && next != null) {
                return new String[]{new String(current), new String(next)};
            }
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String current = in.readLine();
        String next = in.readLine();
        if (current == null || next == null) {
            throw new IllegalArgumentException("give the current and the new password, one per line");
        }
        return new String[]{current, next};
    }
}
