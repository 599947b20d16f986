package dev.parley.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.OpenApiContract;
import dev.parley.protocol.OpenApiContract.Operation;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP client that holds every answer to the OpenAPI document as it arrives: the request falls
 * under a documented operation, the status is one the operation documents, the body has a media
 * type the document gives that answer (none where it gives none), a JSON body is valid by the
 * answer's schema, and a {@code Retry-After} the answer documents is there. It keeps which
 * operations and statuses it saw.
 */
final class CheckedApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** A checked answer. */
    record Answer(Operation operation, int status, String contentType, byte[] bytes, JsonNode json) {
        JsonObject body() {
            return json == null ? null : new JsonObject(json.toString());
        }

        long id(String field) {
            return field(field).asLong();
        }

        String text(String field) {
            return field(field).asText();
        }

        private JsonNode field(String name) {
            if (json == null || !json.has(name)) {
                throw new AssertionError("no field " + name + " in " + this);
            }
            return json.get(name);
        }

        String errorCode() {
            return json == null || !json.has("error") ? null : json.get("error").get("code").asText();
        }

        @Override
        public String toString() {
            return operation + " -> " + status + " " + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final URI base;
    private final OpenApiContract contract = OpenApiContract.load();
    private final Map<Operation, Set<Integer>> seen = new TreeMap<>();

    CheckedApi(URI base) {
        this.base = base;
    }

    /** Operations answered so far, with the statuses seen for each. */
    Map<Operation, Set<Integer>> seen() {
        return seen;
    }

    Answer get(String path, String token) {
        return send("GET", path, token, null, null, Map.of());
    }

    Answer delete(String path, String token) {
        return send("DELETE", path, token, null, null, Map.of());
    }

    Answer delete(String path, String token, JsonObject body) {
        return send("DELETE", path, token, json(body), "application/json", Map.of());
    }

    Answer post(String path, String token, JsonObject body) {
        return send("POST", path, token, json(body), "application/json", Map.of());
    }

    Answer post(String path, String token) {
        return send("POST", path, token, null, null, Map.of());
    }

    Answer put(String path, String token, JsonObject body) {
        return send("PUT", path, token, body == null ? null : json(body), body == null ? null : "application/json",
                Map.of());
    }

    Answer patch(String path, String token, JsonObject body) {
        return send("PATCH", path, token, json(body), "application/json", Map.of());
    }

    private static byte[] json(JsonObject body) {
        return body.encode().getBytes(StandardCharsets.UTF_8);
    }

    /** Any request; {@code body} null for none. The answer is checked before it is returned. */
    Answer send(String method, String pathAndQuery, String token, byte[] body, String contentType,
                Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(40))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        HttpResponse<byte[]> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        declared(method, pathAndQuery, headers);
        Answer answer = check(method, pathAndQuery, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
                r.headers().firstValue("Retry-After").orElse(null), r.body());
        if (answer.status() / 100 == 2 && "application/json".equals(contentType) && body != null) {
            // What the node took, the document must allow: its request schemas are not stricter than the node.
            String schema = contract.requestSchema(answer.operation()).orElseThrow(() -> new AssertionError(
                    answer.operation() + " took a JSON body the document does not give it"));
            try {
                assertThat(contract.problems(schema, JSON.readTree(body))).as("request of %s by %s", answer, schema)
                        .isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return answer;
    }

    /**
     * {@code GET /v1/events} with that {@code Last-Event-ID}: checks the answer's head, then reads
     * events until {@code enough} says so (at most {@code maxEvents}), holding each event's data to
     * its schema; returns the events as (name, data).
     */
    List<Map.Entry<String, JsonNode>> events(String token, String lastEventId, int maxEvents,
                                             java.util.function.Predicate<List<Map.Entry<String, JsonNode>>> enough) {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/events")).header("Authorization", "Bearer " + token)
                .header("Last-Event-ID", lastEventId).timeout(Duration.ofSeconds(20)).GET().build();
        List<Map.Entry<String, JsonNode>> events = new ArrayList<>();
        try {
            HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body();
                 BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                Operation op = operation("GET", "/v1/events");
                assertThat(r.statusCode()).isEqualTo(200);
                record(op, 200);
                assertThat(mediaType(r.headers().firstValue("Content-Type").orElse(null)))
                        .isIn(contract.responseMediaTypes(op, 200));
                String event = null;
                for (String line = lines.readLine(); line != null && events.size() < maxEvents; line = lines.readLine()) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        JsonNode data = JSON.readTree(line.substring(6));
                        String schema = switch (event) {
                            case "ready" -> "ReadyEvent";
                            case "message" -> "Message";
                            case "receipt" -> "Receipt";
                            case "resync" -> "Resync";
                            default -> throw new AssertionError("an event the document does not name: " + event);
                        };
                        assertThat(contract.problems(OpenApiContract.component(schema), data))
                                .as("event %s: %s", event, data).isEmpty();
                        events.add(Map.entry(event, data));
                        if (enough.test(events)) {
                            break;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return events;
    }

    /** Every query parameter and header the request uses (beyond authorization and content type) is one the operation declares. */
    private void declared(String method, String pathAndQuery, Map<String, String> headers) {
        Operation op = operation(method, pathAndQuery);
        Set<String> used = new TreeSet<>();
        if (pathAndQuery.contains("?")) {
            for (String pair : pathAndQuery.substring(pathAndQuery.indexOf('?') + 1).split("&")) {
                used.add("query:" + pair.split("=", 2)[0].toLowerCase(Locale.ROOT));
            }
        }
        headers.keySet().forEach(h -> used.add("header:" + h.toLowerCase(Locale.ROOT)));
        assertThat(contract.parameters(op)).as("parameters %s declares", op).containsAll(used);
    }

    private Operation operation(String method, String pathAndQuery) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        return contract.operationFor(method, path).orElseThrow(() -> new AssertionError(
                method + " " + path + " falls under no operation of " + OpenApiContract.RESOURCE));
    }

    private Answer check(String method, String pathAndQuery, int status, String contentType, String retryAfter,
                         byte[] bytes) {
        Operation op = operation(method, pathAndQuery);
        String what = op + " -> " + status + " " + new String(bytes, StandardCharsets.UTF_8);
        assertThat(contract.statuses(op)).as("statuses documented for %s; answer was %s", op, what)
                .contains(Integer.toString(status));
        Set<String> types = contract.responseMediaTypes(op, status);
        JsonNode json = null;
        if (types.isEmpty()) {
            assertThat(bytes).as("a body the document does not give: %s", what).isEmpty();
        } else {
            String type = mediaType(contentType);
            assertThat(types.contains(type) || types.contains("*/*")).as("Content-Type %s of %s, documented %s",
                    contentType, what, types).isTrue();
            if (type.equals("application/json")) {
                try {
                    json = JSON.readTree(bytes);
                } catch (IOException e) {
                    throw new AssertionError("not JSON: " + what, e);
                }
                String schema = contract.responseSchema(op, status, type).orElseThrow();
                assertThat(contract.problems(schema, json)).as("%s by %s", what, schema).isEmpty();
            }
        }
        if (contract.document().at(responsePointer(op, status) + "/headers/Retry-After").isObject()) {
            assertThat(retryAfter).as("Retry-After on %s", what).isNotNull().matches("[0-9]+");
        }
        record(op, status);
        return new Answer(op, status, contentType, bytes, json);
    }

    /** The response object (after its $ref) of that operation and status, as a JSON pointer. */
    private String responsePointer(Operation op, int status) {
        String pointer = "/paths/" + op.path().replace("~", "~0").replace("/", "~1") + "/"
                + op.method().toLowerCase(Locale.ROOT) + "/responses/" + status;
        JsonNode ref = contract.document().at(pointer + "/$ref");
        return ref.isTextual() ? ref.asText().substring(1) : pointer;
    }

    private void record(Operation op, int status) {
        seen.computeIfAbsent(op, k -> new TreeSet<>()).add(status);
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
