package dev.parley.server.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.push.PushServiceStandIn.Received;
import dev.parley.server.push.PushServiceStandIn.Subscription;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.testkit.PostgresDatabases;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.parley.server.push.PushTestSupport.awaitSettled;
import static dev.parley.server.push.PushTestSupport.pushConfig;
import static dev.parley.server.push.PushTestSupport.put;
import static dev.parley.server.push.PushTestSupport.registerWebPush;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Push in a cluster of two real nodes on PostgreSQL and Redis: a device connected to the other
 * node is not pushed (it has the message live), for as long as any of its connections there is
 * open; it is pushed once it disconnects, or once its node dies and stops heartbeating.
 */
class ClusterPushTest {
    @TempDir
    static Path shared;
    @TempDir
    Path data;

    private static TestTls tls;
    private static PushServiceStandIn standIn;

    PostgresDatabases shards;
    String namespace;
    TestNode one;
    TestNode two;
    final List<TestSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void startPushService() throws Exception {
        tls = TestTls.create(shared);
        standIn = new PushServiceStandIn(tls, PushTestSupport.WEBHOOK_SECRET);
    }

    @AfterAll
    static void stopPushService() {
        standIn.close();
    }

    @BeforeEach
    void twoNodes() throws Exception {
        assumeTrue(ClusterSettings.redisAnswers(), "Redis is not running on 127.0.0.1:6379; .ci/run starts it");
        shards = PostgresDatabases.create(2);
        namespace = ClusterSettings.freshNamespace();
        Path vapid = data.resolve("vapid.json"); // one key pair for the cluster, as operations.md says
        one = start(1, vapid);
        two = start(2, vapid);
    }

    private TestNode start(int n, Path vapid) throws Exception {
        var push = pushConfig(standIn, tls, Files.createTempDirectory(shared, "cfg"), Duration.ZERO, true, vapid);
        return TestNode.start(data.resolve("node" + n), c -> ClusterSettings.node(push.apply(c), shards, namespace, n));
    }

    @AfterEach
    void stop() {
        sockets.forEach(TestSocket::close);
        for (TestNode n : new TestNode[]{one, two}) {
            if (n != null) {
                n.close();
            }
        }
        if (shards != null) {
            shards.close();
        }
    }

    /** The device connected to {@code node}, synced: its user's route and its device record are in Redis. */
    private TestSocket on(TestNode node, TestUser.Device device) {
        TestSocket s = TestSocket.connect(node.wsUri());
        sockets.add(s);
        s.authWithPositions(device.token(), Map.of());
        s.awaitFrame(ServerFrame.Synced.class);
        return s;
    }

    /** Alice and Bob in a direct conversation; Bob's phone has a Web Push subscription. */
    private record Chat(TestUser alice, long conversation, TestUser.Device phone, Subscription subscription) {
    }

    private Chat aliceAndBobsPhone() throws Exception {
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device phone = bob.login("phone");
        Subscription sub = standIn.subscribe();
        registerWebPush(one, phone, sub);
        return new Chat(alice, c, phone, sub);
    }

    private static boolean connectedAccordingTo(TestNode node, TestUser.Device device) {
        return node.node().links().liveness().isConnected(new UserId(device.user().userId()),
                new DeviceId(device.deviceId()));
    }

    private static List<JsonObject> pushesTo(Subscription s) {
        return standIn.received("webpush").stream().filter(r -> r.path().equals("/wp/" + s.id()))
                .map(Received::payload).toList();
    }

    private void awaitBothSettled() {
        awaitSettled(one);
        awaitSettled(two);
    }

    /** Whether {@code node}'s push intake knows of the device's target (what it remembers, not the database). */
    private static boolean knowsTarget(TestNode node, TestUser.Device device) {
        UserId user = new UserId(device.user().userId());
        return node.node().push().store().targets(List.of(user)).getOrDefault(user, Map.of())
                .containsKey(new DeviceId(device.deviceId()));
    }

    @Test
    void aTargetOrAMuteChangedThroughOneNodeReachesWhatTheOtherRemembers() throws Exception {
        TestUser alice = one.newUser("alice");
        TestUser bob = one.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device phone = bob.login("phone");
        TestSocket aliceOnTwo = on(two, alice.login("laptop"));
        aliceOnTwo.sendMessage(c, "m1", "before any target");
        awaitBothSettled();
        assertThat(knowsTarget(two, phone)).as("node two remembers: no target").isFalse();

        Subscription sub = standIn.subscribe();
        registerWebPush(one, phone, sub); // through node one
        await().until(() -> knowsTarget(two, phone)); // the announcement dropped node two's memory
        aliceOnTwo.sendMessage(c, "m2", "now you have a phone");
        await().until(() -> !pushesTo(sub).isEmpty());
        awaitBothSettled();
        assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(2L);

        assertThat(put(one, phone.token(), "/v1/conversations/" + c + "/mute", null)
                .status()).isEqualTo(204);
        ConversationId conversation = new ConversationId(c);
        UserId bobId = new UserId(bob.userId());
        await().until(() -> two.node().push().store().mutedIn(conversation).contains(bobId));
        aliceOnTwo.sendMessage(c, "m3", "muted now");
        awaitBothSettled();
        assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(2L);
    }

    @Test
    void aDeviceConnectedToAnotherNodeIsNotPushedAndIsPushedOnceItDisconnects() throws Exception {
        Chat chat = aliceAndBobsPhone();
        TestUser alice = chat.alice();
        long c = chat.conversation();
        TestUser.Device phone = chat.phone();
        Subscription sub = chat.subscription();
        TestSocket bobOnTwo = on(two, phone);
        TestSocket aliceOnOne = on(one, alice.login("laptop"));

        aliceOnOne.sendMessage(c, "m1", "you are on node two");
        assertThat(bobOnTwo.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(1L);
        awaitBothSettled();
        assertThat(pushesTo(sub)).as("connected to node two: no push").isEmpty();

        bobOnTwo.close();
        // Node two records the close in Redis right after the socket is gone.
        await().until(() -> !connectedAccordingTo(one, phone));
        aliceOnOne.sendMessage(c, "m2", "and now you are gone");
        await().until(() -> !pushesTo(sub).isEmpty());
        awaitBothSettled();
        assertThat(pushesTo(sub)).singleElement().satisfies(p -> {
            assertThat(p.getLong("conversationId")).isEqualTo(c);
            assertThat(p.getLong("seq")).isEqualTo(2);
            assertThat(p.getLong("unread")).isEqualTo(2);
            assertThat(p.getString("sender")).isEqualTo(alice.username());
            assertThat(p.getString("preview")).isEqualTo("and now you are gone");
        });
        assertThat(standIn.problems()).isEmpty();
    }

    @Test
    void aDeviceWithTwoConnectionsOnAnotherNodeCountsAsConnectedUntilTheLastCloses() throws Exception {
        Chat chat = aliceAndBobsPhone();
        TestUser alice = chat.alice();
        TestUser carol = one.newUser("carol");
        long c = chat.conversation();
        TestUser.Device phone = chat.phone();
        Subscription sub = chat.subscription();
        TestSocket first = on(two, phone);
        TestSocket second = on(two, phone);
        TestSocket aliceOnOne = on(one, alice.login("laptop"));

        first.close();
        await().until(() -> two.node().connections().count() == 1);
        // A barrier: node two writes to Redis in order on one connection, and a new user's first
        // connection there syncs only after its route is written; so had the first close removed
        // the device's record, that removal would be in Redis by now.
        on(two, carol.login("tablet"));
        assertThat(connectedAccordingTo(one, phone)).isTrue();
        aliceOnOne.sendMessage(c, "m1", "one connection left");
        assertThat(second.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(1L);
        awaitBothSettled();
        assertThat(pushesTo(sub)).isEmpty();

        second.close();
        await().until(() -> !connectedAccordingTo(one, phone));
        aliceOnOne.sendMessage(c, "m2", "none left");
        await().until(() -> !pushesTo(sub).isEmpty());
        awaitBothSettled();
        assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(2L);
    }

    @Test
    void aDeviceOnANodeThatDiesIsPushedOnceTheNodeStopsHeartbeating() throws Exception {
        Chat chat = aliceAndBobsPhone();
        TestUser alice = chat.alice();
        long c = chat.conversation();
        TestUser.Device phone = chat.phone();
        Subscription sub = chat.subscription();
        TestSocket bobOnTwo = on(two, phone);
        TestSocket aliceOnOne = on(one, alice.login("laptop"));
        aliceOnOne.sendMessage(c, "m1", "before");
        bobOnTwo.awaitMessages(c, 1);
        awaitBothSettled();
        assertThat(pushesTo(sub)).isEmpty();

        // As a SIGKILL: no goodbye to the cluster, its device record stays in Redis until reaped.
        two.node().crashForTesting();
        await().atMost(Duration.ofSeconds(10)).until(() -> !connectedAccordingTo(one, phone));
        aliceOnOne.sendMessage(c, "m2", "after node two died");
        await().until(() -> !pushesTo(sub).isEmpty());
        awaitSettled(one);
        assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(2L);
    }
}
