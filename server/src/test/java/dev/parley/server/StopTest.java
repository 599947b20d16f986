package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.server.support.UnreadCatchUp;
import dev.parley.server.ws.SocketActivity;
import dev.parley.store.Durability;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A node that stops (docs/operations.md, "Stopping and restarting") closes its listening socket
 * before it tells its clients to reconnect, and every client, whatever its WebSocket library, is
 * told with 1012, not dropped: the close frame is followed by the end of the stream (the node does
 * not wait for each client's answer), never by a reset that would discard it.
 */
class StopTest {
    @TempDir
    Path dir;

    @Test
    void aClientToldToReconnectFindsThePortClosedNotAnUpgradeAnswered503() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            TestUser.Device phone = alice.login("phone");
            int port = node.port();
            // A client that never answers the close frame: the old stop waited for its answer
            // (up to 3 s) with the port still open, answering reconnects 503.
            RawWebSocket silent = node.rawSocket();
            silent.auth(phone.token());
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(node.node()::close);

            assertThat(silent.awaitCloseCode(Duration.ofSeconds(30))).isEqualTo(1012);
            assertThatThrownBy(() -> {
                try (Socket again = new Socket()) {
                    again.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                }
            }).as("reconnecting to the stopping node").isInstanceOf(ConnectException.class);
            silent.awaitEof(Duration.ofSeconds(30));
            stopping.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void jdkAndVertxClientsAllSee1012WhenTheNodeStops() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            List<TestSocket> jdk = new ArrayList<>();
            List<CompletableFuture<Short>> vertxCodes = new ArrayList<>();
            WebSocketClient client = vertx.createWebSocketClient();
            for (int i = 0; i < 40; i++) {
                jdk.add(alice.login("jdk-" + i).connect());
                String token = alice.login("vertx-" + i).token();
                CompletableFuture<Short> code = new CompletableFuture<>();
                CompletableFuture<Void> ready = new CompletableFuture<>();
                WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
                        .setURI("/v1/ws")).await(30, TimeUnit.SECONDS);
                ws.textMessageHandler(text -> {
                    if (text.contains("\"ready\"")) {
                        ready.complete(null);
                    }
                });
                ws.closeHandler(v -> code.complete(ws.closeStatusCode()));
                ws.writeTextMessage(FrameCodec.encodeClient(new ClientFrame.Auth(null, token, null)));
                ready.get(30, TimeUnit.SECONDS);
                vertxCodes.add(code);
            }

            node.node().close();

            for (TestSocket s : jdk) {
                assertThat(s.awaitClose(Duration.ofSeconds(30)).code()).as("JDK WebSocket client").isEqualTo(1012);
            }
            for (CompletableFuture<Short> code : vertxCodes) {
                assertThat(code.get(30, TimeUnit.SECONDS)).as("Vert.x WebSocket client").isEqualTo((short) 1012);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * A stop waits for the clients' answers to 1012 only while a client's TCP stack may still lack
     * part of what the node wrote: one that never answers but whose kernel has acknowledged it all,
     * the close frame and the end of the stream included, can be cut off without losing anything.
     */
    @Test
    void aClientWhoseTcpStackHasTheWholeCloseNeedNotAnswerIt() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            // Reads nothing, so it never answers; its kernel still takes what the node sends.
            RawWebSocket silent = RawWebSocket.connect("127.0.0.1", node.port(), "/v1/ws", null, 0, false);
            silent.send(new ClientFrame.Auth(null, alice.login("phone").token(), null));
            await().atMost(Duration.ofSeconds(30)).until(() -> node.node().connections().count() == 1);
            SocketActivity activity = node.node().socketActivity();

            node.node().connections().closeAll(CloseCode.SERVICE_RESTART);

            await().atMost(Duration.ofSeconds(30)).until(() -> activity.closing() == 1
                    && activity.closesDelivered(System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
            assertThat(activity.openSockets()).as("still open: the client has not answered").isEqualTo(1);
            silent.startReading();
            assertThat(silent.awaitCloseCode(Duration.ofSeconds(30))).isEqualTo(1012);
            // The socket gone, and no longer counted as closing.
            await().atMost(Duration.ofSeconds(30)).until(() -> activity.openSockets() == 0 && activity.closing() == 0);
        }
    }

    @Test
    void aClientWithItsWindowFullHasNotGotTheCloseYet() throws Exception {
        try (TestNode node = TestNode.start(dir, cfg -> cfg.withDurability(Durability.OS)
                .withLimits(cfg.limits().withSendRate(10_000, 10_000)))) {
            // Bob's phone asks for 6 MB and reads none of it: its window and the node's send buffer
            // fill, and the close frame waits behind them.
            try (UnreadCatchUp backlog = UnreadCatchUp.start(node)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> node.node().connections().count() == 2);
                // Not before the catch-up is in flight: a close sent ahead of it would get through.
                backlog.awaitBackedUp();
                SocketActivity activity = node.node().socketActivity();

                node.node().connections().closeAll(CloseCode.SERVICE_RESTART);

                await().atMost(Duration.ofSeconds(30)).until(() -> activity.closing() == 1);
                assertThat(activity.closesDelivered(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)))
                        .as("the phone's close is stuck behind 6 MB it has not read").isFalse();
            }
        }
    }
}
