package dev.parley.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs a client subcommand in-process, as {@code ./parley} would, and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    /** The same subcommands the {@code parley} command registers. */
    @Command(name = "parley", subcommands = {RegisterCommand.class, LoginCommand.class, LogoutCommand.class,
            ConversationsCommand.class, SendCommand.class, HistoryCommand.class, GroupCommand.class,
            ChatCommand.class, ProfileCommand.class, BlockCommand.class, RequestsCommand.class, ReportCommand.class,
            PasswordCommand.class, DeleteAccountCommand.class, SearchCommand.class, DownloadCommand.class})
    static final class Root {
    }

    /** Runs {@code parley ARGS} with {@code --home home} added to the subcommand, in an empty environment. */
    static CliRun run(Path home, String... args) {
        return run(home, Map.of(), args);
    }

    /** Runs {@code parley ARGS} as if these were the only environment variables. */
    static CliRun run(Path home, Map<String, String> environment, String... args) {
        return run(new CommandLine(new Root(), factory(environment)), home, args);
    }

    static CliRun run(CommandLine cmd, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int depth = args[0].equals("group") ? 2 : 1;
        List<String> all = new ArrayList<>(Arrays.asList(args).subList(0, depth));
        all.add("--home");
        all.add(home.toString());
        all.addAll(Arrays.asList(args).subList(depth, args.length));
        int code = cmd.execute(all.toArray(String[]::new));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Makes commands as picocli does, then gives client commands this environment. */
    static CommandLine.IFactory factory(Map<String, String> environment) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K made = CommandLine.defaultFactory().create(type);
                if (made instanceof ClientCommand c) {
                    c.environment = environment;
                }
                return made;
            }
        };
    }

    List<String> lines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }
}
