package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume with {@code auth} positions: exactly the missed entries in seq order, the members'
 * receipts, {@code synced}, then live entries with no gap and no repeat at the hand-over; and
 * {@code resync} for a device too far behind.
 */
class ResumeTest {
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
    void aReconnectingDeviceGetsExactlyWhatItMissedThenSyncedThenLive() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = alice.directWith(bob);
        long d = bob.directWith(carol);
        TestSocket a = alice.login("laptop").connect();
        TestSocket car = carol.login("phone").connect();
        TestUser.Device bobPhone = bob.login("phone");

        TestSocket first = bobPhone.connect(Map.of());
        ServerFrame.Synced nothing = first.awaitFrame(ServerFrame.Synced.class);
        assertThat(nothing).isEqualTo(new ServerFrame.Synced(0, 0));
        for (int i = 1; i <= 3; i++) {
            a.sendMessage(c, "c" + i, "live " + i);
        }
        assertThat(first.awaitMessages(c, 3)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L);
        first.send(new ClientFrame.Delivered("d3", c, 3));
        first.awaitFrame(ServerFrame.Ok.class);
        first.close();

        // While bob's phone is away: 5 entries in c, and a conversation it never heard of gets 2.
        for (int i = 4; i <= 8; i++) {
            a.sendMessage(c, "c" + i, "missed " + i);
        }
        car.sendMessage(d, "d1", "hello bob");
        car.sendMessage(d, "d2", "are you there?");
        car.send(new ClientFrame.Read(null, d, 2));
        car.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == carol.userId() && r.read() == 2);

        TestSocket back = bobPhone.connect(Map.of(c, 3L));
        ServerFrame.Synced synced = back.awaitFrame(ServerFrame.Synced.class);
        assertThat(synced).isEqualTo(new ServerFrame.Synced(2, 7));
        List<ServerFrame> beforeSynced = back.received().subList(0, back.received().indexOf(synced));
        assertThat(beforeSynced).first().isInstanceOf(ServerFrame.Ready.class);
        assertThat(messageSeqs(beforeSynced, c)).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(messageSeqs(beforeSynced, d)).containsExactly(1L, 2L);
        assertThat(beforeSynced).filteredOn(ServerFrame.Message.class::isInstance)
                .map(ServerFrame.Message.class::cast).filteredOn(m -> m.conversationId() == c)
                .extracting(ServerFrame.Message::body).containsExactly("missed 4", "missed 5", "missed 6", "missed 7",
                        "missed 8");
        // Each caught-up conversation ends with one receipt per member, with the positions the node holds.
        for (long conv : List.of(c, d)) {
            List<ServerFrame.Receipt> receipts = beforeSynced.stream().filter(ServerFrame.Receipt.class::isInstance)
                    .map(ServerFrame.Receipt.class::cast).filter(r -> r.conversationId() == conv).toList();
            Rest.Response view = bob.restDevice().get("/v1/conversations/" + conv);
            List<ServerFrame.Receipt> expected = view.array("members").stream().map(JsonObject.class::cast)
                    .map(m -> new ServerFrame.Receipt(conv, m.getLong("userId"), m.getLong("delivered"), m.getLong("read")))
                    .toList();
            assertThat(receipts).containsExactlyInAnyOrderElementsOf(expected);
            int lastEntry = lastIndexOfMessage(beforeSynced, conv);
            assertThat(receipts).allSatisfy(r -> assertThat(beforeSynced.indexOf(r)).isGreaterThan(lastEntry));
        }
        assertThat(back.matching(ServerFrame.Receipt.class, r -> r.conversationId() == c && r.userId() == bob.userId()))
                .extracting(ServerFrame.Receipt::delivered).containsExactly(3L);

        // Live from here on, continuing the sequence with nothing repeated.
        a.sendMessage(c, "c9", "live again");
        assertThat(back.awaitMessages(c, 6)).extracting(ServerFrame.Message::seq)
                .containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        car.sendMessage(d, "d3", "there you are");
        assertThat(back.awaitMessages(d, 3)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L);
        assertThat(back.received().indexOf(synced))
                .isLessThan(back.received().indexOf(back.matching(ServerFrame.Message.class, m -> m.seq() == 9).getFirst()));
        assertThat(back.matching(ServerFrame.Synced.class, s -> true)).hasSize(1);
    }

    @Test
    void aNewDeviceLoadsTheListAndRecentHistoryThenBehavesLikeTheOthers() throws Exception {
        node = TestNode.start(dataDir, cfg -> cfg.withLimits(cfg.limits().withSendRate(10_000, 10_000)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        sendAll(a, c, 1, 120);
        TestSocket bobLaptop = bob.login("laptop").connect(Map.of(c, 120L));
        bobLaptop.awaitFrame(ServerFrame.Synced.class);

        // A freshly logged-in phone: the list, then the newest page, then it connects from there.
        TestUser.Device phone = bob.login("phone");
        Rest.Response list = phone.get("/v1/conversations");
        JsonObject entry = list.array("conversations").stream().map(JsonObject.class::cast)
                .filter(o -> o.getLong("conversationId") == c).findFirst().orElseThrow();
        assertThat(entry.getLong("lastSeq")).isEqualTo(120);
        assertThat(entry.getJsonObject("lastMessage").getLong("seq")).isEqualTo(120);
        List<Long> recent = OneOnOneWorkflowTest.pageSeqs(phone.history(c, "limit=30"));
        assertThat(recent).containsExactlyElementsOf(LongStream.rangeClosed(91, 120).boxed().toList());
        TestSocket p = phone.connect(Map.of(c, 120L));
        assertThat(p.awaitFrame(ServerFrame.Synced.class)).isEqualTo(new ServerFrame.Synced(0, 0));

        // Older history on demand, page by page, down to the first entry.
        List<Long> older = new java.util.ArrayList<>();
        long before = 91;
        while (before > 1) {
            List<Long> page = OneOnOneWorkflowTest.pageSeqs(phone.history(c, "limit=50&before=" + before));
            older.addAll(0, page);
            before = page.getFirst();
        }
        assertThat(older).containsExactlyElementsOf(LongStream.rangeClosed(1, 90).boxed().toList());

        // From now on the phone gets what the laptop gets, once and in order.
        sendAll(a, c, 121, 130);
        assertThat(p.awaitMessages(c, 10)).extracting(ServerFrame.Message::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(121, 130).boxed().toList());
        assertThat(bobLaptop.awaitMessages(c, 10)).extracting(ServerFrame.Message::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(121, 130).boxed().toList());
        ServerFrame.Sent mine = p.sendMessage(c, "from-phone", "sent from the new phone");
        assertThat(mine.seq()).isEqualTo(131);
        assertThat(bobLaptop.awaitFrame(ServerFrame.Message.class, m -> m.seq() == 131).senderDeviceId())
                .isEqualTo(phone.deviceId());
    }

    @Test
    void entriesCommittedDuringTheCatchUpAreNeitherLostNorRepeated() throws Exception {
        node = TestNode.start(dataDir, cfg -> cfg.withLimits(cfg.limits().withSendRate(10_000, 10_000)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        TestUser.Device bobPhone = bob.login("phone");
        int before = 300;
        int during = 150;
        sendAll(a, c, 1, before);

        // alice keeps sending while bob's phone connects and catches up.
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> sendAll(a, c, before + 1, before + during));
        TestSocket b = bobPhone.connect(Map.of(c, 0L));
        List<ServerFrame.Message> got = b.awaitMessages(c, before + during);
        sender.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);

        assertThat(got).extracting(ServerFrame.Message::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, before + during).boxed().toList());
        ServerFrame.Synced synced = b.awaitFrame(ServerFrame.Synced.class);
        assertThat(synced.conversations()).isEqualTo(1);
        assertThat(synced.messages()).isBetween((long) before, (long) before + during);
        // Live entries keep coming with no repeat.
        a.sendMessage(c, "last", "the end");
        assertThat(b.awaitFrame(ServerFrame.Message.class).seq()).isEqualTo(before + during + 1);
        assertThat(b.matching(ServerFrame.Message.class, m -> true)).hasSize(before + during + 1);
    }

    @Test
    void aDeviceTooFarBehindGetsResync() throws Exception {
        node = TestNode.start(dataDir, cfg -> cfg.withLimits(cfg.limits().withMaxCatchUp(5)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long far = alice.directWith(bob);
        long near = carol.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        TestSocket car = carol.login("phone").connect();
        sendAll(a, far, 1, 12);
        sendAll(car, near, 1, 5);

        TestUser.Device bobPhone = bob.login("phone");
        // far: 10 missing (> 5): resync. near: exactly 5 missing: caught up entry by entry.
        TestSocket b = bobPhone.connect(Map.of(far, 2L, near, 0L));
        ServerFrame.Resync resync = b.awaitFrame(ServerFrame.Resync.class);
        assertThat(resync).isEqualTo(new ServerFrame.Resync(far, 12));
        assertThat(b.awaitMessages(near, 5)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        ServerFrame.Synced synced = b.awaitFrame(ServerFrame.Synced.class);
        assertThat(b.received().indexOf(resync)).isLessThan(b.received().indexOf(synced));
        assertThat(b.matching(ServerFrame.Message.class, m -> m.conversationId() == far)).isEmpty();

        // The client reloads recent history over REST and continues from latestSeq: live entries follow.
        assertThat(OneOnOneWorkflowTest.pageSeqs(bobPhone.history(far, "limit=3")))
                .containsExactly(10L, 11L, 12L);
        a.sendMessage(far, "after-resync", "welcome back");
        ServerFrame.Message live = b.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == far);
        assertThat(live.seq()).isEqualTo(13);
        assertThat(live.body()).isEqualTo("welcome back");
    }

    /** Sends messages {@code from..to} with pipelining and waits for every sent. */
    private static void sendAll(TestSocket s, long conversation, int from, int to) {
        for (int i = from; i <= to; i++) {
            s.send(new ClientFrame.Send(null, conversation + "-" + i, conversation, "message " + i));
        }
        for (int i = from; i <= to; i++) {
            String id = conversation + "-" + i;
            assertThat(s.awaitFrame(ServerFrame.Sent.class, x -> x.clientId().equals(id)).seq()).isEqualTo(i);
        }
    }

    private static List<Long> messageSeqs(List<ServerFrame> frames, long conversation) {
        return frames.stream().filter(ServerFrame.Message.class::isInstance).map(ServerFrame.Message.class::cast)
                .filter(m -> m.conversationId() == conversation).map(ServerFrame.Message::seq).toList();
    }

    private static int lastIndexOfMessage(List<ServerFrame> frames, long conversation) {
        int last = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i) instanceof ServerFrame.Message m && m.conversationId() == conversation) {
                last = i;
            }
        }
        return last;
    }
}
