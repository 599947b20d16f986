package dev.parley.server.cluster;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.testkit.PostgresDatabases;
import dev.parley.testkit.PrivateRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on PostgreSQL and a Redis of the test's own, which the tests kill, restart empty and
 * pause while devices stay connected. While Redis is gone the nodes report not ready and turn new
 * WebSockets away, and their connected devices keep sending and receiving what the node serves
 * alone; once Redis is back (empty) every node writes its routes and online records again, so
 * cross-node delivery and presence are right again, and what was missed meanwhile is delivered.
 *
 * <p>Times stated (generous: the machine is shared): not ready within 5 s of Redis dying, ready
 * within 15 s of its return, a missed entry delivered and presence right within 10 s of that.
 */
class RedisOutageTest {
    static final Duration NOT_READY_WITHIN = Duration.ofSeconds(5);
    static final Duration READY_WITHIN = Duration.ofSeconds(15);
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path data;
    PrivateRedis redis;
    PostgresDatabases shards;
    String namespace;
    final List<TestNode> nodes = new ArrayList<>();
    Vertx vertx;
    Redis probe;

    @BeforeEach
    void twoNodesOnTheirOwnRedis() throws Exception {
        redis = PrivateRedis.start(data.resolve("redis"));
        shards = PostgresDatabases.create(2);
        namespace = ClusterSettings.freshNamespace();
        for (int n = 1; n <= 2; n++) {
            int node = n;
            nodes.add(TestNode.start(data.resolve("node" + n),
                    c -> ClusterSettings.node(c, shards, redis.uri(), namespace, node)));
        }
        vertx = Vertx.vertx();
        probe = Redis.createClient(vertx, redis.uri());
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
        if (redis != null) {
            redis.close();
        }
    }

    private static TestSocket on(TestNode node, TestUser.Device device) {
        TestSocket s = TestSocket.connect(node.wsUri());
        s.authWithPositions(device.token(), Map.of());
        s.awaitFrame(ServerFrame.Synced.class);
        return s;
    }

    private static int readiness(TestNode node) {
        return node.rest().get("/health/ready", null).status();
    }

    private void awaitReadiness(int status, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> nodes.stream().allMatch(n -> readiness(n) == status));
    }

    private Set<String> redisSet(String key) throws Exception {
        Set<String> out = new HashSet<>();
        for (Response r : probe.send(Request.cmd(Command.SMEMBERS).arg(namespace + ":" + key)).toCompletionStage()
                .toCompletableFuture().get(5, TimeUnit.SECONDS)) {
            out.add(r.toString());
        }
        return out;
    }

    /** Alice and bob in a direct conversation. */
    private record Pair(TestUser alice, TestUser bob, long conversation) {
        static Pair on(TestNode node) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            return new Pair(alice, bob, alice.directWith(bob));
        }
    }

    @Test
    void aRedisRestartedEmptyIsRefilledWhileDevicesStayConnected() throws Exception {
        TestNode one = nodes.get(0);
        TestNode two = nodes.get(1);
        Pair pair = Pair.on(one);
        TestUser alice = pair.alice();
        TestUser bob = pair.bob();
        long c = pair.conversation();
        TestSocket a = on(one, alice.login("laptop"));
        TestSocket alicePhone = on(one, alice.login("phone"));
        TestSocket b = on(two, bob.login("phone"));
        assertThat(a.sendMessage(c, "m1", "before").seq()).isEqualTo(1);
        b.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 1);

        redis.kill();
        long died = System.nanoTime();
        awaitReadiness(503, NOT_READY_WITHIN);
        System.out.printf("not ready %d ms after redis died%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died));
        assertThat(one.rest().get("/health/ready", null).json().getString("reason"))
                .startsWith("cluster link to redis down");
        // New clients are turned away (a balancer sends them to a node that is ready)...
        assertThatThrownBy(() -> TestSocket.connect(one.wsUri())).isInstanceOf(IllegalStateException.class);
        // ...while connected ones keep what their node serves alone: sends are confirmed and
        // reach the devices on the same node.
        assertThat(a.sendMessage(c, "m2", "while redis is gone").seq()).isEqualTo(2);
        alicePhone.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 2);

        redis.startAgain();
        long back = System.nanoTime();
        awaitReadiness(200, READY_WITHIN);
        System.out.printf("ready %d ms after redis came back%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));

        // What bob's node missed while Redis was gone reaches him.
        b.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 2, DELIVERED_WITHIN);
        // Routes and online records are back in the empty Redis, so routing and presence are right.
        assertThat(redisSet("routes:" + bob.userId())).containsExactly("2");
        assertThat(redisSet("routes:" + alice.userId())).containsExactly("1");
        assertThat(redisSet("online:" + bob.userId())).containsExactly("2");
        assertThat(redisSet("devices:" + alice.userId())).hasSize(2);
        a.send(new ClientFrame.Watch("w", List.of(bob.userId())));
        assertThat(a.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId(), DELIVERED_WITHIN)
                .online()).as("bob, connected to node two all along, is online").isTrue();
        assertThat(a.sendMessage(c, "m3", "after").seq()).isEqualTo(3);
        b.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 3, DELIVERED_WITHIN);
        assertThat(b.matching(ServerFrame.Message.class, m -> m.conversationId() == c))
                .extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L);
        // A new client is taken again.
        on(one, bob.login("tablet")).close();
    }

    @Test
    void aRedisThatStopsAnsweringTakesTheNodesOutUntilItAnswersAgain() throws Exception {
        Pair p = Pair.on(nodes.get(0));
        long c = p.conversation();
        TestSocket a = on(nodes.get(0), p.alice().login("laptop"));
        TestSocket b = on(nodes.get(1), p.bob().login("phone"));

        redis.pause();
        try {
            awaitReadiness(503, NOT_READY_WITHIN.plusSeconds(5));
            assertThat(a.sendMessage(c, "m1", "while redis hangs").seq()).isEqualTo(1);
        } finally {
            redis.resume();
        }
        awaitReadiness(200, READY_WITHIN);
        b.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 1, DELIVERED_WITHIN);
        assertThat(b.sendMessage(c, "m2", "after").seq()).isEqualTo(2);
        a.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 2, DELIVERED_WITHIN);
    }
}
