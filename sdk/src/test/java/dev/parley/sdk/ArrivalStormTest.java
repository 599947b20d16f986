package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.TestSocket;
import dev.parley.server.ws.Arrivals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A storm of resuming devices at a node that admits only so many at once (docs/protocol.md,
 * "Arriving in a storm"): those over the bound are told when to come back, and every one of them
 * gets in and is caught up, each entry once and in order. Real node, real sockets; the test fills
 * the bound itself, so the refusals do not depend on timing.
 */
class ArrivalStormTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int BOUND = 2;

    @TempDir
    Path dir;

    @Test
    void devicesOverTheBoundAreToldWhenToComeBackAndAllArriveCaughtUpWithoutGaps() throws Exception {
        int devices = 12;
        int entries = 40;
        try (LocalNode node = LocalNode.start(dir, c -> c.withLimits(c.limits().withArrivals(BOUND)))) {
            Arrivals arrivals = node.arrivals();
            Session alice = node.newUser("alice");
            List<Session> others = new ArrayList<>();
            List<Long> conversations = new ArrayList<>();
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).build()) {
                a.connect().get(20, TimeUnit.SECONDS);
                List<CompletableFuture<SentMessage>> sends = new ArrayList<>();
                for (int i = 0; i < devices; i++) {
                    Session s = node.newUser("arriving");
                    others.add(s);
                    long cid = a.openDirect(s.username()).conversationId();
                    conversations.add(cid);
                    for (int n = 0; n < entries; n++) {
                        sends.add(a.send(cid, "m" + n));
                    }
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
            await().atMost(PATIENCE).until(() -> arrivals.inProgress() == 0);

            // Every place taken, as by devices still being caught up.
            for (int i = 0; i < BOUND; i++) {
                assertThat(arrivals.tryEnter()).isTrue();
            }
            assertThat(arrivals.tryEnter()).isFalse();

            // What a refused device is told: unavailable with a time to come back, then close 1013.
            URI ws = URI.create(node.base().toString().replaceFirst("^http", "ws") + "/v1/ws");
            try (TestSocket raw = TestSocket.connect(ws)) {
                raw.send(new ClientFrame.Auth("a1", others.getFirst().token(), Map.of()));
                ServerFrame.Error refused = raw.awaitError("a1");
                assertThat(refused.code()).isEqualTo("unavailable");
                assertThat(refused.request()).isEqualTo("auth");
                assertThat(refused.retryAfterMs()).isBetween(Arrivals.MIN_WAIT_MS, Arrivals.MAX_WAIT_MS);
                assertThat(raw.awaitClose().code()).isEqualTo(CloseCode.TRY_AGAIN_LATER.code());
            }

            // The storm: every device resumes from nothing while the bound is full.
            long refusedBefore = arrivals.refused();
            List<Recorder> seen = new ArrayList<>();
            List<ParleyClient> clients = new ArrayList<>();
            try {
                for (Session s : others) {
                    Recorder r = new Recorder();
                    seen.add(r);
                    ParleyClient c = ParleyClient.builder(node.base(), s).listener(r).positions(PositionStore.inMemory())
                            .build();
                    clients.add(c);
                    c.connect();
                }
                // Each was refused at least once, and nothing reached any of them meanwhile.
                await().atMost(PATIENCE).until(() -> seen.stream()
                        .allMatch(r -> r.states.contains(ConnectionState.DISCONNECTED)));
                assertThat(arrivals.refused() - refusedBefore).isGreaterThanOrEqualTo(devices);
                assertThat(seen).allSatisfy(r -> assertThat(r.messages).isEmpty());

                // The places free up: the devices come back at the times they were given.
                for (int i = 0; i < BOUND; i++) {
                    arrivals.leave(false);
                }
                List<Long> all = LongStream.rangeClosed(1, entries).boxed().toList();
                for (int i = 0; i < devices; i++) {
                    Recorder r = seen.get(i);
                    long cid = conversations.get(i);
                    await().atMost(PATIENCE).until(() -> r.states.contains(ConnectionState.LIVE)
                            && r.in(cid).size() >= entries);
                    assertThat(r.seqs(cid)).as("device %d: every entry once, in order", i).isEqualTo(all);
                    assertThat(r.states).doesNotContain(ConnectionState.AUTH_FAILED);
                }
                await().atMost(PATIENCE).until(() -> arrivals.inProgress() == 0);
            } finally {
                clients.forEach(ParleyClient::close);
            }
        }
    }
}
