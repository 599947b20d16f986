package dev.parley.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * REST bodies as plain trees, read and written by Jackson: objects become
 * {@code Map<String, Object>}, arrays {@code List}, integers {@code Long} even when small (what
 * {@link JsonObject} expects), other numbers {@code Double}. The answers are small, so a tree is
 * simpler than binding a class per answer.
 */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private Json() {
    }

    /** Parses one JSON object; anything else is the node breaking the contract. */
    static JsonObject parseObject(String text) {
        Map<String, Object> fields;
        try {
            fields = MAPPER.readValue(text, OBJECT);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable JSON from the node", e);
        }
        if (fields == null) {
            throw new IllegalStateException("the node answered null where a JSON object belongs");
        }
        return new JsonObject(fields);
    }

    /** Writes a map of strings, numbers, booleans, nulls and collections of them as a JSON object. */
    static String write(Map<String, ?> object) {
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
