package dev.parley.server.people;

import dev.parley.core.account.AccountDeletion;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.parley.server.people.PeopleCalls.group;
import static org.assertj.core.api.Assertions.assertThat;

/** Changing the password, deleting the account, and what others see of a deleted account. */
class AccountControlTest {
    @TempDir
    Path dir;

    @Test
    void changingThePasswordCanLogOutEveryOtherDevice() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            TestUser.Device laptop = alice.login("laptop");
            TestUser.Device phone = alice.login("phone");
            TestSocket phoneSocket = phone.connect();
            TestSocket laptopSocket = laptop.connect();

            Rest.Response wrong = node.rest().send("PUT", "/v1/me/password", laptop.token(), new JsonObject()
                    .put("currentPassword", "not it at all").put("newPassword", "a-new-secret-9").encode(),
                    "application/json");
            assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");
            Rest.Response weak = node.rest().send("PUT", "/v1/me/password", laptop.token(), new JsonObject()
                    .put("currentPassword", alice.password()).put("newPassword", "short").encode(), "application/json");
            assertThat(weak.errorCode()).isEqualTo("invalid_field");

            Rest.Response changed = node.rest().send("PUT", "/v1/me/password", laptop.token(), new JsonObject()
                    .put("currentPassword", alice.password()).put("newPassword", "a-new-secret-9")
                    .put("revokeOtherDevices", true).encode(), "application/json");

            assertThat(changed.status()).as("%s", changed).isEqualTo(200);
            assertThat(changed.json().getInteger("revokedDevices")).isEqualTo(1);
            assertThat(phoneSocket.awaitClose().code()).isEqualTo(4003);
            assertThat(node.rest().get("/v1/me", phone.token()).errorCode()).isEqualTo("unauthenticated");
            assertThat(node.rest().get("/v1/me", laptop.token()).status()).isEqualTo(200);
            laptopSocket.send(new ClientFrame.Ping("still-here"));
            laptopSocket.awaitFrame(ServerFrame.Pong.class, p -> "still-here".equals(p.rid()));
            assertThat(node.rest().login(alice.username(), alice.password(), null).errorCode())
                    .isEqualTo("invalid_credentials");
            assertThat(node.rest().login(alice.username(), "a-new-secret-9", null).status()).isEqualTo(201);
        }
    }

    @Test
    void aDeletedAccountLeavesItsGroupsAndShowsAsDeletedInItsDirectConversations() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            TestUser carol = node.newUser("carol");
            long g = group(node, alice, bob, carol);
            long direct = bob.directWith(alice);
            TestSocket aliceSocket = alice.login("laptop").connect();
            aliceSocket.sendMessage(direct, "a1", "bye bob");
            TestSocket bobSocket = bob.login("phone").connect();

            Rest.Response wrong = node.rest().send("DELETE", "/v1/me", alice.restDevice().token(),
                    new JsonObject().put("password", "guess-guess").encode(), "application/json");
            assertThat(wrong.errorCode()).isEqualTo("invalid_credentials");
            Rest.Response deleted = node.rest().send("DELETE", "/v1/me", alice.restDevice().token(),
                    new JsonObject().put("password", alice.password()).encode(), "application/json");

            assertThat(deleted.status()).as("%s", deleted).isEqualTo(204);
            assertThat(aliceSocket.awaitClose().code()).isEqualTo(4005);
            ServerFrame.Message left = bobSocket.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == g);
            assertThat(left.kind()).isEqualTo("member_left");
            assertThat(left.userIds()).containsExactly(alice.userId(), bob.userId()); // ownership passed to bob
            ServerFrame.Profile gone = bobSocket.awaitFrame(ServerFrame.Profile.class, p -> p.userId() == alice.userId());
            assertThat(gone.deleted()).isTrue();
            assertThat(gone.displayName()).isNull();

            JsonArray members = bob.restDevice().get("/v1/conversations/" + g).json().getJsonArray("members");
            assertThat(members.stream().map(o -> ((JsonObject) o).getLong("userId")))
                    .containsExactlyInAnyOrder(bob.userId(), carol.userId());
            assertThat(members.stream().filter(o -> ((JsonObject) o).getLong("userId") == bob.userId())
                    .map(o -> ((JsonObject) o).getString("role"))).containsExactly("owner");
            JsonObject peer = bob.restDevice().get("/v1/conversations").array("conversations").stream()
                    .map(o -> (JsonObject) o).filter(o -> o.getLong("conversationId") == direct).findFirst().orElseThrow()
                    .getJsonObject("peer");
            assertThat(peer.getBoolean("deleted")).isTrue();
            assertThat(bob.restDevice().history(direct, "").array("messages").getJsonObject(0).getString("body"))
                    .isEqualTo("bye bob");

            bobSocket.send(new ClientFrame.Send("r1", "b1", direct, "are you there?"));
            assertThat(bobSocket.awaitError("r1").code()).isEqualTo("unreachable");
            assertThat(node.rest().login(alice.username(), alice.password(), null).errorCode())
                    .isEqualTo("invalid_credentials");
            assertThat(node.rest().get("/v1/me", alice.restDevice().token()).errorCode()).isEqualTo("unauthenticated");
            assertThat(node.rest().register(alice.username(), "someone-else-1").status()).isEqualTo(201);
        }
    }

    @Test
    void underTheErasePolicyADeletedAccountsTextIsGoneFromHistory() throws Exception {
        try (TestNode node = TestNode.start(dir, c -> c.withPeople(c.people()
                .withDeletedAccountMessages(AccountDeletion.Messages.ERASE)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long direct = alice.directWith(bob);
            long g = group(node, bob, alice);
            TestSocket a = alice.login("laptop").connect();
            a.sendMessage(direct, "a1", "private words");
            a.sendMessage(g, "a2", "group words");
            bob.login("phone").connect().sendMessage(direct, "b1", "bob's words");

            assertThat(node.adminRest().send("DELETE", "/admin/v1/users/" + alice.username(), adminToken(node), null, null)
                    .status()).isEqualTo(204);

            List<Object> directBodies = bob.restDevice().history(direct, "").array("messages").stream()
                    .map(o -> ((JsonObject) o).getValue("body")).toList();
            assertThat(directBodies).containsExactly(null, "bob's words");
            List<String> groupKinds = bob.restDevice().history(g, "").array("messages").stream()
                    .map(o -> ((JsonObject) o).getString("kind") + ":" + ((JsonObject) o).getValue("body")).toList();
            assertThat(groupKinds).containsExactly("created:null", "text:null", "member_left:null");
        }
    }

    static String adminToken(TestNode node) throws Exception {
        return java.nio.file.Files.readString(node.config().dataDir().resolve("admin.token")).strip();
    }
}
