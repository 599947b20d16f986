package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket half of the OpenAPI document: every frame docs/protocol.md shows (the examples
 * {@link DocumentedFramesTest} round-trips through the codec) is valid by the document's
 * {@code ClientFrame} or {@code ServerFrame} schema and by the schema its type maps to; the
 * schemas name exactly the frame types and error codes the code knows; and a frame the codec makes
 * with every field set is valid too. (SocketFrameSchemasTest in the server holds real frames to it.)
 */
class FrameSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenApiContract contract = OpenApiContract.load();

    @Test
    void everyDocumentedClientFrameIsValidByItsSchema() throws IOException {
        Set<String> types = validate(DocumentedFramesTest.examples("### Frames a client sends", "### Frames the node sends"),
                "ClientFrame");
        assertThat(types).as("the client frame types docs/protocol.md shows, against the document's mapping")
                .isEqualTo(contract.discriminated("ClientFrame").keySet());
    }

    @Test
    void everyDocumentedServerFrameIsValidByItsSchema() throws IOException {
        Set<String> types = validate(DocumentedFramesTest.examples("### Frames the node sends", "## Resume and catch-up"),
                "ServerFrame");
        assertThat(types).as("the server frame types docs/protocol.md shows, against the document's mapping")
                .isEqualTo(contract.discriminated("ServerFrame").keySet());
    }

    /** Each example against the union and against its own type's schema; returns the types seen. */
    private Set<String> validate(List<String> examples, String union) throws IOException {
        assertThat(examples).isNotEmpty();
        Map<String, String> byType = contract.discriminated(union);
        Set<String> types = new TreeSet<>();
        for (String example : examples) {
            JsonNode frame = JSON.readTree(example);
            String type = frame.get("type").asText();
            types.add(type);
            assertThat(contract.problems(OpenApiContract.component(union), frame)).as("%s by %s", example, union).isEmpty();
            assertThat(byType).as("a schema for frame type %s", type).containsKey(type);
            assertThat(contract.problems(OpenApiContract.component(byType.get(type)), frame))
                    .as("%s by %s", example, byType.get(type)).isEmpty();
        }
        return types;
    }

    @Test
    void theErrorCodesAreTheCodesTheCodeKnows() {
        Set<String> documented = new TreeSet<>();
        contract.document().at("/components/schemas/ErrorCode/enum").forEach(n -> documented.add(n.asText()));
        assertThat(documented).isEqualTo(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void framesTheCodecMakesWithEveryFieldSetAreValid() throws IOException {
        List<byte[]> server = List.of(
                FrameCodec.encodeServer(new ServerFrame.Message(7312345681004L, 43, 1795000301000L, 7312345678901L,
                        7312345679002L, "5d1e", "text", "see @bob", null, null, null, 42,
                        new ServerFrame.Quote(42, 7312345680003L, "text", "are you coming?", true), 0,
                        List.of(new ServerFrame.Reaction("👍", List.of(7312345680003L))), 1795000302000L, 0, 0,
                        List.of(new ClientFrame.Mention(7312345680003L, 4, 4)),
                        List.of(new ServerFrame.Attachment(7312345690001L, "photo.jpg", "image/jpeg", 182734,
                                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 1600, 1200)))),
                FrameCodec.encodeServer(new ServerFrame.Message(7312345682000L, 5, 1795000301000L, 7312345678901L, 0,
                        null, "role_changed", null, null, List.of(7312345680003L), "admin")),
                FrameCodec.encodeServer(new ServerFrame.Message(7312345681004L, 44, 1795000400000L, 7312345678901L,
                        7312345679002L, "d1", "deleted", null, null, null, null, 0, null, 42, List.of(), 0, 0, 0,
                        List.of())),
                FrameCodec.encodeServer(new ServerFrame.Sent(null, "r1", 7312345681004L, 0, 1795000301000L)),
                FrameCodec.encodeServer(new ServerFrame.Profile(7312345680003L, "deleted-7312345680003", null, null, null,
                        true)),
                FrameCodec.encodeServer(new ServerFrame.Error("rate_limited", "slow down", "send", "r9", "c9",
                        7312345681004L, 1500)));
        for (byte[] frame : server) {
            assertThat(contract.problems(OpenApiContract.component("ServerFrame"), JSON.readTree(frame)))
                    .as(new String(frame, StandardCharsets.UTF_8)).isEmpty();
        }
        List<ClientFrame> client = List.of(
                new ClientFrame.Send("r5", "e07c", 7312345682000L, "@bob hi", 41,
                        List.of(new ClientFrame.Mention(7312345680003L, 0, 4)), List.of(7312345690001L)),
                new ClientFrame.React(null, "0f3a", 7312345681004L, 42, "👍", true),
                new ClientFrame.Auth("a1", "q3Yb", Map.of(7312345681004L, 41L)));
        for (ClientFrame frame : client) {
            String json = FrameCodec.encodeClient(frame);
            assertThat(contract.problems(OpenApiContract.component("ClientFrame"), JSON.readTree(json))).as(json).isEmpty();
        }
    }

    @Test
    void framesOutsideTheContractAreRefused() throws IOException {
        List<String> refused = new ArrayList<>();
        for (String[] c : new String[][]{
                {"ClientFrame", "{\"type\":\"send\",\"clientId\":\"m1\",\"conversationId\":\"7312345681004\",\"body\":\"hi\"}"},
                {"ClientFrame", "{\"type\":\"send\",\"clientId\":\"has space\",\"conversationId\":7,\"body\":\"hi\"}"},
                {"ClientFrame", "{\"type\":\"shout\"}"},
                {"ClientFrame", "{\"type\":\"read\",\"conversationId\":7}"},
                {"ServerFrame", "{\"type\":\"pong\",\"rid\":\"p1\",\"extra\":1}"},
                {"ServerFrame", "{\"type\":\"message\",\"conversationId\":7,\"seq\":1,\"ts\":1,\"senderId\":3,\"kind\":\"text\",\"body\":\"hi\"}"},
                {"ServerFrame", "{\"type\":\"message\",\"conversationId\":7,\"seq\":1,\"ts\":1,\"senderId\":3,\"kind\":\"shout\"}"},
                {"ServerFrame", "{\"type\":\"error\",\"code\":\"oops\",\"message\":\"x\"}"},
                {"ServerFrame", "{\"type\":\"receipt\",\"conversationId\":7,\"userId\":3,\"delivered\":-1,\"read\":0}"}}) {
            if (!contract.problems(OpenApiContract.component(c[0]), JSON.readTree(c[1])).isEmpty()) {
                refused.add(c[1]);
            }
        }
        assertThat(refused).as("frames the schemas must refuse").hasSize(9);
    }
}
