package dev.parley.server.pull;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sending without a socket: {@code POST /v1/conversations/{id}/messages} is exactly-once under a
 * client id (body or {@code Idempotency-Key}) and answers what {@code sent} carries, with the
 * socket's limits and codes; delivered, read and typing have REST forms that reach the sockets.
 */
class RestSendTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Rest.Response send(TestUser.Device d, long c, JsonObject body) {
        return node.rest().post("/v1/conversations/" + c + "/messages", d.token(), body);
    }

    private Rest.Response sendWithKey(TestUser.Device d, long c, String key, JsonObject body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(node.httpUri() + "/v1/conversations/" + c + "/messages"))
                .header("Authorization", "Bearer " + d.token()).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        return new Rest.Response(r.statusCode(), r.body(), r.body().startsWith("{") ? new JsonObject(r.body()) : null,
                r.headers());
    }

    @Test
    void aRestSendIsStoredOnceUnderItsClientIdAndReachesTheSockets() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket b = bob.login("phone").connect();
        TestUser.Device script = alice.login("script");

        Rest.Response first = send(script, c, new JsonObject().put("clientId", "k1").put("body", "hi from curl"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.json().getString("clientId")).isEqualTo("k1");
        assertThat(first.getLong("conversationId")).isEqualTo(c);
        assertThat(first.getLong("seq")).isEqualTo(1L);
        assertThat(b.awaitMessages(c, 1)).extracting(ServerFrame.Message::body).containsExactly("hi from curl");

        // Retries, concurrent and later, get the original answer; one message is stored.
        List<CompletableFuture<Rest.Response>> retries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            retries.add(CompletableFuture.supplyAsync(() -> send(script, c,
                    new JsonObject().put("clientId", "k1").put("body", "hi from curl"))));
        }
        for (CompletableFuture<Rest.Response> r : retries) {
            assertThat(r.get().json()).isEqualTo(first.json());
        }
        Rest.Response viaHeader = sendWithKey(script, c, "k2", new JsonObject().put("body", "by header"));
        assertThat(viaHeader.status()).isEqualTo(201);
        assertThat(viaHeader.getLong("seq")).isEqualTo(2L);
        assertThat(sendWithKey(script, c, "k2", new JsonObject().put("body", "by header")).json())
                .isEqualTo(viaHeader.json());
        assertThat(script.history(c, "").array("messages")).hasSize(2);
        b.expectNoFrame(ServerFrame.Message.class, m -> m.seq() > 2, java.time.Duration.ofMillis(300));

        assertThat(send(script, c, new JsonObject().put("clientId", "k1").put("body", "other text")).errorCode())
                .isEqualTo("client_id_conflict");
    }

    @Test
    void aRestSendRepliesAndMentionsAsTheSendFrameDoes() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = new dev.parley.server.support.Groups(node).createOk(alice, "Crag", bob);
        TestUser.Device script = alice.login("script");
        assertThat(send(script, c, new JsonObject().put("clientId", "q").put("body", "question?")).status()).isEqualTo(201);
        Rest.Response reply = send(script, c, new JsonObject().put("clientId", "a").put("body", "hey bob, answer")
                .put("replyTo", 2).put("mentions", new io.vertx.core.json.JsonArray().add(new JsonObject()
                        .put("userId", bob.userId()).put("offset", 4).put("length", 3))));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        JsonObject stored = script.history(c, "").array("messages").getJsonObject(2);
        assertThat(stored.getLong("replyTo")).isEqualTo(2L);
        assertThat(stored.getJsonArray("mentions").getJsonObject(0).getLong("userId")).isEqualTo(bob.userId());
        // The pulled copy is the same entry, fields and all.
        JsonObject pulled = node.rest().post("/v1/sync", bob.login("pull").token(),
                new JsonObject().put("positions", new JsonObject())).array("entries").getJsonObject(2);
        assertThat(pulled).isEqualTo(stored);
        assertThat(send(script, c, new JsonObject().put("clientId", "b").put("body", "x").put("mentions", "bob"))
                .errorCode()).isEqualTo("invalid_field");
    }

    @Test
    void aRestSendCarriesAttachmentsAsTheSendFrameDoes() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device script = alice.login("script");
        Rest.Response up = node.rest().send("POST", "/v1/attachments?name=notes.txt", script.token(),
                "plain words, nothing more", "application/octet-stream");
        assertThat(up.status()).as(up.toString()).isIn(200, 201);
        long id = up.getLong("id");
        Rest.Response sent = send(script, c, new JsonObject().put("clientId", "f1").put("body", "")
                .put("attachments", new io.vertx.core.json.JsonArray().add(id)));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        JsonObject pulled = node.rest().post("/v1/sync", bob.login("pull").token(),
                new JsonObject().put("positions", new JsonObject())).array("entries").getJsonObject(0);
        assertThat(pulled.getJsonArray("attachments").encode()).contains(Long.toString(id));
        assertThat(pulled).isEqualTo(script.history(c, "").array("messages").getJsonObject(0));
        assertThat(send(script, c, new JsonObject().put("clientId", "f2").put("body", "x")
                .put("attachments", "none")).errorCode()).isEqualTo("invalid_field");
    }

    @Test
    void refusalsAreTheSocketsOnes() throws Exception {
        node = TestNode.start(dataDir, cfg -> cfg.withLimits(ServerConfig.Limits.defaults().withSendRate(1, 2)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser mallory = node.newUser("mallory");
        long c = alice.directWith(bob);
        TestUser.Device script = alice.login("script");

        assertThat(send(script, c, new JsonObject().put("body", "no id")).errorCode()).isEqualTo("missing_field");
        assertThat(send(script, c, new JsonObject().put("clientId", "has space").put("body", "x")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(send(script, c, new JsonObject().put("clientId", "e").put("body", "")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(send(script, c, new JsonObject().put("clientId", "big").put("body", "x".repeat(16_385))).errorCode())
                .isEqualTo("too_large");
        assertThat(sendWithKey(script, c, "a", new JsonObject().put("clientId", "b").put("body", "x")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(send(mallory.login("m"), c, new JsonObject().put("clientId", "m").put("body", "let me in")).errorCode())
                .isEqualTo("not_found");
        assertThat(node.rest().post("/v1/conversations/" + c + "/messages", null,
                new JsonObject().put("clientId", "n").put("body", "x")).errorCode()).isEqualTo("unauthenticated");

        Rest.Response limited = null;
        for (int i = 0; i < 5 && limited == null; i++) {
            Rest.Response r = send(script, c, new JsonObject().put("clientId", "r" + i).put("body", "fast"));
            if (r.status() == 429) {
                limited = r;
            }
        }
        assertThat(limited).isNotNull();
        assertThat(limited.errorCode()).isEqualTo("rate_limited");
        assertThat(limited.header("Retry-After")).isNotNull();
        assertThat(limited.json().getJsonObject("error").getLong("retryAfterMs")).isPositive();
    }

    @Test
    void deliveredReadAndTypingOverRestReachTheSockets() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        a.sendMessages(c, "a", 3, "x");
        TestUser.Device script = bob.login("script");
        String base = "/v1/conversations/" + c;

        assertThat(node.rest().post(base + "/delivered", script.token(), new JsonObject().put("seq", 2)).status())
                .isEqualTo(204);
        assertThat(a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId()))
                .isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 2, 0));
        assertThat(node.rest().post(base + "/read", script.token(), new JsonObject().put("seq", 99)).status())
                .isEqualTo(204);
        a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == 3 && r.delivered() == 3);
        assertThat(node.rest().post(base + "/typing", script.token(), new JsonObject().put("typing", true)).status())
                .isEqualTo(204);
        a.awaitFrame(ServerFrame.Typing.class, t -> t.userId() == bob.userId() && t.typing());

        assertThat(node.rest().post(base + "/read", script.token(), new JsonObject()).errorCode()).isEqualTo("missing_field");
        assertThat(node.rest().post(base + "/typing", script.token(), new JsonObject().put("typing", "yes")).errorCode())
                .isEqualTo("invalid_field");
        TestUser.Device stranger = node.newUser("eve").login("e");
        assertThat(node.rest().post(base + "/read", stranger.token(), new JsonObject().put("seq", 1)).errorCode())
                .isEqualTo("not_found");
    }
}
