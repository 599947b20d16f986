package dev.parley.app;

import dev.parley.loadgen.BenchCommand;
import dev.parley.cli.ChatCommand;
import dev.parley.cli.ConversationsCommand;
import dev.parley.cli.GroupCommand;
import dev.parley.cli.HistoryCommand;
import dev.parley.cli.LoginCommand;
import dev.parley.cli.LogoutCommand;
import dev.parley.cli.BlockCommand;
import dev.parley.cli.DeleteAccountCommand;
import dev.parley.cli.DownloadCommand;
import dev.parley.cli.PasswordCommand;
import dev.parley.cli.ProfileCommand;
import dev.parley.cli.RegisterCommand;
import dev.parley.cli.ReportCommand;
import dev.parley.cli.RequestsCommand;
import dev.parley.cli.SearchCommand;
import dev.parley.cli.SendCommand;
import picocli.CommandLine;

import java.util.Arrays;
import picocli.CommandLine.Command;

/** The {@code parley} command. */
@Command(name = "parley", mixinStandardHelpOptions = true, versionProvider = ParleyVersion.class,
        description = "Self-hostable real-time messaging.",
        subcommands = {ServeCommand.class, AdminCommand.class, BenchCommand.class, ConsistencyCommand.class,
                RegisterCommand.class, LoginCommand.class, LogoutCommand.class, ConversationsCommand.class,
                SendCommand.class, HistoryCommand.class, GroupCommand.class, ChatCommand.class, ProfileCommand.class,
                BlockCommand.class, RequestsCommand.class, ReportCommand.class, PasswordCommand.class,
                DeleteAccountCommand.class, SearchCommand.class, DownloadCommand.class})
public final class Parley implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs {@code parley ARGS} and returns the exit status (main's work, without the exit). */
    static int execute(String... args) {
        if (!startsANode(args)) {
            return new CommandLine(new Parley()).execute(args);
        }
        String[] serveArgs = Arrays.copyOfRange(args, 1, args.length);
        var plain = ServeCommand.parsedPlainly(serveArgs);
        if (plain.isPresent()) {
            try {
                return plain.get().call();
            } catch (Exception e) {
                // As picocli's execute reports an exception the command throws.
                e.printStackTrace();
                return 1;
            }
        }
        return new CommandLine(new ServeCommand()).setCommandName("parley serve").execute(serveArgs);
    }

    /**
     * {@code serve} without help or version: parsed by the serve command alone. Building the whole
     * command tree (every bench workload, admin and client command) cost a start ~0.5 s of CPU,
     * and picocli's classes are too old a class-file version for the class-data archive, so each
     * one a start touches is loaded and verified again. Help and the version still go through the
     * whole tree, so they read as before.
     */
    static boolean startsANode(String[] args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            return false;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
                return false;
            }
        }
        return true;
    }
}
