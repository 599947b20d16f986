package dev.parley.server.support;

import dev.parley.server.ParleyNode;
import dev.parley.server.config.ConfigLoader;

import java.nio.file.Path;

/**
 * Runs one node in a JVM of its own, for tests that need the node's heap small and apart from the
 * test's: {@code ForkedNodeMain CONFIG.yaml}. Prints {@value #READY} and the port once it serves,
 * and stops when its standard input closes, so it never outlives the test that started it.
 */
public final class ForkedNodeMain {
    static final String READY = "forked-node-ready port=";

    private ForkedNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        ParleyNode node = ParleyNode.start(ConfigLoader.load(Path.of(args[0]), System.getenv()));
        System.out.println(READY + node.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close our standard input (or to die)
        }
        node.close();
        System.exit(0);
    }
}
