package dev.parley.server.pull;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message actions without a socket: {@code POST /v1/conversations/{id}/messages/{seq}/react},
 * {@code .../edit} and {@code .../delete} append the same entries as the frames, exactly once under
 * their client id, answer what {@code sent} carries (seq 0 when nothing changed), refuse with the
 * frames' codes, and need the {@code send} scope of an API token.
 */
class RestActionsTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private Rest.Response act(String token, long c, long seq, String action, JsonObject body) {
        return node.rest().post("/v1/conversations/" + c + "/messages/" + seq + "/" + action, token, body);
    }

    @Test
    void reactEditAndDeleteOverRestReachTheSocketsAsTheFramesDo() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket bobsPhone = bob.login("phone").connect();
        TestUser.Device script = alice.login("script");
        TestUser.Device bobsScript = bob.login("script");
        long seq = node.rest().post("/v1/conversations/" + c + "/messages", script.token(),
                new JsonObject().put("clientId", "m1").put("body", "dinner at 8?")).getLong("seq");

        Rest.Response like = act(bobsScript.token(), c, seq, "react", new JsonObject().put("clientId", "r1").put("emoji", "👍"));
        assertThat(like.status()).as(like.toString()).isEqualTo(201);
        assertThat(like.getLong("seq")).isEqualTo(seq + 1);
        assertThat(act(bobsScript.token(), c, seq, "react", new JsonObject().put("clientId", "r1").put("emoji", "👍")).json())
                .as("a retry gets the first answer").isEqualTo(like.json());
        Rest.Response again = act(bobsScript.token(), c, seq, "react", new JsonObject().put("clientId", "r2").put("emoji", "👍"));
        assertThat(again.getLong("seq")).as("the reaction is already there: nothing stored").isZero();

        Rest.Response edit = act(script.token(), c, seq, "edit", new JsonObject().put("clientId", "e1").put("body", "dinner at 8:30?"));
        assertThat(edit.status()).as(edit.toString()).isEqualTo(201);
        assertThat(act(bobsScript.token(), c, seq, "edit", new JsonObject().put("clientId", "e2").put("body", "mine now")).errorCode())
                .isEqualTo("forbidden");
        assertThat(act(bobsScript.token(), c, 999, "react", new JsonObject().put("clientId", "r3").put("emoji", "👍")).errorCode())
                .isEqualTo("target_not_found");
        assertThat(act(bobsScript.token(), c, seq, "react", new JsonObject().put("clientId", "r4").put("emoji", "not an emoji")).errorCode())
                .isEqualTo("invalid_field");

        Rest.Response delete = act(script.token(), c, seq, "delete", new JsonObject().put("clientId", "d1"));
        assertThat(delete.status()).as(delete.toString()).isEqualTo(201);
        assertThat(act(script.token(), c, seq, "delete", new JsonObject().put("clientId", "d2")).getLong("seq"))
                .as("already deleted: nothing stored").isZero();

        List<ServerFrame.Message> seen = bobsPhone.awaitMessages(c, 4);
        assertThat(seen).extracting(ServerFrame.Message::kind).containsExactly("text", "reaction_added", "edited", "deleted");
        assertThat(seen.get(1).targetSeq()).isEqualTo(seq);
        assertThat(seen.get(2).body()).isEqualTo("dinner at 8:30?");
        JsonObject stored = script.history(c, "").array("messages").getJsonObject(0);
        assertThat(stored.getLong("deletedAt")).isPositive();
        assertThat(stored.containsKey("body")).isFalse();
    }

    @Test
    void aReadOnlyTokenCannotActButASendTokenCan() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device login = alice.login("laptop");
        long seq = node.rest().post("/v1/conversations/" + c + "/messages", login.token(),
                new JsonObject().put("clientId", "m1").put("body", "hello")).getLong("seq");
        String reader = node.rest().post("/v1/tokens", login.token(), new JsonObject().put("name", "reader")
                .put("scopes", new JsonArray(List.of("read")))).json().getString("token");
        String sender = node.rest().post("/v1/tokens", login.token(), new JsonObject().put("name", "sender")
                .put("scopes", new JsonArray(List.of("send")))).json().getString("token");

        Rest.Response refused = act(reader, c, seq, "react", new JsonObject().put("clientId", "r1").put("emoji", "❤️"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("forbidden");
        assertThat(act(sender, c, seq, "react", new JsonObject().put("clientId", "r1").put("emoji", "❤️")).status())
                .isEqualTo(201);
    }
}
