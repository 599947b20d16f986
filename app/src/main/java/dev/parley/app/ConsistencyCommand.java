package dev.parley.app;

import dev.parley.app.consistency.ConsistencyRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code parley consistency}: the randomized consistency run as a soak. Starts its own node
 * process, kills it with SIGKILL along the way, and exits non-zero on any violation.
 */
@Command(name = "consistency", mixinStandardHelpOptions = true,
        description = "Chat at random under faults (dropped connections, app restarts, SIGKILL of the node) and"
                + " check that every device ends up with the same history as the store.")
final class ConsistencyCommand implements Callable<Integer> {

    @Option(names = "--seed", description = "Seed of the run's choices (default: random, printed).")
    Long seed;

    @Option(names = "--duration", description = "How long to send (seconds, default ${DEFAULT-VALUE}).")
    int seconds = 60;

    @Option(names = "--durability", description = "fsync or os (default ${DEFAULT-VALUE}).")
    String durability = "fsync";

    @Option(names = "--users", description = "Users (default ${DEFAULT-VALUE}).")
    int users = 6;

    @Option(names = "--devices", description = "Devices per user (default ${DEFAULT-VALUE}).")
    int devices = 2;

    @Option(names = "--groups", description = "Group conversations (default ${DEFAULT-VALUE}).")
    int groups = 3;

    @Option(names = "--rate", description = "Actions per second (default ${DEFAULT-VALUE}).")
    int rate = 200;

    @Option(names = "--kills", description = "Times the node is killed with SIGKILL (default ${DEFAULT-VALUE}).")
    int kills = 3;

    @Option(names = "--hot-log", description = "Run the node with storage.hotLog on (plain messages acknowledged"
            + " from the hot log, their rows put into SQLite later; docs/storage.md).")
    boolean hotLog;

    @Option(names = "--work-dir", description = "Where the node's data and log go (default: a new temp dir).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        Path dir = workDir != null ? workDir : Files.createTempDirectory("parley-consistency-");
        ConsistencyRun.Result r = new ConsistencyRun(new ConsistencyRun.Settings(s, Duration.ofSeconds(seconds),
                durability, users, devices, groups, rate, kills, dir, hotLog), System.out).run();
        System.out.println("  node data and log: " + dir);
        return r.report().consistent() ? 0 : 1;
    }
}
