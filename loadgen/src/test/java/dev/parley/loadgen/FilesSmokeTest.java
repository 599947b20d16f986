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
 * The files workload works end to end: small files go up and come back with the same SHA-256,
 * several users upload at once while the node's heap is sampled, and the figures are written.
 * It measures nothing worth reading.
 */
class FilesSmokeTest {

    @Test
    @Timeout(90)
    void filesRunChecksEveryTransferAndWritesResults(@TempDir Path tmp) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withAddress("127.0.0.1", 0)
                .withDataDir(tmp.resolve("node"))
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests());
        Path results = tmp.resolve("results");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (ParleyNode node = ParleyNode.start(config)) {
            CommandLine cli = new CommandLine(new BenchCommand());
            FilesWorkload files = (FilesWorkload) cli.getSubcommands().get("files").getCommand();
            files.out = new PrintStream(captured, true, StandardCharsets.UTF_8);
            code = cli.execute("files", "--url", "http://127.0.0.1:" + node.port(), "--node-pid",
                    Long.toString(ProcessHandle.current().pid()), "--size", Integer.toString(256 * 1024),
                    "--repetitions", "2", "--concurrent", "3", "--results", results.toString());
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isZero();
        assertThat(output).contains("parley bench files -- PASS");
        JsonObject json = new JsonObject(Files.readString(results.resolve("results.json")));
        assertThat(json.getBoolean("passed")).isTrue();
        assertThat(json.getLong("wrongTransfers")).isZero();
        assertThat(json.getLong("wrongConcurrent")).isZero();
        JsonObject throughput = json.getJsonObject("throughput");
        assertThat(throughput.getJsonObject("upload").getJsonArray("runs")).hasSize(2);
        assertThat(throughput.getJsonObject("download").getJsonArray("runs").getJsonObject(0).getLong("bytes"))
                .isEqualTo(256 * 1024);
        JsonObject concurrent = json.getJsonObject("concurrent");
        assertThat(concurrent.getInteger("uploads")).isEqualTo(3);
        assertThat(concurrent.getLong("idleHeapBytes")).isPositive();
        assertThat(concurrent.getJsonArray("samples")).isNotEmpty();
    }
}
