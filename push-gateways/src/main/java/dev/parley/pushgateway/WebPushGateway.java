package dev.parley.pushgateway;

import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushOutcome;
import dev.parley.core.push.PushTarget;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Web Push: the notification's JSON, encrypted to the subscription (RFC 8291, {@code aes128gcm}),
 * POSTed to its endpoint (RFC 8030 section 5) with a VAPID authorization (RFC 8292). The
 * {@code Topic} header lets the push service replace an undelivered notification of the same
 * conversation with the newer one.
 */
public final class WebPushGateway {
    /** How long the push service keeps an undelivered notification (RFC 8030 section 5.2). */
    static final int TTL_SECONDS = 24 * 3600;

    private final PushHttp http;
    private final VapidKeys vapid;
    private final Clock clock;

    WebPushGateway(PushHttp http, VapidKeys vapid, Clock clock) {
        this.http = http;
        this.vapid = vapid;
        this.clock = clock;
    }

    PushOutcome send(PushNotification n, PushTarget.WebPush target) {
        byte[] body = WebPushEncryption.encrypt(NotificationPayload.json(n).getBytes(StandardCharsets.UTF_8), target.p256dh(), target.auth());
        return http.deliverToTarget(URI.create(target.endpoint()), uri -> new PushHttp.TargetRequest(Map.of(
                "TTL", Integer.toString(TTL_SECONDS),
                "Urgency", "high",
                "Topic", n.collapseKey(),
                "Content-Type", "application/octet-stream",
                "Content-Encoding", "aes128gcm",
                "Authorization", vapid.authorization(uri, clock.instant())), body));
    }
}
