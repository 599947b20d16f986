package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code parley admin} finds the node's administration API, which is not on the public port, with
 * nothing but the data directory (the running node writes the API's URL and its token there), or
 * from {@code --server}; when it cannot find or reach the node, or has no token, it says so in
 * one line.
 */
class AdminCommandTest {

    @Test
    void theNodeComesFromTheDataDirectoryOrTheOption(@TempDir Path dir) throws Exception {
        try (ParleyNode node = ParleyNode.start(TestNode.baseConfig(dir.resolve("data")))) {
            ParleyCommand.Result byDirectory = ParleyCommand.run(dir, Map.of(), "admin", "stats");
            assertThat(byDirectory.exitCode()).as(byDirectory.err()).isZero();
            assertThat(byDirectory.out()).contains("\"stored\"");
            ParleyCommand.Result invite = ParleyCommand.run(dir, Map.of(), "admin", "invite", "--uses", "3",
                    "--days", "2");
            assertThat(invite.exitCode()).as(invite.err()).isZero();
            assertThat(invite.out()).contains("\"code\"").contains("\"uses\":3");

            String admin = "http://127.0.0.1:" + node.adminPort();
            ParleyCommand.Result byOption = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--server", admin);
            assertThat(byOption.exitCode()).as(byOption.err()).isZero();
            ParleyCommand.Result byOldName = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--url", admin);
            assertThat(byOldName.exitCode()).as(byOldName.err()).isZero();
            ParleyCommand.Result publicPort = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--server",
                    "http://127.0.0.1:" + node.port());
            assertThat(publicPort.exitCode()).as("the public port has no admin API").isEqualTo(1);
            assertThat(publicPort.err()).contains("404");

            ParleyCommand.Result noToken = ParleyCommand.run(dir, Map.of(), "admin", "stats", "--server", admin,
                    "--data", dir.resolve("elsewhere").toString());
            assertThat(noToken.exitCode()).isEqualTo(1);
            assertThat(noToken.err()).startsWith("parley admin: no admin token").hasLineCount(1);
        }
    }

    @Test
    void noRunningNodeIsOneLine(@TempDir Path dir) throws Exception {
        ParleyCommand.Result r = ParleyCommand.run(dir, Map.of("PARLEY_ADMIN_TOKEN", "any"), "admin", "stats");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("parley admin: no running node found").hasLineCount(1);
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
