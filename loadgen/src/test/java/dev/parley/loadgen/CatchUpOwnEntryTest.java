package dev.parley.loadgen;

import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The correctness check and a resume's catch-up: a device's own entry that the catch-up sends
 * again (its position was below it) is what docs/protocol.md promises, not an echo; the same
 * entry at or below the position, or live after the sent, still is one.
 */
class CatchUpOwnEntryTest {
    private static final long CONVERSATION = 42;
    private static final long ME = 7, OTHER = 8;

    private final Device me = new Device(new User(0, "me", 1, ME, "t"), null, new Stats(), null, null, 64, true, null);
    private final Conv conv = new Conv(CONVERSATION, 0);
    private final Conv.Member mine = conv.join(me);

    private static WebSocketFrame frame(String json) {
        return WebSocketFrame.textFrame(json, true);
    }

    private static WebSocketFrame sent(long seq) {
        return frame("{\"type\":\"sent\",\"clientId\":\"c" + seq + "\",\"conversationId\":" + CONVERSATION
                + ",\"seq\":" + seq + ",\"createdAt\":1}");
    }

    private static WebSocketFrame message(long seq, long senderDevice) {
        return frame("{\"type\":\"message\",\"conversationId\":" + CONVERSATION + ",\"seq\":" + seq
                + ",\"senderId\":1,\"senderDeviceId\":" + senderDevice + ",\"clientId\":\"c" + seq
                + "\",\"createdAt\":1,\"body\":\"t=" + System.nanoTime() + ";x\"}");
    }

    @Test
    void theDevicesOwnEntryAfterItsPositionInACatchUpIsNotAnEcho() {
        me.onFrame(message(1, OTHER));
        me.onFrame(sent(3)); // its own entry 3 confirmed; the other member's 2 never arrived
        assertThat(me.positionsForAuth()).containsEntry(CONVERSATION, 1L);
        me.onFrame(frame("{\"type\":\"ready\"}"));
        assertThat(me.state()).isEqualTo(Device.State.SYNCING);
        me.onFrame(message(2, OTHER));
        me.onFrame(message(3, ME)); // the catch-up sends every entry after 1, its own 3 included

        assertThat(me.echoes).isZero();
        assertThat(mine.received.get(1)).isTrue();
        assertThat(mine.position()).isEqualTo(3);
    }

    @Test
    void itsOwnEntryAtOrBelowThePositionOrOutsideACatchUpIsStillAnEcho() {
        me.onFrame(sent(1));
        me.onFrame(message(1, ME)); // not syncing: live after its sent
        assertThat(me.echoes).isEqualTo(1);

        assertThat(me.positionsForAuth()).containsEntry(CONVERSATION, 1L);
        me.onFrame(frame("{\"type\":\"ready\"}"));
        me.onFrame(message(1, ME)); // a catch-up from 1 must not send 1 again
        assertThat(me.echoes).isEqualTo(2);
    }
}
