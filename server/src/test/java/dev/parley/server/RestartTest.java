package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.Durability;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node restarted on the same data directory keeps everything and continues every sequence. */
class RestartTest {
    @TempDir
    Path dataDir;

    @Test
    void idsIssuedRightAfterARestartAreNotIdsIssuedBefore() throws Exception {
        try (TestNode node = TestNode.start(dataDir)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            boolean sameSecond = false;
            for (int attempt = 0; attempt < 5 && !sameSecond; attempt++) {
                // Begin just after a wall-clock second starts, so a quick restart ends within it:
                // the ids before and after the restart are then issued in the same second.
                Thread.sleep(1020 - System.currentTimeMillis() % 1000);
                long secondBefore = System.currentTimeMillis() / 1000;
                TestUser.Device before = alice.login("before-" + attempt);
                node.restart();
                Rest.Response after = node.rest().login(alice.username(), alice.password(), "after-" + attempt);
                Rest.Response registered = node.rest().register("carol_" + attempt + "_" + System.nanoTime() % 10_000,
                        "a fine password");
                sameSecond = System.currentTimeMillis() / 1000 == secondBefore;
                assertThat(after.status()).as("login right after a restart: %s", after).isEqualTo(201);
                assertThat(after.getLong("deviceId")).isNotEqualTo(before.deviceId());
                assertThat(registered.status()).as("register right after a restart: %s", registered).isEqualTo(201);
                assertThat(registered.getLong("userId")).isNotIn(alice.userId(), bob.userId());
            }
            assertThat(bob.directWith(alice)).isEqualTo(alice.directWith(bob));
            assertThat(alice.restDevice().get("/v1/devices").array("devices")).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void restartKeepsHistoryPositionsAndTokensAndContinuesTheSequence(Durability durability) throws Exception {
        try (TestNode node = TestNode.start(dataDir, TestNode.durability(durability))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestUser.Device a = alice.login("laptop");
            TestUser.Device b = bob.login("phone");
            TestSocket as = a.connect();
            TestSocket bs = b.connect();
            for (int i = 1; i <= 5; i++) {
                assertThat(as.sendMessage(c, "before-" + i, "before restart " + i).seq()).isEqualTo(i);
            }
            assertThat(bs.awaitMessages(c, 5)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            bs.send(new ClientFrame.Delivered(null, c, 5));
            bs.send(new ClientFrame.Read("r", c, 3));
            bs.awaitFrame(ServerFrame.Ok.class, o -> "r".equals(o.rid()));
            as.awaitFrame(ServerFrame.Receipt.class, r -> r.read() == 3);
            JsonArray historyBefore = a.history(c, "").array("messages");
            assertThat(historyBefore).hasSize(5);
            // Logged in now, used after the restart (ids issued right after a restart have their own test).
            TestUser.Device tablet = bob.login("tablet");

            node.restart();

            // History is the same page, entry for entry.
            Rest.Response page = a.history(c, "");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.array("messages")).isEqualTo(historyBefore);
            // The conversation, its last seq and bob's positions survived; so did the direct pairing.
            Rest.Response conv = a.get("/v1/conversations/" + c);
            assertThat(conv.getLong("lastSeq")).isEqualTo(5);
            JsonObject bobState = conv.array("members").stream().map(JsonObject.class::cast)
                    .filter(m -> m.getLong("userId") == bob.userId()).findFirst().orElseThrow();
            assertThat(bobState.getLong("delivered")).isEqualTo(5);
            assertThat(bobState.getLong("read")).isEqualTo(3);
            assertThat(node.rest().openDirect(b.token(), alice.username()).getLong("conversationId")).isEqualTo(c);
            // Accounts and tokens survived.
            assertThat(b.get("/v1/users/" + alice.username()).getLong("userId")).isEqualTo(alice.userId());
            assertThat(a.get("/v1/me").getLong("deviceId")).isEqualTo(a.deviceId());

            // The sequence continues at lastSeq + 1, and live delivery works again.
            TestSocket as2 = a.connect();
            TestSocket bs2 = b.connect();
            ServerFrame.Sent next = as2.sendMessage(c, "after-1", "after restart");
            assertThat(next.seq()).isEqualTo(6);
            assertThat(bs2.awaitFrame(ServerFrame.Message.class).seq()).isEqualTo(6);
            assertThat(bs2.sendMessage(c, "after-2", "reply").seq()).isEqualTo(7);
            assertThat(as2.awaitFrame(ServerFrame.Message.class).seq()).isEqualTo(7);

            // A device that was away during the restart resumes from its position.
            TestSocket late = tablet.connect(Map.of(c, 4L));
            assertThat(late.awaitMessages(c, 3)).extracting(ServerFrame.Message::seq).containsExactly(5L, 6L, 7L);
            late.awaitFrame(ServerFrame.Synced.class);

            node.restart();
            assertThat(OneOnOneWorkflowTest.pageSeqs(a.history(c, ""))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(a.connect().sendMessage(c, "after-3", "after the second restart").seq()).isEqualTo(8);
        }
    }
}
