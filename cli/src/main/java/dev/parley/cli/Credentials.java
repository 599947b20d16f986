package dev.parley.cli;

import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The options of {@code register} and {@code login}: which password, which device name. */
final class Credentials {
    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "The password; without it, it is asked for (or read as one line from standard input).")
    String password;

    @Option(names = "--device", paramLabel = "NAME", defaultValue = "terminal",
            description = "A name for this login in the device list (default: ${DEFAULT-VALUE}).")
    String device;

    /** The given password, else one typed without echo, else the first line of standard input. */
    String password() throws IOException {
        if (password != null) {
            return password;
        }
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            if (typed != null) {
                return new String(typed);
            }
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("no password given");
        }
        return line;
    }
}
