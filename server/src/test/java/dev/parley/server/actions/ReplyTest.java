package dev.parley.server.actions;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies over real sockets: two users with two devices each. A reply reaches every device but
 * the sender's with the entry it answers quoted, live and after a reconnect, and history pages
 * and the conversation list carry the same quote; a reply to something it cannot answer is
 * refused with {@code target_not_found} and takes no seq.
 */
class ReplyTest extends TwoUsersOnTwoDevices {
    private static final String QUESTION = "are you coming tonight?";

    @Test
    void aReplyReachesEveryDeviceWithItsQuoteLiveAndAfterAReconnect() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket al = synced(aliceLaptop, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        TestSocket bl = synced(bobLaptop, Map.of());

        long question = ap.sendMessage(c, "q-1", QUESTION).seq();
        bl.send(new ClientFrame.Send("r1", "reply-1", c, "yes!", question));
        ServerFrame.Sent sent = bl.awaitFrame(ServerFrame.Sent.class, s -> "reply-1".equals(s.clientId()));

        ServerFrame.Quote quote = new ServerFrame.Quote(question, alice.userId(), "text", QUESTION);
        for (TestSocket device : List.of(ap, al, bp)) {
            ServerFrame.Message m = device.awaitFrame(ServerFrame.Message.class, x -> x.seq() == sent.seq());
            assertThat(m.replyTo()).isEqualTo(question);
            assertThat(m.quote()).as("live").isEqualTo(quote);
            assertThat(m.body()).isEqualTo("yes!");
        }
        assertThat(bl.matching(ServerFrame.Message.class, x -> x.seq() == sent.seq())).as("no echo").isEmpty();

        // Reconnects: one device from nothing, one from just before the reply.
        bl.close();
        al.close();
        TestSocket blAgain = bobLaptop.connect(Map.of(c, 0L));
        TestSocket alAgain = aliceLaptop.connect(Map.of(c, question));
        for (TestSocket device : List.of(blAgain, alAgain)) {
            ServerFrame.Message m = device.awaitFrame(ServerFrame.Message.class, x -> x.seq() == sent.seq());
            assertThat(m.replyTo()).isEqualTo(question);
            assertThat(m.quote()).as("after a reconnect").isEqualTo(quote);
            device.awaitFrame(ServerFrame.Synced.class);
        }

        Rest.Response page = bobPhone.history(c, "limit=10");
        assertThat(page.status()).isEqualTo(200);
        JsonObject last = page.array("messages").getJsonObject(1);
        assertThat(last.getLong("replyTo")).isEqualTo(question);
        assertThat(last.getJsonObject("quote").getMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "seq", (int) question, "senderId", alice.userId(), "kind", "text", "excerpt", QUESTION));

        Rest.Response list = alicePhone.get("/v1/conversations");
        assertThat(list.status()).isEqualTo(200);
        JsonObject lastMessage = list.array("conversations").getJsonObject(0).getJsonObject("lastMessage");
        assertThat(lastMessage.getLong("replyTo")).isEqualTo(question);
        assertThat(lastMessage.getJsonObject("quote").getString("excerpt")).isEqualTo(QUESTION);
    }

    @Test
    void aReplyToWhatCannotBeAnsweredIsRefusedAndTakesNoSeq() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        ap.sendMessage(c, "q-1", QUESTION);

        bp.send(new ClientFrame.Send("r1", "past-end", c, "what?", 7));
        ServerFrame.Error refused = bp.awaitError("r1");
        assertThat(refused.code()).isEqualTo("target_not_found");
        assertThat(refused.request()).isEqualTo("send");
        assertThat(refused.clientId()).isEqualTo("past-end");

        bp.sendText("{\"type\":\"send\",\"rid\":\"r2\",\"clientId\":\"neg\",\"conversationId\":" + c
                + ",\"body\":\"x\",\"replyTo\":-1}");
        assertThat(bp.awaitError("r2").code()).isEqualTo("invalid_field");

        assertThat(bp.sendMessage(c, "next", "ok").seq()).as("the refused replies took no seq").isEqualTo(2);
        assertThat(ap.awaitFrame(ServerFrame.Message.class, m -> "next".equals(m.clientId())).replyTo()).isZero();
    }
}
