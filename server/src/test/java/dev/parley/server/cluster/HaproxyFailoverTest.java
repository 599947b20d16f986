package dev.parley.server.cluster;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.ParleyNode;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.server.ws.ChatConnection;
import dev.parley.testkit.PostgresDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three nodes behind HAProxy running the shipped {@code config/haproxy.cfg} (only its listening
 * port and server lines replaced): when a node is killed, and when one drains (SIGTERM), each of
 * its clients reconnects through HAProxy once, with no retry of its own, and is back (resumed and
 * sending) within {@link #BACK_WITHIN}. Skipped, saying so, when haproxy is not installed.
 */
class HaproxyFailoverTest {
    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    static final Path SHIPPED = Path.of("..", "config", "haproxy.cfg");
    /** Generous for a shared machine; the time measured is printed (docs/operations.md has it). */
    static final Duration BACK_WITHIN = Duration.ofSeconds(3);

    @TempDir
    Path data;
    PostgresDatabases shards;
    final List<TestNode> nodes = new ArrayList<>();
    Process haproxy;
    int port;

    @BeforeEach
    void threeNodesBehindHaproxy() throws Exception {
        assumeTrue(Files.isExecutable(HAPROXY),
                "haproxy is not installed (apt-get install haproxy): failover behind config/haproxy.cfg not tested");
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        String namespace = ClusterSettings.freshNamespace();
        for (int n = 1; n <= 3; n++) {
            int node = n;
            nodes.add(TestNode.start(data.resolve("node" + n), c -> ClusterSettings.node(c, shards, namespace, node)));
        }
        port = freePort();
        StringBuilder cfg = new StringBuilder();
        for (String line : Files.readAllLines(SHIPPED)) {
            if (line.strip().startsWith("server node")) {
                continue;
            }
            cfg.append(line.replace("bind 127.0.0.1:8080", "bind 127.0.0.1:" + port)).append('\n');
        }
        for (int n = 0; n < nodes.size(); n++) {
            cfg.append("    server node").append(n + 1).append(" 127.0.0.1:").append(nodes.get(n).port())
                    .append(" check\n");
        }
        Path file = data.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        haproxy = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(data.resolve("haproxy.log").toFile()).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor();
            }
        }
        for (TestNode n : nodes) {
            n.close();
        }
        if (shards != null) {
            shards.close();
        }
    }

    private URI viaHaproxy() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/ws");
    }

    /** One attempt, as a client makes once its connection closed: connect, resume, send. */
    private TestSocket back(TestUser.Device device, long conversation, String clientId) {
        TestSocket s = TestSocket.connect(viaHaproxy());
        s.authWithPositions(device.token(), Map.of());
        s.awaitFrame(ServerFrame.Synced.class);
        s.sendMessage(conversation, clientId, "back");
        return s;
    }

    @Test
    void clientsOfAKilledOrDrainingNodeAreBackThroughHaproxyAtTheirFirstAttempt() throws Exception {
        TestNode one = nodes.getFirst();
        TestUser owner = one.newUser("owner");
        List<TestUser.Device> devices = new ArrayList<>();
        Map<Long, Long> conversationOf = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            TestUser u = one.newUser("u" + i);
            TestUser.Device d = u.login("phone");
            devices.add(d);
            conversationOf.put(d.deviceId(), owner.directWith(u));
        }
        // HAProxy marks the nodes up after two checks; until then it may not spread clients.
        Map<Long, TestSocket> sockets = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (TestUser.Device d : devices) {
                if (!sockets.containsKey(d.deviceId())) {
                    TestSocket s = TestSocket.connect(viaHaproxy());
                    s.authWithPositions(d.token(), Map.of());
                    s.awaitFrame(ServerFrame.Synced.class);
                    sockets.put(d.deviceId(), s);
                }
            }
            boolean spread = nodes.stream().allMatch(n -> n.node().connections().count() > 0);
            if (!spread) {
                sockets.values().forEach(TestSocket::close);
                sockets.clear();
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            }
            return spread;
        });

        // A node is killed: its processes' sockets close, HAProxy cuts its clients' connections.
        Duration killed = failOver(nodes.get(2), sockets, devices, conversationOf, "killed",
                ParleyNode::crashForTesting);
        // A node drains (SIGTERM): not ready, 1012 to its clients, which come back elsewhere.
        Duration drained = failOver(nodes.get(1), sockets, devices, conversationOf, "drained", ParleyNode::close);
        System.out.printf("clients back through haproxy: %d ms after a kill, %d ms after a drain%n", killed.toMillis(),
                drained.toMillis());
        assertThat(killed).isLessThan(BACK_WITHIN);
        assertThat(drained).isLessThan(BACK_WITHIN);
    }

    /** Stops {@code victim} and brings each of its clients back with one attempt; returns how long that took. */
    private Duration failOver(TestNode victim, Map<Long, TestSocket> sockets, List<TestUser.Device> devices,
                              Map<Long, Long> conversationOf, String how, Consumer<ParleyNode> stop) {
        List<Long> onVictim = victim.node().connections().all().stream().map(ChatConnection::caller)
                .map(c -> c.deviceId().value()).collect(Collectors.toList());
        assertThat(onVictim).as("clients on the node to be %s", how).isNotEmpty();
        long start = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> stop.accept(victim.node()),
                r -> Thread.ofVirtual().start(r));
        List<CompletableFuture<TestSocket>> reconnects = new ArrayList<>();
        for (TestUser.Device d : devices) {
            if (onVictim.contains(d.deviceId())) {
                TestSocket old = sockets.get(d.deviceId());
                reconnects.add(CompletableFuture.supplyAsync(() -> {
                    old.awaitClose(Duration.ofSeconds(10));
                    TestSocket s = back(d, conversationOf.get(d.deviceId()), how + "-" + d.deviceId());
                    sockets.put(d.deviceId(), s);
                    return s;
                }, r -> Thread.ofVirtual().start(r)));
            }
        }
        CompletableFuture.allOf(reconnects.toArray(CompletableFuture[]::new)).join();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        stopping.join();
        for (CompletableFuture<TestSocket> r : reconnects) {
            assertThat(r).isCompletedWithValueMatching(s -> !s.isClosed(), "back and connected");
        }
        return took;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
