package dev.parley.loadgen;

import dev.parley.server.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fanout and throughput workloads work end to end: short, slow runs against an in-process
 * node pass their own correctness checks and write their figures. They measure nothing worth reading.
 */
class MessagingSmokeTest {

    @Test
    @Timeout(60)
    void fanoutRunDeliversEveryMessageToEveryMember(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        String output = run(tmp, "fanout", "--members", "8", "--senders", "2", "--rate", "40", "--warmup", "1s",
                "--duration", "2s", "--loops", "1", "--results", results.toString());
        assertThat(output).contains("parley bench fanout -- PASS");
        JsonObject json = passedResults(results, 40);
        assertThat(json.getJsonObject("correctness").getBoolean("drained")).isTrue();
        assertThat(json.getJsonObject("latency").getJsonObject("lastMember").getLong("count")).isPositive();
        assertThat(json.getJsonArray("timeline")).isNotEmpty();
        assertThat(json.getJsonObject("parameters").getString("frames")).isEqualTo("own");
    }

    /** The receive path the tool used before {@link DeviceSocket}, kept for comparison, still passes. */
    @Test
    @Timeout(60)
    void fanoutRunReadsThroughVertxWhenAsked(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        String output = run(tmp, "fanout", "--members", "8", "--senders", "2", "--rate", "40", "--warmup", "1s",
                "--duration", "2s", "--vertx-frames", "--results", results.toString());
        assertThat(output).contains("parley bench fanout -- PASS");
        JsonObject json = passedResults(results, 40);
        assertThat(json.getJsonObject("parameters").getString("frames")).isEqualTo("vertx");
        // Without --loops, fanout runs one generator loop (the other workloads two).
        assertThat(json.getJsonObject("options").getInteger("generatorLoops")).isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void throughputRunReportsItsSteps(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        String output = run(tmp, "throughput", "--users", "12", "--neighbours", "2", "--start-rate", "100",
                "--max-rate", "150", "--step", "2s", "--warmup", "1s", "--loops", "1", "--results", results.toString());
        assertThat(output).contains("parley bench throughput -- PASS");
        JsonObject json = new JsonObject(Files.readString(results.resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        assertThat(json.getJsonObject("parameters").getInteger("users")).isEqualTo(12);
        assertThat(json.getJsonArray("steps")).isNotEmpty();
        assertThat(json.getJsonObject("correctness").getLong("lost")).isZero();
    }

    /**
     * The run's results.json, checked to say it passed with more than {@code minConfirmed}
     * confirmed, every expected delivery made and nothing lost.
     */
    static JsonObject passedResults(Path results, long minConfirmed) throws java.io.IOException {
        JsonObject json = new JsonObject(Files.readString(results.resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        JsonObject correctness = json.getJsonObject("correctness");
        assertThat(correctness.getLong("confirmed")).isGreaterThan(minConfirmed);
        assertThat(correctness.getLong("delivered")).isEqualTo(correctness.getLong("expectedDeliveries"));
        assertThat(correctness.getLong("lost")).isZero();
        return json;
    }

    /** Runs {@code workload} against a fresh in-process node; returns what it printed, once it exited 0. */
    static String run(Path tmp, String workload, String... args) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (TestNode node = TestNode.start(tmp.resolve("node"))) {
            CommandLine cli = new CommandLine(new BenchCommand());
            ((WorkloadCommand) cli.getSubcommands().get(workload).getCommand()).out =
                    new PrintStream(captured, true, StandardCharsets.UTF_8);
            String[] all = new String[args.length + 5];
            all[0] = workload;
            all[1] = "--url";
            all[2] = "http://127.0.0.1:" + node.port();
            all[3] = "--node-pid";
            all[4] = Long.toString(ProcessHandle.current().pid());
            System.arraycopy(args, 0, all, 5, args.length);
            code = cli.execute(all);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        return output;
    }
}
