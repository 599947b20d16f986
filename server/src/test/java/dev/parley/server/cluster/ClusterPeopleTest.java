package dev.parley.server.cluster;

import dev.parley.core.request.RequestRule;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.testkit.PostgresDatabases;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * People across two nodes on one PostgreSQL (two shards) and Redis: a profile change made on one
 * node reaches a contact connected to the other; a block made on one node reaches the other
 * (whose cache held the users' earlier, open state) through Redis, after which a send through it
 * is refused, and unblocking there reopens it; a message request's notice crosses nodes. (The
 * block takes effect on a node from the moment that node has seen it, as BlockDirectory says: the
 * test waits for node two to refuse bob opening the conversation, which reads the same cache as a
 * send and stores nothing, rather than racing the announcement.)
 */
class ClusterPeopleTest {
    @TempDir
    Path data;
    PostgresDatabases shards;
    TestNode one;
    TestNode two;

    @BeforeEach
    void twoNodes() throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        String namespace = ClusterSettings.freshNamespace();
        one = TestNode.start(data.resolve("one"), c -> ClusterSettings.node(c, shards, namespace, 1)
                .withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
        two = TestNode.start(data.resolve("two"), c -> ClusterSettings.node(c, shards, namespace, 2)
                .withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
    }

    @AfterEach
    void stop() {
        for (TestNode n : new TestNode[]{two, one}) {
            if (n != null) {
                n.close();
            }
        }
        if (shards != null) {
            shards.close();
        }
    }

    private static TestSocket on(TestNode node, TestUser.Device device) {
        TestSocket s = TestSocket.connect(node.wsUri());
        s.authWithPositions(device.token(), Map.of());
        s.awaitFrame(ServerFrame.Synced.class);
        return s;
    }

    @Test
    void profilesBlocksAndRequestsCrossNodes() {
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        TestUser carol = one.newUser("carol");
        long group = one.rest().post("/v1/conversations/groups", alice.restDevice().token(), new JsonObject()
                .put("title", "Crew").put("usernames", new io.vertx.core.json.JsonArray().add(bob.username())))
                .getLong("conversationId");
        long direct = alice.directWith(bob);
        TestSocket bobOnTwo = on(two, bob.login("phone"));
        TestSocket aliceOnOne = on(one, alice.login("laptop"));

        assertThat(one.rest().send("PATCH", "/v1/me/profile", alice.restDevice().token(),
                new JsonObject().put("displayName", "Alice L.").encode(), "application/json").status()).isEqualTo(200);
        assertThat(bobOnTwo.awaitFrame(ServerFrame.Profile.class, p -> p.userId() == alice.userId()).displayName())
                .isEqualTo("Alice L.");

        // Node two has cached both users' blocks as open by now (bob wrote through it).
        bobOnTwo.sendMessage(direct, "b1", "hi");
        assertThat(one.rest().send("PUT", "/v1/blocks/" + bob.userId(), alice.restDevice().token(), null, null)
                .status()).isEqualTo(204);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(20)).until(() ->
                        "unreachable".equals(two.rest().openDirect(bob.restDevice().token(), alice.username()).errorCode()));
        bobOnTwo.send(new ClientFrame.Send("r", "b2", direct, "hello?"));
        assertThat(bobOnTwo.awaitError("r").code()).isEqualTo("unreachable");
        assertThat(two.rest().delete("/v1/blocks/" + bob.userId(), alice.restDevice().token()).status()).isEqualTo(204);
        assertThat(bobOnTwo.sendMessage(direct, "b3", "friends again").seq()).isEqualTo(2);
        aliceOnOne.awaitMessages(direct, 2);
        assertThat(bobOnTwo.sendMessage(group, "b4", "group still works").seq()).isEqualTo(2);

        TestSocket carolOnTwo = on(two, carol.login("phone"));
        long request = one.rest().openDirect(alice.restDevice().token(), carol.username()).getLong("conversationId");
        aliceOnOne.sendMessage(request, "a1", "hello stranger");
        assertThat(carolOnTwo.awaitFrame(ServerFrame.Request.class)).isEqualTo(new ServerFrame.Request(request,
                alice.userId()));
    }
}
