package dev.parley.server.people;

import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** The people routes as the tests call them, each with the caller's REST device. */
final class PeopleCalls {
    private PeopleCalls() {
    }

    static Rest.Response send(TestNode node, TestUser user, String method, String path, JsonObject body) {
        return node.rest().send(method, path, user.restDevice().token(), body == null ? null : body.encode(),
                body == null ? null : "application/json");
    }

    static Rest.Response profile(TestNode node, TestUser user, String displayName, String status) {
        JsonObject b = new JsonObject();
        if (displayName != null) {
            b.put("displayName", displayName);
        }
        if (status != null) {
            b.put("status", status);
        }
        return send(node, user, "PATCH", "/v1/me/profile", b);
    }

    static void block(TestNode node, TestUser blocker, TestUser blocked) {
        Rest.Response r = send(node, blocker, "PUT", "/v1/blocks/" + blocked.userId(), null);
        assertThat(r.status()).as("block: %s", r).isEqualTo(204);
    }

    static void unblock(TestNode node, TestUser blocker, TestUser blocked) {
        Rest.Response r = send(node, blocker, "DELETE", "/v1/blocks/" + blocked.userId(), null);
        assertThat(r.status()).as("unblock: %s", r).isEqualTo(204);
    }

    static long group(TestNode node, TestUser owner, TestUser... members) {
        io.vertx.core.json.JsonArray names = new io.vertx.core.json.JsonArray();
        for (TestUser m : members) {
            names.add(m.username());
        }
        Rest.Response r = send(node, owner, "POST", "/v1/conversations/groups",
                new JsonObject().put("title", "Crew").put("usernames", names));
        assertThat(r.status()).as("group: %s", r).isEqualTo(201);
        return r.getLong("conversationId");
    }
}
