package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
            JsonNode o = Json.read(json);
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
        ObjectNode body = Json.object();
        ObjectNode message = body.putObject("message").put("token", target.token());
        // FCM data values are strings only.
        ObjectNode data = message.putObject("data")
                .put("type", "message")
                .put("conversationId", Long.toString(n.conversation().value()))
                .put("seq", Long.toString(n.seq()))
                .put("unread", Integer.toString(n.unread()));
        if (n.sender() != null) {
            data.put("sender", n.sender());
        }
        if (n.preview() != null) {
            data.put("preview", n.preview());
        }
        ObjectNode notification = message.putObject("notification")
                .put("title", n.sender() == null ? "New message" : n.sender());
        if (n.preview() != null) {
            notification.put("body", n.preview());
        }
        message.putObject("android").put("collapse_key", n.collapseKey()).put("priority", "high");
        message.putObject("apns").putObject("headers").put("apns-collapse-id", n.collapseKey());
        return Json.write(body);
    }

    /** The FCM error code in an error answer's details ({@code UNREGISTERED}, ...), or "". */
    static String errorCode(String body) {
        for (JsonNode detail : Json.read(body).path("error").path("details")) {
            String code = Json.string(detail, "errorCode");
            if (code != null) {
                return code;
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
        ObjectNode claims = Json.object().put("iss", account.clientEmail()).put("scope", SCOPE)
                .put("aud", account.tokenUri().toString()).put("iat", iat).put("exp", iat + 3600);
        String assertion = Jwt.rs256(Json.object().put("alg", "RS256").put("typ", "JWT"), claims, account.privateKey());
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + assertion;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(account.tokenUri())
                .timeout(http.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
        JsonNode o = Json.read(r.body());
        String token = Json.string(o, "access_token");
        if (r.statusCode() != 200 || token == null) {
            throw new TokenException("OAuth token request answered " + r.statusCode() + " " + PushHttp.abbreviate(r.body()));
        }
        long expiresIn = o.path("expires_in").isNumber() ? o.path("expires_in").longValue() : 3600;
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
