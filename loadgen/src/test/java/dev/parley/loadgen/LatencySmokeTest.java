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
 * The tool works end to end: a short, slow latency run against an in-process node produces its
 * figures and passes its own correctness check. It measures nothing worth reading.
 */
class LatencySmokeTest {

    @Test
    @Timeout(60)
    void latencyRunPassesItsCorrectnessCheckAndWritesResults(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (TestNode node = TestNode.start(tmp.resolve("node"))) {
            CommandLine cli = new CommandLine(new BenchCommand());
            LatencyWorkload latency = (LatencyWorkload) cli.getSubcommands().get("latency").getCommand();
            latency.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
            code = cli.execute("latency", "--url", "http://127.0.0.1:" + node.port(), "--node-pid",
                    Long.toString(ProcessHandle.current().pid()), "--users", "12", "--neighbours", "2", "--rate", "120",
                    "--warmup", "1s", "--duration", "3s", "--loops", "1", "--results", results.toString());
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("parley bench latency -- PASS");

        JsonObject json = new JsonObject(Files.readString(results.resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        JsonObject correctness = json.getJsonObject("correctness");
        assertThat(correctness.getLong("confirmed")).isGreaterThan(100);
        assertThat(correctness.getLong("delivered")).isEqualTo(correctness.getLong("expectedDeliveries"));
        assertThat(correctness.getLong("lost")).isZero();
        JsonObject delivery = json.getJsonObject("latency").getJsonObject("delivery");
        assertThat(delivery.getLong("count")).isGreaterThan(100);
        assertThat(delivery.getDouble("p99")).isPositive();
        assertThat(json.getJsonObject("machine").getInteger("cores")).isPositive();
        assertThat(Files.readString(results.resolve("latency.svg"))).startsWith("<svg").contains("delivery");
        assertThat(results.resolve("summary.txt")).exists();
    }
}
