package dev.parley.server.pull;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bot docs/protocol.md shows (docs/examples/echo-bot.sh, curl and jq) runs against a real
 * node with an API token and answers a message; the page shows that very script.
 */
class EchoBotTest {
    static final Path SCRIPT = Path.of("..", "docs", "examples", "echo-bot.sh");

    @TempDir
    Path dataDir;
    TestNode node;
    Process bot;

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.descendants().forEach(ProcessHandle::destroyForcibly);
            bot.destroyForcibly();
        }
        if (node != null) {
            node.close();
        }
    }

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theDocumentedBotAnswersEveryMessage() throws Exception {
        assumeTrue(onPath("curl") && onPath("jq"), "curl and jq are needed to run the example bot");
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser echo = node.newUser("echo");
        long c = alice.directWith(echo);
        Rest.Response token = node.rest().post("/v1/tokens", echo.login("setup").token(), new JsonObject()
                .put("name", "echo bot").put("scopes", new JsonArray().add("read").add("send")));
        assertThat(token.status()).isEqualTo(201);

        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("bot.log").toFile());
        pb.environment().put("PARLEY_SERVER", node.httpUri().toString());
        pb.environment().put("PARLEY_TOKEN", token.json().getString("token"));
        bot = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (node.node().pullWaiters().count() == 0 && System.nanoTime() < deadline && bot.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(node.node().pullWaiters().count()).as("the bot waits in a long poll; its log: %s",
                Files.readString(dataDir.resolve("bot.log"))).isEqualTo(1);

        TestSocket a = alice.login("phone").connect();
        a.sendMessage(c, "q1", "ping");
        ServerFrame.Message reply = a.awaitFrame(ServerFrame.Message.class, m -> m.senderId() == echo.userId());
        assertThat(reply.body()).isEqualTo("you said: ping");
        a.sendMessage(c, "q2", "again");
        assertThat(a.awaitFrame(ServerFrame.Message.class, m -> m.senderId() == echo.userId() && m.seq() > reply.seq())
                .body()).isEqualTo("you said: again");
    }

    @Test
    void protocolMdShowsTheTestedScript() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        assertThat(doc).contains(Files.readString(SCRIPT).strip());
    }
}
