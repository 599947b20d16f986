package dev.parley.server.actions;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactions over real sockets: two users with two devices each. Each reaction is an entry that
 * reaches every other device live, and a reconnecting device gets the message with its current
 * reactions and the reaction entries after its position; applying what it received gives every
 * device the same reactions as the node's history page. A reaction already as asked is answered
 * {@code sent} with seq 0 and reaches nobody.
 */
class ReactionTest extends TwoUsersOnTwoDevices {
    private static final String THUMBS = "\uD83D\uDC4D";
    private static final String HEART = "\u2764\uFE0F";

    @Test
    void everyDeviceEndsWithTheSameReactionsLiveAndAfterAReconnect() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket al = synced(aliceLaptop, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        TestSocket bl = synced(bobLaptop, Map.of());
        long dinner = ap.sendMessage(c, "q-1", "dinner at 8?").seq();

        ServerFrame.Sent thumbs = react(bl, "b-1", dinner, THUMBS, false);
        ServerFrame.Sent heart = react(al, "a-1", dinner, HEART, false);
        assertThat(react(bp, "b-2", dinner, THUMBS, false).seq()).as("already there: nothing stored").isZero();
        ServerFrame.Sent off = react(bp, "b-3", dinner, THUMBS, true);
        assertThat(List.of(thumbs.seq(), heart.seq(), off.seq())).containsExactly(2L, 3L, 4L);

        // Live, each device got every entry but the ones it sent itself (it knows those from sent).
        Map<TestSocket, Long> ownSeq = Map.of(ap, dinner, bl, thumbs.seq(), al, heart.seq(), bp, off.seq());
        ownSeq.forEach((device, own) -> {
            List<Long> expectedSeqs = new ArrayList<>(List.of(1L, 2L, 3L, 4L));
            expectedSeqs.remove(own);
            for (long seq : expectedSeqs) {
                entry(device, seq);
            }
            assertThat(device.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                    .as("entries live").containsExactlyElementsOf(expectedSeqs);
        });

        ServerFrame.Message added = ap.matching(ServerFrame.Message.class, m -> m.seq() == thumbs.seq()).getFirst();
        assertThat(added.kind()).isEqualTo("reaction_added");
        assertThat(added.targetSeq()).isEqualTo(dinner);
        assertThat(added.body()).isEqualTo(THUMBS);
        assertThat(added.senderId()).isEqualTo(bob.userId());
        assertThat(ap.matching(ServerFrame.Message.class, m -> m.seq() == off.seq()).getFirst().kind())
                .isEqualTo("reaction_removed");

        Map<String, List<Long>> expected = Map.of(HEART, List.of(alice.userId()));
        assertThat(historyReactions(bobPhone, dinner)).as("the node's history page").isEqualTo(expected);
        bl.close();
        al.close();
        TestSocket blAgain = bobLaptop.connect(Map.of(c, 0L));
        blAgain.awaitFrame(ServerFrame.Synced.class);
        ServerFrame.Message resumed = entry(blAgain, dinner);
        assertThat(resumed.reactions()).as("the message as it is now")
                .containsExactly(new ServerFrame.Reaction(HEART, List.of(alice.userId())));
        assertThat(fold(blAgain)).as("bob's laptop, caught up from nothing").isEqualTo(Map.of(dinner, expected));

        TestSocket alAgain = aliceLaptop.connect(Map.of(c, dinner));
        alAgain.awaitFrame(ServerFrame.Synced.class);
        assertThat(alAgain.matching(ServerFrame.Message.class, m -> true)).extracting(ServerFrame.Message::seq)
                .containsExactly(2L, 3L, 4L);
    }

    @Test
    void refusalsNameTheirCodeAndTakeNoSeq() {
        TestSocket ap = synced(alicePhone, Map.of());
        TestSocket bp = synced(bobPhone, Map.of());
        long hello = ap.sendMessage(c, "q-1", "hello").seq();
        List<String> emoji = List.of(THUMBS, HEART, "\uD83D\uDE02", "\uD83D\uDE2E");
        for (int i = 0; i < 3; i++) {
            react(bp, "b-" + i, hello, emoji.get(i), false);
        }

        bp.send(new ClientFrame.React("too-many", "b-3", c, hello, emoji.get(3), false));
        assertThat(bp.awaitError("too-many").code()).isEqualTo("too_many_reactions");
        bp.send(new ClientFrame.React("not-emoji", "b-4", c, hello, "ok", false));
        assertThat(bp.awaitError("not-emoji").code()).isEqualTo("invalid_field");
        bp.send(new ClientFrame.React("nothing-there", "b-5", c, 99, THUMBS, false));
        assertThat(bp.awaitError("nothing-there").code()).isEqualTo("target_not_found");
        bp.sendText("{\"type\":\"react\",\"rid\":\"no-emoji\",\"clientId\":\"b-6\",\"conversationId\":" + c
                + ",\"targetSeq\":1}");
        assertThat(bp.awaitError("no-emoji").code()).isEqualTo("missing_field");

        assertThat(bp.sendMessage(c, "next", "ok").seq()).as("the refusals took no seq").isEqualTo(5);
    }

    private ServerFrame.Sent react(TestSocket device, String clientId, long target, String emoji, boolean remove) {
        device.send(new ClientFrame.React(null, clientId, c, target, emoji, remove));
        return device.awaitFrame(ServerFrame.Sent.class, s -> clientId.equals(s.clientId()));
    }

    private static ServerFrame.Message entry(TestSocket device, long seq) {
        return device.awaitFrame(ServerFrame.Message.class, m -> m.seq() == seq);
    }

    private Map<String, List<Long>> historyReactions(TestUser.Device device, long seq) {
        Rest.Response page = device.history(c, "limit=50");
        assertThat(page.status()).isEqualTo(200);
        for (Object o : page.array("messages")) {
            JsonObject m = (JsonObject) o;
            if (m.getLong("seq") == seq) {
                JsonObject r = m.getJsonObject("reactions", new JsonObject());
                Map<String, List<Long>> out = new LinkedHashMap<>();
                for (String emoji : r.fieldNames()) {
                    JsonArray users = r.getJsonArray(emoji);
                    List<Long> ids = new ArrayList<>();
                    users.forEach(u -> ids.add(((Number) u).longValue()));
                    out.put(emoji, ids);
                }
                return out;
            }
        }
        throw new AssertionError("no entry " + seq + " in " + page);
    }

    /**
     * What a client does with what it receives: take each message's reactions as it arrives, then
     * apply the reaction entries after it, in seq order (applying one already counted changes nothing).
     */
    private static Map<Long, Map<String, List<Long>>> fold(TestSocket device) {
        Map<Long, Map<String, List<Long>>> state = new LinkedHashMap<>();
        for (ServerFrame f : device.received()) {
            if (!(f instanceof ServerFrame.Message m)) {
                continue;
            }
            switch (m.kind()) {
                case "text" -> {
                    Map<String, List<Long>> r = new LinkedHashMap<>();
                    m.reactions().forEach(x -> r.put(x.emoji(), new ArrayList<>(x.userIds())));
                    state.put(m.seq(), r);
                }
                case "reaction_added" -> {
                    List<Long> users = state.get(m.targetSeq()).computeIfAbsent(m.body(), k -> new ArrayList<>());
                    if (!users.contains(m.senderId())) {
                        users.add(m.senderId());
                    }
                }
                case "reaction_removed" -> {
                    Map<String, List<Long>> r = state.get(m.targetSeq());
                    List<Long> users = r.get(m.body());
                    if (users != null) {
                        users.remove(m.senderId());
                        if (users.isEmpty()) {
                            r.remove(m.body());
                        }
                    }
                }
                default -> { }
            }
        }
        return state;
    }
}
