package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley admin} finds the node as the client commands do ({@code --server}, else
 * {@code PARLEY_SERVER}) and, when it cannot be reached or has no token, says so in one line.
 */
class AdminCommandTest {

    @Test
    void theNodeComesFromTheOptionOrTheVariable(@TempDir Path dir) throws Exception {
        try (ParleyNode node = ParleyNode.start(ServerConfig.defaults().withAddress("127.0.0.1", 0)
                .withDataDir(dir.resolve("data")).withPasswords(ServerConfig.Passwords.fastForTests()))) {
            String here = "http://127.0.0.1:" + node.port();
            ParleyCommand.Result byVariable = ParleyCommand.run(dir, Map.of("PARLEY_SERVER", here), "admin", "stats");
            assertThat(byVariable.exitCode()).as(byVariable.err()).isZero();
            assertThat(byVariable.out()).contains("\"stored\"");

            ParleyCommand.Result byOption = ParleyCommand.run(dir, Map.of("PARLEY_SERVER", "http://127.0.0.1:"
                    + closedPort()), "admin", "stats", "--server", here);
            assertThat(byOption.exitCode()).as(byOption.err()).isZero();
            ParleyCommand.Result byOldName = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--url", here);
            assertThat(byOldName.exitCode()).as(byOldName.err()).isZero();

            ParleyCommand.Result noToken = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--server", here,
                    "--data", dir.resolve("elsewhere").toString());
            assertThat(noToken.exitCode()).isEqualTo(1);
            assertThat(noToken.err()).startsWith("parley admin: no admin token").hasLineCount(1);
        }
    }

    @Test
    void aNodeThatCannotBeReachedIsOneLineNotAStackTrace(@TempDir Path dir) throws Exception {
        String nowhere = "http://127.0.0.1:" + closedPort();
        ParleyCommand.Result r = ParleyCommand.run(dir, Map.of("PARLEY_ADMIN_TOKEN", "any"), "admin", "stats",
                "--server", nowhere);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("parley admin: cannot reach " + nowhere).hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
