package dev.parley.server.people;

import dev.parley.core.request.RequestRule;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.parley.server.people.PeopleCalls.block;
import static dev.parley.server.people.PeopleCalls.group;
import static dev.parley.server.people.PeopleCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

/** A message request's lifecycle on a node with {@code people.messageRequests: contacts-only}. */
class MessageRequestTest {
    private static final Duration QUIET = Duration.ofMillis(400);
    @TempDir
    static Path dir;
    @AutoClose
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir, c -> c.withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
    }

    /** Long enough for a frame that was going to come to have come (used only after a positive event). */
    private static void pause() {
        try {
            Thread.sleep(QUIET.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonArray folder(TestUser user, String folder) {
        return user.restDevice().get("/v1/conversations" + (folder == null ? "" : "?folder=" + folder))
                .array("conversations");
    }

    @Test
    void aStrangersConversationArrivesAsARequestWithOneNoticeAndNothingElse() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestSocket bobSocket = bob.login("phone").connect(Map.of());
        bobSocket.awaitFrame(ServerFrame.Synced.class);
        long c = alice.directWith(bob);
        JsonObject opened = alice.restDevice().get("/v1/conversations/" + c).json();
        assertThat(opened.getJsonObject("peer").getLong("userId")).isEqualTo(bob.userId());
        assertThat(opened.getJsonArray("members")).hasSize(1);
        TestSocket aliceSocket = alice.login("laptop").connect();

        aliceSocket.sendMessage(c, "a1", "hi, we met at the climbing gym");
        aliceSocket.sendMessage(c, "a2", "are you there?");

        ServerFrame.Request notice = bobSocket.awaitFrame(ServerFrame.Request.class);
        assertThat(notice).isEqualTo(new ServerFrame.Request(c, alice.userId()));
        pause();
        assertThat(bobSocket.matching(ServerFrame.Request.class, r -> true)).hasSize(1);
        assertThat(bobSocket.matching(ServerFrame.Message.class, m -> m.conversationId() == c)).isEmpty();
        assertThat(folder(bob, null)).isEmpty();
        JsonArray requests = folder(bob, "requests");
        assertThat(requests).hasSize(1);
        assertThat(requests.getJsonObject(0).getBoolean("request")).isTrue();
        assertThat(requests.getJsonObject(0).getJsonObject("peer").getLong("userId")).isEqualTo(alice.userId());
        assertThat(requests.getJsonObject(0).getJsonObject("lastMessage").getString("body")).isEqualTo("are you there?");
        assertThat(bob.restDevice().history(c, "").array("messages")).hasSize(2);
        assertThat(bob.restDevice().get("/v1/conversations/" + c).json().getBoolean("request")).isTrue();
        // The recipient is no member: nothing of theirs reaches the sender.
        bobSocket.send(new ClientFrame.Read("rd", c, 2));
        assertThat(bobSocket.awaitError("rd").code()).isEqualTo("not_found");
        bobSocket.send(new ClientFrame.Typing("ty", c, true));
        assertThat(bobSocket.awaitError("ty").code()).isEqualTo("not_found");
        aliceSocket.send(new ClientFrame.Watch("w", List.of(bob.userId())));
        aliceSocket.awaitFrame(ServerFrame.Ok.class, o -> "w".equals(o.rid()));
        aliceSocket.expectNoFrame(ServerFrame.Presence.class, p -> true, QUIET);
        assertThat(aliceSocket.matching(ServerFrame.Receipt.class, r -> r.userId() == bob.userId())).isEmpty();

        Rest.Response accepted = send(node, bob, "POST", "/v1/conversations/" + c + "/accept", null);

        assertThat(accepted.status()).as("%s", accepted).isEqualTo(200);
        assertThat(accepted.json().getJsonArray("members")).hasSize(2);
        assertThat(bobSocket.awaitMessages(c, 3)).extracting(ServerFrame.Message::kind)
                .containsExactly("text", "text", "request_accepted");
        assertThat(aliceSocket.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == c).kind())
                .isEqualTo("request_accepted");
        assertThat(folder(bob, "requests")).isEmpty();
        assertThat(folder(bob, null)).hasSize(1);
        bobSocket.sendMessage(c, "b1", "oh hi!");
        assertThat(aliceSocket.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == c).body())
                .isEqualTo("oh hi!");
        bobSocket.send(new ClientFrame.Read(null, c, 4));
        aliceSocket.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == 4);
    }

    @Test
    void aDeclinedRequestStaysGoneAndABlockedOneRefusesTheSender() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser mallory = node.newUser("mallory");
        long fromAlice = alice.directWith(bob);
        long fromMallory = mallory.directWith(bob);
        TestSocket aliceSocket = alice.login("laptop").connect();
        TestSocket mallorySocket = mallory.login("laptop").connect();
        aliceSocket.sendMessage(fromAlice, "a1", "hello");
        mallorySocket.sendMessage(fromMallory, "m1", "buy my stuff");
        assertThat(folder(bob, "requests")).hasSize(2);

        assertThat(send(node, bob, "POST", "/v1/conversations/" + fromAlice + "/decline", null).status()).isEqualTo(204);
        block(node, bob, mallory);

        assertThat(folder(bob, "requests")).isEmpty();
        aliceSocket.sendMessage(fromAlice, "a2", "hello again");
        assertThat(folder(bob, "requests")).isEmpty();
        mallorySocket.send(new ClientFrame.Send("r", "m2", fromMallory, "!!!"));
        assertThat(mallorySocket.awaitError("r").code()).isEqualTo("unreachable");
        assertThat(send(node, bob, "POST", "/v1/conversations/" + fromMallory + "/accept", null).errorCode())
                .isEqualTo("unreachable");
        // Bob changes his mind about Alice: opening the conversation himself accepts it.
        Rest.Response opened = node.rest().openDirect(bob.restDevice().token(), alice.username());
        assertThat(opened.json().getLong("conversationId")).isEqualTo(fromAlice);
        assertThat(opened.json().getJsonArray("members")).hasSize(2);
        assertThat(bob.restDevice().history(fromAlice, "").array("messages")).hasSize(3);
    }

    @Test
    void peopleWhoShareAConversationOpenOrdinaryDirectConversations() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        group(node, alice, bob);
        long c = alice.directWith(bob);
        assertThat(alice.restDevice().get("/v1/conversations/" + c).json().getJsonArray("members")).hasSize(2);
        assertThat(folder(bob, "requests")).isEmpty();
        assertThat(bob.restDevice().get("/v1/conversations?folder=spam").errorCode()).isEqualTo("invalid_field");
    }
}
