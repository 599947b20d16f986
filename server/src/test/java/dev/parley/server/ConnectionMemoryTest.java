package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.server.support.ChatPair;
import dev.parley.server.support.ForkedNode;
import dev.parley.server.support.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one connection can make the node hold is bounded, before and after {@code auth} (issue 13,
 * item 1). The node runs in a JVM of its own with a small heap and, as {@code ./parley} starts it,
 * exits on {@link OutOfMemoryError}: a node that held what these clients send would die here.
 * Meanwhile two other users chat, and the node's resident memory stays near where it was.
 */
class ConnectionMemoryTest {
    private static final List<String> SMALL_HEAP = List.of("-Xms96m", "-Xmx96m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");
    /** More than the node grows by with any of these clients cut off in time; far less than it holds otherwise. */
    private static final long GROWTH_BOUND = 64L * 1024 * 1024;
    private static final int PINGS_PER_WRITE = 1000;
    private static final long MAX_PINGS = 3_000_000;
    private static final int ATTACKERS = 300;
    private static final int FRAGMENT = 16 * 1024;
    private static final int UNFINISHED_BYTES = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void pingFloodsThatNeverReadAreCutOffBeforeAndAfterAuthAndOthersChatOn() throws Exception {
        // A frame allowance this high lets every ping through: what stops a flood is the budget
        // before auth, and after it the bound on what the node queues for the socket (its pongs).
        try (ForkedNode node = ForkedNode.start(dir, "limits: {framesPerSecond: 10000000, frameBurst: 10000000,"
                + " outboundQueueBytes: 64KiB}\n", SMALL_HEAP);
             ChatPair chat = ChatPair.open(node.rest(), node.wsUri())) {
            chat.roundTrip();
            long before = node.residentBytes();

            RawWebSocket stranger = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 4096, false);
            assertThat(floodWhileChatting(node, chat, stranger)).as("pings the node took before auth").isLessThan(MAX_PINGS);

            String token = ChatPair.account(node.rest(), ChatPair.unique("flooder"));
            RawWebSocket member = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 4096, false);
            member.send(new ClientFrame.Auth(null, token, null));
            awaitMetric(node, "parley_connections", 3);
            assertThat(floodWhileChatting(node, chat, member)).as("pings the node took after auth").isLessThan(MAX_PINGS);
            assertThat(metric(node, "parley_slow_consumer_disconnects_total")).isEqualTo(1);

            for (int i = 0; i < 5; i++) {
                chat.roundTrip();
            }
            assertThat(node.residentBytes() - before).as("resident memory growth").isLessThan(GROWTH_BOUND);
            stranger.close();
            member.close();
        }
    }

    /** Floods {@code s} with pings while the chat goes on; returns how many the node took. */
    private static long floodWhileChatting(ForkedNode node, ChatPair chat, RawWebSocket s) throws Exception {
        CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() -> floodPings(s));
        while (!flood.isDone()) {
            roundTrip(node, chat);
        }
        return flood.get();
    }

    private static void roundTrip(ForkedNode node, ChatPair chat) {
        try {
            chat.roundTrip();
        } catch (AssertionError e) {
            throw new AssertionError("the chat stopped; node alive: " + node.isAlive() + "; its output:\n"
                    + node.output(), e);
        }
    }

    private static double metric(ForkedNode node, String name) {
        return node.rest().get("/metrics", null).body().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static void awaitMetric(ForkedNode node, String name, double value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metric(node, name) != value) {
            assertThat(System.nanoTime()).as("%s reaches %s", name, value).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void unauthenticatedSocketsSendingFramesThatNeverEndAreCutOffAndOthersChatOn() throws Exception {
        try (ForkedNode node = ForkedNode.start(dir, "", SMALL_HEAP);
             ChatPair chat = ChatPair.open(node.rest(), node.wsUri())) {
            chat.roundTrip();
            long before = node.residentBytes();
            List<RawWebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                sockets.add(RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 0, false));
            }
            List<Future<Boolean>> cutOff = new ArrayList<>();
            try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < sockets.size(); i++) {
                    RawWebSocket s = sockets.get(i);
                    // Half send a text message in fragments that never ends, half announce one
                    // large frame and never finish it.
                    cutOff.add(writers.submit(i % 2 == 0 ? () -> sendEndlessFragments(s) : () -> sendUnfinishedFrame(s)));
                }
                while (cutOff.stream().anyMatch(f -> !f.isDone())) {
                    roundTrip(node, chat);
                }
            }
            assertThat(node.isAlive()).as("node alive; its output:\n%s", node.output()).isTrue();
            for (Future<Boolean> f : cutOff) {
                assertThat(f.get()).as("every socket was cut off before it sent %d bytes", UNFINISHED_BYTES).isTrue();
            }
            for (int i = 0; i < 5; i++) {
                chat.roundTrip();
            }
            assertThat(node.residentBytes() - before).as("resident memory growth").isLessThan(GROWTH_BOUND);
            sockets.forEach(RawWebSocket::close);
        }
    }

    @Test
    void runningOutOfDirectMemoryEndsTheNodeSoItsSupervisorCanRestartIt() throws Exception {
        // Each socket holds one unfinished 60 KiB frame, within every bound per connection; 8 MiB
        // of direct memory runs out after about a hundred. Netty's allocator refuses it from Java
        // code, which -XX:+ExitOnOutOfMemoryError never sees: left to itself the node lives on.
        try (ForkedNode node = ForkedNode.start(dir, "", List.of("-Xmx96m", "-XX:MaxDirectMemorySize=8m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"))) {
            List<RawWebSocket> sockets = new ArrayList<>();
            byte[] frame = new byte[60 * 1024];
            try {
                for (int i = 0; i < 300 && node.isAlive(); i++) {
                    RawWebSocket s = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 0, false);
                    sockets.add(s);
                    s.writeRaw(RawWebSocket.encode(false, RawWebSocket.TEXT, frame.length + 1, frame));
                }
            } catch (UncheckedIOException nodeGone) {
                // the node ended while we connected
            }
            assertThat(node.awaitExit(java.time.Duration.ofSeconds(30))).isEqualTo(OutOfMemoryExit.STATUS);
            assertThat(node.output()).contains("parley: out of memory");
            sockets.forEach(RawWebSocket::close);
        }
    }

    /** Pings with the largest payload allowed until the node cuts the socket off; returns how many. */
    private static long floodPings(RawWebSocket s) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        byte[] payload = new byte[125];
        for (int i = 0; i < PINGS_PER_WRITE; i++) {
            batch.writeBytes(RawWebSocket.encode(true, RawWebSocket.PING, payload.length, payload));
        }
        byte[] bytes = batch.toByteArray();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long sent = 0;
        try {
            while (sent < MAX_PINGS && System.nanoTime() < deadline) {
                s.writeRaw(bytes);
                sent += PINGS_PER_WRITE;
            }
        } catch (UncheckedIOException cutOff) {
            // the node closed the connection
        }
        return sent;
    }

    /** True when the node cut the socket off before the whole message was sent. */
    private static boolean sendEndlessFragments(RawWebSocket s) {
        byte[] fragment = new byte[FRAGMENT];
        java.util.Arrays.fill(fragment, (byte) 'x');
        try {
            s.writeRaw(RawWebSocket.encode(false, RawWebSocket.TEXT, FRAGMENT, fragment));
            for (int sent = FRAGMENT; sent < UNFINISHED_BYTES; sent += FRAGMENT) {
                s.writeRaw(RawWebSocket.encode(false, RawWebSocket.CONTINUATION, FRAGMENT, fragment));
            }
        } catch (UncheckedIOException cutOff) {
            return true;
        }
        return awaitCutOff(s);
    }

    private static boolean sendUnfinishedFrame(RawWebSocket s) {
        byte[] chunk = new byte[FRAGMENT];
        try {
            s.writeRaw(RawWebSocket.encode(false, RawWebSocket.TEXT, UNFINISHED_BYTES, chunk));
            for (int sent = FRAGMENT; sent < UNFINISHED_BYTES - FRAGMENT; sent += FRAGMENT) {
                s.writeRaw(chunk);
            }
        } catch (UncheckedIOException cutOff) {
            return true;
        }
        return awaitCutOff(s);
    }

    /** The whole attempt went through: cut off only if the node ends the connection soon after. */
    private static boolean awaitCutOff(RawWebSocket s) {
        s.startReading();
        try {
            s.awaitEof(java.time.Duration.ofSeconds(5));
            return true;
        } catch (AssertionError stillOpen) {
            return false;
        }
    }
}
