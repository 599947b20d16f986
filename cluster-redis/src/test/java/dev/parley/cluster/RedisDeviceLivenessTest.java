package dev.parley.cluster;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link RedisDeviceLiveness} on a real Redis, with three cluster members in one JVM (each with
 * its own Redis connections, heartbeat and reaping): records seen from the other nodes, a device
 * on two nodes at once, and a dead node's records ignored once its heartbeat expires and removed
 * when it is reaped or when it restarts.
 */
class RedisDeviceLivenessTest {
    static final String REDIS = "redis://127.0.0.1:6379";
    static final Duration TTL = Duration.ofMillis(600);

    final UserId bob = new UserId(7_001);
    final DeviceId phone = new DeviceId(9_001);
    final DeviceId laptop = new DeviceId(9_002);

    Vertx vertx;
    Redis probe;
    String namespace;
    final List<RedisCluster> members = new ArrayList<>();
    /** Per node, the devices its own connections hold (what LocalConnections would answer). */
    final List<Set<DeviceId>> localDevices = new ArrayList<>();
    final List<RedisDeviceLiveness> liveness = new ArrayList<>();

    @BeforeEach
    void threeMembers() throws Exception {
        vertx = Vertx.vertx();
        probe = Redis.createClient(vertx, REDIS);
        try {
            RedisCluster.await(probe.send(Request.cmd(Command.PING)));
        } catch (Exception e) {
            assumeTrue(false, "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        }
        namespace = "parley-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        for (int n = 0; n < 3; n++) {
            members.add(null);
            localDevices.add(null);
            liveness.add(null);
            join(n);
        }
    }

    private void join(int n) throws Exception {
        RedisCluster cluster = new RedisCluster(vertx, REDIS, namespace, n + 1, TTL);
        cluster.start();
        Set<DeviceId> local = ConcurrentHashMap.newKeySet();
        members.set(n, cluster);
        localDevices.set(n, local);
        liveness.set(n, cluster.devices((user, device) -> local.contains(device)));
    }

    @AfterEach
    void leave() throws Exception {
        for (RedisCluster c : members) {
            if (c != null) {
                c.close();
            }
        }
        probe.close();
        vertx.close().await();
    }

    /** Node n's connections now hold (or no longer hold) the device; told as LocalConnections tells it. */
    private void open(int n, DeviceId device) {
        localDevices.get(n).add(device);
        liveness.get(n).opened(bob, device);
    }

    private void close(int n, DeviceId device) {
        localDevices.get(n).remove(device);
        liveness.get(n).closed(bob, device);
    }

    private boolean seenFrom(int n, DeviceId device) {
        return liveness.get(n).isConnected(bob, device);
    }

    private Response redis(Request r) throws Exception {
        return RedisCluster.await(probe.send(r));
    }

    private List<String> recorded() throws Exception {
        List<String> out = new ArrayList<>();
        for (Response m : redis(Request.cmd(Command.SMEMBERS).arg(namespace + ":devices:" + bob.value()))) {
            out.add(m.toString());
        }
        return out;
    }

    @Test
    void aDeviceCountsOnEveryNodeWhileItHasAConnectionOnAnyAndNotAfterItsLastOneCloses() throws Exception {
        assertThat(seenFrom(1, phone)).isFalse();
        open(0, phone);
        await().until(() -> seenFrom(1, phone) && seenFrom(2, phone));
        assertThat(seenFrom(0, phone)).as("its own connections answer for node one").isTrue();
        assertThat(seenFrom(1, laptop)).as("only the device recorded").isFalse();
        assertThat(recorded()).containsExactly(phone.value() + ":1");

        // Reconnecting through another node: for a moment the device is on two nodes, and it stays
        // connected until both have let it go.
        open(1, phone);
        close(0, phone);
        await().until(() -> recorded().equals(List.of(phone.value() + ":2")));
        assertThat(seenFrom(0, phone)).isTrue();
        assertThat(seenFrom(2, phone)).isTrue();
        close(1, phone);
        await().until(() -> !seenFrom(0, phone) && !seenFrom(2, phone));
        assertThat(recorded()).isEmpty();
        assertThat(redis(Request.cmd(Command.EXISTS).arg(namespace + ":node:1:devices")).toInteger()).isZero();
        assertThat(redis(Request.cmd(Command.EXISTS).arg(namespace + ":node:2:devices")).toInteger()).isZero();
    }

    @Test
    void aNodesOwnStaleRecordDoesNotOverruleItsConnections() throws Exception {
        open(0, phone);
        await().until(() -> recorded().contains(phone.value() + ":1"));
        // Node one's record has not been removed yet, but its connections no longer hold the device.
        localDevices.get(0).remove(phone);
        assertThat(seenFrom(0, phone)).isFalse();
        assertThat(seenFrom(1, phone)).isTrue();
    }

    @Test
    void aDeadNodesDevicesStopCountingWhenItsHeartbeatExpiresAndAreRemovedWhenItIsReaped() throws Exception {
        open(0, phone);
        open(0, laptop);
        open(1, laptop);
        await().until(() -> seenFrom(2, phone) && seenFrom(2, laptop));

        members.get(0).abandonForTesting(); // as a SIGKILL: no goodbye, the heartbeat key expires
        members.set(0, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> !seenFrom(2, phone));
        assertThat(seenFrom(2, laptop)).as("still on node two").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorded().equals(List.of(laptop.value() + ":2")));
        assertThat(redis(Request.cmd(Command.EXISTS).arg(namespace + ":node:1:devices")).toInteger()).isZero();
        assertThat(seenFrom(1, phone)).isFalse();
    }

    @Test
    void aNodeRestartedBeforeItIsReapedDropsTheRecordsOfItsPreviousLife() throws Exception {
        open(0, phone);
        await().until(() -> seenFrom(1, phone));
        members.get(0).abandonForTesting();

        join(0); // at once: its heartbeat key has not expired, nobody has reaped it
        assertThat(recorded()).isEmpty();
        assertThat(seenFrom(1, phone)).isFalse();
        open(0, phone);
        await().until(() -> seenFrom(1, phone));
    }
}
