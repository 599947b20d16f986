package dev.parley.server.ops;

import dev.parley.server.DataDirectory;
import dev.parley.server.ParleyNode;
import dev.parley.server.PidFile;
import dev.parley.server.StartRefused;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One node per data directory, decided by an operating-system lock held for the node's life; and
 * a port already taken refused with the setting to change. (The same refusals from a second
 * process, through {@code parley serve}, are in the app module's ServeRefusalTest.)
 */
class OneNodePerDataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aSecondNodeOnADirectoryInUseIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path data = dir.resolve("data");
        try (TestNode first = TestNode.start(data)) {
            TestUser alice = first.newUser("alice");
            TestUser bob = first.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket b = bob.login("phone").connect();

            StartRefused refused = catchThrowableOfType(StartRefused.class,
                    () -> ParleyNode.start(TestNode.baseConfig(data)).close());

            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).contains("the data directory " + data.toAbsolutePath()
                    + " is in use by another Parley node (pid " + ProcessHandle.current().pid() + ")")
                    .contains("--data").contains("storage.dataDir").contains("PARLEY_STORAGE_DATA_DIR")
                    .doesNotContain("\n");
            assertThat(PidFile.running(data)).as("the first node's pid file is still there")
                    .hasValueSatisfying(p -> assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid()));
            alice.login("laptop").connect().sendMessage(c, "after-refusal", "still here");
            assertThat(b.awaitFrame(ServerFrame.Message.class).body()).isEqualTo("still here");
        }
        // Released at close: the next node starts.
        ParleyNode.start(TestNode.baseConfig(data)).close();
        assertThat(data.resolve(PidFile.FILE)).as("removed at a clean stop").doesNotExist();
    }

    @Test
    void theLockGoesWithTheNodeEvenWhenItCrashes() throws Exception {
        Path data = dir.resolve("data");
        ParleyNode crashed = ParleyNode.start(TestNode.baseConfig(data));
        crashed.crashForTesting();
        assertThat(data.resolve(PidFile.FILE)).as("a crash leaves its pid file").exists();

        ParleyNode.start(TestNode.baseConfig(data)).close();
    }

    @Test
    void aPortInUseIsRefusedWithOneLineNamingTheSetting() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            StartRefused refused = catchThrowableOfType(StartRefused.class,
                    () -> ParleyNode.start(TestNode.baseConfig(data).withAddress("127.0.0.1", port)).close());

            assertThat(refused).isNotNull();
            assertThat(refused.getMessage()).isEqualTo("port " + port + " on 127.0.0.1 is already in use by another"
                    + " program; stop it, or choose another port with --port, server.port in the configuration file,"
                    + " or PARLEY_SERVER_PORT");
        }
        // The refused node let its directory go.
        assertThat(Files.exists(data.resolve(DataDirectory.LOCK_FILE))).isTrue();
        ParleyNode.start(TestNode.baseConfig(data)).close();
    }
}
