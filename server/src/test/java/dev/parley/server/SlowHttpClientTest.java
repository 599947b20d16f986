package dev.parley.server;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Slow HTTP clients cannot hold the node (issue 13, item 4): a request head must arrive within
 * {@code timing.requestHeaderTimeout}; a request body that stalls, or an answer the client does
 * not take, closes the connection after {@code timing.idleTimeout} (a quiet WebSocket is not
 * touched: its heartbeat governs it); and one source address may hold at most
 * {@code limits.maxConnectionsPerAddress} connections while others still get in.
 */
class SlowHttpClientTest {
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void connectionsSendingTheirRequestHeadSlowlyAreClosedAtTheDeadline() throws Exception {
        try (TestNode node = TestNode.start(dataDir, cfg -> cfg.withTiming(cfg.timing().withHttpTimeouts(SHORT, LONG)))) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Socket s = open(null, node.port());
                write(s, "GET /health/live HTTP/1.1\r\nHost: parley\r\n");
                slow.add(s);
            }
            // A kept-alive connection gets a new deadline for its next request after each answer.
            Socket keptAlive = open(null, node.port());
            write(keptAlive, "GET /health/live HTTP/1.1\r\nHost: parley\r\n\r\n");
            assertThat(readHead(keptAlive)).startsWith("HTTP/1.1 200");
            write(keptAlive, "GET /health/live HTTP/1.1\r\n");
            slow.add(keptAlive);

            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int header = 0;
            while (slow.stream().anyMatch(s -> !isClosed(s)) && System.nanoTime() < giveUp) {
                header++;
                for (Socket s : slow) {
                    writeQuietly(s, "X-Slow-" + header + ": 1\r\n");
                }
                assertThat(node.rest().get("/health/live", null).status()).as("others are served").isEqualTo(200);
                Thread.sleep(200);
            }
            assertThat(slow).as("connections still open").allMatch(SlowHttpClientTest::isClosed);
            slow.forEach(SlowHttpClientTest::closeQuietly);
        }
    }

    @Test
    void aStalledRequestBodyClosesTheConnectionButAQuietWebSocketStays() throws Exception {
        try (TestNode node = TestNode.start(dataDir, cfg -> cfg.withTiming(cfg.timing().withHttpTimeouts(LONG, SHORT)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long chat = alice.directWith(bob);
            TestSocket a = alice.login("laptop").connect();
            TestSocket b = bob.login("phone").connect();

            // The head arrived in time; the body never does.
            Socket stalled = open(null, node.port());
            write(stalled, "POST /v1/accounts HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"username\":");
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!isClosed(stalled) && System.nanoTime() < giveUp) {
                Thread.sleep(100);
            }
            assertThat(isClosed(stalled)).as("the connection with the stalled body was closed").isTrue();

            // The WebSockets were as quiet all along (heartbeat 25 s) and still work.
            a.sendMessage(chat, "after-idle", "still here?");
            assertThat(b.awaitFrame(ServerFrame.Message.class).clientId()).isEqualTo("after-idle");
        }
    }

    @Test
    void answersTheClientDoesNotTakeCloseTheConnection() throws Exception {
        try (TestNode node = TestNode.start(dataDir, cfg -> cfg.withDurability(Durability.OS)
                .withTiming(cfg.timing().withHttpTimeouts(LONG, SHORT))
                .withLimits(cfg.limits().withSendRate(10_000, 10_000)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long chat = alice.directWith(bob);
            String body = "x".repeat(15 * 1024);
            alice.login("laptop").connect().sendMessages(chat, "m", 200, body);

            // Ten requests for 3 MB pages, kept alive, and nothing read: more than the socket buffers hold.
            Socket greedy = new Socket();
            greedy.setReceiveBufferSize(4096);
            greedy.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
            String request = "GET /v1/conversations/" + chat + "/messages?limit=200&after=0 HTTP/1.1\r\nHost: parley\r\n"
                    + "Authorization: Bearer " + bob.restDevice().token() + "\r\n\r\n";
            write(greedy, request.repeat(10));
            Thread.sleep(3 * SHORT.toMillis());
            // Now take what the node still sends: it must end before all ten answers.
            greedy.setSoTimeout(5_000);
            long received = 0;
            boolean ended = false;
            try {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = greedy.getInputStream().read(buffer)) >= 0; ) {
                    received += n;
                }
                ended = true;
            } catch (SocketTimeoutException stillOpen) {
                // the node kept the connection
            } catch (IOException reset) {
                ended = true;
            }
            assertThat(ended).as("the node closed the connection (after %d bytes)", received).isTrue();
            assertThat(received).as("bytes of ten 3 MB answers").isLessThan(10L * 200 * body.length());
            greedy.close();
        }
    }

    @Test
    void pastThePerAddressCapNewConnectionsAreRefusedWhileOtherAddressesGetIn() throws Exception {
        InetAddress crowded = InetAddress.getByName("127.0.0.3");
        InetAddress other = InetAddress.getByName("127.0.0.4");
        try (TestNode node = TestNode.start(dataDir, cfg -> cfg.withLimits(cfg.limits().withMaxConnectionsPerAddress(3)))) {
            TestUser alice = node.newUser("alice");
            List<RawWebSocket> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawWebSocket ws = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", crowded, 0, true);
                ws.auth(alice.login("device-" + i).token());
                held.add(ws);
            }
            // Counted at accept, HTTP and WebSocket alike.
            assertThat(httpGet(crowded, node.port())).as("HTTP from the crowded address").isNull();
            assertThatThrownBy(() -> RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", crowded, 0, true))
                    .isInstanceOf(UncheckedIOException.class);

            assertThat(httpGet(other, node.port())).as("HTTP from another address").startsWith("HTTP/1.1 200");
            RawWebSocket fromOther = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", other, 0, true);
            fromOther.auth(alice.login("elsewhere").token());

            // A slot frees when a connection ends.
            held.removeFirst().close();
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String again = null;
            while (again == null && System.nanoTime() < giveUp) {
                again = httpGet(crowded, node.port());
            }
            assertThat(again).as("HTTP from the crowded address once one of its connections closed")
                    .startsWith("HTTP/1.1 200");
            held.forEach(RawWebSocket::close);
            fromOther.close();
        }
    }

    /** The status line of {@code GET /health/live} from {@code source}, or null when the node closed the connection. */
    private static String httpGet(InetAddress source, int port) throws IOException {
        try (Socket s = open(source, port)) {
            write(s, "GET /health/live HTTP/1.1\r\nHost: parley\r\nConnection: close\r\n\r\n");
            return readHead(s);
        } catch (IOException e) {
            return null;
        }
    }

    private static Socket open(InetAddress source, int port) throws IOException {
        Socket s = new Socket();
        if (source != null) {
            s.bind(new InetSocketAddress(source, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static void writeQuietly(Socket s, String text) {
        try {
            write(s, text);
        } catch (IOException closed) {
            // the node closed it: isClosed() will say so
        }
    }

    /** The status line of the next answer (its head read up to the blank line), or null at end of stream. */
    private static String readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0);
        in.readNBytes(length);
        return text.lines().findFirst().orElse("");
    }

    /** Whether the node has ended the connection (end of stream or reset), without waiting long. */
    private static boolean isClosed(Socket s) {
        try {
            s.setSoTimeout(20);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
