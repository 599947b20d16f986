package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
        String output = MessagingSmokeTest.run(tmp, "latency", "--users", "12", "--neighbours", "2", "--rate", "120",
                "--warmup", "1s", "--duration", "3s", "--loops", "1", "--results", results.toString());
        assertThat(output).contains("parley bench latency -- PASS");
        JsonObject json = MessagingSmokeTest.passedResults(results, 100);
        JsonObject delivery = json.getJsonObject("latency").getJsonObject("delivery");
        assertThat(delivery.getLong("count")).isGreaterThan(100);
        assertThat(delivery.getDouble("p99")).isPositive();
        assertThat(json.getJsonObject("machine").getInteger("cores")).isPositive();
        assertThat(Files.readString(results.resolve("latency.svg"))).startsWith("<svg").contains("delivery");
        assertThat(results.resolve("summary.txt")).exists();
    }

    /** With {@code --read-receipts} the node takes a {@code read} per message and tells the senders. */
    @Test
    @Timeout(60)
    void readReceiptsAreSentAndTheSendersHearOfThem(@TempDir Path tmp) throws Exception {
        Path results = tmp.resolve("results");
        String output = MessagingSmokeTest.run(tmp, "latency", "--users", "12", "--neighbours", "2", "--rate", "120",
                "--warmup", "1s", "--duration", "2s", "--loops", "1", "--read-receipts", "--results", results.toString());
        assertThat(output).contains("parley bench latency -- PASS");
        JsonObject receipts = MessagingSmokeTest.passedResults(results, 100).getJsonObject("receipts");
        assertThat(receipts.getLong("readsSent")).isGreaterThan(100);
        assertThat(receipts.getLong("receiptsReceived")).as("each fanned out to the sender's device").isGreaterThan(100);
    }
}
