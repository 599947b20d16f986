package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * JSON over HTTP to one node, with or without a bearer token. Answers come back as
 * {@link JsonObject}s (null for 204); refusals as {@link ParleyException} with the node's code.
 * Thread-safe.
 */
final class Rest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final String token;

    Rest(HttpClient http, URI base, String token) {
        this.http = http;
        this.base = normalize(base);
        this.token = token;
    }

    static HttpClient newHttpClient() {
        // HTTP/1.1 on purpose: the node speaks it, and the JDK's h2c upgrade attempt only adds a round trip.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    static URI normalize(URI base) {
        String s = base.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    URI base() {
        return base;
    }

    /** The WebSocket address that goes with this base: same host and port, {@code ws} or {@code wss}. */
    URI socketUri() {
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + base.toString().substring(base.getScheme().length()) + "/v1/ws");
    }

    JsonObject get(String path) {
        return await(send("GET", path, null));
    }

    JsonObject post(String path, Map<String, ?> body) {
        return await(send("POST", path, body));
    }

    JsonObject put(String path, Map<String, ?> body) {
        return await(send("PUT", path, body));
    }

    JsonObject patch(String path, Map<String, ?> body) {
        return await(send("PATCH", path, body));
    }

    JsonObject delete(String path) {
        return await(send("DELETE", path, null));
    }

    JsonObject delete(String path, Map<String, ?> body) {
        return await(send("DELETE", path, body));
    }

    /** A PUT whose body is raw bytes (an image), answered with JSON. */
    JsonObject putBytes(String path, byte[] body, String contentType) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "application/json").header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return await(http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((resp, err) -> {
                    if (err != null) {
                        throw new ParleyException(ErrorCode.UNAVAILABLE, "cannot reach " + base + ": " + err, err);
                    }
                    return answer("PUT", path, resp);
                }));
    }

    /** The raw bytes at a path (an avatar); refusals as for JSON calls. */
    byte[] bytes(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build();
        return await(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).handle((resp, err) -> {
            if (err != null) {
                throw new ParleyException(ErrorCode.UNAVAILABLE, "cannot reach " + base + ": " + err, err);
            }
            if (resp.statusCode() != 200) {
                throw new ParleyException(resp.statusCode() == 404 ? ErrorCode.NOT_FOUND : ErrorCode.INTERNAL,
                        "GET " + path + " answered HTTP " + resp.statusCode());
            }
            return resp.body();
        }));
    }

    CompletableFuture<JsonObject> send(String method, String path, Map<String, ?> body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((resp, err) -> {
                    if (err != null) {
                        Throwable cause = err instanceof CompletionException && err.getCause() != null
                                ? err.getCause() : err;
                        throw new ParleyException(ErrorCode.UNAVAILABLE, "cannot reach " + base + ": " + cause, cause);
                    }
                    return answer(method, path, resp);
                });
    }

    private static JsonObject answer(String method, String path, HttpResponse<String> resp) {
        int status = resp.statusCode();
        String text = resp.body();
        if (status >= 200 && status < 300) {
            return text == null || text.isBlank() ? null : Json.parseObject(text);
        }
        JsonObject error = null;
        try {
            error = text == null || text.isBlank() ? null : Json.parseObject(text).object("error");
        } catch (RuntimeException ignored) {
            // Not the documented error body (a proxy's page, say): report the status below.
        }
        if (error != null && error.has("code")) {
            throw new ParleyException(ErrorCode.fromWire(error.string("code")),
                    error.optString("message") == null ? "refused" : error.optString("message"));
        }
        ErrorCode code = status == 404 ? ErrorCode.NOT_FOUND
                : status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
        throw new ParleyException(code, method + " " + path + " answered HTTP " + status);
    }

    /** Waits for an answer on the caller's thread, rethrowing refusals as they came. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParleyException p) {
                throw p;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ParleyException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new ParleyException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the node", e);
        }
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
