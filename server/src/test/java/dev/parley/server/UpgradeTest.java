package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket upgrade on the public port (docs/architecture.md, "The WebSocket path"): a plain
 * upgrade to {@code /v1/ws} is answered by the node's own handshake, everything else as Vert.x
 * answers it, and a client is served whichever way its upgrade went.
 */
class UpgradeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @TempDir
    static Path dataDir;
    static TestNode node;
    static TestUser alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir);
        alice = node.newUser("alice");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aClientThatSendsItsAuthRightBehindTheUpgradeRequestIsServed() {
        String token = alice.login("eager").token();
        byte[] auth = FrameCodec.encodeClient(new ClientFrame.Auth(null, token, null)).getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket eager = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws",
                RawWebSocket.encode(true, RawWebSocket.TEXT, auth.length, auth))) {
            eager.awaitFrame(ServerFrame.Ready.class, TestSocket.TIMEOUT);
        }
    }

    @Test
    void anUpgradeWithAQueryIsServed() {
        try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws?client=test")) {
            ws.auth(alice.login("query").token());
        }
    }

    @Test
    void anUpgradeOnAConnectionThatAlreadyCarriedARequestIsServed() throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 10_000);
        socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 200");
        socket.getInputStream().readNBytes(contentLength(head));
        try (RawWebSocket ws = RawWebSocket.upgrade(socket, "/v1/ws")) {
            ws.auth(alice.login("kept-alive").token());
        }
    }

    @Test
    void upgradesTheNodeDoesNotServeAreRefusedAsBefore() throws Exception {
        String[] plain = {"Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
            "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"};
        assertThat(answer("GET /v1/other HTTP/1.1", plain)).as("another path").startsWith("HTTP/1.1 404");
        assertThat(answer("GET /v1/ws/ HTTP/1.1", plain)).as("a longer path").startsWith("HTTP/1.1 404");

        String unknown = answer("GET /v1/ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 99");
        assertThat(unknown).as("an unknown protocol version").startsWith("HTTP/1.1 426");
        assertThat(unknown.toLowerCase(Locale.ROOT)).contains("sec-websocket-version: 13");

        assertThat(answer("GET /v1/ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"))
                .as("no Connection: Upgrade").startsWith("HTTP/1.1 400");
        assertThat(answer("POST /v1/ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13", "Content-Length: 0"))
                .as("not a GET").startsWith("HTTP/1.1 405");
        // A plain GET of the path, no upgrade: the REST router's answer.
        assertThat(answer("GET /v1/ws HTTP/1.1", "Host: 127.0.0.1")).as("no upgrade").startsWith("HTTP/1.1 404");
    }

    @Test
    void aDraftVersionThatVertxAcceptsIsStillServed() throws Exception {
        // Netty's factory, behind Vert.x's upgrade, speaks the drafts 7 and 8 as well as 13.
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 10_000);
        socket.getOutputStream().write(("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
        try (RawWebSocket ws = RawWebSocket.over(socket)) {
            ws.auth(alice.login("draft").token());
        }
    }

    @Test
    void anUpgradeWithoutAKeyIsNotServed() throws Exception {
        String refused = answer("GET /v1/ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket",
                "Connection: Upgrade", "Sec-WebSocket-Version: 13");
        assertThat(refused).doesNotStartWith("HTTP/1.1 101");
    }

    /** Sends one request head and returns the node's answer head ("" if it closed without one). */
    private static String answer(String requestLine, String... headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 10_000);
            socket.setSoTimeout((int) TestSocket.TIMEOUT.toMillis());
            socket.getOutputStream().write((requestLine + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
    }
}
