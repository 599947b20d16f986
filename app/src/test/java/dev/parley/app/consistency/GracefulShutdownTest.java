package dev.parley.app.consistency;

import dev.parley.loadgen.ServeProcess;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM during a burst of sends: the node stops accepting, finishes the sends in flight, tells
 * its clients to reconnect elsewhere with 1012 and exits within a bounded time; every send it
 * confirmed is in the history after a restart, at the seq it confirmed.
 */
class GracefulShutdownTest {

    /**
     * The burst blocks on each write, so it runs on a thread of its own rather than in the pool
     * behind {@code CompletableFuture.runAsync}: a wait blocked there once kept the JDK WebSocket
     * client's next handshake from completing, though the node had answered it.
     */
    private static final Executor BURST_THREAD = task -> Thread.ofPlatform().name("burst").daemon(true).start(task);

    @Test
    void sigtermDuringABurstLosesNothingConfirmedAndClientsSee1012(@TempDir Path dir) throws Exception {
        // Closed however the test ends, the node first (its stop closes the socket, which the
        // client's close waits for): a failed assertion must not leave the node running.
        try (HttpClient http = HttpClient.newHttpClient();
             ServeProcess node = new ServeProcess(ConsistencyRun.NODE_JVM, System.getProperty("java.class.path"),
                     dir.resolve("data"), ServeProcess.freePort(), List.of("--durability", "fsync",
                     "--fast-password-hashing", "--no-account-limits", "--sends-per-second", "100000", "--send-burst",
                     "100000"), dir.resolve("node.log"))) {
            node.start(ConsistencyRun.NODE_START);
            ParleyClient.register(node.uri(), "alice", "alice-secret-1");
            ParleyClient.register(node.uri(), "bob", "bob-secret-12");
            Session alice = ParleyClient.login(node.uri(), "alice", "alice-secret-1", "laptop");
            long conversation;
            try (ParleyClient a = ParleyClient.builder(node.uri(), alice).build()) {
                Conversation c = a.openDirect("bob");
                conversation = c.conversationId();
            }

            BurstClient client = new BurstClient(200);
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/v1/ws"), client).get(10, TimeUnit.SECONDS);
            ws.sendText(FrameCodec.encodeClient(new ClientFrame.Auth(null, alice.token(), null)), true).get();
            // The protocol's order: nothing but auth until ready. Sends right behind auth are refused
            // while the token is checked, and past 80 KiB before ready the node closes with 1009
            // (the burst then confirmed nothing: this test's one failure in CI).
            assertThat(client.ready.await(30, TimeUnit.SECONDS)).as(client::seen).isTrue();

            // A burst that is still going when SIGTERM arrives.
            CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 20_000 && !client.closeCode.isDone(); i++) {
                    try {
                        ws.sendText(FrameCodec.encodeClient(new ClientFrame.Send(null, "b" + i, conversation, "burst " + i)),
                                true).get(5, TimeUnit.SECONDS);
                    } catch (Exception stopped) {
                        return;
                    }
                }
            }, BURST_THREAD);
            assertThat(client.someConfirmed.await(30, TimeUnit.SECONDS)).as(client::seen).isTrue();
            Duration stopping = node.terminate(Duration.ofSeconds(60));
            assertThat(client.closeCode.get(30, TimeUnit.SECONDS)).as("clients are told to reconnect elsewhere; %s",
                    client.seen()).isEqualTo(1012);
            burst.get(30, TimeUnit.SECONDS);
            assertThat(stopping).as("the node exits within a bounded time").isLessThan(Duration.ofSeconds(20));
            assertThat(node.exitValue()).as("a JVM ended by SIGTERM exits with 143 after its shutdown hook").isIn(0, 143);

            // Every confirmed send is there after a restart, at its confirmed seq.
            node.start(ConsistencyRun.NODE_START);
            Map<String, Long> stored = new HashMap<>();
            try (ParleyClient a = ParleyClient.builder(node.uri(), alice).build()) {
                long after = 0;
                while (true) {
                    HistoryPage page = a.history(conversation, null, after, 200);
                    for (ChatMessage m : page.messages()) {
                        stored.put(m.clientId(), m.seq());
                        after = m.seq();
                    }
                    if (!page.hasMore()) {
                        break;
                    }
                }
            }
            node.close();
            Map<String, Long> confirmed = client.confirmed;
            assertThat(confirmed).as("confirmed before the node stopped").hasSizeGreaterThanOrEqualTo(200);
            confirmed.forEach((clientId, seq) -> assertThat(stored).containsEntry(clientId, seq));
            assertThat(stored.values()).as("dense seqs").containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed().toList());
        }
    }

    /** The burst's socket: what it was told (confirmations, errors, the close), to say when a wait fails. */
    private static final class BurstClient implements WebSocket.Listener {
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch someConfirmed;
        final Map<String, Long> confirmed = new ConcurrentHashMap<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final Map<String, Integer> errors = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile String lastError = "none";
        private volatile String closeReason;

        BurstClient(int confirmations) {
            someConfirmed = new CountDownLatch(confirmations);
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                switch (FrameCodec.decodeServer(partial.toString())) {
                    case ServerFrame.Sent s -> {
                        confirmed.put(s.clientId(), s.seq());
                        someConfirmed.countDown();
                    }
                    case ServerFrame.Ready r -> ready.countDown();
                    case ServerFrame.Error e -> {
                        errors.merge(e.code(), 1, Integer::sum);
                        lastError = e.code() + " (" + e.request() + "): " + e.message();
                    }
                    default -> {
                    }
                }
                partial.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        /** What the client saw so far, for a failed assertion's message. */
        String seen() {
            String close = !closeCode.isDone() ? "open"
                    : closeCode.isCompletedExceptionally() ? "failed: " + closeCode.exceptionNow()
                    : "closed " + closeCode.resultNow() + " " + closeReason;
            return "ready=" + (ready.getCount() == 0) + ", confirmed=" + confirmed.size() + ", errors=" + errors
                    + ", last error=" + lastError + ", socket " + close;
        }
    }
}
