package dev.parley.server.cluster;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.testkit.PostgresDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Long polls in a cluster (two nodes, one PostgreSQL with two shards, one Redis): a poll waiting
 * on one node wakes for a message sent on the other; and a poll ending does not take away the
 * route of a WebSocket of the same user on its node (WebSockets and polls share the routes).
 */
class ClusterSyncTest {
    @TempDir
    Path data;
    PostgresDatabases shards;
    String namespace;
    final List<TestNode> nodes = new ArrayList<>();
    Vertx vertx;
    Redis probe;

    @BeforeEach
    void twoNodes() throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        namespace = ClusterSettings.freshNamespace();
        for (int n = 1; n <= 2; n++) {
            int node = n;
            nodes.add(TestNode.start(data.resolve("node" + n), c -> ClusterSettings.node(c, shards, namespace, node)));
        }
        vertx = Vertx.vertx();
        probe = Redis.createClient(vertx, ClusterSettings.REDIS);
    }

    @AfterEach
    void stop() throws Exception {
        for (TestNode n : nodes) {
            n.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (shards != null) {
            shards.close();
        }
    }

    private static Rest.Response sync(TestNode node, TestUser.Device device, JsonObject body) {
        return node.rest().post("/v1/sync", device.token(), body);
    }

    private Set<String> routesOf(long user) throws Exception {
        Set<String> out = new HashSet<>();
        for (Response r : probe.send(Request.cmd(Command.SMEMBERS).arg(namespace + ":routes:" + user))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)) {
            out.add(r.toString());
        }
        return out;
    }

    @Test
    void aPollOnOneNodeWakesForAMessageSentOnTheOther() throws Exception {
        TestNode one = nodes.get(0);
        TestNode two = nodes.get(1);
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = TestSocket.connect(one.wsUri());
        a.auth(alice.login("laptop").token());
        TestUser.Device pull = bob.login("script");
        JsonObject pos = sync(two, pull, new JsonObject()).json().getJsonObject("positions");

        CompletableFuture<Rest.Response> waiting = CompletableFuture.supplyAsync(
                () -> sync(two, pull, new JsonObject().put("positions", pos).put("wait", 15)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!routesOf(bob.userId()).contains("2") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(routesOf(bob.userId())).containsExactly("2");
        long sentAt = System.nanoTime();
        a.sendMessage(c, "x1", "across nodes");
        Rest.Response r = waiting.get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(r.array("entries")).extracting(o -> ((JsonObject) o).getString("body")).containsExactly("across nodes");
        // Well inside the three seconds after which the tail check would have found it.
        assertThat(tookMs).as("answered %d ms after the send", tookMs).isLessThan(2_500);
        // The poll answered: the user has nothing left on node two.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!routesOf(bob.userId()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(routesOf(bob.userId())).isEmpty();
    }

    @Test
    void aPollEndingKeepsTheRouteOfASocketOnItsNode() throws Exception {
        TestNode one = nodes.get(0);
        TestNode two = nodes.get(1);
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket b = TestSocket.connect(two.wsUri());
        b.authWithPositions(bob.login("phone").token(), Map.of());
        b.awaitFrame(ServerFrame.Synced.class);
        assertThat(routesOf(bob.userId())).containsExactly("2");
        TestUser.Device pull = bob.login("script");
        JsonObject pos = sync(two, pull, new JsonObject()).json().getJsonObject("positions");

        Rest.Response ended = sync(two, pull, new JsonObject().put("positions", pos).put("wait", 1));
        assertThat(ended.array("entries")).isEmpty();
        assertThat(routesOf(bob.userId())).containsExactly("2");

        TestSocket a = TestSocket.connect(one.wsUri());
        a.auth(alice.login("laptop").token());
        a.sendMessage(c, "x1", "still routed");
        assertThat(b.awaitMessages(c, 1)).extracting(ServerFrame.Message::body).containsExactly("still routed");
    }
}
