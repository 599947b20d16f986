package dev.parley.server.ws;

import dev.parley.server.ServerConfig;
import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.Vertx;

/** What a WebSocket connection needs from the node: its runtime, the chat domain, and the node's side of its sockets. */
public record SocketServices(Vertx vertx, ServerConfig config, NodeMetrics metrics, ChatServices chat,
                             LocalSockets local) {
}
