package dev.parley.server.push;

import dev.parley.core.request.RequestRule;
import dev.parley.server.push.PushServiceStandIn.Received;
import dev.parley.server.push.PushServiceStandIn.Subscription;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.parley.server.push.PushTestSupport.awaitSettled;
import static dev.parley.server.push.PushTestSupport.pushConfig;
import static dev.parley.server.push.PushTestSupport.put;
import static dev.parley.server.push.PushTestSupport.registerWebPush;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Push and people: a blocker is not pushed for the blocked user; a message request pushes one quiet notice. */
class PeoplePushTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dataDir;

    private static TestTls tls;
    private static PushServiceStandIn standIn;

    @BeforeAll
    static void startPushService() throws Exception {
        tls = TestTls.create(shared);
        standIn = new PushServiceStandIn(tls, PushTestSupport.WEBHOOK_SECRET);
    }

    @AfterAll
    static void stopPushService() {
        standIn.close();
    }

    private TestNode start() throws Exception {
        var config = pushConfig(standIn, tls, Files.createTempDirectory(shared, "cfg"), Duration.ZERO, true);
        return TestNode.start(dataDir, c -> config.apply(c)
                .withPeople(c.people().withMessageRequests(RequestRule.CONTACTS_ONLY)));
    }

    private static List<JsonObject> pushesTo(Subscription s) {
        return standIn.received("webpush").stream().filter(r -> r.path().equals("/wp/" + s.id()))
                .map(Received::payload).toList();
    }

    @Test
    void theBlockerIsNotPushedForTheBlockedUsersGroupMessagesUntilUnblocking() throws Exception {
        try (TestNode node = start()) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            TestUser carol = node.newUser("carol");
            long g = node.rest().post("/v1/conversations/groups", carol.restDevice().token(), new JsonObject()
                    .put("title", "Crew").put("usernames", new JsonArray().add(alice.username()).add(bob.username())))
                    .getLong("conversationId");
            Subscription aliceSub = standIn.subscribe();
            registerWebPush(node, alice.login("phone"), aliceSub);
            assertThat(put(node, alice.restDevice().token(), "/v1/blocks/" + bob.userId(), null).status()).isEqualTo(204);
            TestSocket bobSocket = bob.login("laptop").connect();
            TestSocket carolSocket = carol.login("laptop").connect();

            bobSocket.sendMessage(g, "b1", "from the blocked one");
            awaitSettled(node);
            assertThat(pushesTo(aliceSub)).isEmpty();
            carolSocket.sendMessage(g, "c1", "from carol");
            await().until(() -> !pushesTo(aliceSub).isEmpty());
            awaitSettled(node);
            assertThat(pushesTo(aliceSub)).extracting(p -> p.getLong("seq")).containsExactly(3L);

            assertThat(node.rest().delete("/v1/blocks/" + bob.userId(), alice.restDevice().token()).status())
                    .isEqualTo(204);
            bobSocket.sendMessage(g, "b2", "unblocked now");
            await().until(() -> pushesTo(aliceSub).size() == 2);
            assertThat(pushesTo(aliceSub).get(1).getLong("seq")).isEqualTo(4L);
        }
    }

    @Test
    void aMessageRequestPushesOneQuietNoticeAndNothingMore() throws Exception {
        try (TestNode node = start()) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            Subscription bobSub = standIn.subscribe();
            registerWebPush(node, bob.login("phone"), bobSub);
            long c = alice.directWith(bob);
            TestSocket aliceSocket = alice.login("laptop").connect();

            for (int i = 1; i <= 5; i++) {
                aliceSocket.sendMessage(c, "a" + i, "hello number " + i);
            }
            await().until(() -> !pushesTo(bobSub).isEmpty());
            awaitSettled(node);

            assertThat(pushesTo(bobSub)).containsExactly(new JsonObject().put("type", "request")
                    .put("conversationId", c).put("seq", 1).put("unread", 1));
            assertThat(standIn.problems()).isEmpty();
        }
    }
}
