package dev.parley.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code parley admin reports}: the reports users filed, newest first, each with the reporter,
 * the reported user, the reason and note, and copies of the reported messages (JSON); and
 * {@code reports resolve ID}. Act on one with {@code parley admin users disable NAME}.
 */
@Command(name = "reports", mixinStandardHelpOptions = true,
        description = "List users' reports (open ones unless --all), or resolve one.",
        subcommands = {AdminReports.Resolve.class})
final class AdminReports implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Option(names = "--all", description = "Resolved reports too.")
    boolean all;

    @Option(names = "--limit", description = "At most this many (default 50, at most 500).")
    int limit = 50;

    @Override
    public Integer call() throws Exception {
        return admin.call("GET", "/reports?limit=" + limit + (all ? "&all=true" : ""), null);
    }

    @Command(name = "resolve", description = "Mark a report resolved.")
    static final class Resolve implements Callable<Integer> {
        @ParentCommand
        AdminReports reports;
        @Parameters(index = "0", description = "report id")
        long id;

        @Override
        public Integer call() throws Exception {
            return reports.admin.call("POST", "/reports/" + id + "/resolve", null, "resolved " + id);
        }
    }
}
