package dev.parley.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A device's WebSocket read by the generator itself once Vert.x has done the upgrade: this handler
 * takes the place of Netty's frame decoder and of Vert.x's WebSocket handler, and hands each text
 * frame's bytes straight to the {@link Device}, timed by the read that brought it.
 *
 * <p>Why: in a fan-out run the generator receives every delivery (~200,000 a second at the
 * default rate) on the same 2 cores as the node, and Vert.x's receive path (a frame object per
 * frame, a copy into a Vert.x buffer, a message queue, a context dispatch per frame, a second copy
 * for the bytes) was about half of the generator's cost. Here the node's frames (a server's
 * frames are never masked) are cut out of the read buffer in place, one copy per frame, the
 * device's context is entered once per read, not once per frame, and every frame of a read is
 * timed by the moment the read returned. What the device checks per
 * delivery does not change: {@link Device#onText} is the same code the Vert.x path runs.
 *
 * <p>Writes (sends, pongs, close frames) still go through the pipeline's frame encoder, which
 * masks them as a client must.
 *
 * <p>Threading: Netty calls it on the channel's event loop, the device's loop; reads run inside the
 * device's Vert.x context so that its timers behave as on the Vert.x path.
 */
final class DeviceSocket extends ByteToMessageDecoder {
    /** The largest frame accepted, as the Vert.x client was configured ({@code setMaxFrameSize}). */
    static final int MAX_FRAME_BYTES = 1 << 20;
    private static final int FIN = 0x80, OP_CONTINUATION = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9;

    private final Device device;
    private final ContextInternal context;
    private final Channel channel;
    private int closeCode = 1006;
    private boolean closeSent;
    private boolean closeReceived;
    /** When the current read came out of the socket: the receive time of every frame in it. */
    private long readNanos;

    private DeviceSocket(Device device, Channel channel) {
        this.device = device;
        this.context = (ContextInternal) device.context;
        this.channel = channel;
    }

    /**
     * Replaces the frame decoder and Vert.x's handler of {@code ws}'s channel with a new socket for
     * {@code device}. Call on the loop right after the upgrade, before anything is written: the
     * node sends nothing before {@code auth}, so no frame is left half read in the decoder.
     */
    static DeviceSocket takeOver(Device device, WebSocketInternal ws) {
        ChannelHandlerContext vertxHandler = ws.channelHandlerContext();
        Channel channel = vertxHandler.channel();
        ChannelHandlerContext decoder = channel.pipeline().context(WebSocketFrameDecoder.class);
        if (decoder == null) {
            throw new IllegalStateException("no WebSocket frame decoder in " + channel.pipeline().names());
        }
        DeviceSocket s = on(device, channel);
        channel.pipeline().replace(decoder.name(), "device-socket", s);
        channel.pipeline().remove(vertxHandler.name());
        if (!channel.isActive()) {
            s.context.dispatch(() -> device.onSocketClosed(s, s.closeCode));
        }
        return s;
    }

    /** A socket for {@code device} on {@code channel}, not yet in its pipeline (tests put it in one of their own). */
    static DeviceSocket on(Device device, Channel channel) {
        return new DeviceSocket(device, channel);
    }

    // ---- reading ------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // The frames of one read were all in the socket when it was read; timing each by this
        // moment, and not by when the loop got to it in the buffer, keeps the generator's own
        // decoding out of the latencies (and saves a clock read per frame).
        readNanos = System.nanoTime();
        context.dispatch(msg, m -> {
            try {
                super.channelRead(ctx, m);
            } catch (Exception e) {
                exceptionCaught(ctx, e);
            }
        });
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!closeReceived) {
            int r = in.readerIndex();
            int n = in.readableBytes();
            if (n < 2) {
                return;
            }
            int b0 = in.getUnsignedByte(r);
            int b1 = in.getUnsignedByte(r + 1);
            int header = 2;
            long length = b1 & 0x7f;
            if (length == 126) {
                if (n < 4) {
                    return;
                }
                length = in.getUnsignedShort(r + 2);
                header = 4;
            } else if (length == 127) {
                if (n < 10) {
                    return;
                }
                length = in.getLong(r + 2);
                header = 10;
            }
            if ((b1 & 0x80) != 0 || length < 0 || length > MAX_FRAME_BYTES) {
                // A masked frame from a server, or one larger than the client accepts.
                device.frameError((b1 & 0x80) != 0 ? "masked_frame" : "frame_too_large");
                in.skipBytes(n);
                close(1002);
                return;
            }
            int len = (int) length;
            if (n < header + len) {
                return;
            }
            in.skipBytes(header);
            int opcode = b0 & 0x0f;
            switch (opcode) {
                case OP_TEXT, OP_BINARY -> {
                    if ((b0 & FIN) == 0) {
                        device.frameError("fragmented_frame");
                        in.skipBytes(len);
                    } else {
                        byte[] b = new byte[len];
                        in.readBytes(b);
                        device.onText(b, readNanos);
                    }
                }
                case OP_CONTINUATION -> {
                    device.frameError("fragmented_frame");
                    in.skipBytes(len);
                }
                case OP_PING -> channel.writeAndFlush(new PongWebSocketFrame(in.readRetainedSlice(len)), channel.voidPromise());
                case OP_CLOSE -> {
                    closeCode = len >= 2 ? in.getUnsignedShort(in.readerIndex()) : 1005;
                    in.skipBytes(len);
                    onCloseFrame();
                }
                default -> in.skipBytes(len); // pong, or a reserved opcode: nothing to measure
            }
        }
        // Closing: whatever follows the close frame is not read.
        in.skipBytes(in.readableBytes());
    }

    private void onCloseFrame() {
        closeReceived = true;
        if (closeSent) {
            channel.close();
            return;
        }
        // Echo the node's code (RFC 6455 section 5.5.1), then drop the connection.
        closeSent = true;
        CloseWebSocketFrame echo = closeCode == 1005 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(closeCode, null);
        channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        context.dispatch(() -> device.onSocketClosed(this, closeCode));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
        // A reset by the node shows up as a close (channelInactive) too; anything else is a bug of
        // the generator's and is counted so the run cannot pass with it.
        if (!(t instanceof java.io.IOException)) {
            device.frameError("read_failed");
        }
        ctx.close();
    }

    // ---- writing ------------------------------------------------------------------------

    void writeText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
    }

    /** Sends a close frame; the connection is dropped when the node echoes it, or after 2 s without. */
    void close(int code) {
        if (!channel.isActive()) {
            return;
        }
        if (closeSent) {
            channel.close();
            return;
        }
        closeSent = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, null), channel.voidPromise());
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, 2, TimeUnit.SECONDS);
    }
}
