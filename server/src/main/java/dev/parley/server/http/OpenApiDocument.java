package dev.parley.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The protocol's machine-readable contract, the OpenAPI document kept in the protocol module
 * ({@value #RESOURCE}), served as it is at {@code GET /v1/openapi.yaml} and as JSON at
 * {@code GET /v1/openapi.json} (docs/protocol.md, "The contract"). No token needed: it holds
 * nothing of any user.
 */
final class OpenApiDocument {
    static final String RESOURCE = "dev/parley/protocol/openapi.yaml";

    private final Buffer yaml;
    private final Buffer json;

    private OpenApiDocument(String text) {
        this.yaml = Buffer.buffer(text);
        Object tree = new Load(LoadSettings.builder().build()).loadFromString(text);
        this.json = ((JsonObject) toJson(tree)).toBuffer();
    }

    /** The document, read and converted once for every router. */
    private static final class Loaded {
        static final OpenApiDocument DOC = read();
    }

    /**
     * Mounts both routes. The document is read at the first request, on a worker thread, not when
     * the node starts: a start should spend nothing on what no client may ask for.
     */
    static void mount(Router r) {
        r.get("/v1/openapi.yaml").blockingHandler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml; charset=utf-8").end(Loaded.DOC.yaml), false);
        r.get("/v1/openapi.json").blockingHandler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json").end(Loaded.DOC.json), false);
    }

    private static OpenApiDocument read() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new OpenApiDocument(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML's maps and lists as Vert.x JSON; keys become strings (status codes, say). */
    private static Object toJson(Object node) {
        if (node instanceof Map<?, ?> map) {
            JsonObject o = new JsonObject();
            map.forEach((k, v) -> o.put(String.valueOf(k), toJson(v)));
            return o;
        }
        if (node instanceof List<?> list) {
            JsonArray a = new JsonArray();
            list.forEach(v -> a.add(toJson(v)));
            return a;
        }
        return node;
    }
}
