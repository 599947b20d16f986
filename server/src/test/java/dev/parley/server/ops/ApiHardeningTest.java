package dev.parley.server.ops;

import dev.parley.server.AdminAddress;
import dev.parley.server.AdminToken;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers a browser cannot misuse: every one says {@code nosniff}, API answers are never cached,
 * request bodies must be declared JSON (so no cross-site "simple" form or text request can log
 * in or register), and the administration API is not on the public port at all.
 */
class ApiHardeningTest {
    @TempDir
    Path dir;

    @Test
    void answersCarryNosniffAndApiAnswersNoStore() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            Rest rest = node.rest();
            Rest.Response login = rest.login(alice.username(), alice.password(), "laptop");
            Rest.Response me = rest.get("/v1/me", login.json().getString("token"));
            Rest.Response refused = rest.get("/v1/me", "not-a-token");
            Rest.Response health = rest.get("/health", null);

            for (Rest.Response r : new Rest.Response[]{login, me, refused, health}) {
                assertThat(r.header("X-Content-Type-Options")).as("%s", r).isEqualTo("nosniff");
            }
            for (Rest.Response r : new Rest.Response[]{login, me, refused}) {
                assertThat(r.header("Cache-Control")).as("%s", r).isEqualTo("no-store");
            }
        }
    }

    @Test
    void bodiesThatAreNotDeclaredJsonAreRefusedWith415() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            Rest rest = node.rest();
            String credentials = "{\"username\":\"" + alice.username() + "\",\"password\":\"" + alice.password() + "\"}";

            Rest.Response asText = rest.send("POST", "/v1/sessions", null, credentials, "text/plain");
            Rest.Response asForm = rest.send("POST", "/v1/accounts", null,
                    "{\"username\":\"mallory\",\"password\":\"mallory-secret\"}", "application/x-www-form-urlencoded");
            Rest.Response untyped = rest.send("POST", "/v1/sessions", null, credentials, null);

            for (Rest.Response r : new Rest.Response[]{asText, asForm, untyped}) {
                assertThat(r.status()).as("%s", r).isEqualTo(415);
                assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
            }
            assertThat(rest.login("mallory", "mallory-secret", null).errorCode()).as("no account made")
                    .isEqualTo("invalid_credentials");
            assertThat(rest.send("POST", "/v1/sessions", null, credentials, "application/json; charset=utf-8").status())
                    .isEqualTo(201);
        }
    }

    @Test
    void theAdministrationApiHasItsOwnLoopbackListenerAndNotThePublicPort() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            String admin = Files.readString(dir.resolve(AdminToken.FILE)).strip();

            assertThat(node.rest().get("/admin/v1/stats", admin).status()).as("public port").isEqualTo(404);
            assertThat(node.adminPort()).isNotEqualTo(node.port());
            Rest.Response stats = node.adminRest().get("/admin/v1/stats", admin);
            assertThat(stats.status()).isEqualTo(200);
            assertThat(stats.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(stats.header("Cache-Control")).isEqualTo("no-store");
            assertThat(AdminAddress.read(dir)).contains("http://127.0.0.1:" + node.adminPort());
            // Readiness is there too, without the token, for whoever restarted the node while
            // its public port is busy with every client coming back.
            for (String health : new String[] {"/health", "/health/ready"}) {
                Rest.Response ready = node.adminRest().get(health, null);
                assertThat(ready.status()).as(health).isEqualTo(200);
                assertThat(ready.body()).contains("\"status\":\"ready\"");
            }
        }
        assertThat(AdminAddress.read(dir)).as("removed when the node stops").isEmpty();
    }
}
