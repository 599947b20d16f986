package dev.parley.server.support;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.store.Durability;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real Parley node on a random loopback port with its data in a test's temporary directory.
 * It can be restarted on the same directory (same data, new port) and closes every client it
 * handed out when it closes.
 */
public final class TestNode implements AutoCloseable {
    private final List<AutoCloseable> clients = new ArrayList<>();
    private ServerConfig config;
    private ParleyNode node;

    private TestNode(ServerConfig config) throws Exception {
        this.config = config;
        this.node = ParleyNode.start(config);
    }

    /**
     * The configuration tests start from: random port, the given data dir, cheap password hashing,
     * and no practical registration or login limit (every test user registers from 127.0.0.1).
     */
    public static ServerConfig baseConfig(Path dataDir) {
        return ServerConfig.defaults()
                .withAddress("127.0.0.1", 0)
                .withDataDir(dataDir)
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests());
    }

    public static TestNode start(Path dataDir) throws Exception {
        return new TestNode(baseConfig(dataDir));
    }

    public static TestNode start(Path dataDir, UnaryOperator<ServerConfig> customize) throws Exception {
        return new TestNode(customize.apply(baseConfig(dataDir)));
    }

    /** Timing with the given heartbeat and auth timeout, defaults otherwise. */
    public static ServerConfig.Timing timing(Duration heartbeat, Duration authTimeout) {
        ServerConfig.Timing d = ServerConfig.Timing.defaults();
        return new ServerConfig.Timing(heartbeat, authTimeout, d.presenceGrace(), d.typingExpiry());
    }

    public static UnaryOperator<ServerConfig> durability(Durability durability) {
        return c -> c.withDurability(durability);
    }

    /** Stops the node and starts a new one on the same data directory and configuration. */
    public void restart() throws Exception {
        closeClients();
        node.close();
        node = null;
        node = ParleyNode.start(config);
    }

    public ParleyNode node() {
        return node;
    }

    public ServerConfig config() {
        return config;
    }

    public int port() {
        return node.port();
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port() + "/v1/ws");
    }

    public Rest rest() {
        return new Rest(httpUri());
    }

    public int adminPort() {
        return node.adminPort();
    }

    /** The administration API's base URI (its own loopback port). */
    public URI adminUri() {
        return URI.create("http://127.0.0.1:" + node.adminPort());
    }

    public Rest adminRest() {
        return new Rest(adminUri());
    }

    /** A connected, not yet authenticated WebSocket on {@code /v1/ws}. */
    public TestSocket socket() {
        return track(TestSocket.connect(wsUri()));
    }

    /** A connected raw-TCP WebSocket on {@code /v1/ws}. */
    public RawWebSocket rawSocket() {
        return track(RawWebSocket.connect("127.0.0.1", port(), "/v1/ws"));
    }

    public TestUser newUser(String prefix) {
        return TestUser.register(this, prefix);
    }

    synchronized <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    private synchronized void closeClients() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        clients.clear();
    }

    @Override
    public void close() {
        closeClients();
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
