package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message workflow of docs/protocol.md, steps 1 to 5, for two users with two devices each:
 * send, durable store then {@code sent}, fan-out to every other device, {@code delivered} and
 * {@code read} turned into {@code receipt}s for every device of both members.
 */
class OneOnOneWorkflowTest {
    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir);
    }

    @Test
    void twoUsersWithTwoDevicesEachFollowTheWholeWorkflow() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        assertThat(bob.directWith(alice)).as("either user opens the same direct conversation").isEqualTo(c);

        TestUser.Device a1 = alice.login("alice1");
        TestUser.Device a2 = alice.login("alice2");
        TestUser.Device b1 = bob.login("bob1");
        TestUser.Device b2 = bob.login("bob2");
        TestSocket alice1 = node.socket();
        assertThat(alice1.auth(a1.token())).as("ready carries the node's limits")
                .isEqualTo(new ServerFrame.Ready(alice.userId(), a1.deviceId(), 25_000, 64 * 1024, 16 * 1024, 50));
        TestSocket alice2 = a2.connect();
        TestSocket bob1 = b1.connect();
        TestSocket bob2 = b2.connect();
        List<TestSocket> everyone = List.of(alice1, alice2, bob1, bob2);

        // 1-2: alice1 sends; the node stores it and answers with sent (client id, seq, time).
        alice1.send(new ClientFrame.Send("r1", "m1", c, "hi bob"));
        ServerFrame.Sent sent1 = alice1.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("m1"));
        assertThat(sent1.rid()).isEqualTo("r1");
        assertThat(sent1.conversationId()).isEqualTo(c);
        assertThat(sent1.seq()).isEqualTo(1);
        assertThat(sent1.ts()).isPositive();
        // Stored before sent: a history read right after sent already holds it.
        JsonArray afterSent = a1.history(c, "").json().getJsonArray("messages");
        assertThat(afterSent).hasSize(1);
        assertThat(afterSent.getJsonObject(0).getLong("seq")).isEqualTo(1L);

        // 3: every other device gets the message (bob's two and alice's other one).
        List<ServerFrame.Message> received = new ArrayList<>();
        for (TestSocket s : List.of(bob1, bob2, alice2)) {
            ServerFrame.Message m = s.awaitFrame(ServerFrame.Message.class, x -> x.conversationId() == c);
            assertThat(m).isEqualTo(ServerFrame.Message.text(c, 1, sent1.ts(), alice.userId(), a1.deviceId(), "m1",
                    "hi bob"));
            received.add(m);
        }

        // 4-5: bob1 confirms delivery; every device of both members gets the receipt.
        bob1.send(new ClientFrame.Delivered(null, c, 1));
        for (TestSocket s : everyone) {
            ServerFrame.Receipt r = s.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == bob.userId());
            assertThat(r).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 1, 0));
        }
        // read travels the same way; with a rid it is confirmed by ok.
        bob1.send(new ClientFrame.Read("rd1", c, 1));
        assertThat(bob1.awaitFrame(ServerFrame.Ok.class, o -> "rd1".equals(o.rid())).request()).isEqualTo("read");
        for (TestSocket s : everyone) {
            ServerFrame.Receipt r = s.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == bob.userId());
            assertThat(r).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 1, 1));
        }

        // The other direction and the other devices: seq 2 from bob2, seq 3 from alice2.
        ServerFrame.Sent sent2 = bob2.sendMessage(c, "m2", "hello alice");
        assertThat(sent2.seq()).isEqualTo(2);
        for (TestSocket s : List.of(alice1, alice2, bob1)) {
            ServerFrame.Message m = s.awaitFrame(ServerFrame.Message.class, x -> x.conversationId() == c);
            assertThat(m).isEqualTo(ServerFrame.Message.text(c, 2, sent2.ts(), bob.userId(), b2.deviceId(), "m2",
                    "hello alice"));
        }
        ServerFrame.Sent sent3 = alice2.sendMessage(c, "m3", "ünïcødé ✓ 👋");
        assertThat(sent3.seq()).isEqualTo(3);
        for (TestSocket s : List.of(alice1, bob1, bob2)) {
            ServerFrame.Message m = s.awaitFrame(ServerFrame.Message.class, x -> x.conversationId() == c);
            assertThat(m).isEqualTo(ServerFrame.Message.text(c, 3, sent3.ts(), alice.userId(), a2.deviceId(), "m3",
                    "ünïcødé ✓ 👋"));
            received.add(m);
        }

        // alice reads everything on her phone: bob's devices and her laptop see the receipt.
        alice2.send(new ClientFrame.Read(null, c, 3));
        for (TestSocket s : everyone) {
            ServerFrame.Receipt r = s.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == alice.userId());
            assertThat(r).isEqualTo(new ServerFrame.Receipt(c, alice.userId(), 3, 3));
        }
        bob2.send(new ClientFrame.Delivered("d3", c, 3));
        assertThat(bob2.awaitFrame(ServerFrame.Ok.class, o -> "d3".equals(o.rid())).request()).isEqualTo("delivered");
        for (TestSocket s : everyone) {
            ServerFrame.Receipt r = s.awaitFrame(ServerFrame.Receipt.class,
                    x -> x.userId() == bob.userId() && x.delivered() == 3);
            assertThat(r.read()).as("read stays where it was").isEqualTo(1);
        }

        // A sender gets sent, never a copy of its own message; each device saw each seq once.
        assertThat(alice1.matching(ServerFrame.Message.class, m -> m.seq() == 1)).isEmpty();
        assertThat(bob2.matching(ServerFrame.Message.class, m -> m.seq() == 2)).isEmpty();
        assertThat(alice2.matching(ServerFrame.Message.class, m -> m.seq() == 3)).isEmpty();
        assertThat(seqs(alice1)).containsExactly(2L, 3L);
        assertThat(seqs(alice2)).containsExactly(1L, 2L);
        assertThat(seqs(bob1)).containsExactly(1L, 2L, 3L);
        assertThat(seqs(bob2)).containsExactly(1L, 3L);
        // Frames without rid that succeed get no ok.
        assertThat(bob1.matching(ServerFrame.Ok.class, o -> true)).extracting(ServerFrame.Ok::rid).containsExactly("rd1");
        assertThat(alice2.matching(ServerFrame.Ok.class, o -> true)).isEmpty();
        for (TestSocket s : everyone) {
            assertThat(s.matching(ServerFrame.Error.class, e -> true)).isEmpty();
            assertThat(s.undecodable()).isEmpty();
        }

        // REST history returns the same entries, in seq order, for both members.
        for (TestUser u : List.of(alice, bob)) {
            Rest.Response page = u.restDevice().history(c, "");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.getLong("conversationId")).isEqualTo(c);
            assertThat(page.json().getBoolean("hasMore")).isFalse();
            JsonArray msgs = page.array("messages");
            assertThat(msgs).hasSize(3);
            assertThat(msgs.getJsonObject(0)).isEqualTo(asJson(received.get(0)));
            assertThat(msgs.getJsonObject(1)).isEqualTo(asJson(ServerFrame.Message.text(c, 2, sent2.ts(),
                    bob.userId(), b2.deviceId(), "m2", "hello alice")));
            assertThat(msgs.getJsonObject(2)).isEqualTo(asJson(received.get(3)));
        }

        // The conversation object carries the last seq and both members' positions.
        Rest.Response conv = alice.restDevice().get("/v1/conversations/" + c);
        assertThat(conv.status()).isEqualTo(200);
        assertThat(conv.json().getString("kind")).isEqualTo("direct");
        assertThat(conv.getLong("lastSeq")).isEqualTo(3);
        assertThat(conv.array("members")).hasSize(2);
        for (Object o : conv.array("members")) {
            JsonObject m = (JsonObject) o;
            if (m.getLong("userId") == alice.userId()) {
                assertThat(m.getString("username")).isEqualTo(alice.username());
                assertThat(m.getLong("delivered")).isEqualTo(3);
                assertThat(m.getLong("read")).isEqualTo(3);
            } else {
                assertThat(m.getLong("userId")).isEqualTo(bob.userId());
                assertThat(m.getString("username")).isEqualTo(bob.username());
                assertThat(m.getLong("delivered")).isEqualTo(3);
                assertThat(m.getLong("read")).isEqualTo(1);
            }
        }
    }

    @Test
    void positionsOnlyMoveForwardNeverPastTheLastSeqAndReadImpliesDelivered() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        Rest.Response byId = node.rest().post("/v1/conversations/direct", bob.restDevice().token(),
                new JsonObject().put("userId", alice.userId()));
        assertThat(byId.getLong("conversationId")).as("opened by user id: the same conversation").isEqualTo(c);
        TestSocket a = alice.login("laptop").connect();
        TestSocket b = bob.login("phone").connect();
        for (int i = 1; i <= 3; i++) {
            a.sendMessage(c, "pos-" + i, "message " + i);
        }
        b.awaitMessages(c, 3);

        // read implies delivered
        b.send(new ClientFrame.Read(null, c, 2));
        assertThat(a.awaitFrame(ServerFrame.Receipt.class)).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 2, 2));
        // never past the last seq
        b.send(new ClientFrame.Delivered(null, c, 999));
        assertThat(a.awaitFrame(ServerFrame.Receipt.class)).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 3, 2));
        // never back: nothing moves, so no receipt (the ok proves the request was handled)
        b.send(new ClientFrame.Delivered("back", c, 1));
        b.send(new ClientFrame.Read("back-read", c, 1));
        b.awaitFrame(ServerFrame.Ok.class, o -> "back".equals(o.rid()));
        b.awaitFrame(ServerFrame.Ok.class, o -> "back-read".equals(o.rid()));
        assertThat(b.matching(ServerFrame.Receipt.class, r -> true)).hasSize(2);
        b.send(new ClientFrame.Read(null, c, 3));
        assertThat(a.awaitFrame(ServerFrame.Receipt.class)).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 3, 3));
        assertThat(a.matching(ServerFrame.Receipt.class, r -> true)).hasSize(3);

        JsonObject bobState = node.rest().conversation(alice.restDevice().token(), c).array("members").stream()
                .map(JsonObject.class::cast).filter(m -> m.getLong("userId") == bob.userId()).findFirst().orElseThrow();
        assertThat(bobState.getLong("delivered")).isEqualTo(3);
        assertThat(bobState.getLong("read")).isEqualTo(3);
    }

    @Test
    void historyPagesBackwardAndForwardInAscendingOrder() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("phone").connect();
        for (int i = 1; i <= 7; i++) {
            assertThat(a.sendMessage(c, "p" + i, "message " + i).seq()).isEqualTo(i);
        }
        TestUser.Device reader = bob.restDevice();

        Rest.Response newest = reader.history(c, "limit=3");
        assertThat(pageSeqs(newest)).containsExactly(5L, 6L, 7L);
        assertThat(newest.json().getBoolean("hasMore")).isTrue();
        Rest.Response older = reader.history(c, "limit=3&before=5");
        assertThat(pageSeqs(older)).containsExactly(2L, 3L, 4L);
        assertThat(older.json().getBoolean("hasMore")).isTrue();
        Rest.Response oldest = reader.history(c, "limit=3&before=2");
        assertThat(pageSeqs(oldest)).containsExactly(1L);
        assertThat(oldest.json().getBoolean("hasMore")).isFalse();

        Rest.Response forward = reader.history(c, "limit=4&after=0");
        assertThat(pageSeqs(forward)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(forward.json().getBoolean("hasMore")).isTrue();
        Rest.Response rest = reader.history(c, "limit=4&after=4");
        assertThat(pageSeqs(rest)).containsExactly(5L, 6L, 7L);
        assertThat(rest.json().getBoolean("hasMore")).isFalse();
        assertThat(rest.array("messages").getJsonObject(2).getString("body")).isEqualTo("message 7");
    }

    private static List<Long> seqs(TestSocket s) {
        return s.matching(ServerFrame.Message.class, m -> true).stream().map(ServerFrame.Message::seq).toList();
    }

    static List<Long> pageSeqs(Rest.Response page) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        return page.array("messages").stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
    }

    /** The REST message object: the message frame's fields without {@code type}. */
    static JsonObject asJson(ServerFrame.Message m) {
        JsonObject o = new JsonObject(new String(dev.parley.protocol.FrameCodec.encodeServer(m),
                java.nio.charset.StandardCharsets.UTF_8));
        o.remove("type");
        return o;
    }
}
