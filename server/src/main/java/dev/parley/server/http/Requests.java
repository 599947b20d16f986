package dev.parley.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.Map;

/** Reading and validating request bodies, path parameters and query parameters. */
final class Requests {
    /**
     * Bodies are parsed without Jackson's shared symbol table (Vert.x's own factory canonicalizes
     * and interns field names): a {@code POST /v1/sync} keys its positions by conversation ids, so
     * every pulling device would add its ids to the table (a copy of it per request, and
     * {@code String.intern}), the cost the WebSocket {@code auth} frames had before they were read
     * the same way. Comments stay allowed, as Vert.x's factory allows them.
     */
    private static final JsonFactory BODIES = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();

    private Requests() {
    }

    static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new ApiException(ErrorCode.MALFORMED, "a JSON object body is required");
        }
        return object(ctx.body().buffer().getBytes());
    }

    /** A body's bytes as a JSON object; refused with {@code malformed} otherwise. */
    static JsonObject object(byte[] json) {
        Object parsed;
        try {
            parsed = JacksonCodec.fromParser(BODIES.createParser(json), Object.class);
        } catch (DecodeException | IOException e) {
            throw new ApiException(ErrorCode.MALFORMED, "body is not valid JSON");
        }
        // Vert.x hands objects back as JsonObject or as a plain Map depending on the codec path.
        if (parsed instanceof JsonObject obj) {
            return obj;
        }
        if (parsed instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) map;
            return new JsonObject(fields);
        }
        throw new ApiException(ErrorCode.MALFORMED, "body must be a JSON object");
    }

    static String string(JsonObject body, String name) {
        Object v = body.getValue(name);
        if (v == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "missing field '" + name + "'");
        }
        if (!(v instanceof String s)) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + name + "' must be a string");
        }
        return s;
    }

    static String optString(JsonObject body, String name) {
        return body.getValue(name) == null ? null : string(body, name);
    }

    static long id(JsonObject body, String name) {
        Object v = body.getValue(name);
        if (v == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "missing field '" + name + "'");
        }
        return idValue(v, name);
    }

    /** A JSON value that must be an id; {@code name} says where it was, for the error. */
    static long idValue(Object v, String name) {
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float
                || n.longValue() < 1 || n.longValue() > FrameCodec.MAX_ID) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an id (integer 1 to 2^53-1)");
        }
        return n.longValue();
    }

    /** An optional integer field from {@code min} to {@code max}; {@code absent} when missing. */
    static long optInteger(JsonObject body, String name, long min, long max, long absent) {
        Object v = body.getValue(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n) || n instanceof Double || n instanceof Float || n.longValue() < min
                || n.longValue() > max) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an integer from " + min
                    + " to " + max);
        }
        return n.longValue();
    }

    static long pathId(RoutingContext ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long v = Long.parseLong(raw);
            if (v >= 1 && v <= FrameCodec.MAX_ID) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new ApiException(ErrorCode.NOT_FOUND, name + " not found");
    }

    /** An optional non-negative integer query parameter. */
    static Long queryLong(RoutingContext ctx, String name) {
        String raw = ctx.request().getParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= 0 && v <= FrameCodec.MAX_ID + 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new ApiException(ErrorCode.INVALID_FIELD, "query parameter '" + name + "' must be a non-negative integer");
    }
}
