package dev.parley.server;

import dev.parley.server.support.ChatPair;
import dev.parley.server.support.ForkedNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paced flushes (ws.FlushPacing) are for a loop busy writing many frames: on an idle node a
 * one-to-one message still leaves in the turn that wrote it. The node runs with a pacing interval
 * of ten minutes, so a message whose flush were paced would not arrive within the test socket's
 * wait, and a round trip would fail.
 */
class FlushPacingIdleTest {
    private static final List<String> TEN_MINUTE_PACING = List.of("-Xms96m", "-Xmx96m",
            "-Dparley.ws.flushPacingMs=600000");

    @TempDir
    Path dir;

    @Test
    void onAnIdleNodeEveryOneToOneMessageIsFlushedInItsOwnTurn() throws Exception {
        try (ForkedNode node = ForkedNode.start(dir, "", TEN_MINUTE_PACING);
             ChatPair chat = ChatPair.open(node.rest(), node.wsUri())) {
            // Back and forth on the same two connections: each message follows a flush of the same
            // loop milliseconds earlier, which a paced loop would make wait out its interval.
            for (int i = 0; i < 20; i++) {
                chat.roundTrip();
            }
            assertThat(chat.rounds()).isEqualTo(20);
        }
    }
}
