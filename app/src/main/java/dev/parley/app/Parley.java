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
        int code = new CommandLine(new Parley()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
