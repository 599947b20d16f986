package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The top-level fields of one JSON object frame, read with Jackson's streaming parser.
 *
 * <p>Frames are flat by design: values are strings, integers, booleans, arrays of integers, or
 * objects of such values (one level: a {@code message}'s {@code quote}). Anything nested deeper is
 * skipped, so a client may add fields a later protocol version defines without breaking this one.
 */
final class JsonFields {
    /**
     * Field names are not canonicalized (nor interned): an {@code auth}'s positions are keyed by
     * conversation ids, so with Jackson's shared symbol table every resuming device added its ids
     * to it (a copy of the table per frame, and {@code String.intern}) until the table was reset;
     * in an 18,000-device reconnect storm that was about 6% of the node's CPU. A frame's few other
     * names cost a small string each instead of a table lookup.
     */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxStringLength(1 << 20)
                    .maxNumberLength(32)
                    .build())
            .build();

    /** Marks a field whose value was a shape this reader does not keep. */
    static final Object OTHER = new Object();

    private final Map<String, Object> values;

    private JsonFields() {
        this(new HashMap<>(8));
    }

    private JsonFields(Map<String, Object> values) {
        this.values = values;
    }

    static JsonFields parse(byte[] json, int offset, int length) {
        return parse(() -> FACTORY.createParser(json, offset, length));
    }

    /** The same as {@link #parse(byte[], int, int)} of their UTF-8, read in place. */
    static JsonFields parse(char[] json, int offset, int length) {
        return parse(() -> FACTORY.createParser(json, offset, length));
    }

    /** Where a frame's parser reads from. */
    private interface FrameSource {
        JsonParser open() throws IOException;
    }

    private static JsonFields parse(FrameSource source) {
        try (JsonParser p = source.open()) {
            return read(p);
        } catch (StreamConstraintsException e) {
            throw new FrameException(ErrorCode.TOO_LARGE, "frame exceeds a JSON limit: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FrameException(ErrorCode.MALFORMED, "not valid JSON");
        }
    }

    static JsonFields parse(String json) {
        return parse(() -> FACTORY.createParser(json));
    }

    private static JsonFields read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new FrameException(ErrorCode.MALFORMED, "a frame must be a JSON object");
        }
        JsonFields fields = new JsonFields();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            fields.values.put(name, readValue(p, v));
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new FrameException(ErrorCode.MALFORMED, "trailing content after the JSON object");
        }
        return fields;
    }

    private static Object readValue(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? OTHER : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_ARRAY -> readArray(p);
            case START_OBJECT -> readObject(p);
            default -> throw new FrameException(ErrorCode.MALFORMED, "unexpected JSON token");
        };
    }

    private static Object readArray(JsonParser p) throws IOException {
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.START_OBJECT) {
                // An array of flat objects (a send's mentions); the parser's depth limit bounds nesting.
                list.add(readObject(p));
            } else if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
                list.add(OTHER);
            } else {
                list.add(readValue(p, t));
            }
        }
        return list;
    }

    private static Object readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT) {
                p.skipChildren();
                map.put(name, OTHER);
            } else if (v == JsonToken.START_ARRAY) {
                map.put(name, readArray(p));
            } else {
                map.put(name, readValue(p, v));
            }
        }
        return map;
    }

    /** The names of the fields, in the order they came. */
    java.util.Set<String> names() {
        return values.keySet();
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    /** The field as a string if it is one, for naming a request in an error; never throws. */
    String peekString(String name) {
        return values.get(name) instanceof String s ? s : null;
    }

    /** The field as a number if it is one, for naming a request in an error; never throws. */
    long peekLong(String name) {
        return values.get(name) instanceof Long l ? l : 0L;
    }

    /** The field's value; refused with MISSING_FIELD when it is absent (or null). */
    private Object required(String name, Context ctx) {
        Object v = values.get(name);
        if (v == null) {
            throw ctx.error(ErrorCode.MISSING_FIELD, "missing field '" + name + "'");
        }
        return v;
    }

    String string(String name, Context ctx) {
        Object v = required(name, ctx);
        if (!(v instanceof String s)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be a string");
        }
        return s;
    }

    String optString(String name, Context ctx) {
        return has(name) ? string(name, ctx) : null;
    }

    long integer(String name, long min, long max, Context ctx) {
        Object v = required(name, ctx);
        if (!(v instanceof Long l) || l < min || l > max) {
            throw ctx.error(ErrorCode.INVALID_FIELD,
                    "field '" + name + "' must be an integer from " + min + " to " + max);
        }
        return l;
    }

    long optInteger(String name, long min, long max, long absent, Context ctx) {
        return has(name) ? integer(name, min, max, ctx) : absent;
    }

    boolean bool(String name, Context ctx) {
        Object v = required(name, ctx);
        if (!(v instanceof Boolean b)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be true or false");
        }
        return b;
    }

    List<Long> integers(String name, long min, long max, int maxCount, Context ctx) {
        Object v = required(name, ctx);
        if (!(v instanceof List<?> list)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an array of integers");
        }
        if (list.size() > maxCount) {
            throw ctx.error(ErrorCode.TOO_LARGE, "field '" + name + "' holds more than " + maxCount + " entries");
        }
        List<Long> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Long l) || l < min || l > max) {
                throw ctx.error(ErrorCode.INVALID_FIELD,
                        "field '" + name + "' must hold integers from " + min + " to " + max);
            }
            out.add(l);
        }
        return out;
    }

    /** An object whose keys are decimal integers and whose values are integers. */
    Map<Long, Long> integerMap(String name, long keyMax, long valueMax, int maxCount, Context ctx) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an object");
        }
        if (map.size() > maxCount) {
            throw ctx.error(ErrorCode.TOO_LARGE, "field '" + name + "' holds more than " + maxCount + " entries");
        }
        Map<Long, Long> out = new HashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            long key;
            try {
                key = Long.parseLong((String) e.getKey());
            } catch (NumberFormatException ex) {
                throw ctx.error(ErrorCode.INVALID_FIELD, "keys of '" + name + "' must be decimal ids");
            }
            if (key < 1 || key > keyMax || !(e.getValue() instanceof Long val) || val < 0 || val > valueMax) {
                throw ctx.error(ErrorCode.INVALID_FIELD,
                        "'" + name + "' must map ids to integers from 0 to " + valueMax);
            }
            out.put(key, val);
        }
        return out;
    }

    /**
     * The fields of the object in field {@code name}, read as a frame's own fields are; null when
     * the field is absent or null.
     */
    JsonFields optObject(String name, Context ctx) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an object");
        }
        // In the order the fields came: an object of reactions lists them in the order they were made.
        JsonFields inner = new JsonFields(new LinkedHashMap<>());
        map.forEach((k, val) -> inner.values.put((String) k, val));
        return inner;
    }

    /**
     * The objects of the array in field {@code name}, each read as a frame's own fields are; an
     * empty list when the field is absent.
     */
    List<JsonFields> objects(String name, int maxCount, Context ctx) {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an array of objects");
        }
        if (list.size() > maxCount) {
            throw ctx.error(ErrorCode.TOO_LARGE, "field '" + name + "' holds more than " + maxCount + " entries");
        }
        List<JsonFields> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> map)) {
                throw ctx.error(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an array of objects");
            }
            JsonFields inner = new JsonFields(new LinkedHashMap<>());
            map.forEach((k, val) -> inner.values.put((String) k, val));
            out.add(inner);
        }
        return out;
    }

    /** What an error about this frame should name. */
    record Context(String type, String rid, String clientId, long conversationId) {
        FrameException error(ErrorCode code, String message) {
            return new FrameException(code, message, type, rid, clientId, conversationId);
        }
    }
}
