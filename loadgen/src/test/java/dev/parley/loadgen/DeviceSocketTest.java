package dev.parley.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's own frame reading: the node's frames as the wire carries them, whole or in pieces. */
class DeviceSocketTest {
    private Vertx vertx;
    private Stats stats;
    private Device device;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        stats = new Stats();
        device = new Device(new User(0, "u", 1, 2, "token"), vertx.getOrCreateContext(), stats, null, null, 64, false,
                Session.NO_LISTENER);
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(DeviceSocket.on(device, channel));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        vertx.close();
    }

    @Test
    void aTextFrameSplitOverReadsIsReadOnceWhole() {
        // Longer than 125 bytes: the 16-bit length form, as a message frame has.
        String ready = "{\"type\":\"ready\",\"userId\":1,\"deviceId\":2,\"pad\":\"" + "x".repeat(150) + "\"}";
        ByteBuf frame = serverFrame(0x81, ready.getBytes(StandardCharsets.UTF_8));
        channel.writeInbound(frame.readRetainedSlice(1));
        channel.writeInbound(frame.readRetainedSlice(3));
        assertThat(device.live()).isFalse();
        channel.writeInbound(frame);
        assertThat(device.live()).isTrue();
        assertThat(stats.errors.sum()).isZero();
    }

    @Test
    void aPingIsAnsweredWithItsPayload() {
        channel.writeInbound(serverFrame(0x89, new byte[] {7, 8}));
        PongWebSocketFrame pong = channel.readOutbound();
        assertThat(pong.content().readableBytes()).isEqualTo(2);
        assertThat(pong.content().getByte(0)).isEqualTo((byte) 7);
        pong.release();
    }

    @Test
    void theNodesCloseIsEchoedWithItsCode() {
        channel.writeInbound(serverFrame(0x88, new byte[] {(byte) (4009 >> 8), (byte) (4009 & 0xff)}));
        CloseWebSocketFrame echo = channel.readOutbound();
        assertThat(echo.statusCode()).isEqualTo(4009);
        echo.release();
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void fragmentedAndMaskedFramesCountAsErrors() {
        channel.writeInbound(serverFrame(0x01, "{\"type\":".getBytes(StandardCharsets.US_ASCII)));
        assertThat(stats.errorCodes()).containsEntry("fragmented_frame", 1L);
        ByteBuf masked = Unpooled.buffer().writeByte(0x81).writeByte(0x80 | 2).writeInt(0).writeByte('{').writeByte('}');
        channel.writeInbound(masked);
        assertThat(stats.errorCodes()).containsEntry("masked_frame", 1L);
    }

    /** An unmasked frame as a server sends it: {@code first} is FIN and opcode. */
    private static ByteBuf serverFrame(int first, byte[] payload) {
        ByteBuf b = Unpooled.buffer().writeByte(first);
        if (payload.length < 126) {
            b.writeByte(payload.length);
        } else {
            b.writeByte(126).writeShort(payload.length);
        }
        return b.writeBytes(payload);
    }
}
