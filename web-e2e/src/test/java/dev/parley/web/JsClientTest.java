package dev.parley.web;

import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the JavaScript client's tests ({@code clients/js/test}, Node's own test runner, no
 * packages to install) against a real node started here: pull, long poll, REST sends under a
 * client id, the WebSocket with resume, the pull fallback. Without Node.js 20+ the test is skipped
 * and says so; {@code PARLEY_E2E_REQUIRED=1} makes that a failure.
 */
class JsClientTest {
    @TempDir
    Path data;

    @Test
    void theJavaScriptClientsTestsPassAgainstARealNode() throws Exception {
        Path root = root();
        boolean node20 = nodeMajor() >= 20;
        if (!node20 && "1".equals(System.getenv("PARLEY_E2E_REQUIRED"))) {
            fail("JavaScript client test: Node.js 20 or newer is missing");
        }
        if (!node20) {
            System.out.println("JavaScript client test SKIPPED: missing Node.js 20 or newer (`node` on PATH)");
        }
        assumeTrue(node20, "Node.js 20 or newer is needed");
        try (TestNode node = TestNode.start(data)) {
            ProcessBuilder pb = new ProcessBuilder("node", "--experimental-websocket", "--test", "test/")
                    .directory(root.resolve("clients/js").toFile()).redirectErrorStream(true);
            pb.environment().put("PARLEY_URL", "http://127.0.0.1:" + node.port());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("the JavaScript tests did not finish\n" + output);
            }
            System.out.println(output);
            assertThat(p.exitValue()).as("node --test in clients/js; its output:%n%s", output).isZero();
            assertThat(output).contains("# fail 0");
        }
    }

    private static int nodeMajor() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return v.startsWith("v") ? Integer.parseInt(v.substring(1, v.indexOf('.'))) : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("clients/js/package.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("clients/js not found above " + Path.of("").toAbsolutePath());
    }
}
