package dev.parley.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.server.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTTP answer carries an {@code X-Request-Id}: a proxy's sane id is kept, anything else is
 * replaced by a fresh one; errors carry it too, and the node's log line about the refusal names
 * it as {@code req=<id>}.
 */
class RequestIdTest {
    private static final String HEADER = "X-Request-Id";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> send(URI base, String method, String path, String requestId, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) {
            b.header(HEADER, requestId);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(HttpResponse<String> r) {
        return r.headers().firstValue(HEADER).orElse(null);
    }

    private static String errorCode(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("error").getString("code");
    }

    @Test
    void generatedIdsAreFreshPerRequest() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = send(node.httpUri(), "GET", "/health", null, null);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(id(r)).matches("[0-9a-f]{16}");
                ids.add(id(r));
            }
            assertThat(ids).as("distinct requests get distinct ids").hasSize(20);
        }
    }

    @Test
    void aSaneIncomingIdIsEchoedAndAnythingElseReplaced() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            URI base = node.httpUri();
            String proxyId = "edge-01.Req_" + "a".repeat(52);
            assertThat(proxyId).hasSize(64);
            assertThat(id(send(base, "GET", "/health", proxyId, null))).isEqualTo(proxyId);
            assertThat(id(send(base, "GET", "/health", "7", null))).isEqualTo("7");

            for (String insane : new String[]{"x".repeat(65), "y".repeat(200), "has space", "a/b;c", "<script>", "é"}) {
                String got = id(send(base, "GET", "/health", insane, null));
                assertThat(got).as("replaces %s", insane).matches("[0-9a-f]{16}");
            }
        }
    }

    @Test
    void errorsCarryTheIdAndTheRefusalIsLoggedWithIt() throws Exception {
        Logger responder = (Logger) LoggerFactory.getLogger("dev.parley.server.http.Responder");
        Level before = responder.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        captured.start();
        responder.addAppender(captured);
        responder.setLevel(Level.DEBUG);
        try (TestNode node = TestNode.start(dir)) {
            URI base = node.httpUri();

            HttpResponse<String> noToken = send(base, "GET", "/v1/me", "no-token-1", null);
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(id(noToken)).isEqualTo("no-token-1");
            assertThat(errorCode(noToken)).isEqualTo("unauthenticated");

            HttpResponse<String> malformed = send(base, "POST", "/v1/accounts", null, "{not json");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(id(malformed)).matches("[0-9a-f]{16}");
            assertThat(errorCode(malformed)).isEqualTo("malformed");

            HttpResponse<String> unknown = send(base, "GET", "/v1/no-such-route", "unknown-route", null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(id(unknown)).isEqualTo("unknown-route");
            assertThat(errorCode(unknown)).isEqualTo("not_found");

            HttpResponse<String> admin = send(node.adminUri(), "GET", "/admin/v1/stats", "admin-1", null);
            assertThat(admin.statusCode()).isEqualTo(401);
            assertThat(id(admin)).isEqualTo("admin-1");
        } finally {
            responder.detachAppender(captured);
            responder.setLevel(before);
        }
        assertThat(captured.list).map(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("req=no-token-1").contains("/v1/me").contains("status=401"))
                .anySatisfy(line -> assertThat(line).contains("req=admin-1").contains("/admin/v1/stats"));
    }
}
