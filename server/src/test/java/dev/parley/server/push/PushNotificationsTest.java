package dev.parley.server.push;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.push.PushServiceStandIn.Received;
import dev.parley.server.push.PushServiceStandIn.Reply;
import dev.parley.server.push.PushServiceStandIn.Subscription;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.server.push.PushTestSupport.awaitSettled;
import static dev.parley.server.push.PushTestSupport.counted;
import static dev.parley.server.push.PushTestSupport.put;
import static dev.parley.server.push.PushTestSupport.pushConfig;
import static dev.parley.server.push.PushTestSupport.registerWebPush;
import static dev.parley.server.push.PushTestSupport.targetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Push notifications end to end: a real node sends real Web Push requests (VAPID, RFC 8291
 * encryption) to a local push service, which checks them and decrypts them with the
 * subscription's private key.
 */
class PushNotificationsTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dataDir;

    private static TestTls tls;
    private static PushServiceStandIn standIn;

    @BeforeAll
    static void startPushService() throws Exception {
        tls = TestTls.create(shared);
        standIn = new PushServiceStandIn(tls, PushTestSupport.WEBHOOK_SECRET);
    }

    @AfterAll
    static void stopPushService() {
        standIn.close();
    }

    private TestNode start(Duration window) throws Exception {
        return TestNode.start(dataDir, pushConfig(standIn, tls, Files.createTempDirectory(shared, "cfg"), window, true));
    }

    private static List<JsonObject> pushesTo(Subscription s) {
        return standIn.received("webpush").stream().filter(r -> r.path().equals("/wp/" + s.id()))
                .map(Received::payload).toList();
    }

    @Test
    void anOfflineDeviceIsPushedAndAConnectedOneIsNot() throws Exception {
        try (TestNode node = start(Duration.ofSeconds(1))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestUser.Device phone = bob.login("phone");
            TestUser.Device laptop = bob.login("laptop");
            Subscription phoneSub = standIn.subscribe();
            Subscription laptopSub = standIn.subscribe();
            registerWebPush(node, phone, phoneSub);
            registerWebPush(node, laptop, laptopSub);
            TestSocket laptopSocket = laptop.connect();
            TestSocket aliceSocket = alice.login("laptop").connect();

            aliceSocket.sendMessage(c, "m1", "Are we still on for climbing tomorrow at six?");

            await().until(() -> !pushesTo(phoneSub).isEmpty());
            awaitSettled(node);
            assertThat(laptopSocket.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(1L);
            assertThat(pushesTo(laptopSub)).isEmpty();
            assertThat(pushesTo(phoneSub)).containsExactly(new JsonObject().put("type", "message").put("conversationId", c)
                    .put("seq", 1).put("unread", 1).put("sender", alice.username())
                    .put("preview", "Are we still on for climbing tomorrow at six?"));
            // Alice, the sender, has no target; her devices are never pushed for her own message anyway.
            assertThat(standIn.problems()).isEmpty();
            assertThat(counted(node, "delivered")).isEqualTo(1.0);
            assertThat(node.rest().get("/v1/push/vapid-public-key", null).json().getString("publicKey"))
                    .hasSize(87).startsWith("B");
        }
    }

    @Test
    void aMutedConversationDoesNotPushUntilUnmuted() throws Exception {
        try (TestNode node = start(Duration.ZERO)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            TestUser carol = node.newUser("carol");
            long muted = alice.directWith(bob);
            long other = carol.directWith(bob);
            TestUser.Device phone = bob.login("phone");
            Subscription sub = standIn.subscribe();
            registerWebPush(node, phone, sub);
            assertThat(put(node, phone.token(), "/v1/conversations/" + muted + "/mute", null).status()).isEqualTo(204);
            Rest.Response notMember = put(node, carol.restDevice().token(), "/v1/conversations/" + muted + "/mute", null);
            assertThat(notMember.errorCode()).isEqualTo("not_found");

            alice.login("a").connect().sendMessage(muted, "m1", "muted, not pushed");
            carol.login("c").connect().sendMessage(other, "m1", "pushed");
            await().until(() -> pushesTo(sub).size() == 1);
            awaitSettled(node);
            assertThat(pushesTo(sub)).singleElement().satisfies(p -> assertThat(p.getLong("conversationId")).isEqualTo(other));

            assertThat(node.rest().delete("/v1/conversations/" + muted + "/mute", phone.token()).status()).isEqualTo(204);
            alice.login("a2").connect().sendMessage(muted, "m2", "unmuted, pushed");
            await().until(() -> pushesTo(sub).size() == 2);
            assertThat(pushesTo(sub).get(1).getLong("conversationId")).isEqualTo(muted);
            assertThat(pushesTo(sub).get(1).getLong("unread")).isEqualTo(2);
        }
    }

    @Test
    void aBurstOfFiveHundredMessagesIsCoalescedCarryingTheLatestUnreadCount() throws Exception {
        Duration window = Duration.ofSeconds(2);
        try (TestNode node = start(window)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            Subscription sub = standIn.subscribe();
            registerWebPush(node, bob.login("phone"), sub);
            TestSocket a = alice.login("laptop").connect();

            long started = System.nanoTime();
            for (int i = 1; i <= 500; i++) {
                a.sendMessage(c, "m" + i, "message " + i);
            }
            long burstMs = (System.nanoTime() - started) / 1_000_000;

            await().until(() -> pushesTo(sub).stream().anyMatch(p -> p.getLong("seq") == 500));
            awaitSettled(node);
            List<JsonObject> pushes = pushesTo(sub);
            // The first push goes out at once (carrying whatever had arrived by then), then at most
            // one per window while the burst lasts.
            assertThat(pushes).hasSizeLessThanOrEqualTo((int) (2 + burstMs / window.toMillis()));
            assertThat(pushes.size()).isLessThan(50);
            assertThat(pushes.getLast().getLong("seq")).isEqualTo(500);
            assertThat(pushes.getLast().getLong("unread")).isEqualTo(500);
            assertThat(pushes.getLast().getString("preview")).isEqualTo("message 500");
            assertThat(pushes).extracting(p -> p.getLong("seq")).isSorted().doesNotHaveDuplicates();
            assertThat(standIn.problems()).isEmpty();
        }
    }

    @Test
    void pushesPendingAtARestartAreSentAfterItOnceAndNothingIsSentTwice() throws Exception {
        try (TestNode node = start(Duration.ofSeconds(3))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            Subscription sub = standIn.subscribe();
            registerWebPush(node, bob.login("phone"), sub);
            TestSocket a = alice.login("laptop").connect();
            a.sendMessage(c, "m1", "first");
            await().until(() -> pushesTo(sub).size() == 1);
            a.sendMessage(c, "m2", "second");
            a.sendMessage(c, "m3", "third");
            // Both wait in the outbox for the coalescing window: one row.
            await().until(() -> node.node().push().dispatcher().idle() && node.node().push().store().pending() == 1);

            node.restart();

            await().until(() -> pushesTo(sub).size() >= 2);
            awaitSettled(node);
            assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(1L, 3L);
            assertThat(pushesTo(sub).getLast().getLong("unread")).isEqualTo(3);
        }
    }

    @Test
    void aPushInFlightWhenTheNodeCrashesIsNeverSentAgain() throws Exception {
        try (TestNode node = start(Duration.ZERO)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            Subscription sub = standIn.subscribe();
            registerWebPush(node, bob.login("phone"), sub);
            standIn.script("webpush", Reply.of(PushServiceStandIn.HOLD));
            alice.login("laptop").connect().sendMessage(c, "m1", "in flight");
            await().until(() -> pushesTo(sub).size() == 1); // taken by the service, never answered

            node.node().crashForTesting();
            node.restart();

            node.newUser("after").login("x"); // the node is up again
            alice.login("laptop2").connect().sendMessage(c, "m2", "after the crash");
            await().until(() -> pushesTo(sub).size() >= 2);
            awaitSettled(node);
            assertThat(pushesTo(sub)).extracting(p -> p.getLong("seq")).containsExactly(1L, 2L);
        }
    }

    @Test
    void aRegistrationPointingIntoThePrivateNetworkIsRefused(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dataDir, pushConfig(standIn, tls, dir, Duration.ZERO, false))) {
            TestUser.Device d = node.newUser("mallory").login("phone");
            Subscription real = standIn.subscribe();
            for (String url : List.of("https://127.0.0.1:8080/x", "https://localhost/x", "https://10.0.0.1/x",
                    "https://192.168.1.1/admin", "https://169.254.169.254/latest/meta-data/", "https://[::1]/x",
                    "https://[fd00::1]/x")) {
                Rest.Response r = put(node, d.token(), "/v1/devices/current/push", new JsonObject().put("type", "webpush")
                        .put("endpoint", url).put("keys", new JsonObject().put("p256dh", real.p256dh()).put("auth", real.auth())));
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.errorCode()).isEqualTo("invalid_field");
                assertThat(r.errorMessage()).contains("loopback, private or link-local");
                Rest.Response hook = put(node, d.token(), "/v1/devices/current/push",
                        new JsonObject().put("type", "webhook").put("url", url));
                assertThat(hook.errorCode()).as(url).isEqualTo("invalid_field");
            }
            Rest.Response plain = put(node, d.token(), "/v1/devices/current/push",
                    new JsonObject().put("type", "webhook").put("url", "http://93.184.215.14/hook"));
            assertThat(plain.errorCode()).isEqualTo("invalid_field");
            assertThat(plain.errorMessage()).contains("https");
            assertThat(targetOf(node, d)).isEmpty();
        }
    }

    @Test
    void aRedirectIntoThePrivateNetworkIsNotFollowed() throws Exception {
        try (TestNode node = start(Duration.ZERO)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestUser.Device phone = bob.login("phone");
            String hook = standIn.base() + "/hook/" + phone.deviceId();
            assertThat(put(node, phone.token(), "/v1/devices/current/push",
                    new JsonObject().put("type", "webhook").put("url", hook)).status()).isEqualTo(204);
            standIn.script("webhook", new Reply(307, Map.of("Location", "https://10.0.0.1/internal"), ""));

            alice.login("laptop").connect().sendMessage(c, "m1", "hi");
            await().until(() -> counted(node, "failed") == 1.0);
            awaitSettled(node);
            assertThat(standIn.received("webhook")).filteredOn(r -> r.path().endsWith("/" + phone.deviceId())).hasSize(1);
            assertThat(targetOf(node, phone)).isPresent();
        }
    }

    @Test
    void aDeviceReplacesAndRemovesItsTargetAndLoggingOutRemovesIt() throws Exception {
        try (TestNode node = start(Duration.ZERO)) {
            TestUser bob = node.newUser("bob");
            TestUser.Device phone = bob.login("phone");
            registerWebPush(node, phone, standIn.subscribe());
            assertThat(targetOf(node, phone)).get().extracting(t -> t.type()).isEqualTo("webpush");
            assertThat(put(node, phone.token(), "/v1/devices/current/push", new JsonObject().put("type", "apns")
                    .put("deviceToken", "ab".repeat(32))).status()).isEqualTo(204);
            assertThat(targetOf(node, phone)).get().extracting(t -> t.type()).isEqualTo("apns");
            assertThat(node.rest().delete("/v1/devices/current/push", phone.token()).status()).isEqualTo(204);
            assertThat(targetOf(node, phone)).isEmpty();

            Rest.Response bad = put(node, phone.token(), "/v1/devices/current/push", new JsonObject().put("type", "carrier-pigeon"));
            assertThat(bad.errorCode()).isEqualTo("invalid_field");
            assertThat(put(node, phone.token(), "/v1/devices/current/push", new JsonObject().put("type", "fcm"))
                    .errorCode()).isEqualTo("missing_field");

            registerWebPush(node, phone, standIn.subscribe());
            assertThat(node.rest().delete("/v1/sessions/current", phone.token()).status()).isEqualTo(204);
            assertThat(targetOf(node, phone)).isEmpty();
        }
    }
}
