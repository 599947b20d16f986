package dev.parley.server.ws;

import io.netty.buffer.EmptyByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the WebSocket upgrade to {@value ChatSocketEndpoint#PATH} itself, in the connection's
 * Netty pipeline just ahead of Vert.x's HTTP handler, and hands the channel to a
 * {@link ChatConnection}. Vert.x's own upgrade builds a {@code ServerWebSocket} (two message
 * queues, the request kept, the handshake objects) that {@link ChannelSocket} only throws away;
 * in a reconnect storm that was the largest single cost on the event loops.
 *
 * <p>Only the plain case is taken, and only as the connection's first request: {@code GET} on the
 * path (a query allowed), HTTP/1.1, a {@code Host}, {@code Upgrade: websocket},
 * {@code Sec-WebSocket-Version: 13}, no body, while the node accepts connections, and a request
 * Netty's RFC 6455 handshaker accepts ({@code Connection: Upgrade}, a key). Everything else (REST,
 * files, other paths, other versions, a node not ready or draining, a malformed or pipelined
 * upgrade) goes to Vert.x exactly as before, whose upgrade path ({@link ChatSocketEndpoint}) still
 * answers 404, 503, 400 or 426, or serves the odd upgrade it accepts. After the first request,
 * whichever way it went, this handler leaves the pipeline: a kept-alive HTTP connection pays
 * nothing for it.
 *
 * <p>The frame codec gets what Vert.x gave it: the node's {@code limits.hardFrameBytes} as the
 * largest frame, masked client frames required, no extensions (the node offers no compression),
 * and no close of its own on a protocol violation ({@link ChannelSocket} says why first).
 *
 * <p>Runs on the connection's event loop; the connection is built inside the connection's Vert.x
 * context, so its timers and hand-offs come back to that loop, as with Vert.x's upgrade.
 */
final class ChatHandshaker extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ChatHandshaker.class);

    private final ChatSocketEndpoint endpoint;
    private final ContextInternal context;
    /** Vert.x's HTTP handler, taken out of the pipeline once the channel is a chat connection. */
    private final ChannelHandler vertxHandler;
    private final Handshake handshake;
    /** The 101 answer for the upgrade being taken, written once its request has wholly arrived. */
    private FullHttpResponse answer;

    ChatHandshaker(ChatSocketEndpoint endpoint, ContextInternal context, ChannelHandler vertxHandler,
                   Handshake handshake) {
        this.endpoint = endpoint;
        this.context = context;
        this.vertxHandler = vertxHandler;
        this.handshake = handshake;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answer == null) {
            if (msg instanceof HttpRequest request && (answer = answerFor(request, ctx)) != null) {
                // Taken: the request's end follows (a request without a body ends at once).
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
            if (msg instanceof HttpRequest && ctx.pipeline().context(this) != null) {
                // Vert.x has the connection from here on.
                ctx.pipeline().remove(this);
            }
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last) {
            upgrade(ctx);
        }
    }

    /**
     * The 101 answer if this handler takes {@code request}, else null (Vert.x takes it). The
     * headers are Vert.x's own kind, which supports only part of Netty's header methods.
     */
    private FullHttpResponse answerFor(HttpRequest request, ChannelHandlerContext ctx) {
        HttpHeaders headers = request.headers();
        if (!request.decoderResult().isSuccess()
                || !HttpMethod.GET.equals(request.method())
                || !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                || !onPath(request.uri())
                || !headers.contains(HttpHeaderNames.HOST)
                || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !headers.contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13", false)
                || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || !noBody(headers.get(HttpHeaderNames.CONTENT_LENGTH))
                || !endpoint.accepting()) {
            return null;
        }
        // Netty takes the answer's (empty) body from the request body's allocator: the channel's
        // pooled one, not Unpooled's, whose every buffer is a direct one with a Cleaner to run.
        FullHttpRequest head = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                new EmptyByteBuf(ctx.alloc()), headers, EmptyHttpHeaders.INSTANCE);
        try {
            return handshake.answer(head);
        } catch (WebSocketHandshakeException e) {
            // No Connection: Upgrade, or no key: Vert.x answers it as it always has.
            return null;
        }
    }

    private static boolean noBody(String contentLength) {
        return contentLength == null || contentLength.equals("0");
    }

    private static boolean onPath(String uri) {
        String path = ChatSocketEndpoint.PATH;
        return uri.startsWith(path) && (uri.length() == path.length() || uri.charAt(path.length()) == '?');
    }

    /**
     * Answers 101 and rebuilds the pipeline. The HTTP decoder goes last: whatever the client sent
     * right behind its request (its {@code auth}, say) is held there, and only once the frame
     * decoder, the guards and {@link ChannelSocket} are in place is it passed on to them.
     */
    private void upgrade(ChannelHandlerContext ctx) {
        FullHttpResponse response = answer;
        answer = null;
        ChannelPipeline pipeline = ctx.pipeline();
        try {
            // The 101 passes HttpConnectionTimeouts (which leaves on it) and the HTTP encoder.
            ctx.writeAndFlush(response, ctx.voidPromise());
            pipeline.remove(HttpResponseEncoder.class);
            removeIfThere(pipeline, HttpContentCompressor.class);
            removeIfThere(pipeline, HttpContentDecompressor.class);
            ChannelHandlerContext httpDecoder = pipeline.context(HttpRequestDecoder.class);
            pipeline.addAfter(httpDecoder.name(), "wsencoder", handshake.encoder());
            pipeline.addAfter(httpDecoder.name(), "wsdecoder", handshake.decoder());
            pipeline.remove(vertxHandler);
            context.dispatch(() -> endpoint.open(ctx, context));
            // Bytes the HTTP decoder still holds go to the frame decoder now.
            pipeline.remove(httpDecoder.handler());
        } catch (RuntimeException e) {
            log.warn("WebSocket upgrade failed, closing the connection: {}", e.toString());
            ctx.channel().close();
        }
    }

    private static void removeIfThere(ChannelPipeline pipeline, Class<? extends ChannelHandler> type) {
        if (pipeline.get(type) != null) {
            pipeline.remove(type);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (answer != null) {
            // Gone before its request ended.
            answer.release();
            answer = null;
        }
    }

    /**
     * Netty's RFC 6455 handshaker, for its answer and its frame codec without its pipeline
     * changes. Holds only its settings: one serves every connection of the node.
     */
    static final class Handshake extends WebSocketServerHandshaker13 {
        Handshake(WebSocketDecoderConfig frames) {
            // The location is only used by pre-RFC versions; subprotocols: none offered, as before.
            super("ws://parley" + ChatSocketEndpoint.PATH, null, frames);
        }

        FullHttpResponse answer(FullHttpRequest request) {
            return newHandshakeResponse(request, null);
        }

        WebSocketFrameDecoder decoder() {
            return newWebsocketDecoder();
        }

        WebSocketFrameEncoder encoder() {
            return newWebSocketEncoder();
        }
    }
}
