package dev.parley.server.support;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small REST client on {@link java.net.http.HttpClient}: every call returns status and parsed JSON. */
public final class Rest {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final HttpClient http;

    public Rest(URI base) {
        this(base, HTTP);
    }

    /** A client with its own {@link HttpClient}, for example one that trusts a test certificate. */
    public Rest(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /** An HTTP answer: the status, the raw body, the body as JSON when it is a JSON object, and the headers. */
    public record Response(int status, String body, JsonObject json, HttpHeaders headers) {
        /** The first value of a header, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The {@code error.code} of an error answer, or null. */
        public String errorCode() {
            JsonObject e = json == null ? null : json.getJsonObject("error");
            return e == null ? null : e.getString("code");
        }

        public String errorMessage() {
            JsonObject e = json == null ? null : json.getJsonObject("error");
            return e == null ? null : e.getString("message");
        }

        public long getLong(String field) {
            return json.getLong(field);
        }

        public JsonArray array(String field) {
            return json.getJsonArray(field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Response post(String path, String token, JsonObject body) {
        return send("POST", path, token, body.encode(), "application/json");
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    /** A JSON request with one extra header (such as {@code X-Forwarded-For}). */
    public Response sendWithHeader(String method, String path, String header, String value, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header(header, value)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        return send(b);
    }

    /** Any method, any body (null for none), any content type. */
    public Response send(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), parse(r.body()), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank() || !body.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException e) {
            return null;
        }
    }

    // ---- the documented calls ----------------------------------------------------------

    public Response register(String username, String password) {
        return post("/v1/accounts", null, new JsonObject().put("username", username).put("password", password));
    }

    public Response register(String username, String password, String invite) {
        return post("/v1/accounts", null, new JsonObject().put("username", username).put("password", password)
                .put("invite", invite));
    }

    public Response login(String username, String password, String deviceName) {
        JsonObject b = new JsonObject().put("username", username).put("password", password);
        if (deviceName != null) {
            b.put("deviceName", deviceName);
        }
        return post("/v1/sessions", null, b);
    }

    public Response openDirect(String token, String peerUsername) {
        return post("/v1/conversations/direct", token, new JsonObject().put("username", peerUsername));
    }

    public Response conversation(String token, long conversationId) {
        return get("/v1/conversations/" + conversationId, token);
    }

    /** A history page; {@code query} is the query string without '?', or empty. */
    public Response history(String token, long conversationId, String query) {
        return get("/v1/conversations/" + conversationId + "/messages" + (query.isEmpty() ? "" : "?" + query), token);
    }
}
