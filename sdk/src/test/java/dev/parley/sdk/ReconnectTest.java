package dev.parley.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that die in the middle of things: the listener on each side still sees every entry
 * once and in order, and every send is stored once.
 */
class ReconnectTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Drops its client's connection when it has seen the given numbers of entries. */
    static final class Saboteur extends Recorder {
        final AtomicReference<ParleyClient> client = new AtomicReference<>();
        private final Set<Integer> dropAt;
        final List<Integer> dropped = new ArrayList<>();

        Saboteur(Integer... dropAt) {
            this.dropAt = Set.of(dropAt);
        }

        @Override
        public void onMessage(ChatMessage message) {
            super.onMessage(message);
            if (dropAt.contains(messages.size())) {
                dropped.add(messages.size());
                client.get().dropConnection();
            }
        }
    }

    @Test
    void burstsFromBothSidesSurviveDroppedConnectionsOnBothSides() throws Exception {
        int fromAlice = 500;
        int fromBob = 200;
        int n = fromAlice + fromBob;
        try (LocalNode node = LocalNode.start(dir)) {
            Session alice = node.newUser("alice");
            Session bob = node.newUser("bob");
            Saboteur aliceSees = new Saboteur(120, 340, 610);
            Saboteur bobSees = new Saboteur(60, 250, 420);
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).listener(aliceSees).build();
                 ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobSees).build()) {
                aliceSees.client.set(a);
                bobSees.client.set(b);
                long cid = a.openDirect(bob.username()).conversationId();
                a.connect().get(20, TimeUnit.SECONDS);
                b.connect().get(20, TimeUnit.SECONDS);

                // Both write at once, so each side's own confirmations interleave with the other's entries.
                List<CompletableFuture<SentMessage>> alices = new ArrayList<>();
                List<CompletableFuture<SentMessage>> bobs = new ArrayList<>();
                for (int i = 0; i < fromAlice; i++) {
                    alices.add(a.send(cid, "a" + i));
                    if (i < fromBob) {
                        bobs.add(b.send(cid, "b" + i));
                    }
                }
                List<CompletableFuture<SentMessage>> all = new ArrayList<>(alices);
                all.addAll(bobs);
                try {
                    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // Rare in CI (1 run in dozens); say what was stuck so the next failure can be diagnosed.
                    throw new AssertionError("sends unconfirmed after 60 s: alice " + unconfirmed(alices) + " of "
                            + fromAlice + ", bob " + unconfirmed(bobs) + " of " + fromBob + "; alice's states "
                            + aliceSees.states + ", dropped at " + aliceSees.dropped + ", saw " + aliceSees.messages.size()
                            + "; bob's states " + bobSees.states + ", dropped at " + bobSees.dropped + ", saw "
                            + bobSees.messages.size() + "; alice's client: " + a.describeUnanswered()
                            + "; bob's client: " + b.describeUnanswered(), e);
                }

                Set<Long> seqs = new HashSet<>();
                for (CompletableFuture<SentMessage> f : all) {
                    seqs.add(f.join().seq());
                }
                List<Long> oneToN = LongStream.rangeClosed(1, n).boxed().toList();
                assertThat(seqs).containsExactlyInAnyOrderElementsOf(oneToN);

                await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() >= n && aliceSees.in(cid).size() >= n);
                assertThat(aliceSees.dropped).containsExactly(120, 340, 610);
                assertThat(bobSees.dropped).containsExactly(60, 250, 420);
                for (Recorder r : List.of(aliceSees, bobSees)) {
                    assertThat(r.seqs(cid)).isEqualTo(oneToN);
                }
                // Each body is at the seq its send was confirmed at, on both sides.
                for (Recorder r : List.of(aliceSees, bobSees)) {
                    for (int i = 0; i < fromAlice; i++) {
                        SentMessage s = alices.get(i).join();
                        assertThat(r.in(cid).get((int) s.seq() - 1).body()).isEqualTo("a" + i);
                        assertThat(r.in(cid).get((int) s.seq() - 1).clientId()).isEqualTo(s.clientId());
                    }
                    for (int i = 0; i < fromBob; i++) {
                        assertThat(r.in(cid).get((int) bobs.get(i).join().seq() - 1).body()).isEqualTo("b" + i);
                    }
                }

                List<ChatMessage> stored = new ArrayList<>();
                HistoryPage page;
                long after = 0;
                do {
                    page = a.history(cid, null, after, 200);
                    stored.addAll(page.messages());
                    after = stored.getLast().seq();
                } while (page.hasMore());
                assertThat(stored).extracting(ChatMessage::seq).isEqualTo(oneToN);
                assertThat(stored).extracting(ChatMessage::body).doesNotHaveDuplicates();

                // Each client confirmed delivery of the other's entries by itself, across its reconnects.
                long lastFromBob = bobs.stream().mapToLong(f -> f.join().seq()).max().orElseThrow();
                long lastFromAlice = alices.stream().mapToLong(f -> f.join().seq()).max().orElseThrow();
                await().atMost(PATIENCE).until(() -> aliceSees.hasReceipt(r -> r.userId() == bob.userId()
                        && r.delivered() >= lastFromAlice));
                await().atMost(PATIENCE).until(() -> bobSees.hasReceipt(r -> r.userId() == alice.userId()
                        && r.delivered() >= lastFromBob));
                assertThat(aliceSees.states).contains(ConnectionState.DISCONNECTED);
                assertThat(bobSees.states).contains(ConnectionState.DISCONNECTED);
            }
        }
    }

    private static String unconfirmed(List<CompletableFuture<SentMessage>> sends) {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            if (!sends.get(i).isDone()) {
                open.add(i);
            }
        }
        return open.size() + " " + (open.size() > 20 ? open.subList(0, 20) + "..." : open);
    }

    @Test
    void sendsAndDeliveryResumeAfterTheNodeRestartsAndAfterTheAppRestarts() throws Exception {
        try (LocalNode node = LocalNode.start(dir)) {
            Session alice = node.newUser("alice");
            Session bob = node.newUser("bob");
            Recorder aliceSees = new Recorder();
            Recorder bobSees = new Recorder();
            PositionStore bobsDisk = PositionStore.inMemory();
            // A short backoff ceiling keeps the test quick; the default would wait up to 10 s.
            Duration first = Duration.ofMillis(100);
            Duration ceiling = Duration.ofSeconds(1);
            ParleyClient b = ParleyClient.builder(node.base(), bob).listener(bobSees).positions(bobsDisk)
                    .backoff(first, ceiling).build();
            try (ParleyClient a = ParleyClient.builder(node.base(), alice).listener(aliceSees).backoff(first, ceiling)
                    .build()) {
                long cid = a.openDirect(bob.username()).conversationId();
                a.connect().get(20, TimeUnit.SECONDS);
                b.connect().get(20, TimeUnit.SECONDS);

                List<CompletableFuture<SentMessage>> sends = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    sends.add(a.send(cid, "before " + i));
                }
                await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() >= 20);
                node.stop();
                // Sent while the node is down: they wait in the outbox.
                for (int i = 0; i < 50; i++) {
                    sends.add(a.send(cid, "during " + i));
                }
                node.startAgain();
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

                List<Long> oneToHundred = LongStream.rangeClosed(1, 100).boxed().toList();
                await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() >= 100 && aliceSees.in(cid).size() >= 100);
                assertThat(bobSees.seqs(cid)).isEqualTo(oneToHundred);
                assertThat(aliceSees.seqs(cid)).isEqualTo(oneToHundred);
                assertThat(sends).extracting(f -> f.join().seq()).doesNotHaveDuplicates();
                assertThat(bobSees.states).contains(ConnectionState.DISCONNECTED);
                assertThat(a.state()).isEqualTo(ConnectionState.LIVE);

                // Bob's app stops; Alice goes on; Bob's app starts again from its stored positions.
                await().atMost(PATIENCE).until(() -> bobsDisk.load().getOrDefault(cid, 0L) == 100L);
                b.close();
                for (int i = 0; i < 5; i++) {
                    a.send(cid, "while bob is away " + i).get(20, TimeUnit.SECONDS);
                }
                Recorder bobAgain = new Recorder();
                try (ParleyClient b2 = ParleyClient.builder(node.base(), bob).listener(bobAgain).positions(bobsDisk)
                        .build()) {
                    b2.connect().get(20, TimeUnit.SECONDS);
                    // The catch-up is complete when connect completes.
                    assertThat(bobAgain.seqs(cid)).containsExactly(101L, 102L, 103L, 104L, 105L);
                    assertThat(bobAgain.in(cid).getFirst().body()).isEqualTo("while bob is away 0");
                }
            } finally {
                b.close();
            }
        }
    }
}
