package dev.parley.server.support;

import dev.parley.protocol.ServerFrame;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A registered account on a {@link TestNode}, with helpers to log devices in and open conversations. */
public final class TestUser {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final TestNode node;
    private final String username;
    private final String password;
    private final long userId;
    private Device restDevice;

    private TestUser(TestNode node, String username, String password, long userId) {
        this.node = node;
        this.username = username;
        this.password = password;
        this.userId = userId;
    }

    /** Registers {@code prefix} plus a unique number (usernames stay unique across a test class). */
    public static TestUser register(TestNode node, String prefix) {
        String name = prefix + "_" + NEXT.incrementAndGet();
        String password = "pw-" + name + "-secret";
        Rest.Response r = node.rest().register(name, password);
        assertThat(r.status()).as("register %s: %s", name, r).isEqualTo(201);
        assertThat(r.json().getString("username")).isEqualTo(name);
        return new TestUser(node, name, password, r.getLong("userId"));
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public long userId() {
        return userId;
    }

    /** Logs in a new device. */
    public Device login(String deviceName) {
        Rest.Response r = node.rest().login(username, password, deviceName);
        assertThat(r.status()).as("login %s: %s", username, r).isEqualTo(201);
        assertThat(r.getLong("userId")).isEqualTo(userId);
        return new Device(this, deviceName, r.json().getString("token"), r.getLong("deviceId"));
    }

    /** A device (logged in once, on first use) for REST calls that need some token of this user. */
    public synchronized Device restDevice() {
        if (restDevice == null) {
            restDevice = login("rest");
        }
        return restDevice;
    }

    /** Opens (or finds) the direct conversation with {@code peer}; returns its id. */
    public long directWith(TestUser peer) {
        Rest.Response r = node.rest().openDirect(restDevice().token(), peer.username());
        assertThat(r.status()).as("open direct: %s", r).isEqualTo(200);
        return r.getLong("conversationId");
    }

    /** One logged-in device: its token and id. */
    public record Device(TestUser user, String name, String token, long deviceId) {
        /** A new WebSocket authenticated as this device, live only (no positions). */
        public TestSocket connect() {
            TestSocket s = user.node.socket();
            ServerFrame.Ready ready = s.auth(token);
            assertThat(ready.deviceId()).isEqualTo(deviceId);
            assertThat(ready.userId()).isEqualTo(user.userId);
            return s;
        }

        /** A new WebSocket authenticated with positions; returns after {@code ready} (catch-up follows). */
        public TestSocket connect(Map<Long, Long> positions) {
            TestSocket s = user.node.socket();
            ServerFrame.Ready ready = s.authWithPositions(token, positions);
            assertThat(ready.deviceId()).isEqualTo(deviceId);
            return s;
        }

        public Rest.Response get(String path) {
            return user.node.rest().get(path, token);
        }

        public Rest.Response history(long conversationId, String query) {
            return user.node.rest().history(token, conversationId, query);
        }
    }
}
