package dev.parley.server.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.push.PushContent;
import dev.parley.core.push.PushTarget;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node configured against the {@link PushServiceStandIn}, and the calls push tests make. */
final class PushTestSupport {
    static final String WEBHOOK_SECRET = "webhook-secret-for-tests";

    private PushTestSupport() {
    }

    /** Push on, every provider pointed at the stand-in, loopback targets allowed (or not). */
    static UnaryOperator<ServerConfig> pushConfig(PushServiceStandIn standIn, TestTls tls, Path dir, Duration window,
                                                  boolean allowLoopback) throws Exception {
        return pushConfig(standIn, tls, dir, window, allowLoopback, null);
    }

    /** The same, with the VAPID key pair in {@code vapidKeyFile} (one file for all of a cluster's nodes). */
    static UnaryOperator<ServerConfig> pushConfig(PushServiceStandIn standIn, TestTls tls, Path dir, Duration window,
                                                  boolean allowLoopback, Path vapidKeyFile) throws Exception {
        Path account = Files.writeString(dir.resolve("fcm-service-account.json"), standIn.serviceAccountJson());
        Path apnsKey = Files.writeString(dir.resolve("apns-key.p8"), standIn.apnsKeyPem());
        ServerConfig.Push push = new ServerConfig.Push(true, PushContent.PREVIEW, window, 10_000, 8, 100,
                "mailto:tests@parley.dev", vapidKeyFile, null, account, standIn.base(), apnsKey,
                PushServiceStandIn.APNS_KEY_ID, PushServiceStandIn.APNS_TEAM, PushServiceStandIn.APNS_TOPIC,
                standIn.base(), WEBHOOK_SECRET, allowLoopback, tls.certificate(), Duration.ofSeconds(10));
        return c -> c.withPush(push).withLimits(c.limits().withSendRate(10_000, 10_000));
    }

    static Rest.Response put(TestNode node, String token, String path, JsonObject body) {
        return node.rest().send("PUT", path, token, body == null ? null : body.encode(),
                body == null ? null : "application/json");
    }

    static void registerWebPush(TestNode node, TestUser.Device device, PushServiceStandIn.Subscription s) {
        Rest.Response r = put(node, device.token(), "/v1/devices/current/push", new JsonObject().put("type", "webpush")
                .put("endpoint", s.endpoint()).put("keys", new JsonObject().put("p256dh", s.p256dh()).put("auth", s.auth())));
        assertThat(r.status()).as("register web push: %s", r).isEqualTo(204);
    }

    static Optional<PushTarget> targetOf(TestNode node, TestUser.Device device) {
        return node.node().push().store().target(new UserId(device.user().userId()), new DeviceId(device.deviceId()));
    }

    /** Waits until nothing is queued, pending or being sent on the node. */
    static void awaitSettled(TestNode node) {
        NodePush push = node.node().push();
        await().atMost(Duration.ofSeconds(30)).until(() -> push.dispatcher().idle() && push.store().pending() == 0);
    }

    static double counted(TestNode node, String outcome) {
        return node.node().metrics().registry().counter("parley.push", "outcome", outcome).count();
    }
}
