package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A real node on a loopback port, with cheap passwords and a short presence grace. */
final class LocalNode implements AutoCloseable {
    private static final AtomicInteger USERS = new AtomicInteger();
    private final ParleyNode node;

    private LocalNode(ParleyNode node) {
        this.node = node;
    }

    static LocalNode start(Path dir) throws Exception {
        return start(dir, c -> c);
    }

    static LocalNode start(Path dir, java.util.function.UnaryOperator<ServerConfig> customize) throws Exception {
        ServerConfig.Timing t = ServerConfig.Timing.defaults();
        return new LocalNode(ParleyNode.start(customize.apply(ServerConfig.defaults()
                .withAddress("127.0.0.1", 0)
                .withDataDir(dir)
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests())
                .withTiming(new ServerConfig.Timing(t.heartbeat(), t.authTimeout(), Duration.ofMillis(200),
                        t.typingExpiry())))));
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + node.port());
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
