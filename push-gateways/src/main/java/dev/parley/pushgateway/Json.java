package dev.parley.pushgateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/**
 * The JSON of the push code, all through one Jackson mapper: the small documents providers answer
 * with and key files are read as trees; payloads, webhook bodies and token claims are built as
 * {@link ObjectNode}s (fields in the order they are put) and written compactly.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A new, empty object to put fields in. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * The document as a tree; a missing node (whose fields all read as missing) when the text is
     * empty or not JSON: a proxy's error page must not turn an answer into an exception.
     */
    static JsonNode read(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** The text of a string field, or null when the field is absent or not a string. */
    static String string(JsonNode document, String field) {
        return document.path(field).textValue();
    }

    /** The node as compact JSON text. */
    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
