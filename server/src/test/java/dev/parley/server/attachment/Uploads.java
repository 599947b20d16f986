package dev.parley.server.attachment;

import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** Attachment calls as a client makes them, over real HTTP. */
final class Uploads {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Uploads() {
    }

    record Answer(int status, byte[] body, HttpHeaders headers) {
        JsonObject json() {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        }

        String errorCode() {
            return json().getJsonObject("error").getString("code");
        }

        long id() {
            return json().getLong("id");
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (body.length < 500 ? new String(body, StandardCharsets.UTF_8) : body.length + " bytes");
        }
    }

    /** Uploads with a Content-Length (the usual case). */
    static Answer upload(TestNode node, TestUser user, String name, byte[] bytes) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, name)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (user != null) {
            b.header("Authorization", "Bearer " + token(user));
        }
        return call(node, b);
    }

    /** Uploads chunked, without declaring a length, as a client streaming a file of unknown size does. */
    static Answer uploadChunked(TestNode node, TestUser user, String name, byte[] bytes) {
        return call(node, HttpRequest.newBuilder(uri(node, name)).header("Authorization", "Bearer " + token(user))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
    }

    static Answer get(TestNode node, TestUser user, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.httpUri().resolve(path)).GET();
        if (user != null) {
            b.header("Authorization", "Bearer " + token(user));
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return call(node, b);
    }

    static Answer content(TestNode node, TestUser user, long id, String... headers) {
        return get(node, user, "/v1/attachments/" + id + "/content", headers);
    }

    static Answer contentWithToken(TestNode node, String token, long id) {
        return call(node, HttpRequest.newBuilder(node.httpUri().resolve("/v1/attachments/" + id + "/content"))
                .header("Authorization", "Bearer " + token).GET());
    }

    static long uploadOk(TestNode node, TestUser user, String name, byte[] bytes) {
        Answer a = upload(node, user, name, bytes);
        if (a.status() != 201) {
            throw new AssertionError("upload: " + a);
        }
        return a.id();
    }

    private static String token(TestUser user) {
        return user.restDevice().token();
    }

    private static URI uri(TestNode node, String name) {
        return node.httpUri().resolve("/v1/attachments" + (name == null ? ""
                : "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
    }

    private static Answer call(TestNode node, HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every regular file under {@code dir} (none when it does not exist). */
    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        // A zip's signature, so the bytes are an accepted type whatever the random tail.
        b[0] = 'P';
        b[1] = 'K';
        b[2] = 3;
        b[3] = 4;
        return b;
    }
}
