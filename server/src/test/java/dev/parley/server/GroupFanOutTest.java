package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group fan-out: a group message is stored once and delivered to every connected device of every
 * member, each device seeing every entry of the group's sequence once, in order, with membership
 * entries at the same seq as everyone else; and the sender's {@code sent} does not wait for the
 * fan-out to reach anyone.
 */
class GroupFanOutTest {
    static final int MEMBERS = 20;
    static final int SENDERS = 8;
    static final int PER_SENDER = 3;
    /** Sends a sender keeps in flight in the burst test. */
    static final int WINDOW = 4;

    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir);
        groups = new Groups(node);
    }

    /** One connected device: whose it is and its socket. */
    record Dev(TestUser user, TestUser.Device device, TestSocket socket) {
    }

    @Test
    void twentyMembersWithTwoDevicesEachReceiveEveryEntryOnceInOrder() throws Exception {
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            users.add(node.newUser("fan"));
        }
        TestUser owner = users.getFirst();
        TestUser newcomer = node.newUser("newcomer");
        List<Dev> devs = new ArrayList<>();
        for (TestUser u : users) {
            for (String name : List.of("a", "b")) {
                TestUser.Device d = u.login(name);
                devs.add(new Dev(u, d, d.connect()));
            }
        }
        List<Dev> newcomerDevs = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            TestUser.Device d = newcomer.login(name);
            newcomerDevs.add(new Dev(newcomer, d, d.connect()));
        }

        long c = groups.createOk(owner, "Fan-out", users.subList(1, MEMBERS).toArray(TestUser[]::new));

        // Several members send at once (each pipelining its sends) while the owner renames the
        // group, adds a member and makes an admin.
        Map<Long, List<ServerFrame.Sent>> sentByDevice = new HashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1)) {
            List<Future<List<ServerFrame.Sent>>> sends = new ArrayList<>();
            List<Dev> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                Dev d = devs.get(2 * (i + 1) + (i % 2)); // users 1..8, alternating their a and b devices
                senders.add(d);
                sends.add(pool.submit(() -> {
                    for (int k = 0; k < PER_SENDER; k++) {
                        d.socket().send(new ClientFrame.Send(null, clientId(d, k), c, "from " + d.user().username()
                                + " #" + k));
                    }
                    List<ServerFrame.Sent> out = new ArrayList<>();
                    for (int k = 0; k < PER_SENDER; k++) {
                        String id = clientId(d, k);
                        out.add(d.socket().awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals(id)));
                    }
                    return out;
                }));
            }
            Future<?> changes = pool.submit(() -> {
                groups.renameOk(owner, c, "Fan-out, renamed");
                groups.addOk(owner, c, newcomer);
                groups.setRoleOk(owner, c, users.get(1), "admin");
            });
            changes.get();
            for (int i = 0; i < SENDERS; i++) {
                sentByDevice.put(senders.get(i).device().deviceId(), sends.get(i).get());
            }
        }
        // A last message from the owner closes the sequence.
        Dev ownerB = devs.get(1);
        ServerFrame.Sent last = ownerB.socket().sendMessage(c, "last", "that's all");
        sentByDevice.computeIfAbsent(ownerB.device().deviceId(), k -> new ArrayList<>()).add(last);
        long n = 1 + SENDERS * PER_SENDER + 3 + 1;
        assertThat(last.seq()).as("every entry took the next seq").isEqualTo(n);

        // Stored once: the history holds n entries with consecutive seqs, every clientId once.
        Rest.Response page = groups.history(owner, c, "limit=200");
        JsonArray history = page.array("messages");
        assertThat(history).hasSize((int) n);
        Map<Long, ServerFrame.Message> bySeq = new HashMap<>();
        Set<String> clientIds = new HashSet<>();
        for (int i = 0; i < history.size(); i++) {
            JsonObject e = history.getJsonObject(i);
            assertThat(e.getLong("seq")).isEqualTo(i + 1L);
            ServerFrame.Message m = asFrame(e);
            bySeq.put(m.seq(), m);
            if (m.clientId() != null) {
                assertThat(clientIds.add(m.clientId())).as("clientId %s stored once", m.clientId()).isTrue();
            }
        }
        assertThat(clientIds).hasSize(SENDERS * PER_SENDER + 1);
        for (List<ServerFrame.Sent> sents : sentByDevice.values()) {
            for (ServerFrame.Sent s : sents) {
                assertThat(bySeq.get(s.seq()).clientId()).isEqualTo(s.clientId());
                assertThat(bySeq.get(s.seq()).ts()).isEqualTo(s.ts());
            }
        }
        long addedAt = history.stream().map(JsonObject.class::cast)
                .filter(e -> "members_added".equals(e.getString("kind"))).findFirst().orElseThrow().getLong("seq");

        // Every device of every member: every entry once, in seq order, identical to the stored
        // one, its own sends confirmed by `sent` instead. The newcomer's devices from their addition.
        List<Dev> everyone = new ArrayList<>(devs);
        everyone.addAll(newcomerDevs);
        for (Dev d : everyone) {
            long from = d.user() == newcomer ? addedAt : 1;
            Set<Long> own = new HashSet<>();
            for (ServerFrame.Sent s : sentByDevice.getOrDefault(d.device().deviceId(), List.of())) {
                own.add(s.seq());
            }
            List<Long> expected = LongStream.rangeClosed(from, n).filter(s -> !own.contains(s)).boxed().toList();
            List<ServerFrame.Message> got = d.socket().awaitMessages(c, expected.size());
            assertThat(got).as("device %s of %s", d.device().name(), d.user().username())
                    .extracting(ServerFrame.Message::seq).containsExactlyElementsOf(expected);
            for (ServerFrame.Message m : got) {
                assertThat(m).isEqualTo(bySeq.get(m.seq()));
            }
        }
        // Nothing more arrives (no duplicates): a ping answered after the last entry proves every
        // earlier frame is in.
        for (Dev d : everyone) {
            d.socket().send(new ClientFrame.Ping("barrier"));
            d.socket().awaitFrame(ServerFrame.Pong.class, p -> "barrier".equals(p.rid()));
            assertThat(d.socket().matching(ServerFrame.Message.class, m -> true))
                    .as("device %s of %s", d.device().name(), d.user().username())
                    .hasSize((int) (n - (d.user() == newcomer ? addedAt - 1 : 0)
                            - sentByDevice.getOrDefault(d.device().deviceId(), List.of()).size()));
            assertThat(d.socket().matching(ServerFrame.Error.class, e -> true)).isEmpty();
        }

        // The membership entries sit at the same seq, with the same content, on every device that saw them.
        for (long seq = 1; seq <= n; seq++) {
            ServerFrame.Message stored = bySeq.get(seq);
            if (stored.kind().equals("text")) {
                continue;
            }
            long s = seq;
            for (Dev d : everyone) {
                List<ServerFrame.Message> at = d.socket().matching(ServerFrame.Message.class,
                        m -> m.conversationId() == c && m.seq() == s);
                if (d.user() != newcomer || seq >= addedAt) {
                    assertThat(at).containsExactly(stored);
                }
            }
        }
    }

    @Test
    void theSendersConfirmationDoesNotWaitForTheFanOut() {
        TestUser sender = node.newUser("sender");
        TestUser slow = node.newUser("slow");
        TestUser quick = node.newUser("quick");
        long c = groups.createOk(sender, "Slow reader", slow, quick);
        TestSocket s = sender.login("s").connect();
        TestSocket slowSocket = slow.login("slow").connect();
        TestSocket quickSocket = quick.login("quick").connect();

        // The slow member's device stops reading: what the node writes to it piles up.
        slowSocket.stopReading();
        int count = 60;
        String big = "x".repeat(15_000);
        for (int i = 0; i < count; i++) {
            s.send(new ClientFrame.Send(null, "slow-" + i, c, i + ":" + big));
        }
        for (int i = 0; i < count; i++) {
            String id = "slow-" + i;
            assertThat(s.awaitFrame(ServerFrame.Sent.class, x -> x.clientId().equals(id)).seq()).isEqualTo(i + 2L);
        }
        // Every confirmation is in and the quick member has everything, while the slow device has
        // read at most the one frame it had already asked for.
        assertThat(quickSocket.awaitMessages(c, count)).extracting(ServerFrame.Message::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(2, count + 1).boxed().toList());
        assertThat(slowSocket.matching(ServerFrame.Message.class, m -> m.conversationId() == c)).hasSizeLessThanOrEqualTo(1);

        // Once it reads again it gets every entry, in order.
        slowSocket.resumeReading();
        assertThat(slowSocket.awaitMessages(c, count)).extracting(ServerFrame.Message::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(2, count + 1).boxed().toList());
        assertThat(slowSocket.isClosed()).isFalse();
    }

    /**
     * Membership changes committed in the middle of a burst of sends (so in the same commit batches
     * as text entries): every device still gets every entry once, in seq order, no gaps, never its
     * own sends back, and members added mid-burst get everything from the entry that adds them.
     */
    @Test
    void membershipChangesAmongABurstOfSendsKeepEveryDeviceInOrder() throws Exception {
        TestUser owner = node.newUser("owner");
        TestUser s1 = node.newUser("sender");
        TestUser s2 = node.newUser("sender");
        TestUser passive = node.newUser("passive");
        List<TestUser> newcomers = List.of(node.newUser("new"), node.newUser("new"), node.newUser("new"));
        List<Dev> devs = new ArrayList<>();
        for (TestUser u : List.of(owner, s1, s2, passive, passive)) {
            TestUser.Device d = u.login("d" + devs.size());
            devs.add(new Dev(u, d, d.connect()));
        }
        for (TestUser u : newcomers) {
            TestUser.Device d = u.login("live");
            devs.add(new Dev(u, d, d.connect()));
        }
        long c = groups.createOk(owner, "Burst", s1, s2, passive);
        owner.restDevice();
        // Each sender keeps sending (a few at a time, under its burst allowance) until the owner's
        // changes are all in, so the changes land among the text entries.
        int maxPerSender = 180;

        Map<Long, List<ServerFrame.Sent>> sentByDevice = new HashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean changed = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<List<ServerFrame.Sent>>> sends = new ArrayList<>();
            for (Dev d : List.of(devs.get(1), devs.get(2))) {
                sends.add(pool.submit(() -> {
                    go.await();
                    List<ServerFrame.Sent> out = new ArrayList<>();
                    for (int k = 0; k < maxPerSender && !(changed.get() && k >= 20); k += WINDOW) {
                        for (int j = k; j < k + WINDOW; j++) {
                            d.socket().send(new ClientFrame.Send(null, clientId(d, j), c, "burst " + j));
                        }
                        for (int j = k; j < k + WINDOW; j++) {
                            String id = clientId(d, j);
                            out.add(d.socket().awaitFrame(ServerFrame.Sent.class, x -> x.clientId().equals(id)));
                        }
                    }
                    return out;
                }));
            }
            Future<?> changes = pool.submit(() -> {
                go.await();
                for (int i = 0; i < newcomers.size(); i++) {
                    groups.addOk(owner, c, newcomers.get(i));
                    groups.renameOk(owner, c, "Burst " + i);
                }
                changed.set(true);
                return null;
            });
            go.countDown();
            changes.get();
            sentByDevice.put(devs.get(1).device().deviceId(), sends.get(0).get());
            sentByDevice.put(devs.get(2).device().deviceId(), sends.get(1).get());
        }
        long n = 1 + sentByDevice.values().stream().mapToLong(List::size).sum() + 2L * newcomers.size();
        JsonArray history = groups.history(owner, c, "after=0&limit=200").array("messages");
        history.addAll(groups.history(owner, c, "after=200&limit=200").array("messages"));
        assertThat(history).hasSize((int) n);
        Map<Long, ServerFrame.Message> bySeq = new HashMap<>();
        Map<Long, Long> addedAt = new HashMap<>();
        for (int i = 0; i < history.size(); i++) {
            ServerFrame.Message m = asFrame(history.getJsonObject(i));
            assertThat(m.seq()).isEqualTo(i + 1L);
            bySeq.put(m.seq(), m);
            if (m.kind().equals("members_added")) {
                addedAt.put(m.userIds().getFirst(), m.seq());
            }
        }

        for (Dev d : devs) {
            long from = addedAt.getOrDefault(d.user().userId(), 1L);
            Set<Long> own = new HashSet<>();
            for (ServerFrame.Sent s : sentByDevice.getOrDefault(d.device().deviceId(), List.of())) {
                own.add(s.seq());
            }
            List<Long> expected = LongStream.rangeClosed(from, n).filter(x -> !own.contains(x)).boxed().toList();
            d.socket().send(new ClientFrame.Ping("barrier"));
            d.socket().awaitFrame(ServerFrame.Pong.class, p -> "barrier".equals(p.rid()));
            // Wait for the last entry this device should get, then compare everything it got.
            long lastExpected = expected.getLast();
            d.socket().awaitFrame(ServerFrame.Message.class, m -> m.seq() == lastExpected);
            List<ServerFrame.Message> got = d.socket().matching(ServerFrame.Message.class, m -> m.conversationId() == c);
            assertThat(got).as("seqs on device %s of %s", d.device().name(), d.user().username())
                    .extracting(ServerFrame.Message::seq).containsExactlyElementsOf(expected);
            for (ServerFrame.Message m : got) {
                assertThat(m).isEqualTo(bySeq.get(m.seq()));
            }
        }
    }

    private static String clientId(Dev d, int k) {
        return "fan-" + d.device().deviceId() + "-" + k;
    }

    /** A history entry as the message frame it is on the wire. */
    static ServerFrame.Message asFrame(JsonObject entry) {
        JsonObject withType = entry.copy().put("type", "message");
        return (ServerFrame.Message) FrameCodec.decodeServer(withType.encode());
    }
}
