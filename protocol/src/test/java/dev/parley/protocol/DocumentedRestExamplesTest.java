package dev.parley.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.OpenApiContract.Operation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST examples of docs/protocol.md agree with the OpenAPI document: every JSON block under a
 * heading that names a route in full ({@code ### `POST /v1/accounts`: register}, {@code ## Pull: `POST /v1/sync`}) is valid by that
 * operation's request schema or by one of its success answers' schemas. Blocks that are not JSON
 * as they stand (alternatives written side by side, elisions) are prose and are skipped.
 */
class DocumentedRestExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final Pattern ROUTE_HEADING = Pattern.compile("^#{2,4} [^`]*`(GET|POST|PUT|PATCH|DELETE) (/[^`?]*)[^`]*`.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyJsonExampleUnderARouteIsValidByThatOperation() throws IOException {
        OpenApiContract contract = OpenApiContract.load();
        Operation route = null;
        boolean inJson = false;
        StringBuilder block = new StringBuilder();
        int depth = 0;
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                Matcher m = ROUTE_HEADING.matcher(line);
                route = null;
                if (m.matches()) {
                    route = contract.operationFor(m.group(1), m.group(2)).orElseThrow(() ->
                            new AssertionError("a heading names a route the document lacks: " + line));
                }
                continue;
            }
            if (line.startsWith("```")) {
                inJson = !inJson && line.equals("```json");
                continue;
            }
            if (!inJson || route == null || (depth == 0 && !line.startsWith("{"))) {
                continue;
            }
            block.append(line).append('\n');
            depth += line.chars().filter(c -> c == '{').count() - line.chars().filter(c -> c == '}').count();
            if (depth == 0) {
                Optional<JsonNode> example = parse(block.toString());
                block.setLength(0);
                if (example.isPresent()) {
                    checked++;
                    List<String> found = validAsSomething(contract, route, example.get());
                    if (!found.isEmpty()) {
                        problems.add(route + ": " + example.get() + " " + found);
                    }
                }
            }
        }
        assertThat(problems).as("examples in %s that the OpenAPI document refuses", DOC).isEmpty();
        assertThat(checked).as("examples checked").isGreaterThanOrEqualTo(15);
    }

    /** Empty when the example is a valid request or success answer of the operation; else every schema's complaints. */
    private static List<String> validAsSomething(OpenApiContract contract, Operation op, JsonNode example) {
        List<String> schemas = new ArrayList<>();
        contract.requestSchema(op).ifPresent(schemas::add);
        for (String status : contract.statuses(op)) {
            if (status.startsWith("2")) {
                contract.responseSchema(op, Integer.parseInt(status), "application/json").ifPresent(schemas::add);
            }
        }
        List<String> complaints = new ArrayList<>();
        for (String schema : schemas) {
            List<String> p = contract.problems(schema, example);
            if (p.isEmpty()) {
                return List.of();
            }
            complaints.add(schema + " " + p);
        }
        return complaints;
    }

    private static Optional<JsonNode> parse(String text) {
        try {
            return Optional.of(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
