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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/protocol.md: "A removed member receives the entry that removes them, and after it nothing
 * more of that group: no messages, receipts, typing or presence; their history pages stop at that
 * entry." Each kind of traffic is first shown to reach the member, then the member is removed,
 * every kind happens again (seen by the remaining members), and the removed member's devices must
 * have received nothing after the removal entry. Short presence grace and typing expiry.
 */
class RemovedMemberTest {
    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir, c -> c.withTiming(new ServerConfig.Timing(Duration.ofSeconds(25),
                Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(1))));
        groups = new Groups(node);
    }

    @Test
    void aRemovedMemberReceivesNothingAfterTheRemoval() {
        TestUser owner = node.newUser("owner");
        TestUser member = node.newUser("member");
        TestUser removed = node.newUser("removed");
        TestUser newcomer = node.newUser("newcomer");
        long c = groups.createOk(owner, "Removal", member, removed);
        TestSocket o1 = owner.login("o1").connect();
        TestSocket r1 = removed.login("r1").connect();
        TestSocket r2 = removed.login("r2").connect();
        TestUser.Device memberDevice = member.login("m1");

        // Both watch the member (offline for now) and each other.
        watch(r1, "w1", member, owner);
        watch(o1, "w2", member, removed);
        assertThat(r1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId()).online()).isFalse();
        assertThat(o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == removed.userId()).online()).isTrue();
        assertThat(o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId()).online()).isFalse();

        // Before the removal every kind of traffic reaches the member-to-be.
        TestSocket m1 = memberDevice.connect();
        assertThat(r1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId()).online()).isTrue();
        assertThat(o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId()).online()).isTrue();
        assertThat(m1.sendMessage(c, "before-1", "before").seq()).isEqualTo(2);
        for (TestSocket s : List.of(r1, r2)) {
            assertThat(s.awaitFrame(ServerFrame.Message.class, m -> m.conversationId() == c).seq()).isEqualTo(2);
        }
        m1.send(new ClientFrame.Typing(null, c, true));
        assertThat(r1.awaitFrame(ServerFrame.Typing.class).typing()).isTrue();
        m1.send(new ClientFrame.Typing(null, c, false));
        assertThat(r1.awaitFrame(ServerFrame.Typing.class).typing()).isFalse();
        m1.send(new ClientFrame.Read(null, c, 2));
        assertThat(r1.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == member.userId()))
                .isEqualTo(new ServerFrame.Receipt(c, member.userId(), 2, 2));

        // The removal: both of the member's devices get the entry that removes them.
        JsonObject removal = groups.removeOk(owner, c, removed);
        long removalSeq = removal.getLong("seq");
        assertThat(removalSeq).isEqualTo(3);
        for (TestSocket s : List.of(r1, r2, o1, m1)) {
            ServerFrame.Message m = s.awaitFrame(ServerFrame.Message.class, x -> x.seq() == removalSeq);
            assertThat(m.kind()).isEqualTo("member_removed");
            assertThat(m.userIds()).containsExactly(removed.userId());
        }

        // After it: messages, typing (started, and expiring by itself), receipts, renames, new
        // members, presence changes. The remaining members see each of them.
        assertThat(o1.sendMessage(c, "after-1", "after 1").seq()).isEqualTo(4);
        assertThat(m1.sendMessage(c, "after-2", "after 2").seq()).isEqualTo(5);
        // (The owner types: the member's connection spent its typing allowance a moment ago.)
        o1.send(new ClientFrame.Typing(null, c, true));
        assertThat(m1.awaitFrame(ServerFrame.Typing.class, t -> t.typing() && t.userId() == owner.userId()))
                .isNotNull();
        m1.send(new ClientFrame.Read(null, c, 5));
        o1.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == member.userId() && x.read() == 5);
        o1.send(new ClientFrame.Delivered(null, c, 5));
        m1.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == owner.userId() && x.delivered() == 5);
        groups.renameOk(owner, c, "Without them");
        groups.addOk(owner, c, newcomer);
        o1.awaitFrame(ServerFrame.Message.class, x -> x.seq() == 7);
        // The typing indicator nobody stopped expires (the member sees the node's "stopped").
        m1.awaitFrame(ServerFrame.Typing.class, t -> !t.typing() && t.userId() == owner.userId());
        // The member goes offline (after the grace period) and comes back.
        m1.close();
        assertThat(o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId() && !p.online()))
                .isNotNull();
        TestSocket m2 = memberDevice.connect();
        o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId() && p.online());
        assertThat(m2.sendMessage(c, "after-3", "after 3").seq()).isEqualTo(8);
        o1.awaitFrame(ServerFrame.Message.class, x -> x.seq() == 8);

        // The removed member's devices received nothing at all after the removal entry.
        for (TestSocket s : List.of(r1, r2)) {
            assertThat(framesAfterRemoval(s, c, removalSeq)).as("frames after the removal").isEmpty();
            assertThat(s.matching(ServerFrame.Message.class, m -> m.conversationId() == c).stream()
                    .map(ServerFrame.Message::seq).toList()).containsExactly(2L, 3L);
        }

        // Their history stops at the removal entry, whichever way it is paged.
        assertThat(OneOnOneWorkflowTest.pageSeqs(groups.history(removed, c, ""))).containsExactly(1L, 2L, 3L);
        assertThat(OneOnOneWorkflowTest.pageSeqs(groups.history(removed, c, "after=0&limit=200")))
                .containsExactly(1L, 2L, 3L);
        Rest.Response pastRemoval = groups.history(removed, c, "after=" + removalSeq);
        assertThat(OneOnOneWorkflowTest.pageSeqs(pastRemoval)).isEmpty();
        assertThat(pastRemoval.json().getBoolean("hasMore")).isFalse();
        Rest.Response newest = groups.history(removed, c, "before=100&limit=2");
        assertThat(OneOnOneWorkflowTest.pageSeqs(newest)).containsExactly(2L, 3L);
        assertThat(newest.array("messages").getJsonObject(1).getString("kind")).isEqualTo("member_removed");
        // The remaining members see the whole history.
        assertThat(OneOnOneWorkflowTest.pageSeqs(groups.history(member, c, ""))).hasSize(8);

        // Later requests are refused as for a stranger.
        assertThat(groups.conversation(removed, c).errorCode()).isEqualTo("not_found");
        assertThat(groups.list(removed, "").array("conversations").stream()
                .map(o -> ((JsonObject) o).getLong("conversationId")).toList()).doesNotContain(c);
        r1.send(new ClientFrame.Send("x1", "late-1", c, "still here?"));
        assertThat(r1.awaitError("x1").code()).isEqualTo("not_found");
        r1.send(new ClientFrame.Typing("x2", c, true));
        assertThat(r1.awaitError("x2").code()).isEqualTo("not_found");
        r1.send(new ClientFrame.Read("x3", c, 8));
        assertThat(r1.awaitError("x3").code()).isEqualTo("not_found");
        r1.send(new ClientFrame.Delivered("x4", c, 8));
        assertThat(r1.awaitError("x4").code()).isEqualTo("not_found");
        assertThat(groups.rename(removed, c, "Back").errorCode()).isEqualTo("not_found");
        // Watching former co-members is ignored: no presence for them.
        r1.send(new ClientFrame.Watch("x5", List.of(member.userId(), owner.userId())));
        r1.awaitFrame(ServerFrame.Ok.class, o -> "x5".equals(o.rid()));
        assertThat(framesAfterRemoval(r1, c, removalSeq)).as("after the removal")
                .allMatch(f -> f instanceof ServerFrame.Error || f instanceof ServerFrame.Ok);
        assertThat(groups.conversation(member, c).getLong("lastSeq")).as("the refused send wrote nothing").isEqualTo(8);

        // Resuming from before the removal stops at it too, without receipts.
        TestSocket resumed = removed.login("r3").connect(Map.of(c, 1L));
        ServerFrame.Synced synced = resumed.awaitFrame(ServerFrame.Synced.class);
        assertThat(synced.messages()).isEqualTo(2);
        assertThat(resumed.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                .containsExactly(2L, 3L);
        assertThat(resumed.matching(ServerFrame.Receipt.class, r -> r.conversationId() == c)).isEmpty();
        TestSocket fresh = removed.login("r4").connect(Map.of());
        fresh.awaitFrame(ServerFrame.Synced.class);
        assertThat(fresh.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                .containsExactly(1L, 2L, 3L);

        // And the removed user's own presence no longer reaches the group: they go offline, then the
        // member does; the owner (who watched both) hears only of the member.
        for (TestSocket s : List.of(r1, r2, resumed, fresh)) {
            s.close();
        }
        m2.close();
        o1.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == member.userId() && !p.online());
        assertThat(presenceAfterRemoval(o1, c, removalSeq, removed.userId()))
                .as("the removed user's presence after the removal").isEmpty();
        assertThat(o1.matching(ServerFrame.Typing.class, t -> t.userId() == removed.userId())).isEmpty();
    }

    @Test
    void aMemberWhoLeavesReceivesNothingAfterLeaving() {
        TestUser owner = node.newUser("owner");
        TestUser leaver = node.newUser("leaver");
        TestUser stayer = node.newUser("stayer");
        long c = groups.createOk(owner, "Leaving", leaver, stayer);
        TestSocket o1 = owner.login("o1").connect();
        TestSocket l1 = leaver.login("l1").connect();
        TestSocket s1 = stayer.login("s1").connect();

        Rest.Response left = groups.leave(leaver, c);
        assertThat(left.status()).isEqualTo(200);
        long leftSeq = left.getLong("seq");
        ServerFrame.Message entry = l1.awaitFrame(ServerFrame.Message.class, m -> m.seq() == leftSeq);
        assertThat(entry.kind()).isEqualTo("member_left");

        o1.sendMessage(c, "after-leave", "gone?");
        s1.send(new ClientFrame.Typing(null, c, true));
        s1.send(new ClientFrame.Read(null, c, leftSeq + 1));
        o1.awaitFrame(ServerFrame.Typing.class, t -> t.userId() == stayer.userId());
        o1.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == stayer.userId() && r.read() == leftSeq + 1);
        s1.awaitFrame(ServerFrame.Message.class, m -> m.seq() == leftSeq + 1);
        assertThat(framesAfterRemoval(l1, c, leftSeq)).isEmpty();
        assertThat(OneOnOneWorkflowTest.pageSeqs(groups.history(leaver, c, ""))).containsExactly(1L, leftSeq);
    }

    @Test
    void aDeviceOfflineDuringTheRemovalLearnsOfItOnResumeAndNothingAfter() {
        TestUser owner = node.newUser("owner");
        TestUser removed = node.newUser("removed");
        long c = groups.createOk(owner, "Offline removal", removed);
        TestSocket o1 = owner.login("o1").connect();
        TestUser.Device phone = removed.login("phone");
        o1.sendMessage(c, "m-2", "seen by the phone");

        groups.removeOk(owner, c, removed);
        o1.sendMessage(c, "m-4", "not for them");
        o1.sendMessage(c, "m-5", "not for them either");

        TestSocket s = phone.connect(Map.of(c, 2L));
        ServerFrame.Synced synced = s.awaitFrame(ServerFrame.Synced.class);
        assertThat(synced.messages()).isEqualTo(1);
        List<ServerFrame.Message> got = s.matching(ServerFrame.Message.class, m -> true);
        assertThat(got).extracting(ServerFrame.Message::seq).containsExactly(3L);
        assertThat(got.getFirst().kind()).isEqualTo("member_removed");
        // Live traffic after the resume does not reach them either.
        o1.sendMessage(c, "m-6", "still not");
        o1.send(new ClientFrame.Typing(null, c, true));
        TestSocket witness = owner.login("o2").connect();
        witness.send(new ClientFrame.Ping("p"));
        witness.awaitFrame(ServerFrame.Pong.class);
        o1.send(new ClientFrame.Read("r", c, 6));
        o1.awaitFrame(ServerFrame.Ok.class, ok -> "r".equals(ok.rid()));
        witness.awaitFrame(ServerFrame.Receipt.class, r -> r.read() == 6);
        assertThat(s.matching(ServerFrame.Message.class, m -> m.seq() > 3)).isEmpty();
        assertThat(s.matching(ServerFrame.Typing.class, t -> true)).isEmpty();
        assertThat(s.matching(ServerFrame.Receipt.class, r -> true)).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void watch(TestSocket s, String rid, TestUser... users) {
        s.send(new ClientFrame.Watch(rid, Arrays.stream(users).map(TestUser::userId).toList()));
        s.awaitFrame(ServerFrame.Ok.class, o -> rid.equals(o.rid()));
    }

    /** Every frame the socket received after the message frame at {@code seq} of {@code c}. */
    static List<ServerFrame> framesAfterRemoval(TestSocket s, long c, long seq) {
        List<ServerFrame> all = s.received();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) instanceof ServerFrame.Message m && m.conversationId() == c && m.seq() == seq) {
                return all.subList(i + 1, all.size());
            }
        }
        throw new AssertionError("no entry " + seq + " of " + c + " in " + all);
    }

    private static List<ServerFrame.Presence> presenceAfterRemoval(TestSocket s, long c, long seq, long userId) {
        return framesAfterRemoval(s, c, seq).stream().filter(f -> f instanceof ServerFrame.Presence p
                && p.userId() == userId).map(ServerFrame.Presence.class::cast).toList();
    }
}
