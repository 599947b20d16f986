package dev.parley.server.ops;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics exposes what docs/operations.md lists, and the values move when messages flow. */
class MetricsTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedSeriesExistAndMoveWithTraffic() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            String before = scrape(node);
            for (String series : new String[]{"parley_connections", "parley_devices_online", "parley_users_online",
                    "parley_messages_received_total", "parley_messages_delivered_total",
                    "parley_send_commit_seconds_bucket", "parley_send_delivery_seconds_bucket",
                    "parley_store_commit_batch_bucket", "parley_store_writer_queue", "parley_outbound_queued_bytes",
                    "parley_outbound_queued_max_bytes", "parley_slow_consumer_disconnects_total",
                    "parley_errors_total{code=\"not_found\"", "jvm_memory_used_bytes", "jvm_threads_live_threads",
                    "process_cpu_usage", "process_uptime_seconds"}) {
                assertThat(before).as(series).contains(series);
            }
            assertThat(value(before, "parley_messages_received_total")).isZero();

            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("a").connect();
            TestSocket b = bob.login("b").connect();
            for (int i = 1; i <= 5; i++) {
                a.sendMessage(c, "m" + i, "hello " + i);
            }
            b.awaitMessages(c, 5);
            a.send(new ClientFrame.Send("bad", "x", 987654321L, "nobody"));
            a.awaitError("bad");

            String after = scrape(node);
            assertThat(value(after, "parley_connections")).isEqualTo(2);
            assertThat(value(after, "parley_users_online")).isEqualTo(2);
            assertThat(value(after, "parley_messages_received_total")).isEqualTo(5);
            assertThat(value(after, "parley_messages_delivered_total")).isGreaterThanOrEqualTo(5);
            assertThat(value(after, "parley_send_commit_seconds_count")).isEqualTo(5);
            // Sampled (at most one delivery per 100 µs per event loop), so a burst may record fewer.
            assertThat(value(after, "parley_send_delivery_seconds_count")).isPositive();
            assertThat(value(after, "parley_store_commit_batch_count")).isPositive();
            assertThat(value(after, "parley_errors_total{code=\"not_found\"}")).isGreaterThanOrEqualTo(1);
            assertThat(b.matching(ServerFrame.Message.class, m -> true)).hasSize(5);
        }
    }

    @Test
    void healthTellsLiveFromReady() throws Exception {
        TestNode node = TestNode.start(dir);
        Rest rest = node.rest();
        assertThat(rest.get("/health/live", null).status()).isEqualTo(200);
        assertThat(rest.get("/health/ready", null).json().getString("status")).isEqualTo("ready");
        assertThat(rest.get("/health", null).status()).isEqualTo(200);
        node.close();
    }

    private static String scrape(TestNode node) {
        Rest.Response r = node.rest().get("/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    /** The value of the first sample whose name (with labels, when given) starts as {@code series}. */
    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(\\{[^}]*})?\\s+([0-9.eE+-]+)").matcher(exposition);
        assertThat(m.find()).as("series %s in%n%s", series, exposition).isTrue();
        return Double.parseDouble(m.group(2));
    }
}
