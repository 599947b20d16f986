package dev.parley.server.ws;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

/**
 * Accepts WebSocket upgrades on {@value #PATH} and starts a {@link ChatConnection} for each.
 * Any other path is refused with 404 at the handshake. Authentication happens in the first frame,
 * not on the upgrade, so browsers (which cannot set headers on a WebSocket) use the same protocol.
 */
public final class ChatSocketEndpoint {
    public static final String PATH = "/v1/ws";

    private final SocketServices services;

    public ChatSocketEndpoint(SocketServices services) {
        this.services = services;
    }

    public Handler<ServerWebSocketHandshake> handshakeHandler() {
        return handshake -> {
            String path = handshake.path();
            if (PATH.equals(path)) {
                handshake.accept();
            } else {
                handshake.reject(404);
            }
        };
    }

    public Handler<ServerWebSocket> socketHandler() {
        return ws -> new ChatConnection(ws, Vertx.currentContext(), services).start();
    }
}
