package dev.parley.push;

import dev.parley.core.push.PushNotification;
import dev.parley.core.push.PushOutcome;
import dev.parley.core.push.PushTarget;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Firebase Cloud Messaging, HTTP v1 API: {@code POST {base}/v1/projects/{project}/messages:send}
 * with an OAuth 2 access token obtained for the service account (a JWT signed RS256 with its key,
 * exchanged at its {@code token_uri}: RFC 7523) and kept until shortly before it expires.
 */
public final class FcmGateway {
    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    /** The fields of a Google service-account key file that matter here. */
    record ServiceAccount(String clientEmail, PrivateKey privateKey, URI tokenUri, String projectId) {
        static ServiceAccount parse(String json) {
            Map<String, Object> o = Json.object(json);
            String email = Json.string(o, "client_email");
            String key = Json.string(o, "private_key");
            String tokenUri = Json.string(o, "token_uri");
            if (email == null || key == null || tokenUri == null) {
                throw new IllegalArgumentException("push.fcmServiceAccountFile: needs client_email, private_key and token_uri");
            }
            return new ServiceAccount(email, Pem.privateKey(key, "RSA"), URI.create(tokenUri), Json.string(o, "project_id"));
        }
    }

    private final PushHttp http;
    private final ServiceAccount account;
    private final URI send;
    private final Clock clock;
    private String accessToken;
    private long accessTokenUntil;

    FcmGateway(PushHttp http, ServiceAccount account, String projectId, URI baseUrl, Clock clock) {
        this.http = http;
        this.account = account;
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.send = URI.create(base + "/v1/projects/" + projectId + "/messages:send");
        this.clock = clock;
    }

    PushOutcome send(PushNotification n, PushTarget.Fcm target) {
        try {
            String token = accessToken();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(send)
                    .timeout(http.timeout())
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body(n, target), StandardCharsets.UTF_8))
                    .build());
            int s = r.statusCode();
            if (s == 401) {
                forgetToken(token);
                return PushOutcome.retry(null, "FCM refused the access token");
            }
            if ((s == 400 || s == 403) && errorCode(r.body()).equals("UNREGISTERED")) {
                return new PushOutcome.Gone("UNREGISTERED");
            }
            return PushHttp.outcome(r);
        } catch (TokenException e) {
            return PushOutcome.retry(null, e.getMessage());
        } catch (IOException e) {
            return PushOutcome.retry(null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PushOutcome.retry(null, "interrupted");
        }
    }

    /** The message (FCM v1 {@code Message}): data for the app, and a visible notification. */
    static String body(PushNotification n, PushTarget.Fcm target) {
        StringBuilder b = new StringBuilder(256).append("{\"message\":{\"token\":");
        PushNotification.quote(b, target.token());
        b.append(",\"data\":{\"type\":\"message\",\"conversationId\":\"").append(n.conversation().value())
                .append("\",\"seq\":\"").append(n.seq()).append("\",\"unread\":\"").append(n.unread()).append('"');
        if (n.sender() != null) {
            b.append(",\"sender\":");
            PushNotification.quote(b, n.sender());
        }
        if (n.preview() != null) {
            b.append(",\"preview\":");
            PushNotification.quote(b, n.preview());
        }
        b.append("},\"notification\":{\"title\":");
        PushNotification.quote(b, n.sender() == null ? "New message" : n.sender());
        if (n.preview() != null) {
            b.append(",\"body\":");
            PushNotification.quote(b, n.preview());
        }
        b.append("},\"android\":{\"collapse_key\":\"").append(n.collapseKey()).append("\",\"priority\":\"high\"}")
                .append(",\"apns\":{\"headers\":{\"apns-collapse-id\":\"").append(n.collapseKey()).append("\"}}}}");
        return b.toString();
    }

    /** The FCM error code in an error answer's details ({@code UNREGISTERED}, ...), or "". */
    static String errorCode(String body) {
        if (Json.object(body).get("error") instanceof Map<?, ?> error && error.get("details") instanceof List<?> details) {
            for (Object d : details) {
                if (d instanceof Map<?, ?> m && m.get("errorCode") instanceof String code) {
                    return code;
                }
            }
        }
        return "";
    }

    private static final class TokenException extends Exception {
        TokenException(String message) {
            super(message, null, false, false);
        }
    }

    private synchronized String accessToken() throws TokenException, IOException, InterruptedException {
        long now = clock.millis();
        if (accessToken != null && now < accessTokenUntil) {
            return accessToken;
        }
        long iat = now / 1000;
        String claims = "{\"iss\":" + Jwt.quote(account.clientEmail()) + ",\"scope\":" + Jwt.quote(SCOPE)
                + ",\"aud\":" + Jwt.quote(account.tokenUri().toString()) + ",\"iat\":" + iat + ",\"exp\":" + (iat + 3600) + "}";
        String assertion = Jwt.rs256("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims, account.privateKey());
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + assertion;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(account.tokenUri())
                .timeout(http.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        Map<String, Object> o = Json.object(r.body());
        String token = Json.string(o, "access_token");
        if (r.statusCode() != 200 || token == null) {
            throw new TokenException("OAuth token request answered " + r.statusCode() + " " + PushHttp.abbreviate(r.body()));
        }
        long expiresIn = o.get("expires_in") instanceof Number x ? x.longValue() : 3600;
        accessToken = token;
        accessTokenUntil = now + Math.max(0, expiresIn - 60) * 1000;
        return token;
    }

    private synchronized void forgetToken(String token) {
        if (token.equals(accessToken)) {
            accessToken = null;
        }
    }
}
