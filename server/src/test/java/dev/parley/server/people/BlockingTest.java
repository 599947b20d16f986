package dev.parley.server.people;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.server.people.PeopleCalls.block;
import static dev.parley.server.people.PeopleCalls.group;
import static dev.parley.server.people.PeopleCalls.send;
import static dev.parley.server.people.PeopleCalls.unblock;
import static org.assertj.core.api.Assertions.assertThat;

/** Each effect of a block over real sockets, and that unblocking restores them. */
class BlockingTest {
    private static final Duration QUIET = Duration.ofMillis(400);
    @TempDir
    static Path dir;
    @AutoClose
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig.Timing t = ServerConfig.Timing.defaults();
        node = TestNode.start(dir, c -> c.withTiming(new ServerConfig.Timing(t.heartbeat(), t.authTimeout(),
                Duration.ofMillis(100), t.typingExpiry())));
    }

    @Test
    void aBlockedUserCanNeitherWriteNorOpenTheDirectConversationUntilUnblocked() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = bob.directWith(alice);
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket aliceSocket = alice.login("laptop").connect();

        block(node, alice, bob);

        bobSocket.send(new ClientFrame.Send("r1", "b1", c, "hello?"));
        ServerFrame.Error refused = bobSocket.awaitError("r1");
        assertThat(refused.code()).isEqualTo("unreachable");
        assertThat(refused.message()).doesNotContain("block");
        assertThat(node.rest().openDirect(bob.restDevice().token(), alice.username()).errorCode()).isEqualTo("unreachable");
        aliceSocket.send(new ClientFrame.Send("r2", "a1", c, "hm"));
        assertThat(aliceSocket.awaitError("r2").message()).contains("you blocked");
        JsonArray listed = send(node, alice, "GET", "/v1/blocks", null).array("blocks");
        assertThat(listed.getJsonObject(0).getLong("userId")).isEqualTo(bob.userId());
        assertThat(listed.getJsonObject(0).getLong("blockedAt")).isPositive();
        aliceSocket.expectNoFrame(ServerFrame.Message.class, m -> m.conversationId() == c, QUIET);

        unblock(node, alice, bob);

        assertThat(bobSocket.sendMessage(c, "b2", "friends again").seq()).isEqualTo(1);
        assertThat(aliceSocket.awaitMessages(c, 1).getFirst().body()).isEqualTo("friends again");
        assertThat(send(node, alice, "GET", "/v1/blocks", null).array("blocks")).isEmpty();
        assertThat(send(node, alice, "DELETE", "/v1/blocks/" + bob.userId(), null).errorCode()).isEqualTo("not_found");
    }

    @Test
    void aBlockedUserCannotPutTheBlockerIntoAGroupButSharedGroupsKeepBoth() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long shared = group(node, carol, alice, bob);
        block(node, alice, bob);

        Rest.Response create = send(node, bob, "POST", "/v1/conversations/groups",
                new JsonObject().put("title", "Trap").put("usernames", new JsonArray().add(alice.username())));
        assertThat(create.errorCode()).isEqualTo("unreachable");
        long own = group(node, bob, carol);
        Rest.Response add = send(node, bob, "POST", "/v1/conversations/" + own + "/members",
                new JsonObject().put("usernames", new JsonArray().add(alice.username())));
        assertThat(add.errorCode()).isEqualTo("unreachable");
        long carols = group(node, carol, bob);
        Rest.Response byCarol = send(node, carol, "POST", "/v1/conversations/" + carols + "/members",
                new JsonObject().put("usernames", new JsonArray().add(alice.username())));
        assertThat(byCarol.status()).as("%s", byCarol).isEqualTo(200);

        assertThat(bob.login("x").connect().sendMessage(shared, "b1", "still here").seq()).isEqualTo(2);
    }

    @Test
    void theBlockedUserSeesNoPresenceTypingOrReceiptsOfTheBlockerAndUnblockingRestoresThem() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long g = group(node, carol, alice, bob);
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket carolSocket = carol.login("phone").connect();
        bobSocket.send(new ClientFrame.Watch("w1", List.of(alice.userId())));
        bobSocket.awaitFrame(ServerFrame.Ok.class, o -> "w1".equals(o.rid()));
        bobSocket.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == alice.userId());

        block(node, alice, bob);
        TestSocket aliceSocket = alice.login("laptop").connect();
        aliceSocket.send(new ClientFrame.Typing(null, g, true));
        carolSocket.awaitFrame(ServerFrame.Typing.class, t -> t.userId() == alice.userId() && t.typing());
        long seq = carolSocket.sendMessage(g, "c1", "hi all").seq();
        aliceSocket.awaitMessages(g, 1);
        aliceSocket.send(new ClientFrame.Read("rd", g, seq));
        aliceSocket.awaitFrame(ServerFrame.Ok.class, o -> "rd".equals(o.rid()));
        carolSocket.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == alice.userId() && r.read() == seq);

        bobSocket.expectNoFrame(ServerFrame.Typing.class, t -> t.userId() == alice.userId(), QUIET);
        bobSocket.expectNoFrame(ServerFrame.Receipt.class, r -> r.userId() == alice.userId(), QUIET);
        bobSocket.expectNoFrame(ServerFrame.Presence.class, p -> p.userId() == alice.userId() && p.online(), QUIET);
        TestSocket resumed = bob.login("tablet").connect(Map.of());
        resumed.awaitFrame(ServerFrame.Synced.class);
        assertThat(resumed.matching(ServerFrame.Receipt.class, r -> r.conversationId() == g)).extracting(
                ServerFrame.Receipt::userId).contains(bob.userId(), carol.userId()).doesNotContain(alice.userId());
        JsonArray members = bob.restDevice().get("/v1/conversations/" + g).json().getJsonArray("members");
        assertThat(members.stream().map(o -> (JsonObject) o).filter(o -> o.getLong("userId") == alice.userId())
                .map(o -> o.getLong("read"))).containsExactly(0L);
        resumed.send(new ClientFrame.Watch("w2", List.of(alice.userId())));
        resumed.awaitFrame(ServerFrame.Ok.class, o -> "w2".equals(o.rid()));
        resumed.expectNoFrame(ServerFrame.Presence.class, p -> p.userId() == alice.userId(), QUIET);

        unblock(node, alice, bob);
        aliceSocket.send(new ClientFrame.Typing(null, g, true));
        bobSocket.awaitFrame(ServerFrame.Typing.class, t -> t.userId() == alice.userId() && t.typing());
        aliceSocket.close();
        bobSocket.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == alice.userId() && !p.online());
    }
}
