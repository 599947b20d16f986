package dev.parley.app;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.store.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code parley serve}: runs one node until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a Parley node.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port for HTTP and WebSocket (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--data", description = "Directory for the embedded database (default: ${DEFAULT-VALUE}).")
    Path data = Path.of("data");

    @Option(names = "--durability", description = "fsync (survives power loss) or os (survives a crash of the node)"
            + " (default: ${DEFAULT-VALUE}).")
    String durability = "fsync";

    @Option(names = "--sends-per-second", description = "Sends a device may make per second (default: ${DEFAULT-VALUE}).")
    int sendsPerSecond = ServerConfig.Limits.defaults().sendsPerSecond();

    @Option(names = "--send-burst", description = "Sends a device may make in a burst (default: ${DEFAULT-VALUE}).")
    int sendBurst = ServerConfig.Limits.defaults().sendBurst();

    @Option(names = "--fast-password-hashing", hidden = true,
            description = "Cheap password hashing, for load tests only.")
    boolean fastPasswords;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withAddress(host, port)
                .withDataDir(data)
                .withDurability(Durability.parse(durability))
                .withLimits(ServerConfig.Limits.defaults().withSendRate(sendsPerSecond, sendBurst));
        if (fastPasswords) {
            config = config.withPasswords(ServerConfig.Passwords.fastForTests());
        }
        ParleyNode node = ParleyNode.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "parley-shutdown"));
        System.out.println("Parley is listening on http://" + host + ":" + node.port() + "  (data: "
                + data.toAbsolutePath() + ", durability: " + durability + ")");
        stopped.await();
        return 0;
    }
}
