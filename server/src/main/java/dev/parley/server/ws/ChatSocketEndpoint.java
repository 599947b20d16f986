package dev.parley.server.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.function.BooleanSupplier;

/**
 * Accepts WebSocket upgrades on {@value #PATH} and starts a {@link ChatConnection} for each.
 * Any other path is refused with 404 at the handshake. Authentication happens in the first frame,
 * not on the upgrade, so browsers (which cannot set headers on a WebSocket) use the same protocol.
 *
 * <p>A plain upgrade to {@value #PATH} is answered by {@link ChatHandshaker}, Parley's own Netty
 * handler ahead of Vert.x's ({@link #serve}); Vert.x answers every other request, and the
 * upgrades that handler leaves to it, through {@link #handshakeHandler} and {@link #socketHandler}
 * (404 for another path, 503 while not accepting; an odd upgrade it accepts is served as well).
 * Either way {@link ChannelSocket} ends up with the channel, frame codec and TLS in place, and
 * none of Vert.x's WebSocket objects (two message queues, the upgrade request) stay: an idle
 * connection keeps a few hundred bytes of Parley's own instead of ~13 KB of Vert.x's.
 *
 * @implNote {@link ConnectionBase} and {@link WebSocketInternal} are Vert.x's internal ways to
 *     the channel. A Vert.x upgrade that changes them fails at the first connection, rather than
 *     leaving one half served.
 */
public final class ChatSocketEndpoint {
    public static final String PATH = "/v1/ws";

    private final SocketServices services;
    private final BooleanSupplier accepting;
    /** The outbound bound of every connection, shared: Netty keeps a reference, not a copy. */
    private final WriteBufferWaterMark outboundBound;
    private final ChatHandshaker.Handshake handshake;

    /**
     * @param accepting false while the node is not ready (starting, draining, cut off from its
     *     cluster): new connections are refused with 503 and go to another node
     */
    public ChatSocketEndpoint(SocketServices services, BooleanSupplier accepting) {
        this.services = services;
        this.accepting = accepting;
        int bound = services.config().limits().outboundQueueBytes();
        this.outboundBound = new WriteBufferWaterMark(bound / 2, bound);
        // What Vert.x's upgrade gives its frame decoder with the node's server options.
        this.handshake = new ChatHandshaker.Handshake(WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(services.config().limits().hardFrameBytes())
                .allowExtensions(false)
                .allowMaskMismatch(false)
                .closeOnProtocolViolation(false)
                .build());
    }

    /**
     * Puts {@link ChatHandshaker} in a new HTTP connection's pipeline, ahead of Vert.x's HTTP
     * handler; from the server's connection handler, on the connection's event loop.
     */
    public void serve(HttpConnection connection) {
        ConnectionBase vertx = (ConnectionBase) connection;
        ChannelHandlerContext vertxHandler = vertx.channelHandlerContext();
        vertxHandler.pipeline().addBefore(vertxHandler.name(), "parley-handshake",
                new ChatHandshaker(this, vertx.context(), vertxHandler.handler(), handshake));
    }

    boolean accepting() {
        return accepting.getAsBoolean();
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
            open(wi.channelHandlerContext(), (ContextInternal) Vertx.currentContext());
        };
    }

    /**
     * Starts a chat connection on a channel whose WebSocket handshake is done and whose frame
     * codec is in place; {@code handler}, the last handler, gives way to {@link ChannelSocket}.
     * Inside the connection's context, on its event loop.
     */
    void open(ChannelHandlerContext handler, ContextInternal context) {
        ChannelSocket socket = new ChannelSocket(handler.channel(), context, outboundBound,
                services.local().activity());
        ChatConnection connection = new ChatConnection(socket, context, services);
        // The guards go in before the take-over, so no frame passes unguarded.
        SocketPipeline pipeline = SocketPipeline.guard(handler.pipeline(), connection,
                services.config().limits().preAuthBytes());
        connection.start(pipeline);
        socket.takeOver(handler, connection);
    }
}
