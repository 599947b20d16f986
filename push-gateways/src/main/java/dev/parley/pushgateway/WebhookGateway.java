package dev.parley.pushgateway;

import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushOutcome;
import dev.parley.core.push.PushTarget;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/**
 * A custom gateway: the notification as JSON (with the user's and device's ids) POSTed to the
 * device's URL, signed so the gateway can tell it came from this node:
 * {@code X-Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * The gateway should refuse a timestamp more than a few minutes old (replays).
 */
public final class WebhookGateway {
    private final PushHttp http;
    private final byte[] secret;
    private final Clock clock;

    WebhookGateway(PushHttp http, String secret, Clock clock) {
        this.http = http;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** The JSON body for a notification. */
    static String body(PushNotification n) {
        return Json.write(Json.object()
                .put("userId", n.user().value())
                .put("deviceId", n.device().value())
                .setAll(NotificationPayload.of(n)));
    }

    /** The signature header's value for {@code body} at {@code unixSeconds}. */
    public static String signature(byte[] secret, long unixSeconds, String body) {
        try {
            byte[] mac = WebPushEncryption.hmac(secret, (unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    PushOutcome send(PushNotification n, PushTarget.Webhook target) {
        String body = body(n);
        String signature = signature(secret, clock.instant().getEpochSecond(), body);
        return http.deliverToTarget(URI.create(target.url()), uri -> new PushHttp.TargetRequest(Map.of(
                "Content-Type", "application/json",
                "X-Parley-Signature", signature), body.getBytes(StandardCharsets.UTF_8)));
    }
}
