package dev.parley.sdk;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The test node ({@link TestNode}) as the SDK's tests use it: a send allowance for bursts, a short
 * presence grace, users made over the SDK. A restart keeps the data and the port, so connected
 * clients find it again where they lost it.
 */
final class LocalNode implements AutoCloseable {
    private static final AtomicInteger USERS = new AtomicInteger();

    private final TestNode node;

    private LocalNode(TestNode node) {
        this.node = node;
    }

    static LocalNode start(Path dir) throws Exception {
        return start(dir, c -> c);
    }

    static LocalNode start(Path dir, UnaryOperator<ServerConfig> customize) throws Exception {
        return new LocalNode(TestNode.start(dir, c -> customize.apply(TestNode.presenceGrace(
                c.withLimits(c.limits().withSendRate(5000, 5000)), Duration.ofMillis(200)))));
    }

    /** The node's bound on devices arriving at once, for tests that fill it. */
    dev.parley.server.ws.Arrivals arrivals() {
        return node.node().arrivals();
    }

    URI base() {
        return node.httpUri();
    }

    void stop() {
        node.stop();
    }

    void startAgain() throws Exception {
        node.startAgain();
    }

    void restart() throws Exception {
        node.restartOnSamePort();
    }

    /** Registers a fresh user and logs in one device. */
    Session newUser(String prefix) {
        String name = prefix + USERS.incrementAndGet();
        ParleyClient.register(base(), name, "password-" + name);
        return ParleyClient.login(base(), name, "password-" + name, "test");
    }

    @Override
    public void close() {
        node.close();
    }
}
