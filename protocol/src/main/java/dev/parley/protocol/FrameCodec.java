package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Encodes and decodes v1 frames as JSON text. Decoding validates every field a frame needs and
 * throws {@link FrameException} with the code to answer; unknown fields are ignored so newer
 * clients can talk to older nodes. Thread-safe and stateless.
 */
public final class FrameCodec {
    /** Largest id or sequence number on the wire: 2^53 - 1, exact in every JSON implementation. */
    public static final long MAX_ID = (1L << 53) - 1;
    /** Longest {@code clientId} and {@code rid}. */
    public static final int MAX_CLIENT_ID_CHARS = 64;
    /** Most user ids one {@code watch} frame may name. */
    public static final int MAX_WATCH = 1024;
    /** Most conversations one {@code auth} frame may give positions for. */
    public static final int MAX_POSITIONS = 10_000;
    /** Most attachment ids one {@code send} may name (the node's own limit may be lower). */
    public static final int MAX_ATTACHMENTS = 32;

    private FrameCodec() {
    }

    // ---- client frames -------------------------------------------------------------------

    public static ClientFrame decodeClient(String json) {
        return clientFrame(JsonFields.parse(json));
    }

    public static ClientFrame decodeClient(byte[] json) {
        return clientFrame(JsonFields.parse(json, 0, json.length));
    }

    /**
     * A frame given as the chars its UTF-8 decodes to (a node decodes a frame straight from the
     * socket's buffer): the same frame, or the same refusal, as {@link #decodeClient(byte[])} of
     * those bytes when they are well-formed UTF-8 without a byte-order mark. Jackson reads the
     * chars in place (from bytes it first makes them a String: field names are not canonicalized,
     * see {@link JsonFields#FACTORY}), and a plain send is read without it ({@link PlainSendFrames}).
     */
    public static ClientFrame decodeClient(char[] json, int offset, int length) {
        // Nearly every frame is a plain send: read without Jackson when it surely is one.
        ClientFrame.Send plain = PlainSendFrames.read(json, offset, length);
        return plain != null ? plain : clientFrame(JsonFields.parse(json, offset, length));
    }

    private static ClientFrame clientFrame(JsonFields f) {
        String rid = f.peekString("rid");
        String clientId = f.peekString("clientId");
        String type = f.peekString("type");
        long conversationId = f.peekLong("conversationId");
        JsonFields.Context ctx = new JsonFields.Context(type, rid, clientId,
                conversationId >= 1 && conversationId <= MAX_ID ? conversationId : 0);
        if (!f.has("type")) {
            throw ctx.error(ErrorCode.MISSING_FIELD, "missing field 'type'");
        }
        if (type == null) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field 'type' must be a string");
        }
        if (f.has("rid")) {
            String r = f.string("rid", ctx);
            if (r.length() > MAX_CLIENT_ID_CHARS) {
                throw new JsonFields.Context(type, null, clientId, ctx.conversationId())
                        .error(ErrorCode.INVALID_FIELD, "field 'rid' is longer than " + MAX_CLIENT_ID_CHARS);
            }
        }
        return switch (type) {
            case "auth" -> new ClientFrame.Auth(rid, f.string("token", ctx),
                    f.integerMap("positions", MAX_ID, MAX_ID, MAX_POSITIONS, ctx));
            case "send" -> send(f, rid, ctx);
            case "react" -> new ClientFrame.React(rid, clientId(f, ctx),
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("targetSeq", 1, MAX_ID, ctx),
                    f.string("emoji", ctx), f.has("remove") && f.bool("remove", ctx));
            case "edit" -> new ClientFrame.Edit(rid, clientId(f, ctx),
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("targetSeq", 1, MAX_ID, ctx),
                    f.string("body", ctx));
            case "delete" -> new ClientFrame.Delete(rid, clientId(f, ctx),
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("targetSeq", 1, MAX_ID, ctx));
            case "delivered" -> new ClientFrame.Delivered(rid,
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("seq", 0, MAX_ID, ctx));
            case "read" -> new ClientFrame.Read(rid,
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("seq", 0, MAX_ID, ctx));
            case "typing" -> new ClientFrame.Typing(rid,
                    f.integer("conversationId", 1, MAX_ID, ctx), f.bool("typing", ctx));
            case "watch" -> new ClientFrame.Watch(rid, f.integers("userIds", 1, MAX_ID, MAX_WATCH, ctx));
            case "ping" -> new ClientFrame.Ping(rid);
            default -> throw ctx.error(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + truncate(type) + "'");
        };
    }

    /** A send: {@code body} may be absent when the message carries attachments. */
    private static ClientFrame.Send send(JsonFields f, String rid, JsonFields.Context ctx) {
        String clientId = clientId(f, ctx);
        long conversationId = f.integer("conversationId", 1, MAX_ID, ctx);
        List<Long> attachments = f.has("attachments")
                ? f.integers("attachments", 1, MAX_ID, MAX_ATTACHMENTS, ctx) : List.of();
        String body = attachments.isEmpty() || f.has("body") ? f.string("body", ctx) : "";
        return new ClientFrame.Send(rid, clientId, conversationId, body, f.optInteger("replyTo", 1, MAX_ID, 0, ctx),
                mentions(f, ctx), attachments);
    }

    private static String clientId(JsonFields f, JsonFields.Context ctx) {
        String id = f.string("clientId", ctx);
        if (id.isEmpty() || id.length() > MAX_CLIENT_ID_CHARS) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field 'clientId' must be 1 to " + MAX_CLIENT_ID_CHARS + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw ctx.error(ErrorCode.INVALID_FIELD, "field 'clientId' must be printable ASCII without spaces");
            }
        }
        return id;
    }

    private static String truncate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    public static String encodeClient(ClientFrame frame) {
        return new String(writeClient(frame), StandardCharsets.UTF_8);
    }

    private static byte[] writeClient(ClientFrame frame) {
        return write(g -> {
            g.writeStringField("type", frame.type());
            if (frame.rid() != null) {
                g.writeStringField("rid", frame.rid());
            }
            switch (frame) {
                case ClientFrame.Auth a -> {
                    g.writeStringField("token", a.token());
                    if (a.positions() != null) {
                        g.writeObjectFieldStart("positions");
                        for (Map.Entry<Long, Long> e : a.positions().entrySet()) {
                            g.writeNumberField(Long.toString(e.getKey()), e.getValue());
                        }
                        g.writeEndObject();
                    }
                }
                case ClientFrame.Send s -> {
                    g.writeStringField("clientId", s.clientId());
                    g.writeNumberField("conversationId", s.conversationId());
                    g.writeStringField("body", s.body());
                    if (s.replyTo() != 0) {
                        g.writeNumberField("replyTo", s.replyTo());
                    }
                    writeMentions(g, s.mentions());
                    if (!s.attachments().isEmpty()) {
                        g.writeArrayFieldStart("attachments");
                        for (long id : s.attachments()) {
                            g.writeNumber(id);
                        }
                        g.writeEndArray();
                    }
                }
                case ClientFrame.React r -> {
                    g.writeStringField("clientId", r.clientId());
                    g.writeNumberField("conversationId", r.conversationId());
                    g.writeNumberField("targetSeq", r.targetSeq());
                    g.writeStringField("emoji", r.emoji());
                    if (r.remove()) {
                        g.writeBooleanField("remove", true);
                    }
                }
                case ClientFrame.Edit e -> {
                    g.writeStringField("clientId", e.clientId());
                    g.writeNumberField("conversationId", e.conversationId());
                    g.writeNumberField("targetSeq", e.targetSeq());
                    g.writeStringField("body", e.body());
                }
                case ClientFrame.Delete d -> {
                    g.writeStringField("clientId", d.clientId());
                    g.writeNumberField("conversationId", d.conversationId());
                    g.writeNumberField("targetSeq", d.targetSeq());
                }
                case ClientFrame.Delivered d -> {
                    g.writeNumberField("conversationId", d.conversationId());
                    g.writeNumberField("seq", d.seq());
                }
                case ClientFrame.Read r -> {
                    g.writeNumberField("conversationId", r.conversationId());
                    g.writeNumberField("seq", r.seq());
                }
                case ClientFrame.Typing t -> {
                    g.writeNumberField("conversationId", t.conversationId());
                    g.writeBooleanField("typing", t.typing());
                }
                case ClientFrame.Watch w -> {
                    g.writeArrayFieldStart("userIds");
                    for (long id : w.userIds()) {
                        g.writeNumber(id);
                    }
                    g.writeEndArray();
                }
                case ClientFrame.Ping p -> {
                }
            }
        });
    }

    // ---- server frames -------------------------------------------------------------------

    /**
     * The frame as UTF-8 JSON, ready to go out as one WebSocket text message. The frames of every
     * message ({@code sent}, {@code message}) are written by {@link FrameWriter}, to the same bytes.
     */
    public static byte[] encodeServer(ServerFrame frame) {
        return FrameWriter.writes(frame) ? FrameWriter.write(frame) : jackson(frame);
    }

    /** The frame written by Jackson's generator: every frame but those {@link FrameWriter} writes, and its reference. */
    static byte[] jackson(ServerFrame frame) {
        return write(g -> {
            g.writeStringField("type", frame.type());
            switch (frame) {
                case ServerFrame.Ready r -> {
                    g.writeNumberField("userId", r.userId());
                    g.writeNumberField("deviceId", r.deviceId());
                    g.writeNumberField("heartbeatMs", r.heartbeatMs());
                    g.writeNumberField("maxFrameBytes", r.maxFrameBytes());
                    g.writeNumberField("maxBodyBytes", r.maxBodyBytes());
                    g.writeNumberField("sendsPerSecond", r.sendsPerSecond());
                }
                case ServerFrame.Sent s -> {
                    optString(g, "rid", s.rid());
                    g.writeStringField("clientId", s.clientId());
                    g.writeNumberField("conversationId", s.conversationId());
                    g.writeNumberField("seq", s.seq());
                    g.writeNumberField("ts", s.ts());
                }
                case ServerFrame.Message m -> {
                    g.writeNumberField("conversationId", m.conversationId());
                    g.writeNumberField("seq", m.seq());
                    g.writeNumberField("ts", m.ts());
                    g.writeNumberField("senderId", m.senderId());
                    if (m.senderDeviceId() != 0) {
                        g.writeNumberField("senderDeviceId", m.senderDeviceId());
                    }
                    optString(g, "clientId", m.clientId());
                    g.writeStringField("kind", m.kind());
                    optString(g, "body", m.body());
                    optString(g, "title", m.title());
                    if (m.userIds() != null) {
                        g.writeArrayFieldStart("userIds");
                        for (long id : m.userIds()) {
                            g.writeNumber(id);
                        }
                        g.writeEndArray();
                    }
                    optString(g, "role", m.role());
                    if (m.replyTo() != 0) {
                        g.writeNumberField("replyTo", m.replyTo());
                    }
                    if (m.quote() != null) {
                        g.writeObjectFieldStart("quote");
                        g.writeNumberField("seq", m.quote().seq());
                        g.writeNumberField("senderId", m.quote().senderId());
                        g.writeStringField("kind", m.quote().kind());
                        optString(g, "excerpt", m.quote().excerpt());
                        if (m.quote().deleted()) {
                            g.writeBooleanField("deleted", true);
                        }
                        g.writeEndObject();
                    }
                    if (m.targetSeq() != 0) {
                        g.writeNumberField("targetSeq", m.targetSeq());
                    }
                    if (!m.reactions().isEmpty()) {
                        g.writeObjectFieldStart("reactions");
                        for (ServerFrame.Reaction r : m.reactions()) {
                            g.writeArrayFieldStart(r.emoji());
                            for (long id : r.userIds()) {
                                g.writeNumber(id);
                            }
                            g.writeEndArray();
                        }
                        g.writeEndObject();
                    }
                    if (m.editedAt() != 0) {
                        g.writeNumberField("editedAt", m.editedAt());
                    }
                    if (m.deletedAt() != 0) {
                        g.writeNumberField("deletedAt", m.deletedAt());
                        g.writeNumberField("deletedBy", m.deletedBy());
                    }
                    writeMentions(g, m.mentions());
                    writeAttachments(g, m.attachments());
                }
                case ServerFrame.Receipt r -> {
                    g.writeNumberField("conversationId", r.conversationId());
                    g.writeNumberField("userId", r.userId());
                    g.writeNumberField("delivered", r.delivered());
                    g.writeNumberField("read", r.read());
                }
                case ServerFrame.Typing t -> {
                    g.writeNumberField("conversationId", t.conversationId());
                    g.writeNumberField("userId", t.userId());
                    g.writeBooleanField("typing", t.typing());
                }
                case ServerFrame.Presence p -> {
                    g.writeNumberField("userId", p.userId());
                    g.writeBooleanField("online", p.online());
                    g.writeNumberField("lastSeen", p.lastSeen());
                }
                case ServerFrame.Profile p -> {
                    g.writeNumberField("userId", p.userId());
                    optString(g, "username", p.username());
                    g.writeStringField("displayName", p.displayName());
                    if (p.status() == null) {
                        g.writeNullField("status");
                    } else {
                        g.writeStringField("status", p.status());
                    }
                    if (p.avatar() == null) {
                        g.writeNullField("avatar");
                    } else {
                        g.writeStringField("avatar", p.avatar());
                    }
                    g.writeBooleanField("deleted", p.deleted());
                }
                case ServerFrame.Request r -> {
                    g.writeNumberField("conversationId", r.conversationId());
                    g.writeNumberField("userId", r.userId());
                }
                case ServerFrame.Resync r -> {
                    g.writeNumberField("conversationId", r.conversationId());
                    g.writeNumberField("latestSeq", r.latestSeq());
                }
                case ServerFrame.Synced s -> {
                    g.writeNumberField("conversations", s.conversations());
                    g.writeNumberField("messages", s.messages());
                }
                case ServerFrame.Ok o -> {
                    optString(g, "rid", o.rid());
                    optString(g, "request", o.request());
                }
                case ServerFrame.Pong p -> optString(g, "rid", p.rid());
                case ServerFrame.Error e -> {
                    g.writeStringField("code", e.code());
                    g.writeStringField("message", e.message());
                    optString(g, "request", e.request());
                    optString(g, "rid", e.rid());
                    optString(g, "clientId", e.clientId());
                    if (e.conversationId() != 0) {
                        g.writeNumberField("conversationId", e.conversationId());
                    }
                    if (e.retryAfterMs() != 0) {
                        g.writeNumberField("retryAfterMs", e.retryAfterMs());
                    }
                }
            }
        });
    }

    public static ServerFrame decodeServer(String json) {
        return serverFrame(JsonFields.parse(json));
    }

    public static ServerFrame decodeServer(byte[] json) {
        return serverFrame(JsonFields.parse(json, 0, json.length));
    }

    private static ServerFrame serverFrame(JsonFields f) {
        JsonFields.Context ctx = new JsonFields.Context(f.peekString("type"), null, null, 0);
        String type = f.string("type", ctx);
        return switch (type) {
            case "ready" -> new ServerFrame.Ready(f.integer("userId", 1, MAX_ID, ctx),
                    f.integer("deviceId", 1, MAX_ID, ctx), f.integer("heartbeatMs", 0, Long.MAX_VALUE, ctx),
                    (int) f.optInteger("maxFrameBytes", 0, Integer.MAX_VALUE, 0, ctx),
                    (int) f.optInteger("maxBodyBytes", 0, Integer.MAX_VALUE, 0, ctx),
                    (int) f.optInteger("sendsPerSecond", 0, Integer.MAX_VALUE, 0, ctx));
            case "sent" -> new ServerFrame.Sent(f.optString("rid", ctx), f.string("clientId", ctx),
                    f.integer("conversationId", 1, MAX_ID, ctx), f.integer("seq", 0, MAX_ID, ctx),
                    f.integer("ts", 0, Long.MAX_VALUE, ctx));
            case "message" -> new ServerFrame.Message(f.integer("conversationId", 1, MAX_ID, ctx),
                    f.integer("seq", 1, MAX_ID, ctx), f.integer("ts", 0, Long.MAX_VALUE, ctx),
                    f.integer("senderId", 0, MAX_ID, ctx), f.optInteger("senderDeviceId", 0, MAX_ID, 0, ctx),
                    f.optString("clientId", ctx), f.string("kind", ctx), f.optString("body", ctx),
                    f.optString("title", ctx),
                    f.has("userIds") ? f.integers("userIds", 1, MAX_ID, Integer.MAX_VALUE, ctx) : null,
                    f.optString("role", ctx), f.optInteger("replyTo", 1, MAX_ID, 0, ctx), quote(f, ctx),
                    f.optInteger("targetSeq", 1, MAX_ID, 0, ctx), reactions(f, ctx),
                    f.optInteger("editedAt", 1, Long.MAX_VALUE, 0, ctx),
                    f.optInteger("deletedAt", 1, Long.MAX_VALUE, 0, ctx), f.optInteger("deletedBy", 1, MAX_ID, 0, ctx),
                    mentions(f, ctx), attachments(f, ctx));
            case "receipt" -> new ServerFrame.Receipt(f.integer("conversationId", 1, MAX_ID, ctx),
                    f.integer("userId", 1, MAX_ID, ctx), f.integer("delivered", 0, MAX_ID, ctx),
                    f.integer("read", 0, MAX_ID, ctx));
            case "typing" -> new ServerFrame.Typing(f.integer("conversationId", 1, MAX_ID, ctx),
                    f.integer("userId", 1, MAX_ID, ctx), f.bool("typing", ctx));
            case "presence" -> new ServerFrame.Presence(f.integer("userId", 1, MAX_ID, ctx),
                    f.bool("online", ctx), f.integer("lastSeen", 0, Long.MAX_VALUE, ctx));
            case "profile" -> new ServerFrame.Profile(f.integer("userId", 1, MAX_ID, ctx),
                    f.optString("username", ctx), f.optString("displayName", ctx), f.optString("status", ctx),
                    f.optString("avatar", ctx), f.has("deleted") && f.bool("deleted", ctx));
            case "request" -> new ServerFrame.Request(f.integer("conversationId", 1, MAX_ID, ctx),
                    f.integer("userId", 1, MAX_ID, ctx));
            case "resync" -> new ServerFrame.Resync(f.integer("conversationId", 1, MAX_ID, ctx),
                    f.integer("latestSeq", 0, MAX_ID, ctx));
            case "synced" -> new ServerFrame.Synced((int) f.integer("conversations", 0, Integer.MAX_VALUE, ctx),
                    f.integer("messages", 0, Long.MAX_VALUE, ctx));
            case "ok" -> new ServerFrame.Ok(f.optString("rid", ctx), f.optString("request", ctx));
            case "pong" -> new ServerFrame.Pong(f.optString("rid", ctx));
            case "error" -> new ServerFrame.Error(f.string("code", ctx), f.string("message", ctx),
                    f.optString("request", ctx), f.optString("rid", ctx), f.optString("clientId", ctx),
                    f.optInteger("conversationId", 0, MAX_ID, 0, ctx),
                    f.optInteger("retryAfterMs", 0, Long.MAX_VALUE, 0, ctx));
            default -> throw ctx.error(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + truncate(type) + "'");
        };
    }

    /** Most members one message may mention. */
    public static final int MAX_MENTIONS = 50;

    private static List<ClientFrame.Mention> mentions(JsonFields f, JsonFields.Context ctx) {
        List<ClientFrame.Mention> out = new java.util.ArrayList<>();
        for (JsonFields m : f.objects("mentions", MAX_MENTIONS, ctx)) {
            out.add(new ClientFrame.Mention(m.integer("userId", 1, MAX_ID, ctx),
                    (int) m.integer("offset", 0, Integer.MAX_VALUE, ctx), (int) m.integer("length", 1, Integer.MAX_VALUE, ctx)));
        }
        return out;
    }

    private static List<ServerFrame.Attachment> attachments(JsonFields f, JsonFields.Context ctx) {
        List<ServerFrame.Attachment> out = new java.util.ArrayList<>();
        for (JsonFields a : f.objects("attachments", Integer.MAX_VALUE, ctx)) {
            out.add(new ServerFrame.Attachment(a.integer("id", 1, MAX_ID, ctx), a.optString("name", ctx),
                    a.optString("contentType", ctx), a.optInteger("size", 0, Long.MAX_VALUE, 0, ctx),
                    a.optString("sha256", ctx), (int) a.optInteger("width", 0, Integer.MAX_VALUE, 0, ctx),
                    (int) a.optInteger("height", 0, Integer.MAX_VALUE, 0, ctx)));
        }
        return out;
    }

    private static void writeAttachments(JsonGenerator g, List<ServerFrame.Attachment> attachments) throws IOException {
        if (attachments.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("attachments");
        for (ServerFrame.Attachment a : attachments) {
            g.writeStartObject();
            g.writeNumberField("id", a.id());
            g.writeStringField("name", a.name());
            g.writeStringField("contentType", a.contentType());
            g.writeNumberField("size", a.size());
            g.writeStringField("sha256", a.sha256());
            if (a.width() > 0) {
                g.writeNumberField("width", a.width());
                g.writeNumberField("height", a.height());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeMentions(JsonGenerator g, List<ClientFrame.Mention> mentions) throws IOException {
        if (mentions.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("mentions");
        for (ClientFrame.Mention m : mentions) {
            g.writeStartObject();
            g.writeNumberField("userId", m.userId());
            g.writeNumberField("offset", m.offset());
            g.writeNumberField("length", m.length());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static List<ServerFrame.Reaction> reactions(JsonFields f, JsonFields.Context ctx) {
        JsonFields r = f.optObject("reactions", ctx);
        if (r == null) {
            return List.of();
        }
        List<ServerFrame.Reaction> out = new java.util.ArrayList<>();
        for (String emoji : r.names()) {
            out.add(new ServerFrame.Reaction(emoji, r.integers(emoji, 1, MAX_ID, Integer.MAX_VALUE, ctx)));
        }
        return out;
    }

    private static ServerFrame.Quote quote(JsonFields f, JsonFields.Context ctx) {
        JsonFields q = f.optObject("quote", ctx);
        return q == null ? null : new ServerFrame.Quote(q.integer("seq", 1, MAX_ID, ctx),
                q.integer("senderId", 0, MAX_ID, ctx), q.string("kind", ctx), q.optString("excerpt", ctx),
                q.has("deleted") && q.bool("deleted", ctx));
    }

    // ---- plumbing ------------------------------------------------------------------------

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(128);
        try (JsonGenerator g = JsonFields.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void optString(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
