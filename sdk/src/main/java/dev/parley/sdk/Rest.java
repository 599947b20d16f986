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
        HttpRequest req = request(path, TIMEOUT).header("Accept", "application/json")
                .header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return await(exchange(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8),
                resp -> answer("PUT", path, resp)));
    }

    /**
     * A POST of a file's bytes as they are, streamed from {@code file}, telling {@code progress}
     * the bytes sent so far; answered with JSON.
     */
    JsonObject postFile(String path, java.nio.file.Path file, java.util.function.LongConsumer progress) {
        long size;
        try {
            size = java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new CountingInput(java.nio.file.Files.newInputStream(file), progress);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), size);
        HttpRequest req = request(path, Duration.ofMinutes(10)).header("Accept", "application/json")
                .header("Content-Type", "application/octet-stream").POST(body).build();
        return await(exchange(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8),
                resp -> answer("POST", path, resp)));
    }

    /** Counts what is read of an upload, for its progress. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private final java.util.function.LongConsumer progress;
        private long read;

        CountingInput(java.io.InputStream in, java.util.function.LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(++read);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                progress.accept(read);
            }
            return n;
        }
    }

    /** An authorized GET whose answer is written to {@code target}; refusals as for JSON calls. */
    void download(String path, java.nio.file.Path target) {
        HttpRequest req = request(path, Duration.ofMinutes(10)).GET().build();
        java.nio.file.Path part = target.resolveSibling(target.getFileName() + ".part");
        await(exchange(req, HttpResponse.BodyHandlers.ofFile(part), resp -> {
            try {
                if (resp.statusCode() != 200) {
                    String text = java.nio.file.Files.readString(part);
                    java.nio.file.Files.deleteIfExists(part);
                    return answer("GET", path, new StringAnswer(resp, text));
                }
                java.nio.file.Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    /** An answer read to a file, seen as text to report its refusal. */
    private record StringAnswer(HttpResponse<?> resp, String body) implements HttpResponse<String> {
        public int statusCode() { return resp.statusCode(); }
        public HttpRequest request() { return resp.request(); }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return resp.headers(); }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return resp.sslSession(); }
        public URI uri() { return resp.uri(); }
        public HttpClient.Version version() { return resp.version(); }
    }

    /** The raw bytes at a path, sent with the token (an attachment's thumbnail); refusals as for JSON calls. */
    byte[] authorizedBytes(String path) {
        HttpRequest req = request(path, TIMEOUT).GET().build();
        return await(exchange(req, HttpResponse.BodyHandlers.ofByteArray(), resp -> {
            if (resp.statusCode() != 200) {
                answer("GET", path, new StringAnswer(resp, new String(resp.body(), StandardCharsets.UTF_8)));
            }
            return resp.body();
        }));
    }

    /** The raw bytes at a path (an avatar); refusals as for JSON calls. */
    byte[] bytes(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build();
        return await(exchange(req, HttpResponse.BodyHandlers.ofByteArray(), resp -> {
            if (resp.statusCode() != 200) {
                throw new ParleyException(resp.statusCode() == 404 ? ErrorCode.NOT_FOUND : ErrorCode.INTERNAL,
                        "GET " + path + " answered HTTP " + resp.statusCode());
            }
            return resp.body();
        }));
    }

    CompletableFuture<JsonObject> send(String method, String path, Map<String, ?> body) {
        HttpRequest.Builder req = request(path, TIMEOUT).header("Accept", "application/json");
        if (body != null) {
            req.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return exchange(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8),
                resp -> answer(method, path, resp));
    }

    /** A request to {@code path} on this node, carrying the bearer token when there is one. */
    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return req;
    }

    /** Sends {@code req} and reads its answer with {@code read}; not reaching the node is UNAVAILABLE. */
    private <B, T> CompletableFuture<T> exchange(HttpRequest req, HttpResponse.BodyHandler<B> body,
                                                 java.util.function.Function<HttpResponse<B>, T> read) {
        return http.sendAsync(req, body).handle((resp, err) -> {
            if (err != null) {
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                throw new ParleyException(ErrorCode.UNAVAILABLE, "cannot reach " + base + ": " + cause, cause);
            }
            return read.apply(resp);
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
