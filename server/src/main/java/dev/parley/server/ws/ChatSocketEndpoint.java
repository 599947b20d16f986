package dev.parley.server.ws;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.util.function.BooleanSupplier;

/**
 * Accepts WebSocket upgrades on {@value #PATH} and starts a {@link ChatConnection} for each.
 * Any other path is refused with 404 at the handshake. Authentication happens in the first frame,
 * not on the upgrade, so browsers (which cannot set headers on a WebSocket) use the same protocol.
 */
public final class ChatSocketEndpoint {
    public static final String PATH = "/v1/ws";

    private final SocketServices services;
    private final BooleanSupplier accepting;

    /**
     * @param accepting false while the node is not ready (starting, draining, cut off from its
     *     cluster): new connections are refused with 503 and go to another node
     */
    public ChatSocketEndpoint(SocketServices services, BooleanSupplier accepting) {
        this.services = services;
        this.accepting = accepting;
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
        return ws -> new ChatConnection(ws, Vertx.currentContext(), services).start();
    }
}
