package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The send window across a reconnect, against a node that plays one exact order of frames (a
 * real node produces it only by chance; {@code ReconnectTest} met it about once in a few dozen CI
 * runs): the sends in flight on the new connection are all confirmed by their own entries in the
 * catch-up, before their {@code sent}. Each of those confirmations frees a slot of the window,
 * so the sends that were waiting for one must go out then, not never.
 */
class SendWindowTest {
    private static final long CONVERSATION = 42;
    private static final long USER = 1;
    private static final long DEVICE = 7;

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Connection 1 takes a window's worth of sends and is lost before answering any; the node did
     * store them. Connection 2's catch-up carries them back as this device's own entries, and only
     * then are the re-sent copies answered with the original confirmation.
     */
    @Test
    void sendsWaitingForTheWindowGoOutWhenTheCatchUpConfirmsThoseInFlight() throws Exception {
        int sends = Outbox.INITIAL_WINDOW + 6;
        Map<String, Long> stored = Collections.synchronizedMap(new LinkedHashMap<>());
        List<String> onSecond = new CopyOnWriteArrayList<>();
        AtomicInteger connections = new AtomicInteger();
        server = vertx.createHttpServer().webSocketHandler(ws -> {
            int n = connections.incrementAndGet();
            ws.textMessageHandler(text -> {
                ClientFrame frame = FrameCodec.decodeClient(text);
                if (frame instanceof ClientFrame.Auth) {
                    write(ws, new ServerFrame.Ready(USER, DEVICE, 25_000, 64 * 1024, 4096, 1000));
                    if (n > 1) {
                        // The catch-up: what connection 1 stored, as this device's own entries.
                        stored.forEach((clientId, seq) -> write(ws, ownEntry(clientId, seq)));
                    }
                    write(ws, new ServerFrame.Synced(n > 1 ? 1 : 0, n > 1 ? stored.size() : 0));
                } else if (frame instanceof ClientFrame.Send s && n == 1) {
                    stored.put(s.clientId(), (long) stored.size() + 1);
                    if (stored.size() == Outbox.INITIAL_WINDOW) {
                        // Stored, and the connection lost before a single `sent` went out.
                        ws.close((short) 1001, "going away");
                    }
                } else if (frame instanceof ClientFrame.Send s) {
                    onSecond.add(s.clientId());
                    Long seq = stored.get(s.clientId());
                    if (seq == null) {
                        seq = (long) stored.size() + 1;
                        stored.put(s.clientId(), seq);
                    }
                    write(ws, new ServerFrame.Sent(null, s.clientId(), CONVERSATION, seq, 1_000 + seq));
                }
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI base = URI.create("http://127.0.0.1:" + server.actualPort());

        try (ParleyClient client = ParleyClient.builder(base, new Session("token", USER, DEVICE, "bob"))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            List<CompletableFuture<SentMessage>> futures = new ArrayList<>();
            for (int i = 0; i < sends; i++) {
                futures.add(client.send(CONVERSATION, "c" + i, "m" + i));
            }
            client.connect();
            try {
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("sends still unconfirmed; connections " + connections.get()
                        + ", sends seen on the second " + onSecond.size() + "; " + client.describeUnanswered(), e);
            }
            assertThat(connections.get()).isEqualTo(2);
            assertThat(futures).extracting(f -> f.join().seq())
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, sends).boxed().toList());
            // The ones that never fit the window before were written on the second connection.
            assertThat(onSecond).contains("c" + (sends - 1));
        }
    }

    private static ServerFrame.Message ownEntry(String clientId, long seq) {
        return new ServerFrame.Message(CONVERSATION, seq, 1_000 + seq, USER, DEVICE, clientId, "text",
                "m" + clientId.substring(1), null, List.of(), null);
    }

    private static void write(ServerWebSocket ws, ServerFrame frame) {
        ws.writeTextMessage(new String(FrameCodec.encodeServer(frame), StandardCharsets.UTF_8));
    }
}
