package dev.parley.server.pull;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API tokens against a real node: created by a login (shown once, listed without the secret,
 * revoked), each scope enforced over REST, pull and the WebSocket; and the bot mark in profiles.
 */
class TokensTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private Rest.Response create(TestUser.Device login, String name, String... scopes) {
        return node.rest().post("/v1/tokens", login.token(), new JsonObject().put("name", name)
                .put("scopes", new JsonArray(java.util.List.of((Object[]) scopes))));
    }

    private String token(TestUser.Device login, String name, String... scopes) {
        Rest.Response r = create(login, name, scopes);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().getString("token");
    }

    @Test
    void aTokenIsShownOnceListedWithoutItsSecretAndRevocable() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser.Device login = alice.login("laptop");
        Rest.Response made = create(login, "ci bot", "read", "send");
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().getString("token")).hasSize(43);
        assertThat(made.json().getJsonArray("scopes")).containsExactly("read", "send");
        long id = made.getLong("tokenId");
        String secret = made.json().getString("token");

        Rest.Response list = node.rest().get("/v1/tokens", login.token());
        assertThat(list.array("tokens")).hasSize(1);
        JsonObject listed = list.array("tokens").getJsonObject(0);
        assertThat(listed.getLong("tokenId")).isEqualTo(id);
        assertThat(listed.getString("name")).isEqualTo("ci bot");
        assertThat(listed.containsKey("token")).isFalse();
        assertThat(listed.getLong("lastUsedAt")).isPositive();
        assertThat(list.body()).doesNotContain(secret);

        assertThat(node.rest().get("/v1/me", secret).status()).isEqualTo(200);
        // Only a login manages tokens: a leaked token cannot mint more or list them.
        assertThat(node.rest().post("/v1/tokens", secret, new JsonObject().put("name", "x")
                .put("scopes", new JsonArray().add("read"))).errorCode()).isEqualTo("forbidden");
        assertThat(node.rest().get("/v1/tokens", secret).errorCode()).isEqualTo("forbidden");

        TestUser.Device other = node.newUser("bob").login("b");
        assertThat(node.rest().delete("/v1/tokens/" + id, other.token()).errorCode()).isEqualTo("not_found");
        assertThat(node.rest().delete("/v1/tokens/" + id, login.token()).status()).isEqualTo(204);
        assertThat(node.rest().get("/v1/me", secret).errorCode()).isEqualTo("unauthenticated");
        assertThat(node.rest().get("/v1/tokens", login.token()).array("tokens")).isEmpty();
    }

    @Test
    void badTokenRequestsGetDocumentedErrors() throws Exception {
        node = TestNode.start(dataDir);
        TestUser.Device login = node.newUser("alice").login("laptop");
        assertThat(create(login, "x", "admin").errorCode()).isEqualTo("invalid_field");
        assertThat(create(login, "x").errorCode()).isEqualTo("invalid_field");
        assertThat(create(login, "", "read").errorCode()).isEqualTo("invalid_field");
        assertThat(node.rest().post("/v1/tokens", login.token(), new JsonObject().put("name", "x")).errorCode())
                .isEqualTo("missing_field");
    }

    @Test
    void aReadTokenReadsButCannotSend() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device login = alice.login("laptop");
        TestSocket a = login.connect();
        a.sendMessage(c, "m1", "hello");
        String reader = token(login, "reader", "read");

        assertThat(node.rest().get("/v1/conversations/" + c + "/messages", reader).status()).isEqualTo(200);
        assertThat(node.rest().post("/v1/sync", reader, new JsonObject().put("positions", new JsonObject()))
                .array("entries")).hasSize(1);
        assertThat(node.rest().post("/v1/conversations/" + c + "/messages", reader,
                new JsonObject().put("clientId", "r1").put("body", "let me")).errorCode()).isEqualTo("forbidden");
        assertThat(node.rest().post("/v1/conversations/" + c + "/read", reader, new JsonObject().put("seq", 1))
                .errorCode()).isEqualTo("forbidden");
        assertThat(node.rest().post("/v1/conversations/direct", reader, new JsonObject().put("username", "carol"))
                .errorCode()).isEqualTo("forbidden");

        TestSocket s = node.socket();
        s.auth(reader);
        s.send(new ClientFrame.Send("s1", "w1", c, "over the socket"));
        ServerFrame.Error e = s.awaitError("s1");
        assertThat(e.code()).isEqualTo("forbidden");
        assertThat(e.clientId()).isEqualTo("w1");
        a.sendMessage(c, "m2", "live");
        assertThat(s.awaitMessages(c, 1)).extracting(ServerFrame.Message::seq).containsExactly(2L);
        assertThat(alice.restDevice().history(c, "").array("messages")).hasSize(2);
    }

    @Test
    void aSendTokenSendsButCannotRead() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        String sender = token(alice.login("laptop"), "notifier", "send");
        TestSocket b = bob.login("phone").connect();

        Rest.Response sent = node.rest().post("/v1/conversations/" + c + "/messages", sender,
                new JsonObject().put("clientId", "n1").put("body", "build passed"));
        assertThat(sent.status()).isEqualTo(201);
        assertThat(b.awaitMessages(c, 1)).extracting(ServerFrame.Message::body).containsExactly("build passed");
        assertThat(node.rest().get("/v1/conversations/" + c + "/messages", sender).errorCode()).isEqualTo("forbidden");
        assertThat(node.rest().post("/v1/sync", sender, new JsonObject()).errorCode()).isEqualTo("forbidden");

        TestSocket s = node.socket();
        s.send(new ClientFrame.Auth("a1", sender, null));
        assertThat(s.awaitError("a1").code()).isEqualTo("forbidden");
        assertThat(s.awaitClose().code()).isEqualTo(4001);
    }

    @Test
    void aBotAccountShowsAsOneInItsProfile() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bot = node.newUser("echo");
        long c = alice.directWith(bot);
        String manage = token(bot.login("setup"), "setup", "manage");
        Rest.Response marked = node.rest().send("PUT", "/v1/me/bot", manage, "{\"bot\":true}", "application/json");
        assertThat(marked.status()).as(marked.toString()).isEqualTo(200);
        assertThat(marked.json().getBoolean("bot")).isTrue();

        JsonObject peer = alice.restDevice().get("/v1/conversations/" + c).json().getJsonObject("peer");
        assertThat(peer.getBoolean("bot")).isTrue();
        JsonObject self = bot.restDevice().get("/v1/conversations/" + c).json().getJsonObject("peer");
        assertThat(self.containsKey("bot")).isFalse();
        assertThat(node.rest().send("PUT", "/v1/me/bot", manage, "{\"bot\":\"yes\"}", "application/json").errorCode())
                .isEqualTo("invalid_field");
    }
}
