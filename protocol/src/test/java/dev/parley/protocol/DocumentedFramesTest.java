package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every frame docs/protocol.md shows, in its two "Frames ..." sections, decodes with the codec and
 * encodes back to the same JSON (same fields, same values, nothing the codec adds or drops), and
 * every frame type the codec knows has an example there: the document a client is written from
 * cannot drift from the wire.
 */
class DocumentedFramesTest {
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyClientFrameExampleRoundTripsAndEveryClientFrameTypeHasOne() throws IOException {
        List<String> examples = examples("### Frames a client sends", "### Frames the node sends");
        assertThat(examples).isNotEmpty();
        Set<String> shown = new TreeSet<>();
        for (String example : examples) {
            ClientFrame frame = FrameCodec.decodeClient(example);
            assertSameJson(FrameCodec.encodeClient(frame), example);
            shown.add(frame.getClass().getSimpleName());
        }
        assertThat(shown).as("client frame types with an example in docs/protocol.md")
                .containsExactlyInAnyOrderElementsOf(names(ClientFrame.class));
    }

    @Test
    void everyServerFrameExampleRoundTripsAndEveryServerFrameTypeHasOne() throws IOException {
        List<String> examples = examples("### Frames the node sends", "## Resume and catch-up");
        assertThat(examples).isNotEmpty();
        Set<String> shown = new TreeSet<>();
        for (String example : examples) {
            ServerFrame frame = FrameCodec.decodeServer(example);
            assertSameJson(new String(FrameCodec.encodeServer(frame), StandardCharsets.UTF_8), example);
            shown.add(frame.getClass().getSimpleName());
        }
        assertThat(shown).as("server frame types with an example in docs/protocol.md")
                .containsExactlyInAnyOrderElementsOf(names(ServerFrame.class));
    }

    private static void assertSameJson(String encoded, String documented) throws IOException {
        JsonNode actual = JSON.readTree(encoded);
        JsonNode expected = JSON.readTree(documented);
        assertThat(actual).as("the codec's encoding of the documented frame %s", documented).isEqualTo(expected);
    }

    private static Set<String> names(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The JSON objects in the {@code json} code blocks between two headings: each starts on a line
     * of its own and may continue over several lines until its braces balance.
     */
    static List<String> examples(String fromHeading, String toHeading) throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int from = lines.indexOf(fromHeading);
        int to = lines.indexOf(toHeading);
        assertThat(from).as("heading %s in %s", fromHeading, DOC).isNotNegative();
        assertThat(to).as("heading %s in %s", toHeading, DOC).isGreaterThan(from);
        List<String> out = new ArrayList<>();
        boolean inJson = false;
        StringBuilder frame = new StringBuilder();
        int depth = 0;
        for (String line : lines.subList(from, to)) {
            if (line.startsWith("```")) {
                inJson = !inJson && line.equals("```json");
                continue;
            }
            if (!inJson) {
                continue;
            }
            if (depth == 0 && !line.startsWith("{")) {
                continue;
            }
            frame.append(line).append('\n');
            depth += braces(line);
            if (depth == 0) {
                out.add(frame.toString().strip());
                frame.setLength(0);
            }
        }
        return out;
    }

    /** Opening minus closing braces outside string literals. */
    private static int braces(String line) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
        }
        return depth;
    }
}
