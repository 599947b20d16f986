package dev.parley.app.consistency;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short randomized consistency run of every build, once per durability mode: a node in its
 * own process, killed with SIGKILL mid-run and restarted on its data, while 10 devices chat, drop
 * connections and restart, and 5 more pull over HTTP (long polls, or server-sent events) and
 * send over REST. Each build draws a new seed (printed); {@code -Dparley.seed=N} replays one. The
 * long version is {@code ./parley consistency} (docs/benchmarks.md). Each durability runs with the
 * hot log ({@code storage.hotLog}) off and on.
 */
class ConsistencyRunTest {

    @ParameterizedTest(name = "durability {0}, hot log {1}")
    @CsvSource({"os, false", "fsync, false", "os, true", "fsync, true"})
    void everyDeviceEndsWithTheStoresHistoryAfterFaults(String durability, boolean hotLog, @TempDir Path dir)
            throws Exception {
        long seed = Long.getLong("parley.seed", ThreadLocalRandom.current().nextLong());
        ConsistencyRun.Result r = new ConsistencyRun(new ConsistencyRun.Settings(seed, Duration.ofSeconds(12),
                durability, 5, 2, 2, 120, 1, dir, hotLog), System.out).run();

        assertThat(r.report().consistent()).as("seed %d:%n%s", seed, r.report().summary()).isTrue();
        assertThat(r.nodeStarts()).as("the node was killed and restarted").isEqualTo(2);
        assertThat(r.report().devices()).as("two socket devices and one pulling or event-reading device per user").isEqualTo(15);
        assertThat(r.report().confirmed()).as("messages were confirmed").isPositive();
        assertThat(r.report().refused()).as("definite refusals were exercised").isPositive();
        assertThat(r.report().entriesReceived()).isGreaterThan(r.report().confirmed());
        assertThat(r.connectionDrops() + r.deviceRestarts()).isPositive();
        assertThat(r.actions()).as("reactions, edits and deletions were mixed in").isPositive();
        Path log = dir.resolve("data").resolve("log");
        assertThat(Files.isDirectory(log)).as("the hot log's directory exists only with the hot log on")
                .isEqualTo(hotLog);
        if (hotLog) {
            try (var segments = Files.list(log)) {
                assertThat(segments.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.log")))
                        .as("the log's segments").isNotEmpty();
            }
        }
    }
}
