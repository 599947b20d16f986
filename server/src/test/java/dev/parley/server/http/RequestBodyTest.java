package dev.parley.server.http;

import dev.parley.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestBodyTest {
    private static JsonObject parse(String json) {
        return Requests.object(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fieldNamesAreNotInterned() {
        // A sync's positions are keyed by conversation ids: each request's names must not grow
        // the JVM's string table (nor a shared symbol table) for the node's life.
        String key = "9" + Math.abs(UUID.randomUUID().getMostSignificantBits());
        String interned = new String(key).intern();
        JsonObject body = parse("{\"positions\":{\"" + key + "\":7}}");
        String parsedKey = body.getJsonObject("positions").fieldNames().iterator().next();
        assertEquals(key, parsedKey);
        assertNotSame(interned, parsedKey);
    }

    @Test
    void readsWhatVertxReadIncludingComments() {
        JsonObject body = parse("{ /* a comment */ \"text\": \"hi\", \"n\": 3, \"list\": [1, 2], \"o\": {\"a\": true} }");
        assertEquals("hi", body.getString("text"));
        assertEquals(3L, body.getLong("n"));
        assertEquals(2, body.getJsonArray("list").size());
        assertEquals(true, body.getJsonObject("o").getBoolean("a"));
    }

    @Test
    void refusesWhatIsNotOneJsonObject() {
        for (String bad : new String[] {"{\"a\":", "[1,2]", "\"text\"", "{} {}", "{\"a\":1} x", "nope"}) {
            ApiException e = assertThrows(ApiException.class, () -> parse(bad), bad);
            assertEquals(ErrorCode.MALFORMED, e.code(), bad);
        }
    }
}
