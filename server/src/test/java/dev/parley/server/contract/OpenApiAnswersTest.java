package dev.parley.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.core.request.RequestRule;
import dev.parley.protocol.OpenApiContract;
import dev.parley.protocol.OpenApiContract.Operation;
import dev.parley.server.contract.CheckedApi.Answer;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real answers of a real node against the OpenAPI document. A realistic run (register, log in,
 * groups, sending over REST with retries and actions, history, pull and events, search, uploads,
 * profiles, blocks, requests, tokens, push settings, and refusals: 400, 401, 403, 404, 409, 413,
 * 415, 429) goes through {@link CheckedApi}, which holds every answer's status, media type, JSON
 * body and Retry-After to the operation it falls under; at the end every documented operation has
 * been answered at least once.
 */
class OpenApiAnswersTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private record User(String name, long id, String token, long deviceId) {
    }

    @Test
    void everyAnswerOfARealisticRunIsValidByTheDocument() throws Exception {
        node = TestNode.start(dataDir, c -> c.withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
        CheckedApi api = new CheckedApi(node.httpUri());

        // Health, metrics and the contract itself.
        for (String path : List.of("/health", "/health/ready", "/health/live", "/metrics", "/v1/openapi.yaml",
                "/v1/openapi.json", "/v1/push/vapid-public-key")) {
            assertThat(api.get(path, null).status()).isEqualTo(200);
        }

        // Accounts and logins, and their refusals.
        User alice = user(api, "alice");
        User bob = user(api, "bob");
        User carol = user(api, "carol");
        User dave = user(api, "dave");
        User erin = user(api, "erin");
        assertThat(api.post("/v1/accounts", null, creds("alice")).errorCode()).isEqualTo("username_taken");
        assertThat(api.post("/v1/accounts", null, creds("a!")).errorCode()).isEqualTo("invalid_field");
        assertThat(api.send("POST", "/v1/accounts", null, "{\"username\":".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of()).errorCode()).isEqualTo("malformed");
        assertThat(api.send("POST", "/v1/sessions", null, creds("alice").encode().getBytes(StandardCharsets.UTF_8),
                "text/plain", Map.of()).errorCode()).isEqualTo("unsupported_media_type");
        assertThat(api.post("/v1/sessions", null, new JsonObject().put("username", "alice").put("password", "wrong-one-1"))
                .errorCode()).isEqualTo("invalid_credentials");
        assertThat(api.get("/v1/conversations", "not-a-token").errorCode()).isEqualTo("unauthenticated");
        assertThat(api.get("/v1/me", alice.token()).id("deviceId")).isEqualTo(alice.deviceId());
        String phone = api.post("/v1/sessions", null, creds("alice").put("deviceName", "phone")).text("token");
        long phoneId = api.get("/v1/me", phone).id("deviceId");
        assertThat(api.get("/v1/devices", alice.token()).json().get("devices")).hasSize(2);
        assertThat(api.delete("/v1/devices/" + phoneId, alice.token()).status()).isEqualTo(204);
        assertThat(api.delete("/v1/devices/" + phoneId, alice.token()).errorCode()).isEqualTo("not_found");

        // People.
        assertThat(api.get("/v1/users/bob", alice.token()).id("userId")).isEqualTo(bob.id());
        assertThat(api.get("/v1/users/nobody", alice.token()).errorCode()).isEqualTo("not_found");
        assertThat(api.get("/v1/users?ids=" + bob.id() + "," + carol.id() + ",42", alice.token()).json().get("users"))
                .hasSize(2);

        // A group, changed by its owner and refused to a member.
        Answer group = api.post("/v1/conversations/groups", alice.token(),
                new JsonObject().put("title", "Climbing").put("usernames", new JsonArray().add("bob").add("carol")));
        assertThat(group.status()).isEqualTo(201);
        long g = group.id("conversationId");
        assertThat(api.post("/v1/conversations/" + g + "/members", alice.token(),
                new JsonObject().put("userIds", new JsonArray().add(dave.id()))).text("kind")).isEqualTo("members_added");
        assertThat(api.post("/v1/conversations/" + g + "/members", alice.token(),
                new JsonObject().put("usernames", new JsonArray().add("dave"))).errorCode()).isEqualTo("conflict");
        assertThat(api.put("/v1/conversations/" + g + "/members/" + bob.id() + "/role", alice.token(),
                new JsonObject().put("role", "admin")).text("kind")).isEqualTo("role_changed");
        assertThat(api.patch("/v1/conversations/" + g, carol.token(), new JsonObject().put("title", "Mine"))
                .errorCode()).isEqualTo("forbidden");
        assertThat(api.patch("/v1/conversations/" + g, alice.token(), new JsonObject().put("title", "Bouldering"))
                .text("kind")).isEqualTo("renamed");
        assertThat(api.delete("/v1/conversations/" + g + "/members/" + dave.id(), alice.token()).text("kind"))
                .isEqualTo("member_removed");
        assertThat(api.get("/v1/conversations/" + g, alice.token()).json().get("members")).hasSize(3);
        assertThat(api.get("/v1/conversations/9007199254740991", alice.token()).errorCode()).isEqualTo("not_found");

        // A direct conversation between people who share a group is no request.
        long c = api.post("/v1/conversations/direct", alice.token(), new JsonObject().put("username", "bob"))
                .id("conversationId");

        // Sending over REST: exactly once, actions, receipts, typing, and refusals.
        Answer hello = api.post("/v1/conversations/" + c + "/messages", alice.token(),
                new JsonObject().put("clientId", "m1").put("body", "hello world"));
        assertThat(hello.status()).isEqualTo(201);
        assertThat(api.post("/v1/conversations/" + c + "/messages", alice.token(),
                new JsonObject().put("clientId", "m1").put("body", "hello world")).json()).isEqualTo(hello.json());
        assertThat(api.post("/v1/conversations/" + c + "/messages", alice.token(),
                new JsonObject().put("clientId", "m1").put("body", "another")).errorCode()).isEqualTo("client_id_conflict");
        assertThat(api.send("POST", "/v1/conversations/" + c + "/messages", bob.token(),
                new JsonObject().put("body", "hi alice").put("replyTo", hello.id("seq")).encode()
                        .getBytes(StandardCharsets.UTF_8), "application/json", Map.of("Idempotency-Key", "k-2"))
                .status()).isEqualTo(201);
        assertThat(api.post("/v1/conversations/" + c + "/messages", alice.token(), new JsonObject().put("clientId", "m3"))
                .errorCode()).isEqualTo("missing_field");
        assertThat(api.post("/v1/conversations/" + g + "/messages", alice.token(),
                new JsonObject().put("clientId", "g1").put("body", "@bob coming?").put("mentions",
                        new JsonArray().add(new JsonObject().put("userId", bob.id()).put("offset", 0).put("length", 4))))
                .status()).isEqualTo(201);
        assertThat(api.post("/v1/conversations/" + g + "/messages", dave.token(),
                new JsonObject().put("clientId", "x").put("body", "let me in")).errorCode()).isEqualTo("not_found");
        long seq = hello.id("seq");
        String target = "/v1/conversations/" + c + "/messages/" + seq;
        assertThat(api.post(target + "/react", bob.token(), new JsonObject().put("clientId", "r1").put("emoji", "👍"))
                .id("seq")).isPositive();
        assertThat(api.post(target + "/react", bob.token(), new JsonObject().put("clientId", "r2").put("emoji", "👍"))
                .id("seq")).isZero();
        assertThat(api.post(target + "/react", bob.token(), new JsonObject().put("clientId", "r3").put("emoji", "no"))
                .errorCode()).isEqualTo("invalid_field");
        assertThat(api.post(target + "/edit", alice.token(), new JsonObject().put("clientId", "e1").put("body", "hello, world"))
                .status()).isEqualTo(201);
        assertThat(api.post(target + "/edit", bob.token(), new JsonObject().put("clientId", "e2").put("body", "mine now"))
                .errorCode()).isEqualTo("forbidden");
        assertThat(api.post("/v1/conversations/" + c + "/messages/999/react", bob.token(),
                new JsonObject().put("clientId", "r4").put("emoji", "👍")).errorCode()).isEqualTo("target_not_found");
        long doomed = api.post("/v1/conversations/" + c + "/messages", alice.token(),
                new JsonObject().put("clientId", "m4").put("body", "oops")).id("seq");
        assertThat(api.post("/v1/conversations/" + c + "/messages/" + doomed + "/delete", alice.token(),
                new JsonObject().put("clientId", "d1")).status()).isEqualTo(201);
        assertThat(api.post("/v1/conversations/" + c + "/messages/" + doomed + "/edit", alice.token(),
                new JsonObject().put("clientId", "e3").put("body", "undo")).errorCode()).isEqualTo("message_deleted");
        assertThat(api.post("/v1/conversations/" + c + "/delivered", bob.token(), new JsonObject().put("seq", seq))
                .status()).isEqualTo(204);
        assertThat(api.post("/v1/conversations/" + c + "/read", bob.token(), new JsonObject().put("seq", seq))
                .status()).isEqualTo(204);
        assertThat(api.post("/v1/conversations/" + c + "/typing", bob.token(), new JsonObject().put("typing", true))
                .status()).isEqualTo(204);
        assertThat(api.post("/v1/conversations/" + c + "/typing", bob.token(), new JsonObject()).errorCode())
                .isEqualTo("missing_field");

        // History and the conversation list.
        assertThat(api.get("/v1/conversations/" + c + "/messages", bob.token()).json().get("messages")).hasSizeGreaterThan(4);
        assertThat(api.get("/v1/conversations/" + c + "/messages?limit=2&after=1", bob.token()).json().get("hasMore")
                .asBoolean()).isTrue();
        assertThat(api.get("/v1/conversations/" + c + "/messages?limit=0", bob.token()).errorCode()).isEqualTo("invalid_field");
        assertThat(api.get("/v1/conversations?limit=1", alice.token()).json().get("nextCursor").isTextual()).isTrue();
        assertThat(api.get("/v1/conversations?folder=spam", alice.token()).errorCode()).isEqualTo("invalid_field");

        // Pull: where the device stands, everything, a long poll that times out, and refusals.
        assertThat(api.post("/v1/sync", bob.token(), new JsonObject()).json().get("entries")).isEmpty();
        JsonNode all = api.post("/v1/sync", bob.token(), new JsonObject().put("positions", new JsonObject())).json();
        assertThat(all.get("entries")).hasSizeGreaterThan(5);
        Answer quiet = api.post("/v1/sync", bob.token(), new JsonObject().put("positions",
                new JsonObject(all.get("positions").toString())).put("wait", 1));
        assertThat(quiet.json().get("entries")).isEmpty();
        assertThat(api.post("/v1/sync", bob.token(), new JsonObject().put("positions", "all")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(api.post("/v1/sync", bob.token(), new JsonObject().put("pad", "x".repeat(70_000))).errorCode())
                .isEqualTo("too_large");
        List<Map.Entry<String, JsonNode>> events = api.events(bob.token(), "0", 200,
                seen -> seen.stream().anyMatch(e -> e.getKey().equals("receipt"))
                        && seen.stream().filter(e -> e.getKey().equals("message")).count() >= 3);
        assertThat(events.getFirst().getKey()).isEqualTo("ready");
        assertThat(api.send("GET", "/v1/events", bob.token(), null, null, Map.of("Last-Event-ID", "nonsense"))
                .errorCode()).isEqualTo("invalid_field");

        // Search.
        assertThat(api.get("/v1/search?q=hello", alice.token()).json().get("hits")).hasSize(1);
        assertThat(api.get("/v1/search", alice.token()).errorCode()).isEqualTo("missing_field");
        assertThat(api.get("/v1/search?q=a+b+c+d+e+f+g+h+i", alice.token()).errorCode()).isEqualTo("too_large");

        // Attachments: a text file and an image, sent, fetched whole, in part, revalidated.
        Answer note = api.send("POST", "/v1/attachments?name=note.txt", alice.token(),
                "see you at the crag\n".getBytes(StandardCharsets.UTF_8), "application/octet-stream", Map.of());
        assertThat(note.text("contentType")).isEqualTo("text/plain");
        Answer photo = api.send("POST", "/v1/attachments?name=photo.png", alice.token(), png(40, 30), "image/png",
                Map.of());
        assertThat(photo.id("width")).isEqualTo(40);
        assertThat(api.send("POST", "/v1/attachments", alice.token(), new byte[0], "application/octet-stream", Map.of())
                .errorCode()).isEqualTo("missing_field");
        assertThat(api.post("/v1/conversations/" + c + "/messages", alice.token(), new JsonObject().put("clientId", "f1")
                .put("body", "").put("attachments", new JsonArray().add(note.id("id")).add(photo.id("id")))).status())
                .isEqualTo(201);
        String file = "/v1/attachments/" + note.id("id");
        assertThat(api.get(file, bob.token()).text("sha256")).isEqualTo(note.text("sha256"));
        assertThat(api.get(file + "/content", bob.token()).status()).isEqualTo(200);
        assertThat(api.send("GET", file + "/content", bob.token(), null, null, Map.of("Range", "bytes=0-2")).status())
                .isEqualTo(206);
        assertThat(api.send("GET", file + "/content", bob.token(), null, null,
                Map.of("If-None-Match", "\"" + note.text("sha256") + "\"")).status()).isEqualTo(304);
        assertThat(api.get(file + "/thumbnail", bob.token()).errorCode()).isEqualTo("not_found");
        assertThat(api.get("/v1/attachments/" + photo.id("id") + "/thumbnail", bob.token()).contentType())
                .isEqualTo("image/jpeg");
        assertThat(api.get(file, dave.token()).errorCode()).isEqualTo("not_found");
        assertThat(api.get("/v1/conversations/" + c + "/messages?before=100", bob.token()).status()).isEqualTo(200);

        // Profile and avatar, up to the profile change allowance.
        assertThat(api.patch("/v1/me/profile", alice.token(), new JsonObject().put("displayName", "Alice L.")
                .put("status", "on the wall")).text("displayName")).isEqualTo("Alice L.");
        assertThat(api.patch("/v1/me/profile", alice.token(), new JsonObject().put("displayName", "\u202Eevil"))
                .errorCode()).isEqualTo("invalid_field");
        Answer avatar = api.send("PUT", "/v1/me/avatar", alice.token(), png(64, 64), "image/png", Map.of());
        assertThat(api.get("/v1/users/" + alice.id() + "/avatar/" + avatar.text("avatar"), null).contentType())
                .isEqualTo("image/jpeg");
        assertThat(api.get("/v1/users/" + alice.id() + "/avatar/old", null).errorCode()).isEqualTo("not_found");
        assertThat(api.delete("/v1/me/avatar", alice.token()).json().get("avatar").isNull()).isTrue();
        String refused = null;
        for (int i = 0; i < 15 && refused == null; i++) {
            refused = api.patch("/v1/me/profile", alice.token(), new JsonObject().put("status", "try " + i)).errorCode();
        }
        assertThat(refused).as("the profile change allowance runs out").isEqualTo("rate_limited");

        // Blocks.
        assertThat(api.put("/v1/blocks/" + carol.id(), alice.token(), null).status()).isEqualTo(204);
        assertThat(api.put("/v1/blocks/" + alice.id(), alice.token(), null).errorCode()).isEqualTo("invalid_field");
        assertThat(api.get("/v1/blocks", alice.token()).json().get("blocks")).hasSize(1);
        assertThat(api.post("/v1/conversations/direct", carol.token(), new JsonObject().put("userId", alice.id()))
                .errorCode()).isEqualTo("unreachable");
        assertThat(api.delete("/v1/blocks/" + carol.id(), alice.token()).status()).isEqualTo(204);
        assertThat(api.delete("/v1/blocks/" + carol.id(), alice.token()).errorCode()).isEqualTo("not_found");

        // Message requests between strangers: one accepted, one declined.
        long request = api.post("/v1/conversations/direct", dave.token(), new JsonObject().put("username", "erin"))
                .id("conversationId");
        assertThat(api.post("/v1/conversations/" + request + "/messages", dave.token(),
                new JsonObject().put("clientId", "q1").put("body", "hi, we met at the gym")).status()).isEqualTo(201);
        assertThat(api.get("/v1/conversations?folder=requests", erin.token()).json().get("conversations")).hasSize(1);
        assertThat(api.get("/v1/conversations/" + request, erin.token()).json().get("request").asBoolean()).isTrue();
        assertThat(api.post("/v1/conversations/" + request + "/accept", erin.token()).status()).isEqualTo(200);
        long second = api.post("/v1/conversations/direct", carol.token(), new JsonObject().put("username", "erin"))
                .id("conversationId");
        api.post("/v1/conversations/" + second + "/messages", carol.token(), new JsonObject().put("clientId", "q2")
                .put("body", "hello?"));
        assertThat(api.post("/v1/conversations/" + second + "/decline", erin.token()).status()).isEqualTo(204);
        assertThat(api.post("/v1/conversations/" + second + "/decline", erin.token()).errorCode()).isEqualTo("not_found");

        // Reports.
        assertThat(api.post("/v1/reports", erin.token(), new JsonObject().put("userId", dave.id())
                .put("conversationId", request).put("reason", "spam")).id("entries")).isEqualTo(1);
        assertThat(api.post("/v1/reports", erin.token(), new JsonObject().put("userId", carol.id()).put("reason", "rude"))
                .errorCode()).isEqualTo("invalid_field");

        // API tokens and bots.
        Answer issued = api.post("/v1/tokens", alice.token(), new JsonObject().put("name", "reader")
                .put("scopes", new JsonArray().add("read")));
        assertThat(issued.status()).isEqualTo(201);
        String reader = issued.text("token");
        assertThat(api.get("/v1/tokens", alice.token()).json().get("tokens")).hasSize(1);
        assertThat(api.get("/v1/conversations", reader).status()).isEqualTo(200);
        assertThat(api.post("/v1/conversations/" + c + "/messages", reader, new JsonObject().put("clientId", "t1")
                .put("body", "from a reader")).errorCode()).isEqualTo("forbidden");
        assertThat(api.post("/v1/tokens", reader, new JsonObject().put("name", "more").put("scopes",
                new JsonArray().add("send"))).errorCode()).isEqualTo("forbidden");
        assertThat(api.put("/v1/me/bot", alice.token(), new JsonObject().put("bot", true)).json().get("bot").asBoolean())
                .isTrue();
        assertThat(api.get("/v1/users/alice", bob.token()).json().get("bot").asBoolean()).isTrue();
        assertThat(api.put("/v1/me/bot", alice.token(), new JsonObject().put("bot", "yes")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(api.delete("/v1/tokens/" + issued.id("tokenId"), alice.token()).status()).isEqualTo(204);
        assertThat(api.delete("/v1/tokens/" + issued.id("tokenId"), alice.token()).errorCode()).isEqualTo("not_found");

        // Push settings.
        assertThat(api.put("/v1/devices/current/push", bob.token(), new JsonObject().put("type", "pigeon")).errorCode())
                .isEqualTo("invalid_field");
        assertThat(api.delete("/v1/devices/current/push", bob.token()).status()).isEqualTo(204);
        assertThat(api.put("/v1/conversations/" + c + "/mute", bob.token(), null).status()).isEqualTo(204);
        assertThat(api.delete("/v1/conversations/" + c + "/mute", bob.token()).status()).isEqualTo(204);
        assertThat(api.put("/v1/conversations/" + request + "/mute", bob.token(), null).errorCode()).isEqualTo("not_found");

        // Passwords, logging out, deleting an account.
        assertThat(api.put("/v1/me/password", bob.token(), new JsonObject().put("currentPassword", "wrong-password")
                .put("newPassword", "a new long one")).errorCode()).isEqualTo("invalid_credentials");
        assertThat(api.put("/v1/me/password", bob.token(), new JsonObject().put("currentPassword", password("bob"))
                .put("newPassword", "a new long one").put("revokeOtherDevices", true)).id("revokedDevices")).isZero();
        assertThat(api.delete("/v1/sessions/current", bob.token()).status()).isEqualTo(204);
        assertThat(api.get("/v1/me", bob.token()).errorCode()).isEqualTo("unauthenticated");
        assertThat(api.delete("/v1/me", carol.token(), new JsonObject().put("password", password("carol"))).status())
                .isEqualTo(204);

        // Outside every operation, as the document's description says: 404 and 405 with the Error body.
        OpenApiContract contract = OpenApiContract.load();
        for (String[] outside : new String[][]{{"GET", "/v1/nowhere", "404"}, {"DELETE", "/v1/sync", "405"}}) {
            Rest.Response r = node.rest().send(outside[0], outside[1], alice.token(), null, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(Integer.parseInt(outside[2]));
            assertThat(contract.problems(OpenApiContract.component("Error"),
                    new ObjectMapper().readTree(r.body()))).as(r.toString()).isEmpty();
        }

        Set<Operation> unanswered = new TreeSet<>(contract.operations());
        unanswered.removeAll(api.seen().keySet());
        assertThat(unanswered).as("documented operations this run did not reach").isEmpty();
        assertThat(api.seen().values().stream().flatMap(Set::stream).toList())
                .contains(200, 201, 204, 206, 304, 400, 401, 403, 404, 409, 413, 415, 429);
    }

    private static String password(String name) {
        return name + "-secret-password";
    }

    private static JsonObject creds(String name) {
        return new JsonObject().put("username", name).put("password", password(name));
    }

    private static User user(CheckedApi api, String name) {
        Answer registered = api.post("/v1/accounts", null, creds(name));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        Answer login = api.post("/v1/sessions", null, creds(name).put("deviceName", "laptop"));
        assertThat(login.status()).as(login.toString()).isEqualTo(201);
        return new User(name, login.id("userId"), login.text("token"), login.id("deviceId"));
    }

    private static byte[] png(int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
