package dev.parley.server;

import dev.parley.server.support.ChatPair;
import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code server.transport}: each transport this host can run serves chat; one it cannot gives way. */
class SocketTransportTest {
    @TempDir
    Path dir;

    @Test
    void theSettingTakesTheThreeNamesAndNothingElse() {
        assertThat(SocketTransport.parse("io_uring")).isEqualTo(SocketTransport.IO_URING);
        assertThat(SocketTransport.parse("EPOLL")).isEqualTo(SocketTransport.EPOLL);
        assertThat(SocketTransport.parse("nio")).isEqualTo(SocketTransport.NIO);
        assertThatThrownBy(() -> SocketTransport.parse("kqueue"))
                .hasMessageContaining("must be 'io_uring', 'epoll' or 'nio'");
    }

    @Test
    void aTransportThisHostCannotRunGivesWayToTheNextThatCan() {
        for (SocketTransport wanted : SocketTransport.values()) {
            SocketTransport chosen = wanted.orNextAvailable();
            assertThat(chosen.ordinal()).as(wanted.wire()).isGreaterThanOrEqualTo(wanted.ordinal());
            assertThat(chosen.unavailability()).as(chosen.wire()).isNull();
            if (wanted.unavailability() == null) {
                assertThat(chosen).isEqualTo(wanted);
            }
        }
        assertThat(SocketTransport.NIO.orNextAvailable()).isEqualTo(SocketTransport.NIO);
    }

    @ParameterizedTest
    @EnumSource(SocketTransport.class)
    void aNodeOnEachTransportThisHostRunsServesChat(SocketTransport transport) throws Exception {
        assumeTrue(transport.unavailability() == null, transport.wire() + " cannot run here");
        long ringsBefore = ioUringRings();
        try (TestNode node = TestNode.start(dir, c -> c.withTransport(transport));
             ChatPair chat = ChatPair.open(node.rest(), node.wsUri())) {
            for (int i = 0; i < 5; i++) {
                chat.roundTrip();
            }
            assertThat(chat.rounds()).isEqualTo(5);
            if (transport == SocketTransport.IO_URING) {
                assertThat(ioUringRings()).as("io_uring instances of this process").isGreaterThan(ringsBefore);
            }
        }
    }

    /** The io_uring instances this process holds open (one per event loop on that transport). */
    private static long ioUringRings() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("io_uring");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
