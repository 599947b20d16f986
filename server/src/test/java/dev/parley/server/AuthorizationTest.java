package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may see and do what: a non-member cannot tell a conversation from a missing one, REST needs
 * a valid token, and logging out or revoking a device ends its token and its sockets (4003).
 */
class AuthorizationTest {
    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir);
    }

    @Test
    void aNonMemberGetsExactlyTheAnswerForAConversationThatDoesNotExist() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = alice.directWith(bob);
        TestSocket as = alice.login("laptop").connect();
        TestSocket bs = bob.login("phone").connect();
        assertThat(as.sendMessage(c, "secret-1", "just between us").seq()).isEqualTo(1);
        bs.awaitFrame(ServerFrame.Message.class);
        long missing = c + 1_000_003;

        TestUser.Device carolDevice = carol.login("snoop");
        for (String suffix : List.of("", "/messages", "/messages?after=0", "/messages?limit=1&before=2")) {
            Rest.Response nonMember = carolDevice.get("/v1/conversations/" + c + suffix);
            Rest.Response absent = carolDevice.get("/v1/conversations/" + missing + suffix);
            assertThat(nonMember.status()).as("GET %s", suffix).isEqualTo(404);
            assertThat(nonMember.errorCode()).isEqualTo("not_found");
            assertThat(nonMember.body()).as("identical to a missing conversation").isEqualTo(absent.body());
            assertThat(nonMember.status()).isEqualTo(absent.status());
        }

        TestSocket cs = carolDevice.connect();
        cs.send(new ClientFrame.Send("s1", "probe-1", c, "let me in"));
        cs.send(new ClientFrame.Send("s2", "probe-1", missing, "let me in"));
        cs.send(new ClientFrame.Delivered("d1", c, 1));
        cs.send(new ClientFrame.Delivered("d2", missing, 1));
        cs.send(new ClientFrame.Read("r1", c, 1));
        cs.send(new ClientFrame.Read("r2", missing, 1));
        for (String kind : List.of("s", "d", "r")) {
            ServerFrame.Error nonMember = cs.awaitError(kind + "1");
            ServerFrame.Error absent = cs.awaitError(kind + "2");
            assertThat(nonMember.code()).isEqualTo("not_found");
            assertThat(nonMember.conversationId()).isEqualTo(c);
            assertThat(absent.conversationId()).isEqualTo(missing);
            assertThat(nonMember.request()).isEqualTo(absent.request())
                    .isEqualTo(kind.equals("s") ? "send" : kind.equals("d") ? "delivered" : "read");
            assertThat(nonMember.message()).isEqualTo(absent.message());
            assertThat(nonMember.code()).isEqualTo(absent.code());
            assertThat(nonMember.clientId()).isEqualTo(absent.clientId());
        }
        assertThat(cs.matching(ServerFrame.Error.class, e -> true)).as("one answer per request").hasSize(6);
        assertThat(cs.matching(ServerFrame.Message.class, m -> true)).isEmpty();
        assertThat(cs.matching(ServerFrame.Receipt.class, m -> true)).isEmpty();

        // Nothing changed for the members, and nothing leaked to them.
        assertThat(as.sendMessage(c, "secret-2", "still private").seq()).isEqualTo(2);
        assertThat(bs.awaitFrame(ServerFrame.Message.class).seq()).isEqualTo(2);
        assertThat(bs.matching(ServerFrame.Receipt.class, r -> r.userId() == carol.userId())).isEmpty();
        Rest.Response conv = alice.restDevice().get("/v1/conversations/" + c);
        assertThat(conv.getLong("lastSeq")).isEqualTo(2);
        assertThat(conv.array("members").stream().map(o -> ((JsonObject) o).getLong("userId")).toList())
                .containsExactlyInAnyOrder(alice.userId(), bob.userId());
        // Carol can of course open her own conversation with alice: a different one.
        assertThat(carol.directWith(alice)).isNotEqualTo(c);
    }

    @Test
    void accountsAndSessionsFollowTheDocumentedShapes() {
        Rest rest = node.rest();
        assertThat(rest.get("/health", null).json()).isEqualTo(new JsonObject().put("status", "ready"));
        String name = "Mixed.Case_" + System.nanoTime() % 100_000;
        Rest.Response created = rest.register(name, "12345678");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().getString("username")).as("stored lower-case").isEqualTo(name.toLowerCase());
        long userId = created.getLong("userId");
        assertThat(userId).isPositive().isLessThan(1L << 53);

        Rest.Response login = rest.login(name.toUpperCase(), "12345678", null);
        assertThat(login.status()).isEqualTo(201);
        String token = login.json().getString("token");
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(login.getLong("userId")).isEqualTo(userId);
        long deviceId = login.getLong("deviceId");
        assertThat(rest.login(name, "12345678", null).json().getString("token")).as("every login is a new device")
                .isNotEqualTo(token);

        Rest.Response me = rest.get("/v1/me", token);
        JsonObject profile = new JsonObject().put("userId", userId).put("username", name.toLowerCase())
                .put("displayName", name.toLowerCase()).putNull("status").putNull("avatar").put("deleted", false);
        assertThat(me.json()).isEqualTo(profile.copy().put("deviceId", deviceId));
        Rest.Response lookup = rest.get("/v1/users/" + name, token);
        assertThat(lookup.json()).isEqualTo(profile);
        assertThat(rest.register(name.toLowerCase(), "x".repeat(1024)).errorCode()).isEqualTo("username_taken");
        assertThat(rest.register(name + "x", "x".repeat(1024)).status()).isEqualTo(201);
        assertThat(rest.register(name + "y", "x".repeat(1025)).errorCode()).isEqualTo("invalid_field");
        assertThat(rest.register(name + "z", "1234567").errorCode()).isEqualTo("invalid_field");
        assertThat(rest.login(name, "12345678", "d".repeat(64)).status()).isEqualTo(201);
        Rest.Response longName = rest.login(name, "12345678", "d".repeat(65));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.errorCode()).isEqualTo("invalid_field");
    }

    @Test
    void restNeedsAValidBearerToken() {
        TestUser alice = node.newUser("alice");
        long c = alice.directWith(node.newUser("bob"));
        Rest rest = node.rest();
        for (String token : new String[] {null, "", "not-a-token", "A".repeat(43)}) {
            for (String path : List.of("/v1/me", "/v1/devices", "/v1/conversations/" + c,
                    "/v1/conversations/" + c + "/messages", "/v1/users/" + alice.username())) {
                Rest.Response r = rest.get(path, token);
                assertThat(r.status()).as("GET %s with token %s", path, token).isEqualTo(401);
                assertThat(r.errorCode()).isEqualTo("unauthenticated");
            }
        }
        Rest.Response direct = rest.openDirect(null, alice.username());
        assertThat(direct.status()).isEqualTo(401);
        assertThat(direct.errorCode()).isEqualTo("unauthenticated");
        // A header that is not a bearer token counts as none.
        Rest.Response basic = rest.send("GET", "/v1/me", null, null, null);
        assertThat(basic.status()).isEqualTo(401);
        // With the token it works.
        Rest.Response me = alice.restDevice().get("/v1/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.getLong("userId")).isEqualTo(alice.userId());
        assertThat(me.json().getString("username")).isEqualTo(alice.username());
        assertThat(me.getLong("deviceId")).isEqualTo(alice.restDevice().deviceId());
    }

    @Test
    void logoutClosesThatDevicesSocketWith4003AndEndsItsToken() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device laptop = alice.login("laptop");
        TestUser.Device phone = alice.login("phone");
        TestSocket laptopSocket = laptop.connect();
        TestSocket phoneSocket = phone.connect();
        TestSocket phoneSecondSocket = phone.connect();

        Rest.Response out = node.rest().delete("/v1/sessions/current", phone.token());
        assertThat(out.status()).isEqualTo(204);

        TestSocket.Closed closed = phoneSocket.awaitClose();
        assertThat(closed.code()).isEqualTo(4003);
        assertThat(closed.reason()).isEqualTo("logged_out");
        assertThat(phoneSecondSocket.awaitClose().code()).as("every socket of that device").isEqualTo(4003);
        assertThat(phone.get("/v1/me").status()).isEqualTo(401);
        assertThat(phone.get("/v1/me").errorCode()).isEqualTo("unauthenticated");
        assertThat(node.rest().delete("/v1/sessions/current", phone.token()).status()).isEqualTo(401);
        TestSocket retry = node.socket();
        retry.send(new ClientFrame.Auth("a1", phone.token(), null));
        ServerFrame.Error refused = retry.awaitError("a1");
        assertThat(refused.code()).isEqualTo("unauthenticated");
        assertThat(refused.request()).isEqualTo("auth");
        assertThat(retry.awaitClose().code()).isEqualTo(4001);

        // The other device of the same user is untouched.
        TestSocket bobSocket = bob.login("b").connect();
        assertThat(bobSocket.sendMessage(c, "after-logout", "still there?").seq()).isEqualTo(1);
        assertThat(laptopSocket.awaitFrame(ServerFrame.Message.class).clientId()).isEqualTo("after-logout");
        assertThat(laptopSocket.isClosed()).isFalse();
        assertThat(laptop.get("/v1/me").status()).isEqualTo(200);
        assertThat(deviceIds(laptop)).doesNotContain(phone.deviceId()).contains(laptop.deviceId());
    }

    @Test
    void revokingAnotherDeviceClosesItsSocketWith4003() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser.Device laptop = alice.login("laptop");
        TestUser.Device lost = alice.login("lost phone");
        TestSocket laptopSocket = laptop.connect();
        TestSocket lostSocket = lost.connect();

        Rest.Response revoke = node.rest().delete("/v1/devices/" + lost.deviceId(), laptop.token());
        assertThat(revoke.status()).isEqualTo(204);
        assertThat(lostSocket.awaitClose().code()).isEqualTo(4003);
        assertThat(lost.get("/v1/me").status()).isEqualTo(401);
        assertThat(deviceIds(laptop)).doesNotContain(lost.deviceId());

        // Already revoked, someone else's, or made up: not_found, and nothing else changes.
        TestUser.Device bobDevice = bob.login("bob phone");
        TestSocket bobSocket = bobDevice.connect();
        for (long id : new long[] {lost.deviceId(), bobDevice.deviceId(), 999_999_999L}) {
            Rest.Response r = node.rest().delete("/v1/devices/" + id, laptop.token());
            assertThat(r.status()).as("revoke %d", id).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("not_found");
        }
        assertThat(bobDevice.get("/v1/me").status()).isEqualTo(200);
        bobSocket.send(new ClientFrame.Ping("still-open"));
        bobSocket.awaitFrame(ServerFrame.Pong.class, p -> "still-open".equals(p.rid()));
        laptopSocket.send(new ClientFrame.Ping("me-too"));
        laptopSocket.awaitFrame(ServerFrame.Pong.class, p -> "me-too".equals(p.rid()));
    }

    @Test
    void devicesAreListedWithTheCurrentOneMarked() {
        TestUser alice = node.newUser("alice");
        TestUser.Device laptop = alice.login("laptop");
        TestUser.Device phone = alice.login("phone");
        TestUser.Device unnamed = alice.login(null);

        Rest.Response r = phone.get("/v1/devices");
        assertThat(r.status()).isEqualTo(200);
        List<JsonObject> devices = r.array("devices").stream().map(JsonObject.class::cast).toList();
        assertThat(devices).extracting(d -> d.getLong("deviceId"))
                .containsExactlyInAnyOrder(laptop.deviceId(), phone.deviceId(), unnamed.deviceId());
        for (JsonObject d : devices) {
            assertThat(d.getBoolean("current")).as("%s", d).isEqualTo(d.getLong("deviceId") == phone.deviceId());
            assertThat(d.getLong("createdAt")).isPositive();
            assertThat(d.getLong("lastSeenAt")).isPositive();
            assertThat(d.getString("name")).isNotBlank();
        }
        assertThat(devices).filteredOn(d -> d.getLong("deviceId") == laptop.deviceId())
                .extracting(d -> d.getString("name")).containsExactly("laptop");
        // The other users' devices are not listed.
        TestUser bob = node.newUser("bob");
        TestUser.Device bobDevice = bob.login("bob laptop");
        assertThat(deviceIds(laptop)).doesNotContain(bobDevice.deviceId());
        assertThat(deviceIds(bobDevice)).containsExactly(bobDevice.deviceId());
    }

    private static List<Long> deviceIds(TestUser.Device asDevice) {
        Rest.Response r = asDevice.get("/v1/devices");
        assertThat(r.status()).isEqualTo(200);
        return r.array("devices").stream().map(o -> ((JsonObject) o).getLong("deviceId")).toList();
    }
}
