package dev.parley.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * Parley's handlers in a WebSocket's Netty pipeline: {@link PreAuthBudget} ahead of the frame
 * decoder until the connection is authenticated, {@link ControlFrameGate} behind it for the
 * connection's life.
 *
 * @implNote A Vert.x upgrade that changes how it builds WebSocket pipelines fails here, at the
 *     first connection, rather than leaving the connection unguarded.
 */
final class SocketPipeline {
    private final ChannelPipeline pipeline;
    private final ControlFrameGate gate;
    private PreAuthBudget preAuthBudget;

    private SocketPipeline(ChannelPipeline pipeline, ControlFrameGate gate) {
        this.pipeline = pipeline;
        this.gate = gate;
    }

    /** Adds the handlers for {@code connection}; on the connection's event loop. */
    static SocketPipeline guard(ChannelPipeline pipeline, ChatConnection connection, int preAuthBytes) {
        ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
        if (decoder == null) {
            throw new IllegalStateException("no WebSocket frame decoder in " + pipeline.names());
        }
        SocketPipeline p = new SocketPipeline(pipeline, new ControlFrameGate(connection));
        p.preAuthBudget = new PreAuthBudget(connection, preAuthBytes);
        pipeline.addBefore(decoder.name(), "parley-pre-auth-budget", p.preAuthBudget);
        pipeline.addAfter(decoder.name(), "parley-control-frames", p.gate);
        return p;
    }

    /** Takes nothing more from the peer but its close frame: the connection is being closed. */
    void stopReading() {
        gate.discardAllButClose();
    }

    /** The connection is authenticated: the budget before {@code auth} no longer applies. */
    void authenticated() {
        if (preAuthBudget != null && pipeline.context(preAuthBudget) != null) {
            pipeline.remove(preAuthBudget);
        }
        preAuthBudget = null;
    }
}
