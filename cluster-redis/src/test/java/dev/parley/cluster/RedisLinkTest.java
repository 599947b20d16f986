package dev.parley.cluster;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.presence.Presence;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node's link to Redis heals itself: on a Redis of the test's own, which the tests kill,
 * restart empty, pause and flush. While the link is down the node says so ({@link
 * RedisCluster#linkProblem}); once it is back every route, device record and online record the
 * node holds is in Redis again, including those it took while Redis was away, and every node is
 * told to check what it may have missed.
 */
class RedisLinkTest {
    static final Duration TTL = Duration.ofMillis(800);
    static final Duration WITHIN = Duration.ofSeconds(10);
    static final String NS = "parley-link";

    @TempDir
    Path dir;
    PrivateRedis server;
    Vertx vertx;
    Redis probe;
    final List<RedisCluster> members = new ArrayList<>();
    final List<AtomicInteger> recoveries = new ArrayList<>();

    final UserId alice = new UserId(101);
    final UserId bob = new UserId(102);
    final UserId carol = new UserId(103);
    final DeviceId alicePhone = new DeviceId(201);

    @BeforeEach
    void twoNodes() throws Exception {
        server = PrivateRedis.start(dir);
        vertx = Vertx.vertx();
        probe = Redis.createClient(vertx, server.uri());
        for (int n = 1; n <= 2; n++) {
            RedisCluster c = new RedisCluster(vertx, server.uri(), NS, n, TTL);
            AtomicInteger recovered = new AtomicInteger();
            c.onRecovered(recovered::incrementAndGet);
            c.publisher((event, audience) -> { });
            c.presence((user, presence) -> { });
            c.devices((user, device) -> false);
            c.start();
            members.add(c);
            recoveries.add(recovered);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (RedisCluster c : members) {
            c.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
        if (server != null) {
            server.close();
        }
    }

    private RedisCluster one() {
        return members.getFirst();
    }

    /** Node one holds alice (one device, online) and bob. */
    private void nodeOneHoldsAliceAndBob() throws Exception {
        one().devices((u, d) -> false).opened(alice, alicePhone);
        one().routes().arrived(alice).get();
        one().routes().arrived(bob).get();
        one().presence((u, p) -> { }).changed(alice, new Presence(true, 1));
        await().atMost(WITHIN).until(() -> members("routes:" + alice.value()).contains("1")
                && members("online:" + alice.value()).contains("1"));
    }

    private Set<String> members(String key) throws Exception {
        Set<String> out = new HashSet<>();
        for (Response r : RedisCluster.await(probe.send(Request.cmd(Command.SMEMBERS).arg(NS + ":" + key)))) {
            out.add(r.toString());
        }
        return out;
    }

    private void awaitLinkDown() {
        await().atMost(WITHIN).until(() -> members.stream().allMatch(c -> c.linkProblem() != null));
    }

    private void awaitLinkUp() {
        await().atMost(WITHIN).until(() -> members.stream().allMatch(c -> c.linkProblem() == null));
    }

    @Test
    void aRedisRestartedEmptyGetsBackEveryRouteDeviceAndOnlineRecordTheNodeHolds() throws Exception {
        nodeOneHoldsAliceAndBob();

        server.kill();
        awaitLinkDown();
        assertThat(one().linkProblem()).isNotNull();
        server.startAgain();
        awaitLinkUp();

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(members("routes:" + alice.value())).containsExactly("1");
            assertThat(members("routes:" + bob.value())).containsExactly("1");
            assertThat(members("devices:" + alice.value())).containsExactly(alicePhone.value() + ":1");
            assertThat(members("online:" + alice.value())).containsExactly("1");
        });
        // Both nodes lost the link; each checks what it may have missed.
        await().atMost(WITHIN).until(() -> recoveries.stream().allMatch(r -> r.get() > 0));
    }

    @Test
    void whatTheNodeTookWhileRedisWasAwayIsInRedisOnceItIsBack() throws Exception {
        nodeOneHoldsAliceAndBob();

        server.kill();
        awaitLinkDown();
        // Carol connects and bob leaves while Redis is gone: both writes fail.
        assertThat(one().routes().arrived(carol)).failsWithin(WITHIN);
        one().routes().left(bob);
        one().presence((u, p) -> { }).changed(alice, new Presence(false, 2));
        server.startAgain();
        awaitLinkUp();

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(members("routes:" + carol.value())).containsExactly("1");
            assertThat(members("routes:" + bob.value())).isEmpty();
            assertThat(members("online:" + alice.value())).isEmpty();
            assertThat(members("node:1:users")).containsExactlyInAnyOrder(
                    Long.toString(alice.value()), Long.toString(carol.value()));
        });
    }

    @Test
    void aNodeWhoseRecordsVanishWhileTheLinkStaysUpWritesThemAgain() throws Exception {
        nodeOneHoldsAliceAndBob();
        int before = recoveries.get(1).get();

        // Redis loses everything (FLUSHALL) without dropping a connection: the next heartbeat
        // finds the node's key gone.
        RedisCluster.await(probe.send(Request.cmd(Command.FLUSHALL)));

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(members("routes:" + alice.value())).containsExactly("1");
            assertThat(members("devices:" + alice.value())).containsExactly(alicePhone.value() + ":1");
            assertThat(members("online:" + alice.value())).containsExactly("1");
        });
        // Both nodes find their keys gone; each writes its records again and checks what it missed.
        await().atMost(WITHIN).until(() -> recoveries.get(1).get() > before);
        awaitLinkUp();
    }

    @Test
    void aRedisThatStopsAnsweringTakesTheLinkDownUntilItAnswersAgain() throws Exception {
        nodeOneHoldsAliceAndBob();

        server.pause();
        try {
            await().atMost(WITHIN).until(() -> one().linkProblem() != null);
            // Long enough for the nodes to give up on their connections and open new ones.
            Thread.sleep(3 * TTL.toMillis());
            assertThat(one().linkProblem()).isNotNull();
        } finally {
            server.resume();
        }
        awaitLinkUp();
        assertThat(one().routes().arrived(carol)).succeedsWithin(WITHIN);
        assertThat(members("routes:" + alice.value())).containsExactly("1");
    }

    @Test
    void aNodeReapedAfterMissingHeartbeatsComesBackWithItsRecords() throws Exception {
        nodeOneHoldsAliceAndBob();

        // As if node one had stalled past its ttl: its key expired and node two reaped it.
        RedisCluster.await(probe.send(Request.cmd(Command.DEL).arg(NS + ":alive:1")));
        RedisCluster.await(probe.send(Request.cmd(Command.EVAL).arg(RedisScripts.REAP).arg(0).arg(NS).arg(1)
                .arg(System.currentTimeMillis()).arg(0)));
        assertThat(members("routes:" + alice.value())).isEmpty();

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(members("routes:" + alice.value())).containsExactly("1");
            assertThat(members("online:" + alice.value())).containsExactly("1");
        });
    }

    @Test
    void aNodeThatHeartbeatsAgainIsNotReapedByALateReaper() throws Exception {
        nodeOneHoldsAliceAndBob();

        // Node two decided node one was dead, but node one's heartbeat is back before the reap runs.
        RedisCluster.await(probe.send(Request.cmd(Command.EVAL).arg(RedisScripts.REAP).arg(0).arg(NS).arg(1)
                .arg(System.currentTimeMillis()).arg(0)));

        assertThat(members("routes:" + alice.value())).containsExactly("1");
        assertThat(members("online:" + alice.value())).containsExactly("1");
    }
}
