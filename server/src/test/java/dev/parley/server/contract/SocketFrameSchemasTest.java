package dev.parley.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.core.request.RequestRule;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.OpenApiContract;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real frames against the document's frame schemas: a socket session that makes the node send
 * every kind of frame (and every kind of history entry, live and from catch-up), with every text
 * message each socket received held to {@code ServerFrame} as it came off the wire, and every
 * frame the sockets sent to {@code ClientFrame}.
 */
class SocketFrameSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyFrameOfARealSessionIsValidByItsSchema() throws Exception {
        node = TestNode.start(dataDir, c -> c.withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY))
                .withLimits(c.limits().withMaxCatchUp(20)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestUser dave = node.newUser("dave");
        Groups groups = new Groups(node);
        long g = groups.createOk(alice, "Climbing", bob, carol);
        long c = alice.directWith(bob);
        long far = alice.directWith(carol); // while they share the group: no message request
        groups.setRoleOk(alice, g, bob, "admin");
        groups.renameOk(alice, g, "Bouldering");
        groups.removeOk(alice, g, carol);
        groups.addOk(alice, g, carol);
        assertThat(groups.leave(carol, g).status()).isEqualTo(200);

        List<TestSocket> sockets = new ArrayList<>();
        TestSocket a = alice.login("laptop").connect(Map.of());
        TestSocket b = bob.login("phone").connect(Map.of());
        sockets.add(a);
        sockets.add(b);
        a.awaitFrame(ServerFrame.Synced.class);
        b.awaitFrame(ServerFrame.Synced.class);

        a.send(new ClientFrame.Watch("w1", List.of(bob.userId())));
        a.awaitFrame(ServerFrame.Presence.class);
        long hello = a.sendMessage(c, "m1", "are you coming tonight?").seq();
        b.awaitMessages(c, 1);
        b.send(new ClientFrame.Send("s2", "m2", c, "yes!", hello));
        b.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("m2"));
        a.send(new ClientFrame.Send("s3", "m3", g, "@bob bring the rope",
                0, List.of(new ClientFrame.Mention(bob.userId(), 0, 4))));
        a.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("m3"));
        b.send(new ClientFrame.React("r1", "r1", c, hello, "👍", false));
        b.send(new ClientFrame.React("r2", "r2", c, hello, "❤️", false));
        b.send(new ClientFrame.React("r3", "r3", c, hello, "❤️", true));
        b.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("r3"));
        a.send(new ClientFrame.Edit("e1", "e1", c, hello, "are you coming tonight at 8?"));
        a.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("e1"));
        long doomed = a.sendMessage(c, "m4", "wrong chat").seq();
        a.send(new ClientFrame.Delete("d1", "d1", c, doomed));
        a.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("d1"));
        b.send(new ClientFrame.Delivered("dl", c, hello));
        b.awaitFrame(ServerFrame.Ok.class, o -> "dl".equals(o.rid()));
        b.send(new ClientFrame.Read("rd", c, hello));
        a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == hello);
        b.send(new ClientFrame.Typing(null, c, true));
        a.awaitFrame(ServerFrame.Typing.class);
        b.send(new ClientFrame.Ping("p1"));
        b.awaitFrame(ServerFrame.Pong.class);
        b.send(new ClientFrame.Send("x1", "x1", 9_007_199_254_740_991L, "nowhere"));
        b.awaitError("x1");

        Rest.Response profile = node.rest().send("PATCH", "/v1/me/profile", bob.restDevice().token(),
                new JsonObject().put("status", "at the crag").encode(), "application/json");
        assertThat(profile.status()).isEqualTo(200);
        a.awaitFrame(ServerFrame.Profile.class);

        // A stranger's message request, and its acceptance.
        long request = dave.directWith(alice);
        assertThat(node.rest().post("/v1/conversations/" + request + "/messages", dave.restDevice().token(),
                new JsonObject().put("clientId", "q1").put("body", "hi, we met at the gym")).status()).isEqualTo(201);
        a.awaitFrame(ServerFrame.Request.class);
        assertThat(node.rest().post("/v1/conversations/" + request + "/accept", alice.restDevice().token(),
                new JsonObject()).status()).isEqualTo(200);
        a.awaitFrame(ServerFrame.Message.class, m -> m.kind().equals("request_accepted"));

        // Catch-up from storage (reactions, edits, tombstones as they are now), and a resync.
        a.sendMessages(far, "bulk", 25, "filler");
        TestSocket late = bob.login("tablet").connect(Map.of());
        sockets.add(late);
        late.awaitFrame(ServerFrame.Synced.class);
        TestSocket behind = carol.login("phone").connect(Map.of());
        sockets.add(behind);
        behind.awaitFrame(ServerFrame.Resync.class, r -> r.conversationId() == far);
        behind.awaitFrame(ServerFrame.Synced.class);

        OpenApiContract contract = OpenApiContract.load();
        Set<String> serverTypes = new TreeSet<>();
        Set<String> kinds = new TreeSet<>();
        Set<String> clientTypes = new TreeSet<>();
        int frames = 0;
        for (TestSocket s : sockets) {
            for (String text : s.texts()) {
                JsonNode frame = JSON.readTree(text);
                assertThat(contract.problems(OpenApiContract.component("ServerFrame"), frame)).as(text).isEmpty();
                serverTypes.add(frame.get("type").asText());
                if (frame.has("kind")) {
                    kinds.add(frame.get("kind").asText());
                }
                frames++;
            }
            for (String text : s.sentTexts()) {
                JsonNode frame = JSON.readTree(text);
                assertThat(contract.problems(OpenApiContract.component("ClientFrame"), frame)).as(text).isEmpty();
                clientTypes.add(frame.get("type").asText());
            }
            assertThat(s.undecodable()).isEmpty();
        }
        assertThat(frames).isGreaterThan(50);
        assertThat(serverTypes).as("frame types the session made the node send")
                .isEqualTo(contract.discriminated("ServerFrame").keySet());
        assertThat(clientTypes).as("frame types the session sent").isEqualTo(contract.discriminated("ClientFrame").keySet());
        Set<String> allKinds = new TreeSet<>();
        contract.document().at("/components/schemas/EntryKind/enum").forEach(k -> allKinds.add(k.asText()));
        assertThat(kinds).as("entry kinds the session's message frames carried").isEqualTo(allKinds);
    }
}
