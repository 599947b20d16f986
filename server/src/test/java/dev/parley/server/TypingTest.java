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
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typing indicators (docs/protocol.md, {@code typing}): never stored, delivered to the other
 * members' connected devices (not the typist's own), at most 2 per second per connection
 * forwarded, and a "started" that is not renewed ends by itself. The node runs with a 1.5 s
 * typing expiry.
 *
 * <p>To show a typing frame was <em>not</em> forwarded, the typist then sends a message: the
 * node forwards typing at once but stores a message first, so the message reaching a device
 * proves any typing frame before it would have too.
 */
class TypingTest {
    static final Duration EXPIRY = Duration.ofMillis(1500);
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir, c -> c.withTiming(new ServerConfig.Timing(Duration.ofSeconds(25),
                Duration.ofSeconds(10), Duration.ofSeconds(5), EXPIRY)));
        groups = new Groups(node);
    }

    @Test
    void typingReachesTheOtherMembersDevicesAndIsNeverStored() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestUser dave = node.newUser("dave");
        long c = groups.createOk(alice, "Typing", bob, carol);
        long direct = bob.directWith(dave);
        TestSocket a1 = alice.login("a1").connect();
        TestSocket a2 = alice.login("a2").connect();
        TestSocket b1 = bob.login("b1").connect();
        TestSocket b2 = bob.login("b2").connect();
        TestSocket c1 = carol.login("c1").connect();
        TestSocket d1 = dave.login("d1").connect();
        long activityBefore = groups.conversation(alice, c).getLong("lastActivityAt");

        a1.send(new ClientFrame.Typing("t1", c, true));
        a1.awaitFrame(ServerFrame.Ok.class, o -> "t1".equals(o.rid()));
        for (TestSocket s : List.of(b1, b2, c1)) {
            assertThat(s.awaitFrame(ServerFrame.Typing.class)).isEqualTo(new ServerFrame.Typing(c, alice.userId(), true));
        }
        a1.send(new ClientFrame.Typing(null, c, false));
        for (TestSocket s : List.of(b1, b2, c1)) {
            assertThat(s.awaitFrame(ServerFrame.Typing.class)).isEqualTo(new ServerFrame.Typing(c, alice.userId(), false));
        }
        // In a direct conversation the peer gets it.
        b1.send(new ClientFrame.Typing(null, direct, true));
        assertThat(d1.awaitFrame(ServerFrame.Typing.class)).isEqualTo(new ServerFrame.Typing(direct, bob.userId(), true));

        // Not stored: no entry, no activity, nothing in the history.
        assertThat(groups.conversation(alice, c).getLong("lastSeq")).isEqualTo(1);
        assertThat(groups.conversation(alice, c).getLong("lastActivityAt")).isEqualTo(activityBefore);
        assertThat(OneOnOneWorkflowTest.pageSeqs(groups.history(bob, c, ""))).containsExactly(1L);

        // The typist's own other device and non-members got none of it.
        a1.sendMessage(c, "after-typing", "done typing");
        a2.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == c);
        b1.sendMessage(direct, "direct-after", "hi");
        d1.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == direct);
        b2.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == direct);
        assertThat(a2.matching(ServerFrame.Typing.class, t -> true)).isEmpty();
        assertThat(a1.matching(ServerFrame.Typing.class, t -> true)).isEmpty();
        assertThat(d1.matching(ServerFrame.Typing.class, t -> t.conversationId() == c)).isEmpty();
        assertThat(b2.matching(ServerFrame.Typing.class, t -> t.conversationId() == direct)).isEmpty();
        assertThat(c1.matching(ServerFrame.Typing.class, t -> t.conversationId() == direct)).isEmpty();
        for (TestSocket s : List.of(a1, a2, b1, b2, c1, d1)) {
            assertThat(s.matching(ServerFrame.Error.class, e -> true)).isEmpty();
        }
    }

    @Test
    void aStartedIndicatorExpiresByItselfUnlessRenewed() throws Exception {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a1 = alice.login("a1").connect();
        TestSocket a2 = alice.login("a2").connect();
        TestSocket b1 = bob.login("b1").connect();

        // Started and never stopped (the typing device even vanished): the node sends the
        // "stopped" itself.
        TestSocket a3 = alice.login("a3").connect();
        a3.send(new ClientFrame.Typing("start", c, true));
        a3.awaitFrame(ServerFrame.Ok.class, o -> "start".equals(o.rid()));
        a3.abort();
        assertThat(b1.awaitFrame(ServerFrame.Typing.class, t -> t.typing(), WAIT).userId()).isEqualTo(alice.userId());
        assertThat(b1.awaitFrame(ServerFrame.Typing.class, t -> !t.typing(), WAIT))
                .isEqualTo(new ServerFrame.Typing(c, alice.userId(), false));
        // A "stopped" sent after it expired is not announced a second time.
        a1.send(new ClientFrame.Typing("late-stop", c, false));
        a1.awaitFrame(ServerFrame.Ok.class, o -> "late-stop".equals(o.rid()));

        // Renewed well within the expiry (at the allowed rate) for longer than the expiry, it stays on.
        // (Every 600 ms: below the 2 per second allowance, so none is dropped.)
        int renewals = 4;
        for (int i = 0; i < renewals; i++) {
            Thread.sleep(600);
            String rid = "renew-" + i;
            a1.send(new ClientFrame.Typing(rid, c, true));
            a1.awaitFrame(ServerFrame.Ok.class, o -> rid.equals(o.rid()));
        }
        assertThat(b1.matching(ServerFrame.Typing.class, t -> !t.typing())).as("no stop while renewed").hasSize(1);
        // Then it expires once the renewals stop.
        assertThat(b1.awaitFrame(ServerFrame.Typing.class, t -> !t.typing(), WAIT).userId()).isEqualTo(alice.userId());

        a1.sendMessage(c, "barrier", "barrier");
        b1.awaitFrame(ServerFrame.Message.class);
        a2.awaitFrame(ServerFrame.Message.class);
        assertThat(b1.matching(ServerFrame.Typing.class, t -> !t.typing())).as("one stop per expiry").hasSize(2);
        assertThat(b1.matching(ServerFrame.Typing.class, t -> t.typing())).hasSize(1 + renewals);
        assertThat(a2.matching(ServerFrame.Typing.class, t -> true)).as("never to the typist's devices").isEmpty();
    }

    @Test
    void typingIsRateLimitedPerConnectionAndExtraFramesAreDroppedSilently() throws Exception {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = groups.createOk(alice, "Rate", bob);
        TestSocket a1 = alice.login("a1").connect();
        TestSocket b1 = bob.login("b1").connect();

        int burst = 10;
        for (int i = 0; i < burst; i++) {
            a1.send(new ClientFrame.Typing(null, c, true));
        }
        a1.sendMessage(c, "barrier-1", "barrier");
        b1.awaitFrame(ServerFrame.Message.class);
        int forwarded = b1.matching(ServerFrame.Typing.class, t -> true).size();
        assertThat(forwarded).as("forwarded of %s", burst).isBetween(1, burst - 5);
        assertThat(a1.matching(ServerFrame.Error.class, e -> true)).as("dropped silently").isEmpty();

        // The allowance comes back: a second later a "stopped" gets through.
        Thread.sleep(1100);
        a1.send(new ClientFrame.Typing("stop", c, false));
        a1.awaitFrame(ServerFrame.Ok.class, o -> "stop".equals(o.rid()));
        assertThat(b1.awaitFrame(ServerFrame.Typing.class, t -> !t.typing(), WAIT).userId()).isEqualTo(alice.userId());
    }
}
