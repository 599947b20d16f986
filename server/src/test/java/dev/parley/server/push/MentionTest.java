package dev.parley.server.push;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.push.PushServiceStandIn.Received;
import dev.parley.server.push.PushServiceStandIn.Subscription;
import dev.parley.server.support.Groups;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
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
import static dev.parley.server.push.PushTestSupport.put;
import static dev.parley.server.push.PushTestSupport.pushConfig;
import static dev.parley.server.push.PushTestSupport.registerWebPush;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mentions in a group over real sockets and real Web Push: they reach every member's device with
 * the message; a mentioned member who muted the group is pushed all the same (others who muted it
 * are not); their conversation list says the group mentions them until they read it; a mention of
 * someone who is not a member is refused.
 */
class MentionTest {
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

    private static List<JsonObject> pushesTo(Subscription s) {
        return standIn.received("webpush").stream().filter(r -> r.path().equals("/wp/" + s.id()))
                .map(Received::payload).toList();
    }

    @Test
    void aMentionedMemberIsPushedThoughTheyMutedTheGroupAndSeesItListedUntilRead() throws Exception {
        try (TestNode node = TestNode.start(dataDir, pushConfig(standIn, tls, Files.createTempDirectory(shared, "cfg"),
                Duration.ZERO, true))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            TestUser carol = node.newUser("carol");
            TestUser mallory = node.newUser("mallory");
            long g = new Groups(node).createOk(alice, "climbers", bob, carol);
            TestUser.Device bobPhone = bob.login("phone");
            TestUser.Device carolPhone = carol.login("phone");
            Subscription bobSub = standIn.subscribe();
            Subscription carolSub = standIn.subscribe();
            registerWebPush(node, bobPhone, bobSub);
            registerWebPush(node, carolPhone, carolSub);
            for (TestUser.Device d : List.of(bobPhone, carolPhone)) {
                assertThat(put(node, d.token(), "/v1/conversations/" + g + "/mute", null).status()).isEqualTo(204);
            }
            TestSocket aliceSocket = alice.login("laptop").connect();
            TestSocket bobLaptop = bob.login("laptop").connect();

            aliceSocket.sendMessage(g, "m1", "anyone around?");
            String text = "@" + bob.username() + " are you coming?";
            aliceSocket.send(new ClientFrame.Send(null, "m2", g, text, 0,
                    List.of(new ClientFrame.Mention(bob.userId(), 0, bob.username().length() + 1))));
            long mention = aliceSocket.awaitFrame(ServerFrame.Sent.class, s -> "m2".equals(s.clientId())).seq();

            ServerFrame.Message live = bobLaptop.awaitFrame(ServerFrame.Message.class, m -> m.seq() == mention);
            assertThat(live.mentions()).containsExactly(new ClientFrame.Mention(bob.userId(), 0,
                    bob.username().length() + 1));
            await().until(() -> !pushesTo(bobSub).isEmpty());
            awaitSettled(node);
            assertThat(pushesTo(bobSub)).singleElement().satisfies(p -> assertThat(p.getLong("seq")).isEqualTo(mention));
            assertThat(pushesTo(carolSub)).as("carol muted the group and is not mentioned").isEmpty();

            assertThat(mentioned(bob, g)).as("bob's list, unread").isTrue();
            assertThat(mentioned(carol, g)).isFalse();
            bobLaptop.send(new ClientFrame.Read("r1", g, mention));
            bobLaptop.awaitFrame(ServerFrame.Ok.class, o -> "r1".equals(o.rid()));
            assertThat(mentioned(bob, g)).as("bob's list, read").isFalse();

            aliceSocket.send(new ClientFrame.Send("bad", "m3", g, "@mallory hi", 0,
                    List.of(new ClientFrame.Mention(mallory.userId(), 0, 8))));
            assertThat(aliceSocket.awaitError("bad").code()).isEqualTo("invalid_field");
            assertThat(aliceSocket.sendMessage(g, "m4", "ok").seq()).as("the refusal took no seq").isEqualTo(mention + 1);
        }
    }

    private static boolean mentioned(TestUser user, long conversation) {
        for (Object o : user.restDevice().get("/v1/conversations").array("conversations")) {
            JsonObject c = (JsonObject) o;
            if (c.getLong("conversationId") == conversation) {
                return c.getBoolean("mentioned");
            }
        }
        throw new AssertionError("conversation " + conversation + " not in the list");
    }
}
