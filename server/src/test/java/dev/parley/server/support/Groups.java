package dev.parley.server.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group and conversation-list calls of docs/protocol.md over REST, each made with the acting
 * user's {@link TestUser#restDevice()} token. Every call returns the raw {@link Rest.Response};
 * the {@code ...Ok} forms also check the documented success status.
 */
public final class Groups {
    private final TestNode node;

    public Groups(TestNode node) {
        this.node = node;
    }

    private Rest rest() {
        return node.rest();
    }

    private static String token(TestUser u) {
        return u.restDevice().token();
    }

    /** {@code POST /v1/conversations/groups} naming the members by username. */
    public Rest.Response create(TestUser owner, String title, TestUser... members) {
        JsonArray names = new JsonArray(Arrays.stream(members).map(TestUser::username).toList());
        return rest().post("/v1/conversations/groups", token(owner),
                new JsonObject().put("title", title).put("usernames", names));
    }

    /** {@code POST /v1/conversations/groups} with any body. */
    public Rest.Response create(TestUser owner, JsonObject body) {
        return rest().post("/v1/conversations/groups", token(owner), body);
    }

    /** Creates a group (201 expected) and returns its id. */
    public long createOk(TestUser owner, String title, TestUser... members) {
        Rest.Response r = create(owner, title, members);
        assertThat(r.status()).as("create group: %s", r).isEqualTo(201);
        return r.getLong("conversationId");
    }

    /** {@code POST /v1/conversations/{id}/members} naming the users by id. */
    public Rest.Response add(TestUser by, long conversationId, TestUser... users) {
        return addIds(by, conversationId, Arrays.stream(users).map(TestUser::userId).toList());
    }

    public Rest.Response addIds(TestUser by, long conversationId, List<Long> userIds) {
        return rest().post("/v1/conversations/" + conversationId + "/members", token(by),
                new JsonObject().put("userIds", new JsonArray(userIds)));
    }

    public JsonObject addOk(TestUser by, long conversationId, TestUser... users) {
        return ok(add(by, conversationId, users), "add");
    }

    /** {@code DELETE /v1/conversations/{id}/members/{userId}}. */
    public Rest.Response remove(TestUser by, long conversationId, long userId) {
        return rest().delete("/v1/conversations/" + conversationId + "/members/" + userId, token(by));
    }

    public JsonObject removeOk(TestUser by, long conversationId, TestUser user) {
        return ok(remove(by, conversationId, user.userId()), "remove");
    }

    /** Leaving: removing oneself. */
    public Rest.Response leave(TestUser user, long conversationId) {
        return remove(user, conversationId, user.userId());
    }

    /** {@code PATCH /v1/conversations/{id}} with {@code {"title": ...}}. */
    public Rest.Response rename(TestUser by, long conversationId, String title) {
        return rest().send("PATCH", "/v1/conversations/" + conversationId, token(by),
                new JsonObject().put("title", title).encode(), "application/json");
    }

    public Rest.Response rename(TestUser by, long conversationId, JsonObject body) {
        return rest().send("PATCH", "/v1/conversations/" + conversationId, token(by), body.encode(),
                "application/json");
    }

    public JsonObject renameOk(TestUser by, long conversationId, String title) {
        return ok(rename(by, conversationId, title), "rename");
    }

    /** {@code PUT /v1/conversations/{id}/members/{userId}/role} with {@code {"role": ...}}. */
    public Rest.Response setRole(TestUser by, long conversationId, long userId, String role) {
        return rest().send("PUT", "/v1/conversations/" + conversationId + "/members/" + userId + "/role", token(by),
                new JsonObject().put("role", role).encode(), "application/json");
    }

    public JsonObject setRoleOk(TestUser by, long conversationId, TestUser user, String role) {
        return ok(setRole(by, conversationId, user.userId(), role), "set role");
    }

    /** {@code GET /v1/conversations/{id}}. */
    public Rest.Response conversation(TestUser by, long conversationId) {
        return rest().conversation(token(by), conversationId);
    }

    /** {@code GET /v1/conversations/{id}/messages}; {@code query} without '?', or empty. */
    public Rest.Response history(TestUser by, long conversationId, String query) {
        return rest().history(token(by), conversationId, query);
    }

    /** {@code GET /v1/conversations}; {@code query} without '?', or empty. */
    public Rest.Response list(TestUser by, String query) {
        return rest().get("/v1/conversations" + (query.isEmpty() ? "" : "?" + query), token(by));
    }

    /** The role of {@code user} in the conversation object, or null if not a member. */
    public static String roleIn(Rest.Response conversation, TestUser user) {
        JsonObject m = memberIn(conversation, user);
        return m == null ? null : m.getString("role");
    }

    /** The member entry of {@code user} in a conversation object, or null. */
    public static JsonObject memberIn(Rest.Response conversation, TestUser user) {
        for (Object o : conversation.array("members")) {
            JsonObject m = (JsonObject) o;
            if (m.getLong("userId") == user.userId()) {
                return m;
            }
        }
        return null;
    }

    private static JsonObject ok(Rest.Response r, String what) {
        assertThat(r.status()).as("%s: %s", what, r).isEqualTo(200);
        return r.json();
    }
}
