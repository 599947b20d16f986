package dev.parley.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code parley} command. */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0",
        description = "Self-hostable real-time messaging.",
        subcommands = {ServeCommand.class})
public final class Parley implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Parley()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
