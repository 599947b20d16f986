package dev.parley.loadgen;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
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
 * The search workload works end to end at a tiny size: it fills a node through the protocol,
 * finds every probe exactly where its searchers may see it, and a second run on the same data
 * directory searches without filling again. It measures nothing worth reading.
 */
class SearchSmokeTest {

    @Test
    @Timeout(120)
    void searchRunFillsOnceFindsTheProbesAndReusesTheFill(@TempDir Path tmp) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withAddress("127.0.0.1", 0)
                .withDataDir(tmp.resolve("node"))
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests());
        // The manifest goes where --data says; the in-process node keeps its own data directory.
        Path data = tmp.resolve("node");
        try (ParleyNode node = ParleyNode.start(config)) {
            String first = run(node, tmp.resolve("first"), data, 0);
            assertThat(first).contains("filled 400 messages").contains("parley bench search -- PASS");
            assertThat(data.resolve(SearchWorkload.MANIFEST)).exists();

            String second = run(node, tmp.resolve("second"), data, 0);
            assertThat(second).contains("reusing the node filled").doesNotContain("filled 400 messages")
                    .contains("parley bench search -- PASS");
        }
        JsonObject json = new JsonObject(Files.readString(tmp.resolve("second").resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        assertThat(json.getLong("wrongAnswers")).isZero();
        JsonObject probe = json.getJsonObject("search").getJsonObject("probe");
        assertThat(probe.getLong("count")).isEqualTo(20);
        assertThat(json.getLong("refused")).isZero();
        assertThat(probe.getLong("hits")).isPositive();
        assertThat(json.getJsonObject("search").getJsonObject("common").getLong("hits")).isPositive();
    }

    private static String run(ParleyNode node, Path results, Path data, int expectedCode) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new BenchCommand());
        SearchWorkload search = (SearchWorkload) cli.getSubcommands().get("search").getCommand();
        search.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        int code = cli.execute("search", "--url", "http://127.0.0.1:" + node.port(), "--node-pid",
                Long.toString(ProcessHandle.current().pid()), "--data", data.toString(), "--messages", "400",
                "--users", "12", "--neighbours", "2", "--fill-rate", "400", "--searchers", "4", "--queries", "20",
                "--warmup-queries", "5", "--loops", "1", "--results", results.toString());
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isEqualTo(expectedCode);
        return output;
    }
}
