package dev.parley.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.WebSocketInternal;

import java.util.function.BooleanSupplier;

/**
 * Accepts WebSocket upgrades on {@value #PATH} and starts a {@link ChatConnection} for each.
 * Any other path is refused with 404 at the handshake. Authentication happens in the first frame,
 * not on the upgrade, so browsers (which cannot set headers on a WebSocket) use the same protocol.
 *
 * <p>Vert.x does the upgrade (path, handshake, frame codec, TLS); then {@link ChannelSocket} takes
 * the channel over from Vert.x's WebSocket, whose objects (two message queues, the upgrade
 * request) are dropped: an idle connection keeps a few hundred bytes of Parley's own instead of
 * ~13 KB of Vert.x's.
 *
 * @implNote {@link WebSocketInternal} is Vert.x's internal way to the channel. A Vert.x upgrade
 *     that changes it fails at the first connection, rather than leaving one half served.
 */
public final class ChatSocketEndpoint {
    public static final String PATH = "/v1/ws";

    private final SocketServices services;
    private final BooleanSupplier accepting;
    /** The outbound bound of every connection, shared: Netty keeps a reference, not a copy. */
    private final WriteBufferWaterMark outboundBound;

    /**
     * @param accepting false while the node is not ready (starting, draining, cut off from its
     *     cluster): new connections are refused with 503 and go to another node
     */
    public ChatSocketEndpoint(SocketServices services, BooleanSupplier accepting) {
        this.services = services;
        this.accepting = accepting;
        int bound = services.config().limits().outboundQueueBytes();
        this.outboundBound = new WriteBufferWaterMark(bound / 2, bound);
    }

    public Handler<ServerWebSocketHandshake> handshakeHandler() {
        return handshake -> {
            String path = handshake.path();
            if (!PATH.equals(path)) {
                handshake.reject(404);
            } else if (!accepting.getAsBoolean()) {
                handshake.reject(503);
            } else {
                handshake.accept();
            }
        };
    }

    public Handler<ServerWebSocket> socketHandler() {
        return ws -> {
            if (ws.isClosed()) {
                // The client left during the upgrade.
                return;
            }
            if (!(ws instanceof WebSocketInternal wi) || wi.channelHandlerContext() == null) {
                throw new IllegalStateException("not a Vert.x server WebSocket: " + ws.getClass().getName());
            }
            ChannelHandlerContext vertxHandler = wi.channelHandlerContext();
            ContextInternal context = (ContextInternal) Vertx.currentContext();
            ChannelSocket socket = new ChannelSocket(vertxHandler.channel(), context, outboundBound);
            ChatConnection connection = new ChatConnection(socket, context, services);
            // The guards go in before the take-over, so no frame passes unguarded.
            SocketPipeline pipeline = SocketPipeline.guard(vertxHandler.pipeline(), connection,
                    services.config().limits().preAuthBytes());
            connection.start(pipeline);
            socket.takeOver(vertxHandler, connection);
        };
    }
}
