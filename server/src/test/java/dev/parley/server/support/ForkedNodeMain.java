package dev.parley.server.support;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.config.ConfigLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs one test node in a JVM of its own (see {@link ForkedNode}):
 * {@code ForkedNodeMain CONFIG.yaml DATA_DIR PORT [--cluster-member ...]}. The YAML holds what the
 * test sets; {@link TestNode#forTests} and {@link ClusterSettings.Member} add what every test node
 * has, as they do in process. Prints {@value #READY} and the port once it serves, and stops when
 * its standard input closes, so it never outlives the test that started it.
 */
public final class ForkedNodeMain {
    static final String READY = "forked-node-ready port=";

    private ForkedNodeMain() {
    }

    public static void main(String[] arguments) throws Exception {
        List<String> args = List.of(arguments);
        ServerConfig config = TestNode.forTests(ConfigLoader.load(Path.of(args.get(0)), System.getenv()),
                Path.of(args.get(1)));
        config = config.withAddress(config.host(), Integer.parseInt(args.get(2)));
        Optional<ClusterSettings.Member> member = ClusterSettings.Member.parse(args, 3);
        if (member.isPresent()) {
            config = member.get().apply(config);
        }
        ParleyNode node = ParleyNode.start(config);
        System.out.println(READY + node.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close our standard input (or to die)
        }
        node.close();
        System.exit(0);
    }
}
