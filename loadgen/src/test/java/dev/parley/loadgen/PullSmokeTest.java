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
 * The pull workload works end to end: a short, slow run against an in-process node pulls every
 * confirmed message once, in order, and writes its figures. It measures nothing worth reading.
 */
class PullSmokeTest {

    @Test
    @Timeout(90)
    void pullRunPassesItsCheckAndWritesResults(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (TestNode node = TestNode.start(tmp.resolve("node"))) {
            CommandLine cli = new CommandLine(new BenchCommand());
            PullWorkload pull = (PullWorkload) cli.getSubcommands().get("pull").getCommand();
            pull.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
            code = cli.execute("pull", "--url", "http://127.0.0.1:" + node.port(), "--node-pid",
                    Long.toString(ProcessHandle.current().pid()), "--users", "10", "--rate", "40", "--duration", "3s",
                    "--wait", "5", "--results", results.toString());
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("parley bench pull -- PASS");
        JsonObject json = new JsonObject(Files.readString(results.resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        JsonObject window = json.getJsonObject("window");
        assertThat(window.getLong("confirmed")).isGreaterThan(100).isEqualTo(window.getLong("delivered"));
        assertThat(json.getJsonObject("latency").getJsonObject("delivery").getLong("count")).isGreaterThan(100);
    }
}
