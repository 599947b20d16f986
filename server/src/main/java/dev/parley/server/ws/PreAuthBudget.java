package dev.parley.server.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Counts the bytes a WebSocket sends before its {@code auth} is accepted, ahead of Netty's frame
 * decoder, and cuts the connection off past {@code limits.preAuthBytes}. Counting bytes rather
 * than frames bounds everything a stranger can make the node hold: a frame the decoder is still
 * collecting, the fragments of an unfinished message, and answers to pings, whichever way they
 * are mixed. Removed from the pipeline once the connection is authenticated.
 *
 * <p>Runs on the connection's event loop, like {@link ChatConnection}.
 */
final class PreAuthBudget extends ChannelInboundHandlerAdapter {
    private final ChatConnection connection;
    private final long budget;
    private long received;
    private boolean exceeded;

    PreAuthBudget(ChatConnection connection, long budget) {
        this.connection = connection;
        this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exceeded) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            received += bytes.readableBytes();
            if (received > budget) {
                exceeded = true;
                bytes.release();
                ctx.channel().config().setAutoRead(false);
                connection.preAuthBudgetExceeded();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
