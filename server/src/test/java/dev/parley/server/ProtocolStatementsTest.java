package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements of docs/protocol.md that a client written from the document alone found unclear or
 * wrong, each checked against the node: what {@code lastSeen} says of a user who never connected,
 * that a client id is unique per sender and conversation, and what a backward or past-the-end
 * {@code delivered}/{@code read} gets.
 */
class ProtocolStatementsTest {
    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir);
        groups = new Groups(node);
    }

    @Test
    void lastSeenIsZeroForAUserWithoutDevicesAndTheLoginTimeForOneThatNeverConnected() {
        TestUser watcher = node.newUser("watcher");
        TestUser neverLoggedIn = node.newUser("quiet");
        TestUser loggedInOnly = node.newUser("rest");
        groups.createOk(watcher, "Friends", neverLoggedIn, loggedInOnly);
        long beforeLogin = System.currentTimeMillis();
        loggedInOnly.login("phone");
        long afterLogin = System.currentTimeMillis();

        TestSocket w = watcher.login("w").connect();
        w.send(new ClientFrame.Watch("w1", List.of(neverLoggedIn.userId(), loggedInOnly.userId())));
        ServerFrame.Presence quiet = w.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == neverLoggedIn.userId());
        ServerFrame.Presence rest = w.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == loggedInOnly.userId());

        assertThat(quiet.online()).isFalse();
        assertThat(quiet.lastSeen()).as("never logged in").isZero();
        assertThat(rest.online()).isFalse();
        assertThat(rest.lastSeen()).as("logged in, never connected: the login time")
                .isBetween(beforeLogin - 1_000, afterLogin + 1_000);
        w.close();
    }

    @Test
    void aClientIdIsUniquePerSenderAndConversation() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long ab = alice.directWith(bob);
        long ac = alice.directWith(carol);
        TestSocket a = alice.login("a").connect();
        TestSocket b = bob.login("b").connect();

        ServerFrame.Sent first = a.sendMessage(ab, "same-id", "from alice");
        ServerFrame.Sent bobs = b.sendMessage(ab, "same-id", "from bob");
        ServerFrame.Sent elsewhere = a.sendMessage(ac, "same-id", "to carol");
        ServerFrame.Sent retry = a.sendMessage(ab, "same-id", "from alice");

        assertThat(bobs.seq()).as("another sender's entry").isEqualTo(first.seq() + 1);
        assertThat(elsewhere.conversationId()).isEqualTo(ac);
        assertThat(elsewhere.seq()).as("a new entry in the other conversation").isEqualTo(1);
        assertThat(List.of(retry.conversationId(), retry.seq(), retry.ts()))
                .as("the sender's retry in the same conversation: the original confirmation")
                .containsExactly(ab, first.seq(), first.ts());
        a.send(new ClientFrame.Send("r1", "same-id", ab, "different body"));
        assertThat(a.awaitError("r1").code()).isEqualTo("client_id_conflict");
        a.close();
        b.close();
    }

    @Test
    void aBackwardReceiptIsAcceptedAndChangesNothingAndOnePastTheEndStopsAtTheLastEntry() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("a").connect();
        TestSocket b = bob.login("b").connect();
        a.sendMessage(c, "m1", "one");
        a.sendMessage(c, "m2", "two");

        b.send(new ClientFrame.Read("r1", c, 2));
        assertThat(b.awaitFrame(ServerFrame.Ok.class, o -> "r1".equals(o.rid())).request()).isEqualTo("read");
        assertThat(a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId()))
                .isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 2, 2));

        // Backward: answered ok, no position moves, nobody is told.
        b.send(new ClientFrame.Delivered("r2", c, 1));
        b.send(new ClientFrame.Read("r3", c, 1));
        b.awaitFrame(ServerFrame.Ok.class, o -> "r2".equals(o.rid()));
        b.awaitFrame(ServerFrame.Ok.class, o -> "r3".equals(o.rid()));

        // Past the end: answered ok, the position stops at the last entry (3).
        a.sendMessage(c, "m3", "three");
        b.send(new ClientFrame.Read("r4", c, 99));
        b.awaitFrame(ServerFrame.Ok.class, o -> "r4".equals(o.rid()));
        ServerFrame.Receipt next = a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() != 2);
        assertThat(next).as("the first receipt after the backward ones is the clamped one")
                .isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 3, 3));
        assertThat(a.matching(ServerFrame.Receipt.class, r -> r.userId() == bob.userId()))
                .as("no receipt for the backward reports")
                .containsExactly(new ServerFrame.Receipt(c, bob.userId(), 2, 2), new ServerFrame.Receipt(c, bob.userId(), 3, 3));
        a.close();
        b.close();
    }
}
