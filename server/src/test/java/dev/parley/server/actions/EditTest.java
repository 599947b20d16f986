package dev.parley.server.actions;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edits over real sockets: two users with two devices each. An edit is an entry that reaches
 * every other device live; a reconnecting device and the history page get the message with its
 * new text and when it was edited. Editing someone else's message, after the window, or on a node
 * with editing turned off is refused with its code and takes no seq.
 */
class EditTest extends TwoUsersOnTwoDevices {

    @Test
    void anEditReachesEveryDeviceAndTheMessageReadsEditedEverywhere() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket al = synced(aliceLaptop, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        TestSocket bl = synced(bobLaptop, Map.of());
        ServerFrame.Sent typo = ap.sendMessage(c, "q-1", "see you at 7");
        bl.awaitFrame(ServerFrame.Message.class, m -> m.seq() == typo.seq());

        // Alice corrects it from her other device.
        al.send(new ClientFrame.Edit("e1", "edit-1", c, typo.seq(), "see you at 8"));
        ServerFrame.Sent edited = al.awaitFrame(ServerFrame.Sent.class, s -> "edit-1".equals(s.clientId()));
        for (TestSocket device : List.of(ap, bp, bl)) {
            ServerFrame.Message m = device.awaitFrame(ServerFrame.Message.class, x -> x.seq() == edited.seq());
            assertThat(m.kind()).isEqualTo("edited");
            assertThat(m.targetSeq()).isEqualTo(typo.seq());
            assertThat(m.body()).isEqualTo("see you at 8");
            assertThat(m.senderId()).isEqualTo(alice.userId());
            assertThat(m.ts()).isEqualTo(edited.ts());
        }
        assertThat(al.matching(ServerFrame.Message.class, x -> x.seq() == edited.seq())).as("no echo").isEmpty();

        bl.close();
        TestSocket blAgain = synced(bobLaptop, Map.of(c, 0L));
        ServerFrame.Message resumed = blAgain.matching(ServerFrame.Message.class, m -> m.seq() == typo.seq()).getFirst();
        assertThat(resumed.body()).as("the text as it is now").isEqualTo("see you at 8");
        assertThat(resumed.editedAt()).isEqualTo(edited.ts());
        assertThat(blAgain.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                .containsExactly(typo.seq(), edited.seq());

        Rest.Response page = bobPhone.history(c, "limit=10");
        JsonObject first = page.array("messages").getJsonObject(0);
        assertThat(first.getString("body")).isEqualTo("see you at 8");
        assertThat(first.getLong("editedAt")).isEqualTo(edited.ts());
    }

    @Test
    void editingAnotherOnesMessageIsForbiddenAndTakesNoSeq() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        long hello = ap.sendMessage(c, "q-1", "hello").seq();

        bp.send(new ClientFrame.Edit("e1", "b-1", c, hello, "goodbye"));
        ServerFrame.Error refused = bp.awaitError("e1");
        assertThat(refused.code()).isEqualTo("forbidden");
        assertThat(refused.request()).isEqualTo("edit");
        assertThat(refused.clientId()).isEqualTo("b-1");
        ap.send(new ClientFrame.Edit("e2", "a-1", c, 7, "nothing there"));
        assertThat(ap.awaitError("e2").code()).isEqualTo("target_not_found");
        ap.send(new ClientFrame.Edit("e3", "a-2", c, hello, ""));
        assertThat(ap.awaitError("e3").code()).isEqualTo("invalid_field");

        assertThat(bp.sendMessage(c, "next", "ok").seq()).as("the refused edits took no seq").isEqualTo(2);
        assertThat(bobPhone.history(c, "limit=10").array("messages").getJsonObject(0).getString("body"))
                .isEqualTo("hello");
    }

    @Test
    void afterTheWindowOrWithEditingOffAnEditIsRefused(@TempDir Path shortWindowDir, @TempDir Path offDir)
            throws Exception {
        Duration window = Duration.ofMillis(300);
        try (TestNode shortWindow = TestNode.start(shortWindowDir,
                cfg -> cfg.withMessages(new ServerConfig.Messages(window)))) {
            TestUser carol = shortWindow.newUser("carol");
            TestUser dave = shortWindow.newUser("dave");
            long cd = carol.directWith(dave);
            TestSocket phone = carol.login("phone").connect();
            long seq = phone.sendMessage(cd, "q-1", "soon outdated").seq();
            Thread.sleep(window.toMillis() + 100);
            phone.send(new ClientFrame.Edit("late", "e-1", cd, seq, "too late"));
            assertThat(phone.awaitError("late").code()).isEqualTo("edit_window_closed");
            assertThat(phone.sendMessage(cd, "next", "ok").seq()).as("no seq taken").isEqualTo(seq + 1);
        }
        try (TestNode off = TestNode.start(offDir, cfg -> cfg.withMessages(new ServerConfig.Messages(Duration.ZERO)))) {
            TestUser erin = off.newUser("erin");
            TestUser frank = off.newUser("frank");
            long ef = erin.directWith(frank);
            TestSocket phone = erin.login("phone").connect();
            long seq = phone.sendMessage(ef, "q-1", "final").seq();
            phone.send(new ClientFrame.Edit("never", "e-1", ef, seq, "changed"));
            assertThat(phone.awaitError("never").code()).isEqualTo("edit_window_closed");
        }
    }
}
