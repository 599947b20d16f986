package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The OpenAPI document a node serves ({@value #RESOURCE}), read for tests: its operations, and
 * JSON Schema validation (2020-12, OpenAPI 3.1's dialect) of answers and frames against the schemas
 * it holds, with every {@code $ref} resolved inside the document. Shared with the server's tests as
 * part of this module's test jar.
 */
public final class OpenApiContract {
    /** Where the document lies on the classpath (in this module's main resources). */
    public static final String RESOURCE = "dev/parley/protocol/openapi.yaml";
    private static final String BASE = "https://parley.invalid/v1/openapi.yaml";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One operation: its method in upper case and its path as the document writes it ({@code /v1/x/{id}}). */
    public record Operation(String method, String path) implements Comparable<Operation> {
        @Override
        public int compareTo(Operation o) {
            int byPath = path.compareTo(o.path);
            return byPath != 0 ? byPath : method.compareTo(o.method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static volatile OpenApiContract loaded;

    private final String text;
    private final JsonNode document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private OpenApiContract(String text) throws IOException {
        this.text = text;
        this.document = new ObjectMapper(new YAMLFactory()).readTree(text);
        this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
                b -> b.schemas(Map.of(BASE, text)));
    }

    /** The document, read once from the classpath. */
    public static OpenApiContract load() {
        OpenApiContract c = loaded;
        if (c == null) {
            try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the classpath");
                }
                c = new OpenApiContract(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loaded = c;
        }
        return c;
    }

    /** The document's text, as the node serves it. */
    public String text() {
        return text;
    }

    public JsonNode document() {
        return document;
    }

    /** Every operation under {@code paths}. */
    public Set<Operation> operations() {
        Set<Operation> out = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                out.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey()));
            }
        }));
        return out;
    }

    /** The operation a concrete request path (no query) falls under, or empty. Literal segments win over parameters. */
    public Optional<Operation> operationFor(String method, String concretePath) {
        Operation best = null;
        int bestLiterals = -1;
        for (Operation op : operations()) {
            if (!op.method().equals(method.toUpperCase(Locale.ROOT))) {
                continue;
            }
            String regex = "^" + Pattern.quote(op.path()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q") + "$";
            if (Pattern.matches(regex, concretePath)) {
                int literals = op.path().replaceAll("\\{[^}/]+}", "").length();
                if (literals > bestLiterals) {
                    best = op;
                    bestLiterals = literals;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The operation's parameters (its path's and its own, after any {@code $ref}) as {@code in:name}, such as {@code query:limit}. */
    public Set<String> parameters(Operation op) {
        Set<String> out = new TreeSet<>();
        for (JsonNode list : List.of(document.get("paths").get(op.path()).path("parameters"),
                operationNode(op).path("parameters"))) {
            for (JsonNode p : list) {
                JsonNode param = p.has("$ref") ? document.at(p.get("$ref").asText().substring(1)) : p;
                out.add(param.get("in").asText() + ":" + param.get("name").asText().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The status codes the document gives the operation. */
    public Set<String> statuses(Operation op) {
        Set<String> out = new TreeSet<>();
        operationNode(op).get("responses").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * The JSON pointer of the schema for the operation's answer with that status and media type
     * (following a response {@code $ref} into components), or empty when the document gives that
     * answer no body of that type.
     */
    public Optional<String> responseSchema(Operation op, int status, String mediaType) {
        String pointer = "/paths/" + escape(op.path()) + "/" + op.method().toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode response = document.at(pointer);
        if (response.isMissingNode()) {
            return Optional.empty();
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = document.at(pointer);
        }
        JsonNode content = response.get("content");
        if (content == null || !content.has(mediaType) || !content.get(mediaType).has("schema")) {
            return Optional.empty();
        }
        return Optional.of(pointer + "/content/" + escape(mediaType) + "/schema");
    }

    /**
     * The JSON pointer of the schema of the operation's JSON request body (following a
     * {@code $ref} into components), or empty when it takes none.
     */
    public Optional<String> requestSchema(Operation op) {
        String pointer = "/paths/" + escape(op.path()) + "/" + op.method().toLowerCase(Locale.ROOT) + "/requestBody";
        JsonNode body = document.at(pointer);
        if (body.has("$ref")) {
            pointer = body.get("$ref").asText().substring(1);
            body = document.at(pointer);
        }
        return body.at("/content/application~1json/schema").isMissingNode() ? Optional.empty()
                : Optional.of(pointer + "/content/application~1json/schema");
    }

    /** The media types the operation's answer with that status may have. */
    public Set<String> responseMediaTypes(Operation op, int status) {
        String pointer = "/paths/" + escape(op.path()) + "/" + op.method().toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode response = document.at(pointer);
        if (response.has("$ref")) {
            response = document.at(response.get("$ref").asText().substring(1));
        }
        Set<String> out = new TreeSet<>();
        JsonNode content = response.get("content");
        if (content != null) {
            content.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** What is wrong with {@code instance} by the schema at {@code pointer} (such as {@code /components/schemas/ServerFrame}); empty when it is valid. */
    public List<String> problems(String pointer, JsonNode instance) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> {
            if (document.at(p).isMissingNode()) {
                throw new IllegalArgumentException("no schema at " + p + " in " + RESOURCE);
            }
            return registry.getSchema(SchemaLocation.of(BASE + "#" + p));
        });
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(instance)) {
            out.add(e.toString());
        }
        return out;
    }

    /** The schema a named component is at, for {@link #problems}. */
    public static String component(String name) {
        return "/components/schemas/" + name;
    }

    /** The names of the schemas a {@code oneOf} with a discriminator maps, by discriminator value. */
    public Map<String, String> discriminated(String component) {
        Map<String, String> out = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = document.at(component(component) + "/discriminator/mapping").fields();
        it.forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText().substring("#/components/schemas/".length())));
        return out;
    }

    private JsonNode operationNode(Operation op) {
        return document.get("paths").get(op.path()).get(op.method().toLowerCase(Locale.ROOT));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
