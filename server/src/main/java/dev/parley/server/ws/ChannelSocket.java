package dev.parley.server.ws;

import dev.parley.protocol.CloseCode;
import dev.parley.server.OutOfMemoryExit;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket served by Parley's own Netty handler, at the end of the channel's pipeline, once the
 * upgrade is done ({@link ChatHandshaker}, or Vert.x for the upgrades that handler leaves to it;
 * frame codec and TLS in place). It takes the place of Vert.x's handler so that an idle connection
 * holds only its channel, codec and this handler:
 * Vert.x's WebSocket keeps two message queues per connection (each a Netty MPSC queue with a fixed
 * 1,024-slot first chunk, ~4.7 KB) and the upgrade request for the connection's life.
 *
 * <p>Writes are coalesced: a text frame is written without a flush, and one flush per connection
 * runs at the end of the event loop's current task ({@link LoopFlushes}), so a burst of frames for one connection in one
 * turn (a fan-out drained from the loop's mailbox) leaves in one system call; a single frame waits
 * for nothing but the end of the task that wrote it, unless the loop is busy writing many frames,
 * when flushes are paced a few milliseconds apart ({@link FlushPacing}). A connection with {@value #FLUSH_BYTES} bytes
 * unflushed, or past its outbound bound, is flushed at once, as are pings and close frames.
 *
 * <p>Threading: Netty calls this handler on the channel's event loop, the connection's loop; the
 * connection's callbacks run inside its Vert.x context so that its timers and blocking hand-offs
 * come back to the same loop.
 */
final class ChannelSocket extends ChannelInboundHandlerAdapter implements ChatSocket, Runnable {
    private static final Logger log = LoggerFactory.getLogger(ChannelSocket.class);
    /** How long a peer has to answer the node's close frame before the TCP connection is dropped. */
    static final long CLOSING_TIMEOUT_SECONDS = 2;
    /**
     * Unflushed bytes after which a connection is flushed before the end of the turn. A turn that
     * drains a backlog writes many frames to every connection; holding them all until the turn
     * ends would hold them in the node's direct memory (a 1,024-member fan-out behind by seconds
     * ran the node out of it) instead of the kernel's socket buffers.
     */
    static final int FLUSH_BYTES = 32 * 1024;

    /**
     * Linux's TCP states in which the peer has acknowledged everything this side sent, its FIN
     * included: FIN_WAIT2, TIME_WAIT and CLOSE ({@code include/net/tcp_states.h}).
     */
    private static final int TCP_FIN_WAIT2 = 5;
    private static final int TCP_TIME_WAIT = 6;
    private static final int TCP_CLOSE = 7;

    private final Channel channel;
    private final ContextInternal context;
    private final SocketActivity activity;
    private ChatConnection connection;
    private boolean closeSent;
    private boolean closeReceived;
    private boolean flushScheduled;
    private int unflushedBytes;
    /** The loop's pacing window this connection was last written in (see {@link FlushPacing}). */
    private int pacingWindow;
    private Runnable drained;

    ChannelSocket(Channel channel, ContextInternal context, WriteBufferWaterMark outboundBound, SocketActivity activity) {
        this.channel = channel;
        this.context = context;
        this.activity = activity;
        channel.config().setWriteBufferWaterMark(outboundBound);
    }

    /** Puts this handler in place of Vert.x's WebSocket handler ({@code vertxHandler}). On the loop. */
    void takeOver(ChannelHandlerContext vertxHandler, ChatConnection connection) {
        this.connection = connection;
        channel.pipeline().replace(vertxHandler.name(), "parley-chat", this);
        if (!channel.isActive()) {
            // Gone before this handler was in place: it will see no channelInactive of its own.
            connection.onClosed();
        }
    }

    // ---- inbound ------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (frame) {
                case CloseWebSocketFrame close -> onCloseFrame(close);
                case PingWebSocketFrame ping -> {
                    // ControlFrameGate let it through: the peer reads, answer it.
                    channel.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), channel.voidPromise());
                }
                case PongWebSocketFrame pong -> context.dispatch(connection::heard);
                default -> context.dispatch(() -> connection.onFrame(frame));
            }
        } finally {
            frame.release();
        }
    }

    private void onCloseFrame(CloseWebSocketFrame close) {
        closeReceived = true;
        if (closeSent) {
            channel.close();
            return;
        }
        // Echo the peer's code, as RFC 6455 section 5.5.1 asks, then drop the TCP connection.
        int code = close.statusCode();
        CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, null);
        closeSent = true;
        channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        drained = null;
        activity.closeEnded(this);
        context.dispatch(connection::onClosed);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Runnable then = drained;
        if (then != null && channel.isWritable()) {
            drained = null;
            context.dispatch(then);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
        if (t instanceof CorruptedWebSocketFrameException) {
            // The decoder is told not to close on protocol violations; say why before closing.
            context.dispatch(() -> connection.close(CloseCode.FRAME_TOO_LARGE));
        } else {
            OutOfMemoryExit.haltIfOutOfMemory(t);
            log.debug("connection error conn={} {}", connection.id(), t.toString());
        }
    }

    // ---- outbound -----------------------------------------------------------------------

    @Override
    public boolean isClosed() {
        return closeSent || closeReceived || !channel.isActive();
    }

    @Override
    public boolean writeQueueFull() {
        return !channel.isWritable();
    }

    @Override
    public long queuedBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    @Override
    public void writeText(byte[] utf8Json) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8Json)), channel.voidPromise());
            return;
        }
        // The frame's wire bytes, shared with the loop's other connections that get the same
        // frame; the frame encoder lets a buffer pass as it is.
        channel.write(WireTextFrames.forWrite(utf8Json), channel.voidPromise());
        unflushedBytes += utf8Json.length;
        LoopFlushes flushes = LoopFlushes.ofThisLoop();
        pacingWindow = flushes.wrote(pacingWindow);
        if (unflushedBytes >= FLUSH_BYTES || !channel.isWritable()) {
            // Hand the bytes to the kernel now: the outbound bound then counts what the peer has
            // not read, not what this turn has not flushed yet, and direct memory stays small.
            unflushedBytes = 0;
            channel.flush();
        } else if (!flushScheduled) {
            flushScheduled = true;
            flushes.add(this, channel.eventLoop());
        }
    }

    /** The flush at the end of the turn. */
    @Override
    public void run() {
        flushScheduled = false;
        unflushedBytes = 0;
        channel.flush();
    }

    @Override
    public void writePing() {
        channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
    }

    @Override
    public void close(CloseCode code) {
        if (closeSent || !channel.isActive()) {
            return;
        }
        closeSent = true;
        if (!closeReceived) {
            // Before the write: a write that fails closes the channel at once, and its
            // channelInactive must find this socket there to take it out again.
            activity.closeSent(this);
        }
        ChannelFuture written = channel.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()));
        if (closeReceived) {
            channel.close();
        } else {
            // Nothing may follow a close frame, so end the output with it (FIN): the peer then has
            // the whole close at once, whether or not it answers, and a node that stops need not
            // wait for each answer. Input stays open, so the answer is read, not met with a reset.
            written.addListener(f -> {
                if (f.isSuccess() && channel instanceof DuplexChannel duplex && channel.isActive()) {
                    duplex.shutdownOutput();
                }
            });
            // A half-open peer never answers the close frame.
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Answers, on the channel's loop, whether the peer's TCP stack has acknowledged everything
     * written here, the close frame and the end of the stream included, so that closing the socket
     * now, even with a reset, takes nothing from the peer: known from the kernel's TCP state on
     * epoll; false where the transport cannot tell. Any thread.
     */
    void askCloseDelivered(Consumer<Boolean> answer) {
        try {
            channel.eventLoop().execute(() -> answer.accept(closeDelivered()));
        } catch (RejectedExecutionException loopStopped) {
            answer.accept(!channel.isActive());
        }
    }

    private boolean closeDelivered() {
        if (!channel.isActive()) {
            return true;
        }
        if (!closeSent || !(channel instanceof EpollSocketChannel epoll)) {
            return false;
        }
        int state = epoll.tcpInfo().state();
        return state == TCP_FIN_WAIT2 || state == TCP_TIME_WAIT || state == TCP_CLOSE;
    }

    @Override
    public void whenDrained(Runnable then) {
        if (channel.isWritable()) {
            then.run();
        } else {
            drained = then;
        }
    }
}
