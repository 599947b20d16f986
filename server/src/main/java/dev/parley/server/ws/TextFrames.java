package dev.parley.server.ws;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Builds a text frame from bytes that are already UTF-8 JSON.
 *
 * @implNote Vert.x's public API only builds text frames from a String, which would re-encode the
 *     same JSON once per recipient. Its frame class takes bytes directly; this is the one place
 *     Parley touches a Vert.x internal type, so an upgrade that moves it breaks only here.
 */
final class TextFrames {
    private TextFrames() {
    }

    static WebSocketFrame of(byte[] utf8Json) {
        return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8Json, true);
    }
}
