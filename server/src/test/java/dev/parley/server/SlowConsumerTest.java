package dev.parley.server;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.Durability;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that stops reading fills its outbound queue and is closed with 4008 (slow consumer);
 * nobody else notices, and every confirmed message is in the history.
 */
class SlowConsumerTest {
    private static final int QUEUE_BYTES = 16 * 1024;
    private static final int BODY_BYTES = 16 * 1024;
    private static final int BATCH = 20;
    private static final int MAX_FLOOD = 4_000;

    @TempDir
    Path dataDir;

    @Test
    void aClientThatStopsReadingIsClosedWith4008AndNobodyElseNotices() throws Exception {
        try (TestNode node = TestNode.start(dataDir, cfg -> cfg.withDurability(Durability.OS)
                .withLimits(cfg.limits().withOutboundQueueBytes(QUEUE_BYTES).withSendRate(10_000, 10_000)))) {
            TestUser flooder = node.newUser("flooder");
            TestUser slowpoke = node.newUser("slowpoke");
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long flood = flooder.directWith(slowpoke);
            long chat = alice.directWith(bob);
            TestSocket f = flooder.login("cannon").connect();
            TestUser.Device slowDevice = slowpoke.login("stuck");
            TestSocket slow = slowDevice.connect();
            TestSocket a = alice.login("a").connect();
            TestSocket b = bob.login("b").connect();

            slow.stopReading();
            // Once the node drops the stalled device, read again at once: the node waits only a
            // couple of seconds for the close handshake, and the close frame is behind the backlog.
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            CompletableFuture<Void> dropped = CompletableFuture.runAsync(() -> {
                while (isConnected(node, slowpoke, slowDevice) && System.nanoTime() < giveUp) {
                    LockSupport.parkNanos(2_000_000);
                }
                slow.resumeReading();
            });
            String body = "z".repeat(BODY_BYTES);
            List<ServerFrame.Sent> confirmed = new ArrayList<>();
            int chatted = 0;
            while (!dropped.isDone()) {
                assertThat(confirmed.size()).as("the stalled client was never closed").isLessThan(MAX_FLOOD);
                int base = confirmed.size();
                for (int i = 0; i < BATCH; i++) {
                    f.send(new ClientFrame.Send(null, "flood-" + (base + i), flood, body));
                }
                for (int i = 0; i < BATCH; i++) {
                    String id = "flood-" + (base + i);
                    confirmed.add(f.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals(id)));
                }
                // Meanwhile alice and bob chat as if nothing happened.
                chatted++;
                chatRound(a, b, chat, chatted);
            }

            // The node closed it: reading again, the client sees 4008 after what was queued.
            dropped.get(10, TimeUnit.SECONDS);
            TestSocket.Closed closed = slow.awaitClose();
            assertThat(closed.code()).as("closed %s after %d messages", closed, confirmed.size()).isEqualTo(4008);
            assertThat(closed.reason()).isEqualTo("slow_consumer");
            List<ServerFrame.Message> seen = slow.matching(ServerFrame.Message.class, m -> true);
            assertThat(seen.size()).isLessThan(confirmed.size());
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i).seq()).as("in order, no gap, before the close").isEqualTo(i + 1);
            }

            // After: the chat goes on, and the flooder's sends are still confirmed.
            for (int i = 1; i <= 3; i++) {
                chatRound(a, b, chat, chatted + i);
            }
            confirmed.add(f.sendMessage(flood, "after-close", "are you there?"));

            // No confirmed message was lost: seqs 1..n, each with the body that was sent.
            for (int i = 0; i < confirmed.size(); i++) {
                assertThat(confirmed.get(i).seq()).isEqualTo(i + 1);
            }
            List<Long> stored = new ArrayList<>();
            long after = 0;
            while (true) {
                var page = slowDevice.history(flood, "limit=200&after=" + after);
                for (Object o : page.array("messages")) {
                    JsonObject m = (JsonObject) o;
                    stored.add(m.getLong("seq"));
                    assertThat(m.getString("clientId")).isEqualTo(confirmed.get(m.getInteger("seq") - 1).clientId());
                }
                if (!page.json().getBoolean("hasMore")) {
                    break;
                }
                after = stored.getLast();
            }
            assertThat(stored).hasSize(confirmed.size());
            assertThat(stored.getLast()).isEqualTo(confirmed.size());
            int totalChat = 2 * (chatted + 3);
            assertThat(OneOnOneWorkflowTest.pageSeqs(alice.restDevice().history(chat, "limit=200&after=0")))
                    .hasSize(totalChat).last().isEqualTo((long) totalChat);

            // The closed device reconnects and resumes where it stopped.
            long position = seen.isEmpty() ? 0 : seen.getLast().seq();
            TestSocket back = slowDevice.connect(Map.of(flood, position));
            List<ServerFrame.Message> missed = back.awaitMessages(flood, confirmed.size() - (int) position);
            assertThat(missed.getFirst().seq()).isEqualTo(position + 1);
            assertThat(missed.getLast().seq()).isEqualTo(confirmed.size());
            back.awaitFrame(ServerFrame.Synced.class);
        }
    }

    /** alice sends, bob receives and answers, alice receives: seqs 2n-1 and 2n. */
    private static void chatRound(TestSocket a, TestSocket b, long chat, int n) {
        ServerFrame.Sent mine = a.sendMessage(chat, "a-" + n, "ping " + n);
        assertThat(mine.seq()).isEqualTo(2L * n - 1);
        assertThat(b.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == chat).body())
                .isEqualTo("ping " + n);
        assertThat(b.sendMessage(chat, "b-" + n, "pong " + n).seq()).isEqualTo(2L * n);
        assertThat(a.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == chat).seq()).isEqualTo(2L * n);
    }

    private static boolean isConnected(TestNode node, TestUser user, TestUser.Device device) {
        return node.node().connections().isConnected(new DeviceId(device.deviceId()), new UserId(user.userId()));
    }
}
