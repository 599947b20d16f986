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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM during a burst of sends: the node stops accepting, finishes the sends in flight, tells
 * its clients to reconnect elsewhere with 1012 and exits within a bounded time; every send it
 * confirmed is in the history after a restart, at the seq it confirmed.
 */
class GracefulShutdownTest {

    @Test
    void sigtermDuringABurstLosesNothingConfirmedAndClientsSee1012(@TempDir Path dir) throws Exception {
        ServeProcess node = new ServeProcess(ConsistencyRun.NODE_JVM, System.getProperty("java.class.path"), dir.resolve("data"), ServeProcess.freePort(),
                List.of("--durability", "fsync", "--fast-password-hashing", "--no-account-limits", "--sends-per-second", "100000",
                        "--send-burst", "100000"), dir.resolve("node.log"));
        node.start(ConsistencyRun.NODE_START);
        ParleyClient.register(node.uri(), "alice", "alice-secret-1");
        ParleyClient.register(node.uri(), "bob", "bob-secret-12");
        Session alice = ParleyClient.login(node.uri(), "alice", "alice-secret-1", "laptop");
        long conversation;
        try (ParleyClient a = ParleyClient.builder(node.uri(), alice).build()) {
            Conversation c = a.openDirect("bob");
            conversation = c.conversationId();
        }

        Map<String, Long> confirmed = new ConcurrentHashMap<>();
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        CountDownLatch someConfirmed = new CountDownLatch(200);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + node.port() + "/v1/ws"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            if (FrameCodec.decodeServer(partial.toString()) instanceof ServerFrame.Sent s) {
                                confirmed.put(s.clientId(), s.seq());
                                someConfirmed.countDown();
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText(FrameCodec.encodeClient(new ClientFrame.Auth(null, alice.token(), null)), true).get();

        // A burst that is still going when SIGTERM arrives.
        CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20_000 && !closeCode.isDone(); i++) {
                try {
                    ws.sendText(FrameCodec.encodeClient(new ClientFrame.Send(null, "b" + i, conversation, "burst " + i)),
                            true).get(5, TimeUnit.SECONDS);
                } catch (Exception stopped) {
                    return;
                }
            }
        });
        assertThat(someConfirmed.await(30, TimeUnit.SECONDS)).isTrue();
        Duration stopping = node.terminate(java.time.Duration.ofSeconds(60));
        assertThat(closeCode.get(30, TimeUnit.SECONDS)).as("clients are told to reconnect elsewhere").isEqualTo(1012);
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
        assertThat(confirmed).as("confirmed before the node stopped").hasSizeGreaterThanOrEqualTo(200);
        confirmed.forEach((clientId, seq) -> assertThat(stored).containsEntry(clientId, seq));
        assertThat(stored.values()).as("dense seqs").containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed().toList());
    }
}
