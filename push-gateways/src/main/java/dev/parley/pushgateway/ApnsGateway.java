package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushOutcome;
import dev.parley.core.push.PushTarget;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Set;

/**
 * Apple Push Notification service over HTTP/2 with token-based authentication:
 * {@code POST {base}/3/device/{token}} with a provider token (a JWT signed ES256 with the team's
 * key: header {@code alg}, {@code kid}; claims {@code iss} = team id, {@code iat}), renewed every
 * 40 minutes (Apple accepts tokens up to an hour old and refuses renewals more often than every 20).
 */
public final class ApnsGateway {
    private static final long TOKEN_LIFE_MS = 40 * 60_000L;
    private static final Set<String> GONE_REASONS = Set.of("BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered");
    private static final Set<String> TOKEN_REASONS = Set.of("ExpiredProviderToken", "InvalidProviderToken");

    private final PushHttp http;
    private final String base;
    private final PrivateKey key;
    private final String keyId;
    private final String teamId;
    private final String topic;
    private final Clock clock;
    private String token;
    private long tokenIssuedAt;

    ApnsGateway(PushHttp http, URI baseUrl, PrivateKey key, String keyId, String teamId, String topic, Clock clock) {
        this.http = http;
        this.base = baseUrl.toString().replaceAll("/+$", "");
        this.key = key;
        this.keyId = keyId;
        this.teamId = teamId;
        this.topic = topic;
        this.clock = clock;
    }

    PushOutcome send(PushNotification n, PushTarget.Apns target) {
        String jwt = providerToken();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/3/device/" + target.deviceToken()))
                    .timeout(http.timeout())
                    .header("authorization", "bearer " + jwt)
                    .header("apns-topic", topic)
                    .header("apns-push-type", "alert")
                    .header("apns-priority", "10")
                    .header("apns-collapse-id", n.collapseKey())
                    .header("apns-expiration", Long.toString(clock.instant().getEpochSecond() + WebPushGateway.TTL_SECONDS))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(n), StandardCharsets.UTF_8))
                    .build());
            int s = r.statusCode();
            String reason = Json.string(Json.read(r.body()), "reason");
            if (s == 410 || (s == 400 && GONE_REASONS.contains(reason))) {
                return new PushOutcome.Gone(reason == null ? "HTTP " + s : reason);
            }
            if (s == 403 && TOKEN_REASONS.contains(reason)) {
                forgetToken(jwt);
                return PushOutcome.retry(null, reason);
            }
            if (s == 404) {
                return new PushOutcome.Failed("HTTP 404 " + PushHttp.abbreviate(r.body()));
            }
            return PushHttp.outcome(r);
        } catch (IOException e) {
            return PushOutcome.retry(null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushOutcome.retry(null, "interrupted");
        }
    }

    /** The APNs payload: a visible alert, the unread count as the badge, and the ids for the app. */
    static String body(PushNotification n) {
        ObjectNode payload = Json.object();
        ObjectNode aps = payload.putObject("aps");
        ObjectNode alert = aps.putObject("alert").put("title", n.sender() == null ? "New message" : n.sender());
        if (n.preview() != null) {
            alert.put("body", n.preview());
        }
        aps.put("badge", n.unread()).put("sound", "default").put("thread-id", n.collapseKey());
        payload.put("conversationId", n.conversation().value()).put("seq", n.seq());
        return Json.write(payload);
    }

    private synchronized String providerToken() {
        long now = clock.millis();
        if (token == null || now - tokenIssuedAt >= TOKEN_LIFE_MS) {
            token = Jwt.es256(Json.object().put("alg", "ES256").put("kid", keyId),
                    Json.object().put("iss", teamId).put("iat", now / 1000), key);
            tokenIssuedAt = now;
        }
        return token;
    }

    private synchronized void forgetToken(String jwt) {
        if (jwt.equals(token)) {
            token = null;
        }
    }
}
