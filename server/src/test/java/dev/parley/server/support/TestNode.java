package dev.parley.server.support;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.SocketTransport;
import dev.parley.store.Durability;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real Parley node in the test's JVM, on a random loopback port with its data in a test's
 * temporary directory: the one way every module's tests start a node in process (server, SDK, CLI,
 * bench, app, web-e2e get it from server's test jar). It can be restarted on the same directory
 * (same data; a new port, or the same one for clients that must find it again) and closes every
 * client it handed out when it closes. A node the test must kill or measure from outside runs in
 * a child process instead: {@link ForkedNode}, on the same {@link #forTests} settings.
 */
public final class TestNode implements AutoCloseable {
    private final List<AutoCloseable> clients = new ArrayList<>();
    private ServerConfig config;
    private ParleyNode node;
    private int lastPort;

    private TestNode(ServerConfig config) throws Exception {
        this.config = config;
        this.node = ParleyNode.start(config);
        this.lastPort = node.port();
    }

    /**
     * The configuration tests start from: random port, the given data dir, cheap password hashing,
     * and no practical registration or login limit (every test user registers from 127.0.0.1).
     */
    public static ServerConfig baseConfig(Path dataDir) {
        return forTests(ServerConfig.defaults(), dataDir);
    }

    /**
     * {@code c} made a test node's, in process or in a child process alike: loopback on a random
     * port, data in {@code dataDir}, cheap password hashing, no practical account limits, and the
     * socket transport {@code -Dparley.test.transport} names if given (to run the connection tests
     * on another transport than the default).
     */
    public static ServerConfig forTests(ServerConfig c, Path dataDir) {
        ServerConfig test = c.withAddress("127.0.0.1", 0)
                .withDataDir(dataDir)
                .withPasswords(ServerConfig.Passwords.fastForTests())
                .withAccounts(ServerConfig.Accounts.unlimitedForLoadTests());
        String transport = System.getProperty("parley.test.transport");
        return transport == null || transport.isBlank() ? test : test.withTransport(SocketTransport.parse(transport));
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

    /** A presence grace of {@code grace} (short, so tests see a user go offline soon), other timing as is. */
    public static ServerConfig presenceGrace(ServerConfig c, Duration grace) {
        ServerConfig.Timing t = c.timing();
        return c.withTiming(new ServerConfig.Timing(t.heartbeat(), t.authTimeout(), grace, t.typingExpiry()));
    }

    /** Stops the node and starts a new one on the same data directory and configuration (a new port). */
    public void restart() throws Exception {
        stop();
        node = ParleyNode.start(config);
        lastPort = node.port();
    }

    /** Stops the node (its clients are closed); {@link #startAgain} brings it back. */
    public void stop() {
        closeClients();
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** Starts the stopped node again on its data and on the port it had, where clients look for it. */
    public void startAgain() throws Exception {
        node = ParleyNode.start(config.withAddress(config.host(), lastPort));
    }

    /** {@link #stop} then {@link #startAgain}: same data, same port. */
    public void restartOnSamePort() throws Exception {
        stop();
        startAgain();
    }

    public ParleyNode node() {
        return node;
    }

    public ServerConfig config() {
        return config;
    }

    /** The node's port (while stopped, the one it had and will have again). */
    public int port() {
        return node == null ? lastPort : node.port();
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
        stop();
    }
}
