package dev.parley.sdk;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real node on a loopback port with its data in a test's directory. A restart keeps the data
 * and the port, so connected clients find it again where they lost it.
 */
final class LocalNode implements AutoCloseable {
    private static final AtomicInteger USERS = new AtomicInteger();

    private ServerConfig config;
    private ParleyNode node;

    private LocalNode(ServerConfig config) throws Exception {
        this.node = ParleyNode.start(config);
        this.config = config.withAddress(config.host(), node.port());
    }

    /** Cheap passwords, a send allowance for bursts, and a short presence grace. */
    static LocalNode start(Path dir) throws Exception {
        return start(dir, c -> c);
    }

    static LocalNode start(Path dir, UnaryOperator<ServerConfig> customize) throws Exception {
        ServerConfig.Timing t = ServerConfig.Timing.defaults();
        ServerConfig config = ServerConfig.defaults()
                .withAddress("127.0.0.1", 0)
                .withDataDir(dir)
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests())
                .withLimits(ServerConfig.Limits.defaults().withSendRate(5000, 5000))
                .withTiming(new ServerConfig.Timing(t.heartbeat(), t.authTimeout(), Duration.ofMillis(200),
                        t.typingExpiry()));
        return new LocalNode(customize.apply(config));
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + config.port());
    }

    void stop() {
        node.close();
        node = null;
    }

    void startAgain() throws Exception {
        node = ParleyNode.start(config);
    }

    void restart() throws Exception {
        stop();
        startAgain();
    }

    /** Registers a fresh user and logs in one device. */
    Session newUser(String prefix) {
        String name = prefix + USERS.incrementAndGet();
        ParleyClient.register(base(), name, "password-" + name);
        return ParleyClient.login(base(), name, "password-" + name, "test");
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
    }
}
