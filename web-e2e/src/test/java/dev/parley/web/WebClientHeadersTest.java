package dev.parley.web;

import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node serves the web client at {@code /} with its security headers, next to an API that stays
 * as it was: JSON answers, and no web-client headers on them.
 */
class WebClientHeadersTest {
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "content-security-policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; "
                    + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                    + "form-action 'self'",
            "x-content-type-options", "nosniff",
            "referrer-policy", "no-referrer",
            "x-frame-options", "DENY",
            "cross-origin-opener-policy", "same-origin",
            "cache-control", "no-cache");

    @TempDir
    static Path data;
    private static TestNode node;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(data);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rootServesTheClientPageWithSecurityHeaders() throws Exception {
        HttpResponse<String> res = get("/");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        SECURITY_HEADERS.forEach((name, value) -> assertThat(res.headers().firstValue(name)).as(name).hasValue(value));
        assertThat(res.headers().firstValue("permissions-policy")).hasValueSatisfying(v -> assertThat(v).contains("camera=()"));
        assertThat(res.body()).contains("<script type=\"module\" src=\"app.js\"></script>")
                .contains("<link rel=\"stylesheet\" href=\"style.css\">");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app.js", "/views/chat.js", "/style.css", "/icon.svg", "/index.html"})
    void everyFileHasItsTypeAndTheHeaders(String path) throws Exception {
        HttpResponse<String> res = get(path);

        assertThat(res.statusCode()).isEqualTo(200);
        String expected = switch (path.substring(path.lastIndexOf('.') + 1)) {
            case "js" -> "text/javascript"; // a module script with nosniff needs a JavaScript type
            case "css" -> "text/css";
            case "svg" -> "image/svg+xml";
            default -> "text/html";
        };
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith(expected));
        SECURITY_HEADERS.forEach((name, value) -> assertThat(res.headers().firstValue(name)).as(name).hasValue(value));
    }

    @Test
    void theApiKeepsItsJsonAnswers() throws Exception {
        HttpResponse<String> unknown = get("/v1/no-such-endpoint");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"not_found\"");
        assertThat(unknown.headers().firstValue("content-security-policy")).isEmpty();

        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("ready");
        assertThat(health.headers().firstValue("content-security-policy")).isEmpty();
    }

    @Test
    void aMissingFileIsNotFound() throws Exception {
        assertThat(get("/no-such-file.js").statusCode()).isEqualTo(404);
        assertThat(get("/../pom.xml").statusCode()).isIn(400, 404);
    }
}
