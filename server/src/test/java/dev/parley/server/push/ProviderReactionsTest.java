package dev.parley.server.push;

import dev.parley.server.push.PushServiceStandIn.Received;
import dev.parley.server.push.PushServiceStandIn.Reply;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.parley.server.push.PushTestSupport.awaitSettled;
import static dev.parley.server.push.PushTestSupport.counted;
import static dev.parley.server.push.PushTestSupport.put;
import static dev.parley.server.push.PushTestSupport.pushConfig;
import static dev.parley.server.push.PushTestSupport.targetOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a node reacts to what FCM, APNs and a webhook gateway answer: the local stand-ins check
 * every request (method, path, headers, a JWT verified with the configured key, the payload) and
 * answer success, 429 with Retry-After, 5xx, or "unregistered".
 */
class ProviderReactionsTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dataDir;

    private static TestTls tls;
    private static PushServiceStandIn standIn;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestNode node;
    private TestUser alice;
    private TestUser bob;
    private long conversation;
    private TestSocket sender;

    @BeforeAll
    static void startServices() throws Exception {
        tls = TestTls.create(shared);
        standIn = new PushServiceStandIn(tls, PushTestSupport.WEBHOOK_SECRET);
    }

    @AfterAll
    static void stopServices() {
        standIn.close();
    }

    @BeforeEach
    void startNode(@TempDir Path cfg) throws Exception {
        node = TestNode.start(dataDir, pushConfig(standIn, tls, cfg, Duration.ZERO, true));
        alice = node.newUser("alice");
        bob = node.newUser("bob");
        conversation = alice.directWith(bob);
        sender = alice.login("laptop").connect();
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    /** A new device of bob's with a target of {@code kind}; returns it and the path its pushes arrive on. */
    private Object[] deviceWith(String kind) {
        TestUser.Device d = bob.login(kind + "-device");
        JsonObject body = new JsonObject().put("type", kind);
        String path;
        switch (kind) {
            case "fcm" -> {
                String token = "fcm-" + Long.toHexString(RANDOM.nextLong()) + ":APA91b" + Long.toHexString(RANDOM.nextLong());
                body.put("token", token);
                path = "/v1/projects/" + PushServiceStandIn.FCM_PROJECT + "/messages:send#" + token;
            }
            case "apns" -> {
                byte[] t = new byte[32];
                RANDOM.nextBytes(t);
                String token = HexFormat.of().formatHex(t);
                body.put("deviceToken", token);
                path = "/3/device/" + token;
            }
            default -> {
                path = "/hook/" + d.deviceId();
                body.put("url", standIn.base() + path);
            }
        }
        assertThat(put(node, d.token(), "/v1/devices/current/push", body).status()).isEqualTo(204);
        return new Object[]{d, path};
    }

    private static List<Received> requests(String kind, String path) {
        return standIn.received(kind).stream().filter(r -> kind.equals("fcm")
                ? r.payload().getString("token").equals(path.substring(path.indexOf('#') + 1))
                : r.path().equals(path)).toList();
    }

    private void send(String body) {
        sender.sendMessage(conversation, "m-" + RANDOM.nextLong(), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcm", "apns", "webhook"})
    void successIsDeliveredWithTheNotificationTheProviderExpects(String kind) {
        Object[] d = deviceWith(kind);
        send("see you at the wall");
        await().until(() -> requests(kind, (String) d[1]).size() == 1);
        awaitSettled(node);
        JsonObject p = requests(kind, (String) d[1]).getFirst().payload();
        switch (kind) {
            case "fcm" -> {
                assertThat(p.getJsonObject("data").getMap()).containsEntry("conversationId", Long.toString(conversation))
                        .containsEntry("seq", "1").containsEntry("unread", "1").containsEntry("sender", alice.username())
                        .containsEntry("preview", "see you at the wall");
                assertThat(p.getJsonObject("notification").getString("title")).isEqualTo(alice.username());
            }
            case "apns" -> {
                assertThat(p.getJsonObject("aps").getInteger("badge")).isEqualTo(1);
                assertThat(p.getJsonObject("aps").getJsonObject("alert").getString("body")).isEqualTo("see you at the wall");
                assertThat(p.getLong("conversationId")).isEqualTo(conversation);
                assertThat(requests(kind, (String) d[1]).getFirst().version()).isEqualTo(HttpVersion.HTTP_2);
            }
            default -> assertThat(p.getLong("deviceId")).isEqualTo(((TestUser.Device) d[0]).deviceId());
        }
        assertThat(standIn.problems()).isEmpty();
        assertThat(counted(node, "delivered")).isEqualTo(1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcm", "apns", "webhook"})
    void tooManyRequestsIsRetriedNoSoonerThanRetryAfter(String kind) {
        Object[] d = deviceWith(kind);
        standIn.script(kind, new Reply(429, Map.of("Retry-After", "1"), kind.equals("apns")
                ? "{\"reason\":\"TooManyRequests\"}" : ""));
        send("hello");
        await().until(() -> requests(kind, (String) d[1]).size() == 2);
        awaitSettled(node);
        List<Received> r = requests(kind, (String) d[1]);
        assertThat(r.get(1).atMillis() - r.get(0).atMillis()).isGreaterThanOrEqualTo(950);
        assertThat(counted(node, "retried")).isEqualTo(1.0);
        assertThat(counted(node, "delivered")).isEqualTo(1.0);
        assertThat(standIn.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcm", "apns", "webhook"})
    void aServerErrorIsRetriedWithBackoff(String kind) {
        Object[] d = deviceWith(kind);
        standIn.script(kind, Reply.of(503));
        send("hello");
        await().until(() -> requests(kind, (String) d[1]).size() == 2);
        awaitSettled(node);
        assertThat(counted(node, "retried")).isEqualTo(1.0);
        assertThat(counted(node, "delivered")).isEqualTo(1.0);
        assertThat(targetOf(node, (TestUser.Device) d[0])).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fcm", "apns", "webhook"})
    void anUnregisteredTargetIsRemovedAtOnceAndNotRetried(String kind) {
        Object[] d = deviceWith(kind);
        standIn.script(kind, switch (kind) {
            case "fcm" -> new Reply(404, Map.of("Content-Type", "application/json"), "{\"error\":{\"code\":404,"
                    + "\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":"
                    + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}");
            case "apns" -> new Reply(410, Map.of("Content-Type", "application/json"),
                    "{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}");
            default -> Reply.of(410);
        });
        send("hello");
        await().until(() -> counted(node, "gone") == 1.0);
        awaitSettled(node);
        assertThat(targetOf(node, (TestUser.Device) d[0])).isEmpty();

        send("again"); // nothing is sent to a removed target
        awaitSettled(node);
        assertThat(requests(kind, (String) d[1])).hasSize(1);
        assertThat(counted(node, "retried")).isZero();
    }
}
