package dev.parley.server.ops;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code retention.messages} set, history older than the period is deleted; what remains is
 * a contiguous run up to the last seq, seqs are never reused, and a device that lacked deleted
 * entries is told to resync. Without the setting nothing is ever deleted.
 */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void messagesOlderThanTheRetentionPeriodAreDeleted() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> c.withRetention(new ServerConfig.Retention(Duration.ofSeconds(2))))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("a").connect();
            for (int i = 1; i <= 5; i++) {
                a.sendMessage(c, "old-" + i, "old " + i);
            }
            // The sweeper runs every second; the old entries go once they are two seconds old.
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                    alice.restDevice().history(c, "limit=50").array("messages").isEmpty());
            assertThat(a.sendMessage(c, "new-1", "new").seq()).as("seqs are never reused").isEqualTo(6);
            List<Long> left = alice.restDevice().history(c, "limit=50").array("messages").stream()
                    .map(o -> ((JsonObject) o).getLong("seq")).toList();
            assertThat(left).containsExactly(6L);

            // A device that held nothing of it resumes: it is told to resync, then gets what follows.
            TestSocket b = bob.login("b").connect(Map.of(c, 0L));
            ServerFrame.Resync resync = b.awaitFrame(ServerFrame.Resync.class);
            assertThat(resync.conversationId()).isEqualTo(c);
            assertThat(resync.latestSeq()).isEqualTo(6);
            b.awaitFrame(ServerFrame.Synced.class);
            a.sendMessage(c, "new-2", "after the resync");
            assertThat(b.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(7L);
        }
    }

    @Test
    void withoutARetentionPeriodNothingIsDeleted() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            assertThat(node.config().retention().forever()).isTrue();
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket a = alice.login("a").connect();
            a.sendMessage(c, "keep", "kept forever");
            node.restart();
            assertThat(alice.restDevice().history(c, "limit=50").array("messages")).hasSize(1);
        }
    }
}
