package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read receipts in groups (docs/protocol.md, {@code delivered}, {@code read}, {@code receipt}):
 * each member has a delivered and a read position per conversation that only move forward, never
 * past the last seq, read implying delivered; each change reaches every device of every member,
 * the reader's own other devices included, one {@code receipt} per member.
 */
class ReadReceiptTest {
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
    void positionsMoveOnlyForwardAndReachEveryMemberAndTheReadersOtherDevice() {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestUser outsider = node.newUser("outsider");
        long c = groups.createOk(alice, "Receipts", bob, carol);
        TestSocket a1 = alice.login("a1").connect();
        TestSocket a2 = alice.login("a2").connect();
        TestSocket b1 = bob.login("b1").connect();
        TestSocket b2 = bob.login("b2").connect();
        TestSocket c1 = carol.login("c1").connect();
        TestSocket x1 = outsider.login("x1").connect();
        alice.directWith(outsider);
        List<TestSocket> members = List.of(a1, a2, b1, b2, c1);
        for (int i = 1; i <= 5; i++) {
            a1.sendMessage(c, "m" + i, "message " + i);
        }
        b1.awaitMessages(c, 5);
        b2.awaitMessages(c, 5);

        // Bob's phone confirms delivery, then reads part of it: every device of every member hears.
        b1.send(new ClientFrame.Delivered(null, c, 4));
        expectReceipt(members, new ServerFrame.Receipt(c, bob.userId(), 4, 0));
        b1.send(new ClientFrame.Read(null, c, 3));
        expectReceipt(members, new ServerFrame.Receipt(c, bob.userId(), 4, 3));

        // Bob's laptop lags behind: older positions move nothing and announce nothing.
        b2.send(new ClientFrame.Read("old-read", c, 2));
        b2.awaitFrame(ServerFrame.Ok.class, o -> "old-read".equals(o.rid()));
        b2.send(new ClientFrame.Delivered("old-delivered", c, 1));
        b2.awaitFrame(ServerFrame.Ok.class, o -> "old-delivered".equals(o.rid()));
        // Then reads everything on the laptop: the phone (his other device) hears of it too.
        b2.send(new ClientFrame.Read(null, c, 6));
        expectReceipt(members, new ServerFrame.Receipt(c, bob.userId(), 6, 6));

        // Carol reads past the end: clamped to the last seq; read implies delivered.
        c1.send(new ClientFrame.Read(null, c, 1_000));
        expectReceipt(members, new ServerFrame.Receipt(c, carol.userId(), 6, 6));
        // Alice confirms delivery on one device: one receipt per member, hers.
        a2.send(new ClientFrame.Delivered(null, c, 6));
        expectReceipt(members, new ServerFrame.Receipt(c, alice.userId(), 6, 0));

        // Exactly those receipts, in that order, on every member device; none to outsiders.
        a1.sendMessage(c, "barrier", "barrier");
        for (TestSocket s : List.of(b1, b2, c1, a2)) {
            s.awaitFrame(ServerFrame.Message.class, m -> m.body().equals("barrier"));
        }
        for (TestSocket s : members) {
            assertThat(s.matching(ServerFrame.Receipt.class, r -> r.conversationId() == c)).containsExactly(
                    new ServerFrame.Receipt(c, bob.userId(), 4, 0),
                    new ServerFrame.Receipt(c, bob.userId(), 4, 3),
                    new ServerFrame.Receipt(c, bob.userId(), 6, 6),
                    new ServerFrame.Receipt(c, carol.userId(), 6, 6),
                    new ServerFrame.Receipt(c, alice.userId(), 6, 0));
        }
        assertThat(x1.matching(ServerFrame.Receipt.class, r -> true)).isEmpty();

        // The conversation object holds the same positions.
        Rest.Response conv = groups.conversation(carol, c);
        assertPositions(conv, alice, 6, 0);
        assertPositions(conv, bob, 6, 6);
        assertPositions(conv, carol, 6, 6);

        // A non-member's receipts are refused.
        x1.send(new ClientFrame.Read("x", c, 1));
        ServerFrame.Error e = x1.awaitError("x");
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.request()).isEqualTo("read");
        assertThat(e.conversationId()).isEqualTo(c);
        x1.send(new ClientFrame.Delivered("y", c, 1));
        assertThat(x1.awaitError("y").code()).isEqualTo("not_found");
    }

    /**
     * Two devices of one user report positions concurrently, in shuffled order: the stored
     * positions end at the highest, and every device sees the member's positions only ever rise.
     */
    @Test
    void concurrentReportsFromTwoDevicesNeverMoveAPositionBackwards() throws Exception {
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = groups.createOk(alice, "Races", bob, carol);
        TestSocket a1 = alice.login("a1").connect();
        TestSocket b1 = bob.login("b1").connect();
        TestSocket b2 = bob.login("b2").connect();
        TestSocket c1 = carol.login("c1").connect();
        int n = 30;
        for (int i = 1; i <= n; i++) {
            a1.send(new ClientFrame.Send(null, "race-" + i, c, "message " + i));
        }
        a1.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals("race-" + n));
        long last = n + 1;

        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<?>> done = new ArrayList<>();
            for (TestSocket s : List.of(b1, b2)) {
                List<Long> seqs = new ArrayList<>();
                for (long q = 1; q <= last; q++) {
                    seqs.add(q);
                }
                Collections.shuffle(seqs, new Random(s == b1 ? 1 : 2));
                done.add(pool.submit(() -> {
                    for (long q : seqs) {
                        s.send(q % 3 == 0 ? new ClientFrame.Delivered(null, c, q) : new ClientFrame.Read(null, c, q));
                    }
                    s.send(new ClientFrame.Ping("done"));
                    s.awaitFrame(ServerFrame.Pong.class, p -> "done".equals(p.rid()));
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        // Both reached the end: the last receipt everyone gets is (last, last).
        for (TestSocket s : List.of(a1, b1, b2, c1)) {
            s.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.read() == last);
        }
        for (TestSocket s : List.of(a1, b1, b2, c1)) {
            List<ServerFrame.Receipt> seen = s.matching(ServerFrame.Receipt.class, r -> r.userId() == bob.userId());
            assertThat(seen).isNotEmpty();
            for (int i = 0; i < seen.size(); i++) {
                ServerFrame.Receipt r = seen.get(i);
                assertThat(r.delivered()).as("read implies delivered: %s", r).isGreaterThanOrEqualTo(r.read());
                if (i > 0) {
                    ServerFrame.Receipt prev = seen.get(i - 1);
                    assertThat(r.delivered()).as("%s after %s", r, prev).isGreaterThanOrEqualTo(prev.delivered());
                    assertThat(r.read()).as("%s after %s", r, prev).isGreaterThanOrEqualTo(prev.read());
                    assertThat(r).as("each receipt is a move").isNotEqualTo(prev);
                }
            }
            assertThat(seen.getLast()).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), last, last));
        }
        assertPositions(groups.conversation(alice, c), bob, last, last);
    }

    /**
     * Positions only move forward, also across a removal and a later re-adding: a member who read
     * up to seq 4, was removed and is added back has not un-read anything.
     */
    @Test
    void positionsDoNotMoveBackwardsWhenAMemberIsRemovedAndAddedAgain() {
        TestUser owner = node.newUser("owner");
        TestUser member = node.newUser("member");
        long c = groups.createOk(owner, "Comings and goings", member);
        TestSocket o1 = owner.login("o1").connect();
        TestSocket m1 = member.login("m1").connect();
        for (int i = 1; i <= 3; i++) {
            o1.sendMessage(c, "before-" + i, "before " + i);
        }
        m1.send(new ClientFrame.Read(null, c, 4));
        o1.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == member.userId() && r.read() == 4);
        assertPositions(groups.conversation(owner, c), member, 4, 4);

        groups.removeOk(owner, c, member);
        o1.sendMessage(c, "while-away", "while away");
        groups.addOk(owner, c, member);
        o1.sendMessage(c, "back", "welcome back");

        assertPositions(groups.conversation(owner, c), member, 4, 4);
        JsonObject line = ConversationListTest.entries(groups.list(member, "")).stream()
                .filter(e -> e.getLong("conversationId") == c).findFirst().orElseThrow();
        assertThat(line.getLong("read")).isEqualTo(4L);
        assertThat(line.getInteger("unread")).as("at most the two sent after seq 4").isLessThanOrEqualTo(2);
    }

    private static void expectReceipt(List<TestSocket> sockets, ServerFrame.Receipt expected) {
        for (TestSocket s : sockets) {
            assertThat(s.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == expected.userId()))
                    .isEqualTo(expected);
        }
    }

    static void assertPositions(Rest.Response conversation, TestUser user, long delivered, long read) {
        JsonObject m = Groups.memberIn(conversation, user);
        assertThat(m).as("member %s", user.username()).isNotNull();
        assertThat(m.getLong("delivered")).as("delivered of %s", user.username()).isEqualTo(delivered);
        assertThat(m.getLong("read")).as("read of %s", user.username()).isEqualTo(read);
    }
}
