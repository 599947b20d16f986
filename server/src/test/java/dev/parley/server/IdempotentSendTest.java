package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code clientId} makes a send idempotent: however often and wherever it is retried (same
 * connection, a new connection, after a restart), it is stored once and confirmed with the
 * identical {@code sent}; reused for a different body it is refused.
 */
class IdempotentSendTest {
    @TempDir
    Path dataDir;
    TestNode node;
    TestUser alice;
    TestUser bob;
    TestUser.Device aliceLaptop;
    long c;
    TestSocket bobSocket;

    @BeforeEach
    void setUp() throws Exception {
        node = TestNode.start(dataDir);
        alice = node.newUser("alice");
        bob = node.newUser("bob");
        c = alice.directWith(bob);
        aliceLaptop = alice.login("laptop");
        bobSocket = bob.login("phone").connect();
    }

    @AfterEach
    void tearDown() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theSameClientIdTwiceOnOneConnectionIsOneMessage() {
        TestSocket a = aliceLaptop.connect();
        // Both sends go out before either is confirmed.
        a.send(new ClientFrame.Send("first", "dup-1", c, "only once"));
        a.send(new ClientFrame.Send("second", "dup-1", c, "only once"));
        ServerFrame.Sent first = a.awaitFrame(ServerFrame.Sent.class, s -> "first".equals(s.rid()));
        ServerFrame.Sent second = a.awaitFrame(ServerFrame.Sent.class, s -> "second".equals(s.rid()));
        assertThat(second.seq()).isEqualTo(first.seq()).isEqualTo(1);
        assertThat(second.ts()).isEqualTo(first.ts());
        assertThat(second.clientId()).isEqualTo("dup-1");

        assertThat(a.sendMessage(c, "marker", "after").seq()).as("no seq was used by the retry").isEqualTo(2);
        assertThat(bobSocket.awaitMessages(c, 2)).extracting(ServerFrame.Message::clientId)
                .containsExactly("dup-1", "marker");
        assertThat(bobSocket.matching(ServerFrame.Message.class, m -> "dup-1".equals(m.clientId()))).hasSize(1);
        assertThat(a.matching(ServerFrame.Message.class, m -> true)).as("no echo to the sender").isEmpty();
        assertThat(historyClientIds()).containsExactly("dup-1", "marker");
    }

    @Test
    void aRetryOnANewConnectionGetsTheOriginalSent() {
        TestSocket a = aliceLaptop.connect();
        ServerFrame.Sent original = a.sendMessage(c, "retry-1", "did it arrive?");
        a.close();

        TestSocket again = aliceLaptop.connect();
        again.send(new ClientFrame.Send("r2", "retry-1", c, "did it arrive?"));
        ServerFrame.Sent retried = again.awaitFrame(ServerFrame.Sent.class, s -> "r2".equals(s.rid()));
        assertThat(retried).isEqualTo(new ServerFrame.Sent("r2", "retry-1", c, original.seq(), original.ts()));

        assertThat(again.sendMessage(c, "marker", "next").seq()).isEqualTo(original.seq() + 1);
        assertThat(bobSocket.awaitMessages(c, 2)).extracting(ServerFrame.Message::clientId)
                .containsExactly("retry-1", "marker");
        assertThat(historyClientIds()).containsExactly("retry-1", "marker");
    }

    @Test
    void aRetryAfterANodeRestartGetsTheOriginalSent() throws Exception {
        ServerFrame.Sent original = aliceLaptop.connect().sendMessage(c, "restart-1", "before the restart");
        TestUser.Device tablet = bob.login("tablet");

        node.restart();

        TestSocket a = aliceLaptop.connect();
        TestSocket b = tablet.connect();
        ServerFrame.Sent retried = a.sendMessage(c, "restart-1", "before the restart");
        assertThat(retried.seq()).isEqualTo(original.seq());
        assertThat(retried.ts()).isEqualTo(original.ts());
        assertThat(a.sendMessage(c, "marker", "after the restart").seq()).isEqualTo(original.seq() + 1);
        assertThat(b.awaitFrame(ServerFrame.Message.class).clientId()).as("the retry was not delivered again")
                .isEqualTo("marker");
        assertThat(historyClientIds()).containsExactly("restart-1", "marker");
    }

    @Test
    void theSameClientIdWithADifferentBodyIsRefused() {
        TestSocket a = aliceLaptop.connect();
        ServerFrame.Sent original = a.sendMessage(c, "conflict-1", "the first body");
        a.send(new ClientFrame.Send("r-x", "conflict-1", c, "a different body"));
        ServerFrame.Error e = a.awaitError("r-x");
        assertThat(e.code()).isEqualTo("client_id_conflict");
        assertThat(e.request()).isEqualTo("send");
        assertThat(e.clientId()).isEqualTo("conflict-1");
        assertThat(e.conversationId()).isEqualTo(c);

        // The original stands; the same body still gets the original confirmation.
        assertThat(a.sendMessage(c, "conflict-1", "the first body").seq()).isEqualTo(original.seq());
        assertThat(historyClientIds()).containsExactly("conflict-1");
        assertThat(OneOnOneWorkflowTest.pageSeqs(aliceLaptop.history(c, ""))).containsExactly(1L);
        assertThat(aliceLaptop.history(c, "").array("messages").getJsonObject(0).getString("body"))
                .isEqualTo("the first body");
    }

    @Test
    void aClientIdIsScopedToItsConversation() {
        TestUser carol = node.newUser("carol");
        long other = alice.directWith(carol);
        TestSocket a = aliceLaptop.connect();
        ServerFrame.Sent inBob = a.sendMessage(c, "shared-id", "to bob");
        ServerFrame.Sent inCarol = a.sendMessage(other, "shared-id", "to carol");
        assertThat(inBob.conversationId()).isEqualTo(c);
        assertThat(inCarol.conversationId()).isEqualTo(other);
        assertThat(inCarol.seq()).isEqualTo(1);
        assertThat(historyClientIds()).containsExactly("shared-id");
    }

    private List<String> historyClientIds() {
        return aliceLaptop.history(c, "").array("messages").stream()
                .map(o -> ((io.vertx.core.json.JsonObject) o).getString("clientId")).toList();
    }
}
