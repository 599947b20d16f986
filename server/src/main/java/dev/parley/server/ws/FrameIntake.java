package dev.parley.server.ws;

import dev.parley.core.limit.TokenBucket;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.FrameException;
import dev.parley.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A connection's inbound frames, up to the point where they are requests: fragments joined (at
 * most {@code limits.hardFrameBytes}, else 4009), the frame allowance ({@code framesPerSecond},
 * {@code frameBurst}), the size limit ({@code maxFrameBytes}) and decoding. A frame that fails any
 * of them is answered with an error naming the request it answers (decoded even when refused, so
 * the error can), and a peer with {@value #MAX_CONSECUTIVE_VIOLATIONS} refused frames in a row is
 * cut off with 4010. Pings and pongs, seen by {@link ControlFrameGate}, take from the same
 * allowance. Typing frames have an allowance of their own ({@value #TYPING_PER_SECOND} a second);
 * the rest are dropped.
 *
 * <p>Threading: confined to the connection's event loop (Netty's handlers of the channel run there).
 */
final class FrameIntake {
    private static final Logger log = LoggerFactory.getLogger(FrameIntake.class);
    /** Typing frames forwarded per second per connection; the rest are dropped. */
    static final int TYPING_PER_SECOND = 2;
    /** Refused frames in a row after which the connection is closed (4010). */
    static final int MAX_CONSECUTIVE_VIOLATIONS = 100;

    private final ChatConnection connection;
    private final ServerConfig.Limits limits;
    private final Consumer<ClientFrame> admitted;
    private final TokenBucket frameAllowance;
    private final TokenBucket typingAllowance;
    private int violations;
    private Buffer partial;
    private boolean partialBinary;

    /** @param admitted where frames that pass go, decoded */
    FrameIntake(ChatConnection connection, ServerConfig.Limits limits, Consumer<ClientFrame> admitted) {
        this.connection = connection;
        this.limits = limits;
        this.admitted = admitted;
        long now = System.nanoTime();
        this.frameAllowance = new TokenBucket(limits.framesPerSecond(), limits.frameBurst(), now);
        this.typingAllowance = new TokenBucket(TYPING_PER_SECOND, TYPING_PER_SECOND, now);
    }

    /**
     * A data frame from the socket: a whole message, or a fragment of one. Its bytes are copied;
     * the caller releases it.
     */
    void onFrame(WebSocketFrame f) {
        boolean binary = f instanceof BinaryWebSocketFrame;
        if (f instanceof TextWebSocketFrame || binary) {
            if (f.isFinalFragment()) {
                if (binary) {
                    onMessage(ByteBufUtil.getBytes(f.content()), true);
                } else {
                    onText(f.content());
                }
            } else {
                partial = Buffer.buffer(ByteBufUtil.getBytes(f.content()));
                partialBinary = binary;
            }
        } else if (f instanceof ContinuationWebSocketFrame && partial != null) {
            partial.appendBytes(ByteBufUtil.getBytes(f.content()));
            if (partial.length() > limits.hardFrameBytes()) {
                connection.close(CloseCode.FRAME_TOO_LARGE);
            } else if (f.isFinalFragment()) {
                Buffer whole = partial;
                partial = null;
                onMessage(whole.getBytes(), partialBinary);
            }
        }
    }

    /** A ping or pong: a frame against the allowance (false: drop it). */
    boolean admitControlFrame() {
        if (frameAllowance.tryTake(System.nanoTime()) == 0) {
            return true;
        }
        if (++violations >= MAX_CONSECUTIVE_VIOLATIONS && !connection.isClosed()) {
            log.info("closing conn={} after {} refused frames in a row (pings or pongs over the allowance)",
                    connection.id(), violations);
            connection.close(CloseCode.PROTOCOL_VIOLATION);
        }
        return false;
    }

    /** Whether a typing frame may go on now (false: drop it silently). */
    boolean admitTyping() {
        return typingAllowance.tryTake(System.nanoTime()) == 0;
    }

    /**
     * A whole text message in one frame: decoded from the frame's buffer into the loop's chars
     * when it can be ({@link FrameChars}), else copied out as bytes. The same frame either way.
     */
    private void onText(ByteBuf content) {
        if (connection.isClosed()) {
            return;
        }
        FrameChars chars = FrameChars.ofThisLoop();
        if (chars.decode(content)) {
            onMessage(content.readableBytes(), false, null, chars);
        } else {
            onMessage(ByteBufUtil.getBytes(content), false);
        }
    }

    /** A whole message's bytes (copied once from the frame; the decoder reads them in place). */
    private void onMessage(byte[] data, boolean binary) {
        onMessage(data.length, binary, data, null);
    }

    /** A whole message of {@code bytes} bytes: {@code data}, or else the {@code chars} they decode to. */
    private void onMessage(int bytes, boolean binary, byte[] data, FrameChars chars) {
        if (connection.isClosed()) {
            return;
        }
        long wait = frameAllowance.tryTake(System.nanoTime());
        if (binary) {
            refuse(ErrorCode.MALFORMED, "binary frames are not supported; send JSON text frames", null, null, null, 0, 0);
            return;
        }
        ClientFrame frame = null;
        FrameException undecodable = null;
        try {
            frame = data != null ? FrameCodec.decodeClient(data) : FrameCodec.decodeClient(chars.chars(), 0, chars.length());
        } catch (FrameException e) {
            undecodable = e;
        }
        String type = frame != null ? frame.type() : undecodable.requestType();
        String rid = frame != null ? frame.rid() : undecodable.rid();
        String clientId = frame != null ? clientIdOf(frame) : undecodable.clientId();
        long conversationId = frame != null ? conversationOf(frame) : undecodable.conversationId();
        if (wait > 0) {
            refuse(ErrorCode.RATE_LIMITED, "too many frames; slow down", type, rid, clientId, conversationId,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        } else if (bytes > limits.maxFrameBytes()) {
            refuse(ErrorCode.TOO_LARGE, "frame is larger than " + limits.maxFrameBytes() + " bytes", type, rid, clientId,
                    conversationId, 0);
        } else if (undecodable != null) {
            refuse(undecodable.code(), undecodable.getMessage(), type, rid, clientId, conversationId, 0);
        } else {
            violations = 0;
            admitted.accept(frame);
        }
    }

    /** Answers a frame refused before dispatch; a client that sends nothing else is cut off. */
    private void refuse(ErrorCode code, String message, String request, String rid, String clientId, long conversationId,
                        long retryAfterMs) {
        connection.sendError(code, message, request, rid, clientId, conversationId, retryAfterMs);
        if (++violations >= MAX_CONSECUTIVE_VIOLATIONS) {
            log.info("closing conn={} after {} refused frames in a row", connection.id(), violations);
            connection.close(CloseCode.PROTOCOL_VIOLATION);
        }
    }

    /** The client id a frame carries, to name it in an answer; null for frames without one. */
    static String clientIdOf(ClientFrame f) {
        return switch (f) {
            case ClientFrame.Send s -> s.clientId();
            case ClientFrame.React r -> r.clientId();
            case ClientFrame.Edit e -> e.clientId();
            case ClientFrame.Delete d -> d.clientId();
            default -> null;
        };
    }

    /** The conversation a frame is about; 0 for frames about none. */
    static long conversationOf(ClientFrame f) {
        return switch (f) {
            case ClientFrame.Send s -> s.conversationId();
            case ClientFrame.React r -> r.conversationId();
            case ClientFrame.Edit e -> e.conversationId();
            case ClientFrame.Delete d -> d.conversationId();
            case ClientFrame.Delivered d -> d.conversationId();
            case ClientFrame.Read r -> r.conversationId();
            case ClientFrame.Typing t -> t.conversationId();
            default -> 0;
        };
    }
}
