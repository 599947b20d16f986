package dev.parley.server.cluster;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.Groups;
import dev.parley.testkit.PostgresDatabases;
import dev.parley.testkit.TcpBalancer;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three nodes on one PostgreSQL (two databases as shards) and one Redis, behind a small TCP
 * balancer: delivery, receipts, typing and presence cross nodes; a logout on one node closes the
 * device's socket on another; entries lost between nodes are recovered from the database; a node
 * that dies takes its users offline and its clients resume on the others; a restarted node
 * rejoins.
 */
class ClusterTest {
    @TempDir
    Path data;
    PostgresDatabases shards;
    String namespace;
    final List<TestNode> nodes = new ArrayList<>();
    TcpBalancer balancer;

    @BeforeEach
    void threeNodes() throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        namespace = ClusterSettings.freshNamespace();
        for (int n = 1; n <= 3; n++) {
            nodes.add(start(n));
        }
        balancer = new TcpBalancer(() -> nodes.stream().filter(ClusterTest::alive).map(TestNode::port).toList());
    }

    private TestNode start(int n) throws Exception {
        return TestNode.start(data.resolve("node" + n), c -> ClusterSettings.node(c, shards, namespace, n));
    }

    private static boolean alive(TestNode node) {
        try {
            return node.node() != null && node.port() > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (TestNode n : nodes) {
            n.close();
        }
        if (shards != null) {
            shards.close();
        }
    }

    private static TestSocket on(TestNode node, TestUser.Device device) {
        return on(node.wsUri(), device, Map.of());
    }

    private static TestSocket on(URI ws, TestUser.Device device, Map<Long, Long> positions) {
        TestSocket s = TestSocket.connect(ws);
        s.authWithPositions(device.token(), positions);
        s.awaitFrame(ServerFrame.Synced.class);
        return s;
    }

    private URI viaBalancer() {
        return URI.create("ws://127.0.0.1:" + balancer.port() + "/v1/ws");
    }

    private TestNode one() {
        return nodes.get(0);
    }

    @Test
    void messagesReceiptsAndTypingCrossNodes() {
        TestUser alice = one().newUser("alice");
        TestUser bob = one().newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = on(nodes.get(0), alice.login("a"));
        TestSocket b = on(nodes.get(1), bob.login("b"));
        TestSocket alicePhone = on(nodes.get(2), alice.login("phone"));

        assertThat(a.sendMessage(c, "m1", "hello from node one").seq()).isEqualTo(1);
        assertThat(b.awaitMessages(c, 1)).extracting(ServerFrame.Message::body).containsExactly("hello from node one");
        assertThat(alicePhone.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(1L);

        assertThat(b.sendMessage(c, "m2", "and back from node two").seq()).isEqualTo(2);
        assertThat(a.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(2L);

        b.send(new ClientFrame.Read(null, c, 1));
        a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == 1);
        alicePhone.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == 1);
        b.send(new ClientFrame.Typing(null, c, true));
        a.awaitFrame(ServerFrame.Typing.class, t -> t.userId() == bob.userId() && t.typing());
    }

    @Test
    void aGroupSpreadOverThreeNodesGetsEveryEntryOnceInOrderFromSendersOnEach() {
        TestUser owner = one().newUser("owner");
        List<TestUser> members = LongStream.range(0, 6).mapToObj(i -> one().newUser("m" + i)).toList();
        long g = new Groups(one()).createOk(owner, "Three nodes", members.toArray(TestUser[]::new));
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            sockets.add(on(nodes.get(i % 3), members.get(i).login("d")));
        }
        // Senders on every node at once: entries committed on different nodes interleave, and
        // every device still gets them in seq order, once each.
        for (int i = 0; i < 3; i++) {
            TestSocket sender = sockets.get(i);
            for (int k = 1; k <= 10; k++) {
                sender.send(new ClientFrame.Send(null, "s" + i + "-" + k, g, "from " + i + " #" + k));
            }
        }
        for (int i = 0; i < sockets.size(); i++) {
            TestSocket s = sockets.get(i);
            // A sender's own entries come as its confirmations, not as messages.
            int own = i < 3 ? 10 : 0;
            List<ServerFrame.Message> got = s.awaitMessages(g, 31 - own);
            List<Long> seqs = new ArrayList<>(got.stream().map(ServerFrame.Message::seq).toList());
            assertThat(seqs).as("in order, once each").isSorted().doesNotHaveDuplicates();
            for (int k = 1; k <= own; k++) {
                String id = "s" + i + "-" + k;
                seqs.add(s.awaitFrame(ServerFrame.Sent.class, x -> x.clientId().equals(id)).seq());
            }
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 31).boxed().toList());
        }
    }

    @Test
    void aMemberRemovedThroughOneNodeGetsNothingSentThroughAnother() {
        TestUser owner = one().newUser("owner");
        TestUser stays = one().newUser("stays");
        TestUser goes = one().newUser("goes");
        Groups groups = new Groups(one());
        long g = groups.createOk(owner, "Shifting", stays, goes);
        TestSocket o = on(nodes.get(2), owner.login("o"));
        TestSocket s = on(nodes.get(1), stays.login("s"));
        TestSocket r = on(nodes.get(1), goes.login("r"));
        // Node three caches the membership (the owner sends through it) before the removal.
        assertThat(o.sendMessage(g, "warm", "everyone here").seq()).isEqualTo(2);
        r.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 2);

        // Removed through node one; the next entry is sent through node three.
        assertThat(groups.remove(owner, g, goes.userId()).status()).isEqualTo(200);
        r.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 3 && "member_removed".equals(m.kind()));
        assertThat(o.sendMessage(g, "after", "not for the removed one").seq()).isEqualTo(4);
        s.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 4);
        // Everything stays sends later reaches stays; the removed member's socket got nothing past 3.
        assertThat(s.sendMessage(g, "later", "still not").seq()).isEqualTo(5);
        o.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 5);
        assertThat(r.matching(ServerFrame.Message.class, m -> m.seq() > 3)).isEmpty();
    }

    @Test
    void presenceCrossesNodesAndFollowsTheLastDevice() {
        TestUser alice = one().newUser("alice");
        TestUser bob = one().newUser("bob");
        alice.directWith(bob);
        TestSocket watcher = on(nodes.get(0), alice.login("a"));
        watcher.send(new ClientFrame.Watch("w", List.of(bob.userId())));
        assertThat(watcher.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId()).online()).isFalse();

        TestSocket b2 = on(nodes.get(1), bob.login("b2"));
        watcher.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId() && p.online());
        TestSocket b3 = on(nodes.get(2), bob.login("b3"));
        b2.close();
        // Still online through node three: no "offline" may come now.
        watcher.send(new ClientFrame.Watch("again", List.of(bob.userId())));
        watcher.awaitFrame(ServerFrame.Ok.class, o -> "again".equals(o.rid()));
        assertThat(watcher.matching(ServerFrame.Presence.class, p -> p.userId() == bob.userId())).last()
                .satisfies(p -> assertThat(p.online()).isTrue());
        b3.close();
        ServerFrame.Presence off = watcher.awaitFrame(ServerFrame.Presence.class,
                p -> p.userId() == bob.userId() && !p.online());
        assertThat(off.lastSeen()).isPositive();
    }

    @Test
    void aLogoutOnOneNodeClosesTheDevicesSocketOnAnother() {
        TestUser alice = one().newUser("alice");
        TestUser.Device phone = alice.login("phone");
        TestSocket onThree = on(nodes.get(2), phone);
        assertThat(one().rest().delete("/v1/sessions/current", phone.token()).status()).isEqualTo(204);
        assertThat(onThree.awaitClose().code()).isEqualTo(4003);
    }

    @Test
    void entriesLostBetweenNodesAreRecoveredFromTheDatabase() {
        TestUser alice = one().newUser("alice");
        TestUser bob = one().newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = on(nodes.get(0), alice.login("a"));
        TestSocket b = on(nodes.get(1), bob.login("b"));
        nodes.get(0).node().links().cluster.dropEventsForTesting(1.0);
        for (int i = 1; i <= 5; i++) {
            a.sendMessage(c, "lost-" + i, "never handed over " + i);
        }
        // Nothing reached node two through Redis; its tail check finds the entries in the store.
        assertThat(b.awaitMessages(c, 5)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    /**
     * A {@code GET /v1/events} stream whose wake-ups never came (every event from the sender's node
     * dropped, as a Redis restart drops those published meanwhile) still gets the entries: the
     * stream reads the store again at each keep-alive (15 s), as a long poll does when it ends.
     */
    @Test
    void entriesLostBetweenNodesReachAnEventStreamFromTheDatabase() throws Exception {
        TestUser alice = one().newUser("alice");
        TestUser bob = one().newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = on(nodes.get(0), alice.login("a"));
        TestUser.Device reader = bob.login("events");
        java.util.concurrent.BlockingQueue<String> data = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = http.send(java.net.http.HttpRequest
                .newBuilder(nodes.get(1).httpUri().resolve("/v1/events")).GET()
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + reader.token()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread.ofVirtual().start(() -> {
            boolean message = false;
            try {
                for (String line : (Iterable<String>) stream.body()::iterator) {
                    if (line.startsWith("event: ")) {
                        message = line.equals("event: message");
                    } else if (message && line.startsWith("data: ")) {
                        data.add(line.substring(6));
                    }
                }
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        try {
            nodes.get(0).node().links().cluster.dropEventsForTesting(1.0);
            for (int i = 1; i <= 3; i++) {
                a.sendMessage(c, "lost-" + i, "never handed over " + i);
            }
            List<Long> seqs = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (seqs.size() < 3 && System.nanoTime() < deadline) {
                String d = data.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (d != null) {
                    seqs.add(new io.vertx.core.json.JsonObject(d).getLong("seq"));
                }
            }
            assertThat(seqs).containsExactly(1L, 2L, 3L);
        } finally {
            stream.body().close();
            http.close();
        }
    }

    @Test
    void whenANodeDiesItsUsersGoOfflineAndItsClientsResumeOnTheOthersThenItRejoins() throws Exception {
        TestUser alice = one().newUser("alice");
        TestUser bob = one().newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device bobPhone = bob.login("phone");
        TestSocket a = on(nodes.get(0), alice.login("a"));
        a.send(new ClientFrame.Watch("w", List.of(bob.userId())));
        a.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId());
        TestSocket b = on(nodes.get(2), bobPhone);
        a.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId() && p.online());
        for (int i = 1; i <= 3; i++) {
            a.sendMessage(c, "before-" + i, "before " + i);
        }
        assertThat(b.awaitMessages(c, 3)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L);

        // Node three dies without a word; its heartbeat expires and the others reap it.
        TestNode three = nodes.get(2);
        int threePort = three.port();
        three.node().crashForTesting();
        b.awaitClose(Duration.ofSeconds(10));
        ServerFrame.Presence offline = a.awaitFrame(ServerFrame.Presence.class,
                p -> p.userId() == bob.userId() && !p.online(), Duration.ofSeconds(15));
        assertThat(offline.online()).isFalse();
        for (int i = 4; i <= 6; i++) {
            a.sendMessage(c, "during-" + i, "while bob's node is dead " + i);
        }

        // Bob's phone reconnects through the balancer, lands on a survivor and resumes.
        nodes.set(2, null);
        balancerExcluding(threePort);
        TestSocket back = on(viaBalancer(), bobPhone, Map.of(c, 3L));
        List<ServerFrame> caughtUp = back.received();
        assertThat(caughtUp).filteredOn(ServerFrame.Message.class::isInstance).map(ServerFrame.Message.class::cast)
                .extracting(ServerFrame.Message::seq).containsExactly(4L, 5L, 6L);
        a.sendMessage(c, "after", "after the failure");
        assertThat(back.awaitMessages(c, 4)).extracting(ServerFrame.Message::seq).containsExactly(4L, 5L, 6L, 7L);
        a.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == bob.userId() && p.online());

        // The node is started again on its configuration and serves again.
        TestNode restarted = start(3);
        nodes.set(2, restarted);
        TestSocket onRestarted = on(restarted, bob.login("tablet"), Map.of(c, 7L));
        a.sendMessage(c, "rejoined", "node three is back");
        assertThat(onRestarted.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(8L);
    }

    private void balancerExcluding(int port) throws Exception {
        balancer.close();
        balancer = new TcpBalancer(() -> nodes.stream().filter(n -> n != null && alive(n)).map(TestNode::port)
                .filter(p -> p != port).toList());
    }

    private static TestSocket on(TestNode node, TestUser.Device device, Map<Long, Long> positions) {
        return on(node.wsUri(), device, positions);
    }

    static void pause() {
        Awaitility.await().pollDelay(Duration.ofMillis(10)).until(() -> true);
    }
}
