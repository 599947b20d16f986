package dev.parley.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Counts a connection's WebSocket pings and pongs, between Netty's frame decoder and
 * {@link ChannelSocket}, which answers every ping it is shown; a peer that sends pings and never
 * reads could otherwise make the node hold any number of pongs.
 *
 * <p>Each ping or pong takes from the connection's frame allowance; one over it is dropped
 * unanswered and counts as a refused frame. A ping is passed on (and answered) only while the
 * connection's outbound queue is below {@code limits.outboundQueueBytes}, that is while the peer
 * reads. Past the bound, a connection in catch-up (which fills its queue on purpose and waits for
 * it to drain) has only its latest ping answered once the queue drains, as RFC 6455 section 5.5.3
 * allows; any other connection is a slow consumer: the node takes nothing more from it and
 * closes it.
 *
 * <p>Runs on the connection's event loop, like {@link ChatConnection}.
 */
final class ControlFrameGate extends ChannelInboundHandlerAdapter {
    private final ChatConnection connection;
    private boolean stopped;
    private ByteBuf unansweredPing;

    ControlFrameGate(ChatConnection connection) {
        this.connection = connection;
    }

    /**
     * Takes nothing more from the peer but its close frame, so that the close handshake can still
     * finish: the connection is being closed.
     */
    void discardAllButClose() {
        stopped = true;
        releaseUnanswered();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stopped && !(msg instanceof CloseWebSocketFrame)) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof PingWebSocketFrame ping) {
            onPing(ctx, ping);
        } else if (msg instanceof PongWebSocketFrame pong && !connection.admitControlFrame()) {
            pong.release();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onPing(ChannelHandlerContext ctx, PingWebSocketFrame ping) {
        if (!connection.admitControlFrame()) {
            ping.release();
        } else if (ctx.channel().isWritable()) {
            ctx.fireChannelRead(ping);
        } else if (connection.catchingUp()) {
            releaseUnanswered();
            unansweredPing = ping.content();
        } else {
            ping.release();
            connection.closeSlowConsumer("pings keep coming while their pongs are not read");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (unansweredPing != null && ctx.channel().isWritable()) {
            // From the channel, not this handler: the frame encoder sits after it in the pipeline.
            ctx.channel().writeAndFlush(new PongWebSocketFrame(unansweredPing));
            unansweredPing = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseUnanswered();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseUnanswered();
        ctx.fireChannelInactive();
    }

    private void releaseUnanswered() {
        if (unansweredPing != null) {
            unansweredPing.release();
            unansweredPing = null;
        }
    }
}
