package dev.parley.server.ws;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Builds a text frame from bytes that are already UTF-8 JSON.
 *
 * @implNote Vert.x's public API only builds text frames from a String, which would re-encode the
 *     same JSON once per recipient. Its frame class takes bytes directly. Vert.x internals are
 *     touched in two places only, each kept to one small class: here, and
 *     {@code net.ConnectionAdmission} (the connection's Netty channel, to count and refuse
 *     connections per address before the HTTP codec); an upgrade that moves either breaks only there.
 */
final class TextFrames {
    private TextFrames() {
    }

    static WebSocketFrame of(byte[] utf8Json) {
        return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8Json, true);
    }
}
