package dev.parley.loadgen;

import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written encoders agree with FrameCodec, and the scanners read what the node writes. */
class WireTest {

    @Test
    void sendAndAuthFramesDecodeWithTheProtocolCodec() {
        String body = Wire.body(123456789L, 64);
        assertThat(body).startsWith("t=123456789;").hasSize(64);
        var send = (dev.parley.protocol.ClientFrame.Send) FrameCodec.decodeClient(Wire.send("7-123456789", 42, body));
        assertThat(send.clientId()).isEqualTo("7-123456789");
        assertThat(send.conversationId()).isEqualTo(42);
        assertThat(send.body()).isEqualTo(body);

        Map<Long, Long> positions = new LinkedHashMap<>();
        positions.put(5L, 17L);
        positions.put(6L, 0L);
        var auth = (dev.parley.protocol.ClientFrame.Auth) FrameCodec.decodeClient(Wire.auth("tok", positions));
        assertThat(auth.token()).isEqualTo("tok");
        assertThat(auth.positions()).containsEntry(5L, 17L).containsEntry(6L, 0L);
        assertThat(((dev.parley.protocol.ClientFrame.Auth) FrameCodec.decodeClient(Wire.auth("tok", null))).positions())
                .isNull();
    }

    @Test
    void scansTheNodesMessageAndSentFrames() {
        byte[] message = FrameCodec.encodeServer(ServerFrame.Message.text(7312345681004L, 42, 1795000300000L,
                7312345678901L, 7312345679002L, Wire.clientId(7312345679002L, 3, 987654321L), Wire.body(987654321L, 64)));
        assertThat(Wire.type(message)).isEqualTo(Wire.MESSAGE);
        assertThat(Wire.number(message, Wire.CONVERSATION_ID)).isEqualTo(7312345681004L);
        assertThat(Wire.number(message, Wire.SEQ)).isEqualTo(42);
        assertThat(Wire.number(message, Wire.SENDER_DEVICE_ID)).isEqualTo(7312345679002L);
        assertThat(Wire.bodyTime(message)).isEqualTo(987654321L);

        byte[] sent = FrameCodec.encodeServer(new ServerFrame.Sent(null, "3-987654321", 99, 7, 1795000300000L));
        assertThat(Wire.type(sent)).isEqualTo(Wire.SENT);
        assertThat(Wire.clientIdTime(sent)).isEqualTo(987654321L);
        assertThat(Wire.string(sent, Wire.CLIENT_ID)).isEqualTo("3-987654321");
        assertThat(Wire.number(sent, Wire.SEQ)).isEqualTo(7);

        byte[] error = FrameCodec.encodeServer(new ServerFrame.Error("rate_limited", "slow down", "send", null, "c1", 5, 10));
        assertThat(Wire.type(error)).isEqualTo(Wire.ERROR);
        assertThat(Wire.string(error, Wire.CODE)).isEqualTo("rate_limited");
        assertThat(Wire.string(error, Wire.REQUEST)).isEqualTo("send");
        assertThat(Wire.type(FrameCodec.encodeServer(new ServerFrame.Synced(1, 2)))).isEqualTo(Wire.SYNCED);
        assertThat(Wire.type(FrameCodec.encodeServer(new ServerFrame.Resync(1, 2)))).isEqualTo(Wire.RESYNC);
        assertThat(Wire.type(FrameCodec.encodeServer(new ServerFrame.Receipt(1, 2, 3, 4)))).isEqualTo(Wire.RECEIPT);
        assertThat(Wire.number(message, Wire.LATEST_SEQ)).isEqualTo(-1);
    }

    @Test
    void readsAMessagesFieldsInOneScanAndInAnyOrder() {
        byte[] message = FrameCodec.encodeServer(ServerFrame.Message.text(7312345681004L, 42, 1795000300000L,
                7312345678901L, 7312345679002L, Wire.clientId(7312345679002L, 3, 987654321L), Wire.body(987654321L, 64)));
        int conversation = Wire.valueAt(message, Wire.CONVERSATION_ID, 0);
        int seq = Wire.valueAt(message, Wire.SEQ, conversation);
        int sender = Wire.valueAt(message, Wire.SENDER_DEVICE_ID, seq);
        assertThat(Wire.numberAt(message, conversation)).isEqualTo(7312345681004L);
        assertThat(Wire.numberAt(message, seq)).isEqualTo(42);
        assertThat(Wire.numberAt(message, sender)).isEqualTo(7312345679002L);
        assertThat(Wire.numberAt(message, Wire.valueAt(message, Wire.BODY_TIME, sender))).isEqualTo(987654321L);

        // Another order than the node's: a field before the hint is found from the start.
        byte[] reordered = Wire.ascii("{\"type\":\"message\",\"body\":\"t=5;xx\",\"seq\":9,\"conversationId\":3}");
        conversation = Wire.valueAt(reordered, Wire.CONVERSATION_ID, 0);
        seq = Wire.valueAt(reordered, Wire.SEQ, conversation);
        assertThat(Wire.numberAt(reordered, conversation)).isEqualTo(3);
        assertThat(Wire.numberAt(reordered, seq)).isEqualTo(9);
        assertThat(Wire.valueAt(reordered, Wire.SENDER_DEVICE_ID, seq)).isEqualTo(-1);
        assertThat(Wire.numberAt(reordered, Wire.valueAt(reordered, Wire.BODY_TIME, seq))).isEqualTo(5);
    }
}
