package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** The test node ({@link TestNode}) as the CLI's tests use it: a short presence grace, users made over the SDK. */
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
        return new LocalNode(TestNode.start(dir,
                c -> customize.apply(TestNode.presenceGrace(c, Duration.ofMillis(200)))));
    }

    URI base() {
        return node.httpUri();
    }

    static String uniqueName(String prefix) {
        return prefix + USERS.incrementAndGet();
    }

    /** Registers a user over the SDK and logs a device in; the password is "password-" + name. */
    Session newUser(String prefix) {
        String name = uniqueName(prefix);
        ParleyClient.register(base(), name, "password-" + name);
        return ParleyClient.login(base(), name, "password-" + name, "sdk");
    }

    @Override
    public void close() {
        node.close();
    }
}
