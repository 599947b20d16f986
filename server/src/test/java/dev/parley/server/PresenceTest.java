package dev.parley.server;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Presence (docs/protocol.md, {@code watch} and {@code presence}): online while at least one device
 * is connected, offline a grace period after the last one goes (a quick reconnect does not flap),
 * last-seen kept, a half-open connection noticed by the heartbeat, and changes sent only to
 * co-members who watch. The node runs with a 2 s heartbeat and a 2 s grace period.
 *
 * <p>No assertion depends on time: where a test must show that something did <em>not</em> happen
 * during the grace period, another user's presence change that was scheduled later is awaited first
 * (the node's presence timers fire in the order they were set).
 */
class PresenceTest {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration GRACE = Duration.ofSeconds(2);
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir, c -> c.withTiming(new ServerConfig.Timing(HEARTBEAT, Duration.ofSeconds(10),
                GRACE, Duration.ofSeconds(6))));
        groups = new Groups(node);
    }

    @Test
    void onlineWhileAnyDeviceIsConnectedThenOfflineAfterTheGracePeriod() {
        TestUser user = node.newUser("user");
        TestUser beacon = node.newUser("beacon");
        TestUser watcher = node.newUser("watcher");
        groups.createOk(watcher, "Friends", user, beacon);
        TestUser.Device d1 = user.login("laptop");
        TestUser.Device d2 = user.login("phone");
        TestUser.Device beaconDevice = beacon.login("beacon");

        TestSocket w = watcher.login("w").connect();
        watch(w, "w1", user, beacon);
        ServerFrame.Presence initial = awaitPresence(w, user);
        assertThat(initial.online()).as("nobody connected yet").isFalse();
        assertThat(awaitPresence(w, beacon).online()).isFalse();

        long beforeConnect = System.currentTimeMillis();
        TestSocket s1 = d1.connect();
        assertThat(awaitPresence(w, user).online()).isTrue();
        TestSocket s2 = d2.connect();
        TestSocket b = beaconDevice.connect();
        assertThat(awaitPresence(w, beacon).online()).isTrue();

        // One device goes; the other is still connected, so the user stays online. The beacon goes
        // after it: its offline (a grace period later) proves the user's would have come by now.
        s1.close();
        awaitUnregistered(d1);
        b.close();
        awaitUnregistered(beaconDevice);
        assertThat(awaitPresence(w, beacon).online()).isFalse();
        assertThat(presenceOf(w, user)).as("still online with one device left")
                .extracting(ServerFrame.Presence::online).containsExactly(false, true);

        // The last device goes: offline after the grace period, with the last-seen time.
        s2.close();
        ServerFrame.Presence offline = awaitPresence(w, user);
        assertThat(offline.online()).isFalse();
        assertThat(offline.lastSeen()).isBetween(beforeConnect, System.currentTimeMillis());
        assertThat(presenceOf(w, user)).extracting(ServerFrame.Presence::online).containsExactly(false, true, false);
    }

    @Test
    void aQuickReconnectDoesNotFlap() {
        TestUser user = node.newUser("user");
        TestUser beacon = node.newUser("beacon");
        TestUser watcher = node.newUser("watcher");
        groups.createOk(watcher, "Blips", user, beacon);
        TestUser.Device device = user.login("phone");
        TestUser.Device beaconDevice = beacon.login("beacon");
        TestSocket s = device.connect();
        TestSocket b = beaconDevice.connect();

        TestSocket w = watcher.login("w").connect();
        watch(w, "w1", user, beacon);
        assertThat(awaitPresence(w, user).online()).isTrue();
        assertThat(awaitPresence(w, beacon).online()).isTrue();

        // The connection drops without a close handshake (a network blip) and the device is back
        // well within the grace period.
        s.abort();
        awaitUnregistered(device);
        TestSocket again = device.connect();
        b.close();
        awaitUnregistered(beaconDevice);
        assertThat(awaitPresence(w, beacon).online()).isFalse();
        assertThat(presenceOf(w, user)).as("no offline/online flap").extracting(ServerFrame.Presence::online)
                .containsExactly(true);

        // Reconnecting twice in a row does not flap either, and a real disconnect still goes offline.
        again.close();
        TestSocket third = device.connect();
        third.close();
        assertThat(awaitPresence(w, user).online()).isFalse();
        assertThat(presenceOf(w, user)).extracting(ServerFrame.Presence::online).containsExactly(true, false);
    }

    /**
     * The last-seen time a watcher is told when the user goes offline is the one the node keeps:
     * a watcher asking later is told the same time.
     */
    @Test
    void aLaterWatcherIsToldTheLastSeenTimeAnnouncedWhenTheUserWentOffline() {
        TestUser user = node.newUser("user");
        TestUser watcher = node.newUser("watcher");
        user.directWith(watcher);
        TestUser.Device device = user.login("phone");
        TestSocket w = watcher.login("w").connect();
        watch(w, "w1", user);
        awaitPresence(w, user);

        long before = System.currentTimeMillis();
        TestSocket s = device.connect();
        assertThat(awaitPresence(w, user).online()).isTrue();
        s.close();
        ServerFrame.Presence offline = awaitPresence(w, user);
        assertThat(offline.online()).isFalse();
        assertThat(offline.lastSeen()).isBetween(before, System.currentTimeMillis());

        TestSocket later = watcher.login("later").connect();
        watch(later, "w2", user);
        ServerFrame.Presence asked = awaitPresence(later, user);
        assertThat(asked.online()).isFalse();
        // (Allowing for the few milliseconds between two reads of the clock; the grace period is 2 s,
        // so a value that differs by the grace period is a different answer.)
        assertThat(asked.lastSeen()).as("last seen as announced when the user went offline")
                .isCloseTo(offline.lastSeen(), within(250L));
    }

    @Test
    void theLastSeenTimeIsKeptAcrossARestart() throws Exception {
        TestUser user = node.newUser("user");
        TestUser watcher = node.newUser("watcher");
        user.directWith(watcher);
        TestUser.Device device = user.login("phone");
        TestSocket w = watcher.login("w").connect();
        watch(w, "w1", user);
        ServerFrame.Presence never = awaitPresence(w, user);
        assertThat(never.online()).isFalse();

        long before = System.currentTimeMillis();
        TestSocket s = device.connect();
        assertThat(awaitPresence(w, user).online()).isTrue();
        s.close();
        assertThat(awaitPresence(w, user).online()).isFalse();
        TestSocket later = watcher.login("later").connect();
        watch(later, "w2", user);
        ServerFrame.Presence asked = awaitPresence(later, user);
        assertThat(asked.online()).isFalse();
        assertThat(asked.lastSeen()).as("updated by the connection").isBetween(before, System.currentTimeMillis());

        node.restart();
        TestSocket afterRestart = watcher.login("after-restart").connect();
        watch(afterRestart, "w3", user);
        ServerFrame.Presence kept = awaitPresence(afterRestart, user);
        assertThat(kept.online()).isFalse();
        assertThat(kept.lastSeen()).isEqualTo(asked.lastSeen());
    }

    @Test
    void aHalfOpenConnectionIsNoticedByTheHeartbeatAndTheUserGoesOffline() {
        TestUser user = node.newUser("vanishing");
        TestUser steady = node.newUser("steady");
        TestUser watcher = node.newUser("watcher");
        groups.createOk(watcher, "Heartbeats", user, steady);
        TestSocket w = watcher.login("w").connect();

        // Two raw connections: one stops answering the node's pings (its peer vanished without
        // closing), the other keeps answering.
        RawWebSocket vanishing = node.rawSocket();
        vanishing.auth(user.login("raw").token());
        RawWebSocket alive = node.rawSocket();
        alive.auth(steady.login("raw").token());
        watch(w, "w1", user, steady);
        assertThat(awaitPresence(w, user).online()).isTrue();
        assertThat(awaitPresence(w, steady).online()).isTrue();

        vanishing.answerPings(false);
        assertThat(vanishing.awaitCloseCode(WAIT)).as("closed for silence").isEqualTo(4009);
        assertThat(vanishing.pingsSeen()).as("the node pinged before giving up").isPositive();
        ServerFrame.Presence offline = awaitPresence(w, user);
        assertThat(offline.online()).isFalse();

        // The connection that answers pings is still there, across more than one heartbeat interval.
        int pings = alive.pingsSeen();
        assertThat(pings).isGreaterThanOrEqualTo(2);
        alive.send(new ClientFrame.Ping("still-there"));
        assertThat(alive.awaitFrame(ServerFrame.Pong.class, WAIT).rid()).isEqualTo("still-there");
        assertThat(presenceOf(w, steady)).extracting(ServerFrame.Presence::online).containsExactly(true);
        // So is the watcher's JDK WebSocket, which answers pings by itself.
        assertThat(w.isClosed()).isFalse();
    }

    @Test
    void presenceGoesOnlyToCoMembersWhoWatch() {
        TestUser user = node.newUser("user");
        TestUser watching = node.newUser("watching");
        TestUser notWatching = node.newUser("notwatching");
        TestUser stopped = node.newUser("stopped");
        TestUser stranger = node.newUser("stranger");
        TestUser beacon = node.newUser("beacon");
        groups.createOk(user, "Shared", watching, notWatching, stopped);
        // The beacon shares a conversation with everyone but the user.
        groups.createOk(beacon, "Beacon", watching, notWatching, stopped, stranger);
        TestUser.Device userDevice = user.login("phone");
        TestUser.Device beaconDevice = beacon.login("beacon");

        TestSocket w = watching.login("w").connect();
        TestSocket nw = notWatching.login("nw").connect();
        TestSocket st = stopped.login("st").connect();
        TestSocket x = stranger.login("x").connect();
        watch(w, "w", user, beacon);
        watch(nw, "nw", beacon);
        watch(st, "st1", user, beacon);
        watch(st, "st2", beacon);
        // A stranger's watch of the user is ignored: answered, but with no presence for them.
        watch(x, "x", user, beacon);
        for (TestSocket s : List.of(w, nw, st, x)) {
            assertThat(awaitPresence(s, beacon).online()).isFalse();
        }
        assertThat(awaitPresence(w, user).online()).isFalse();
        awaitPresence(st, user);
        // Each watch is answered with the present state of every user it names: the second one
        // of `stopped` named the beacon again.
        assertThat(awaitPresence(st, beacon).online()).isFalse();

        TestSocket u = userDevice.connect();
        assertThat(awaitPresence(w, user).online()).isTrue();
        TestSocket b = beaconDevice.connect();
        for (TestSocket s : List.of(w, nw, st, x)) {
            assertThat(awaitPresence(s, beacon).online()).isTrue();
        }
        u.close();
        assertThat(awaitPresence(w, user).online()).isFalse();
        b.close();
        for (TestSocket s : List.of(w, nw, st, x)) {
            assertThat(awaitPresence(s, beacon).online()).isFalse();
        }

        assertThat(presenceOf(w, user)).extracting(ServerFrame.Presence::online).containsExactly(false, true, false);
        assertThat(presenceOf(nw, user)).as("a co-member who did not ask").isEmpty();
        assertThat(presenceOf(st, user)).as("a co-member who stopped watching: only the first answer").hasSize(1);
        assertThat(presenceOf(x, user)).as("a stranger").isEmpty();
        // Nobody receives their own presence.
        assertThat(u.matching(ServerFrame.Presence.class, p -> true)).isEmpty();
    }

    @Test
    void watchingOneselfIsIgnoredAndTooManyUsersIsTooLarge() {
        TestUser user = node.newUser("user");
        TestSocket s = user.login("phone").connect();
        watch(s, "self", user);
        List<Long> many = LongStream.rangeClosed(1, 1025).boxed().toList();
        s.send(new ClientFrame.Watch("many", many));
        ServerFrame.Error e = s.awaitError("many");
        assertThat(e.code()).isEqualTo("too_large");
        assertThat(e.request()).isEqualTo("watch");
        s.send(new ClientFrame.Watch("max", many.subList(0, 1024)));
        s.awaitFrame(ServerFrame.Ok.class, o -> "max".equals(o.rid()));
        assertThat(s.matching(ServerFrame.Presence.class, p -> true)).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------

    static void watch(TestSocket s, String rid, TestUser... users) {
        s.send(new ClientFrame.Watch(rid, Arrays.stream(users).map(TestUser::userId).toList()));
        s.awaitFrame(ServerFrame.Ok.class, o -> rid.equals(o.rid()), WAIT);
    }

    static ServerFrame.Presence awaitPresence(TestSocket s, TestUser user) {
        return s.awaitFrame(ServerFrame.Presence.class, p -> p.userId() == user.userId(), WAIT);
    }

    static List<ServerFrame.Presence> presenceOf(TestSocket s, TestUser user) {
        return s.matching(ServerFrame.Presence.class, p -> p.userId() == user.userId());
    }

    /** Waits until the node has dropped every connection of the device (its close is processed). */
    static void awaitUnregistered(TestUser.Device device) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (node.node().connections().isConnected(new DeviceId(device.deviceId()),
                new UserId(device.user().userId()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("device " + device.name() + " still connected after " + WAIT);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
