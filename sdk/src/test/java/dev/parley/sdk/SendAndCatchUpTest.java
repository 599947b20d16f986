package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;
import dev.parley.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Refusals, idempotent retries, rate limits, and the catch-up paths: resync and gap filling. */
class SendAndCatchUpTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    /** A tight send allowance and a short catch-up limit, to reach the paths that need them. */
    static LocalNode node;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir, c -> c.withLimits(ServerConfig.Limits.defaults().withSendRate(40, 10)
                .withMaxCatchUp(20)));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ParleyClient::close);
    }

    private ParleyClient connected(Session s, ParleyListener l, PositionStore p) throws Exception {
        ParleyClient c = ParleyClient.builder(node.base(), s).listener(l).positions(p).build();
        clients.add(c);
        c.connect().get(20, TimeUnit.SECONDS);
        return c;
    }

    private static ErrorCode refusal(CompletableFuture<?> f) {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParleyException p) {
                return p.code();
            }
            throw new AssertionError("failed with " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the send was accepted");
    }

    @Test
    void definiteRefusalsFailTheFutureAndRetriesAreIdempotent() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Session eve = node.newUser("eve");
        Recorder seen = new Recorder();
        ParleyClient a = connected(alice, seen, PositionStore.inMemory());
        long cid = a.openDirect(bob.username()).conversationId();
        long notMine = ParleyClient.builder(node.base(), eve).build().openDirect(bob.username()).conversationId();

        assertThat(refusal(a.send(notMine, "let me in"))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(refusal(a.send(cid, ""))).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(refusal(a.send(cid, "x".repeat(16 * 1024 + 1)))).isEqualTo(ErrorCode.TOO_LARGE);
        // Larger than a frame: refused by the SDK, since the node's answer could not name the send.
        assertThat(refusal(a.send(cid, "x".repeat(70 * 1024)))).isEqualTo(ErrorCode.TOO_LARGE);

        SentMessage first = a.send(cid, "fixed-id-1", "once").get(20, TimeUnit.SECONDS);
        SentMessage again = a.send(cid, "fixed-id-1", "once").get(20, TimeUnit.SECONDS);
        assertThat(again).isEqualTo(first);
        assertThat(refusal(a.send(cid, "fixed-id-1", "twice"))).isEqualTo(ErrorCode.CLIENT_ID_CONFLICT);
        assertThatThrownBy(() -> a.send(cid, "has space", "x")).isInstanceOf(IllegalArgumentException.class);

        // The client still works after the refusals, and its own entry came once.
        assertThat(a.send(cid, "still fine").get(20, TimeUnit.SECONDS).seq()).isEqualTo(2);
        await().atMost(PATIENCE).until(() -> seen.in(cid).size() == 2);
        assertThat(seen.in(cid)).extracting(ChatMessage::body).containsExactly("once", "still fine");
    }

    @Test
    void sendsOverTheRateLimitWaitTheirTurnAndAllArrive() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        ParleyClient a = connected(alice, new Recorder(), PositionStore.inMemory());
        long cid = a.openDirect(bob.username()).conversationId();
        List<CompletableFuture<SentMessage>> sends = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sends.add(a.send(cid, "fast " + i));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(sends).extracting(f -> f.join().seq())
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
    }

    @Test
    void aDeviceTooFarBehindIsToldToResyncAndGoesOnFromThere() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        ParleyClient a = connected(alice, new Recorder(), PositionStore.inMemory());
        long cid = a.openDirect(bob.username()).conversationId();
        List<CompletableFuture<SentMessage>> sends = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            sends.add(a.send(cid, "while bob sleeps " + i));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Recorder bobSees = new Recorder();
        PositionStore bobsDisk = PositionStore.inMemory(Map.of(cid, 2L));
        ParleyClient b = connected(bob, bobSees, bobsDisk);
        assertThat(bobSees.resyncs).containsExactly(cid + ":31");
        assertThat(bobSees.in(cid)).isEmpty();
        assertThat(bobsDisk.load()).containsEntry(cid, 31L);

        a.send(cid, "after the resync").get(20, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() == 1);
        assertThat(bobSees.in(cid).getFirst().seq()).isEqualTo(32);
        assertThat(b.state()).isEqualTo(ConnectionState.LIVE);
    }

    @Test
    void joiningAGroupWhileConnectedBringsItsEarlierEntriesInOrder() throws Exception {
        Session owner = node.newUser("owner");
        Session carl = node.newUser("carl");
        Session newcomer = node.newUser("newcomer");
        ParleyClient o = connected(owner, new Recorder(), PositionStore.inMemory());
        long gid = o.createGroup("Reading", List.of(carl.username())).conversationId();
        o.send(gid, "chapter one").get(20, TimeUnit.SECONDS);
        o.send(gid, "chapter two").get(20, TimeUnit.SECONDS);

        Recorder sees = new Recorder();
        ParleyClient n = connected(newcomer, sees, PositionStore.inMemory());
        o.addMembers(gid, List.of(newcomer.username()));
        o.send(gid, "welcome").get(20, TimeUnit.SECONDS);

        // The node routes only what follows the join; the SDK reads the entries before it.
        await().atMost(PATIENCE).until(() -> sees.in(gid).size() == 5);
        assertThat(sees.seqs(gid)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(sees.in(gid)).extracting(ChatMessage::kind).containsExactly(EntryKind.CREATED, EntryKind.TEXT,
                EntryKind.TEXT, EntryKind.MEMBERS_ADDED, EntryKind.TEXT);
        assertThat(n.state()).isEqualTo(ConnectionState.LIVE);
    }

    @Test
    void aLiveOnlyClientGetsWhatFollowsWithoutCatchingUp() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        ParleyClient a = connected(alice, new Recorder(), PositionStore.inMemory());
        long cid = a.openDirect(bob.username()).conversationId();
        a.send(cid, "old news").get(20, TimeUnit.SECONDS);

        Recorder sees = new Recorder();
        ParleyClient b = ParleyClient.builder(node.base(), bob).listener(sees).resume(false).build();
        clients.add(b);
        b.connect().get(20, TimeUnit.SECONDS);
        a.send(cid, "fresh").get(20, TimeUnit.SECONDS);
        SentMessage mine = b.send(cid, "hello back").get(20, TimeUnit.SECONDS);
        assertThat(mine.seq()).isEqualTo(3);
        await().atMost(PATIENCE).until(() -> sees.in(cid).size() == 2);
        assertThat(sees.in(cid)).extracting(ChatMessage::body).containsExactly("fresh", "hello back");
    }
}
