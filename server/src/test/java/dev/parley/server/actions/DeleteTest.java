package dev.parley.server.actions;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deleting for everyone over real sockets: two users with two devices each. The deletion is an
 * entry that reaches every other device live; a reconnecting device, the history page and the
 * conversation list get a tombstone (who, when) with no text, and a reply quoting it shows the
 * deletion. Only the sender deletes in a direct conversation; a group's owner moderates.
 */
class DeleteTest extends TwoUsersOnTwoDevices {

    @Test
    void aDeletionReachesEveryDeviceAndEveryReadShowsATombstone() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket al = synced(aliceLaptop, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        TestSocket bl = synced(bobLaptop, Map.of());
        long oops = ap.sendMessage(c, "q-1", "wrong chat, sorry").seq();
        bl.send(new ClientFrame.Send(null, "r-1", c, "what?", oops));
        long reply = bl.awaitFrame(ServerFrame.Sent.class, s -> "r-1".equals(s.clientId())).seq();
        ap.awaitFrame(ServerFrame.Message.class, m -> m.seq() == reply);

        al.send(new ClientFrame.Delete("d1", "del-1", c, oops));
        ServerFrame.Sent deleted = al.awaitFrame(ServerFrame.Sent.class, s -> "del-1".equals(s.clientId()));
        for (TestSocket device : List.of(ap, bp, bl)) {
            ServerFrame.Message m = device.awaitFrame(ServerFrame.Message.class, x -> x.seq() == deleted.seq());
            assertThat(m.kind()).isEqualTo("deleted");
            assertThat(m.targetSeq()).isEqualTo(oops);
            assertThat(m.body()).isNull();
            assertThat(m.senderId()).isEqualTo(alice.userId());
        }
        al.send(new ClientFrame.Delete("d2", "del-2", c, oops));
        assertThat(al.awaitFrame(ServerFrame.Sent.class, s -> "del-2".equals(s.clientId())).seq())
                .as("already deleted: nothing stored").isZero();

        bl.close();
        TestSocket blAgain = synced(bobLaptop, Map.of(c, 0L));
        ServerFrame.Message tombstone = blAgain.matching(ServerFrame.Message.class, m -> m.seq() == oops).getFirst();
        assertThat(tombstone.body()).isNull();
        assertThat(tombstone.deletedAt()).isEqualTo(deleted.ts());
        assertThat(tombstone.deletedBy()).isEqualTo(alice.userId());
        ServerFrame.Message quoting = blAgain.matching(ServerFrame.Message.class, m -> m.seq() == reply).getFirst();
        assertThat(quoting.quote()).isEqualTo(new ServerFrame.Quote(oops, alice.userId(), "text", null, true));
        assertThat(blAgain.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                .containsExactly(oops, reply, deleted.seq());

        JsonObject first = bobPhone.history(c, "limit=10").array("messages").getJsonObject(0);
        assertThat(first.containsKey("body")).as("no text in the history page").isFalse();
        assertThat(first.getLong("deletedBy")).isEqualTo(alice.userId());
        assertThat(blAgain.received().toString()).doesNotContain("wrong chat");
        assertThat(bobPhone.get("/v1/conversations").body()).doesNotContain("wrong chat");
        assertThat(bobPhone.history(c, "limit=10").body()).doesNotContain("wrong chat");
    }

    @Test
    void onlyTheSenderDeletesInADirectConversationAndAGroupsOwnerModerates() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        long hello = ap.sendMessage(c, "q-1", "hello").seq();
        bp.send(new ClientFrame.Delete("d1", "b-1", c, hello));
        ServerFrame.Error refused = bp.awaitError("d1");
        assertThat(refused.code()).isEqualTo("forbidden");
        assertThat(refused.request()).isEqualTo("delete");
        bp.send(new ClientFrame.Delete("d2", "b-2", c, 42));
        assertThat(bp.awaitError("d2").code()).isEqualTo("target_not_found");

        TestUser carol = node.newUser("carol");
        long g = new Groups(node).createOk(alice, "team", bob, carol);
        TestSocket cp = carol.login("phone").connect();
        long spam = bp.sendMessage(g, "spam-1", "buy my stuff").seq();
        cp.send(new ClientFrame.Delete("d3", "c-1", g, spam));
        assertThat(cp.awaitError("d3").code()).as("a member cannot delete another's").isEqualTo("forbidden");
        ap.send(new ClientFrame.Delete("d4", "a-1", g, spam));
        long moderated = ap.awaitFrame(ServerFrame.Sent.class, s -> "a-1".equals(s.clientId())).seq();
        ServerFrame.Message seen = cp.awaitFrame(ServerFrame.Message.class, m -> m.seq() == moderated);
        assertThat(seen.kind()).isEqualTo("deleted");
        assertThat(seen.senderId()).isEqualTo(alice.userId());
        bp.send(new ClientFrame.React("r1", "b-3", g, spam, "\uD83D\uDC4D", false));
        assertThat(bp.awaitError("r1").code()).isEqualTo("message_deleted");
    }
}
