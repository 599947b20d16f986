package dev.parley.server.actions;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * A real node on a fresh data directory with alice and bob in their direct conversation, each
 * logged in on a phone and a laptop: the setting every message-action test plays in.
 */
abstract class TwoUsersOnTwoDevices {
    @TempDir
    Path dataDir;
    TestNode node;
    TestUser alice;
    TestUser bob;
    long c;
    TestUser.Device alicePhone;
    TestUser.Device aliceLaptop;
    TestUser.Device bobPhone;
    TestUser.Device bobLaptop;

    @BeforeEach
    void startNode() throws Exception {
        node = TestNode.start(dataDir);
        alice = node.newUser("alice");
        bob = node.newUser("bob");
        c = alice.directWith(bob);
        alicePhone = alice.login("phone");
        aliceLaptop = alice.login("laptop");
        bobPhone = bob.login("phone");
        bobLaptop = bob.login("laptop");
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** The device connected with {@code positions}, once its catch-up is over. */
    static TestSocket synced(TestUser.Device device, Map<Long, Long> positions) {
        TestSocket s = device.connect(positions);
        s.awaitFrame(ServerFrame.Synced.class);
        return s;
    }
}
