package dev.parley.server.pull;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/sync} against a real node over real HTTP: what a pulling device lacks, in seq
 * order, in bounded pages, nothing twice when it sends back the positions it was given; resync
 * beyond the catch-up limit; members only; delivered receipts from the positions it sends; long
 * polls woken by a message or a receipt from another device, ended on time, capped, and bounded
 * per user; waiting polls hold no thread.
 */
class SyncTest {
    @TempDir
    Path dataDir;
    TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void start(UnaryOperator<ServerConfig> customize) throws Exception {
        node = TestNode.start(dataDir, customize);
    }

    static Rest.Response sync(TestNode node, TestUser.Device device, JsonObject body) {
        return node.rest().post("/v1/sync", device.token(), body);
    }

    static JsonObject positions(Rest.Response r) {
        return r.json().getJsonObject("positions");
    }

    static List<Long> seqs(Rest.Response r, long conversationId) {
        List<Long> out = new ArrayList<>();
        for (Object o : r.array("entries")) {
            JsonObject m = (JsonObject) o;
            if (m.getLong("conversationId") == conversationId) {
                out.add(m.getLong("seq"));
            }
        }
        return out;
    }

    @Test
    void aPullingDeviceGetsWhatItLacksInOrderAndNothingTwice() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        for (int i = 1; i <= 5; i++) {
            a.sendMessage(c, "m" + i, "hello " + i);
        }
        TestUser.Device pull = bob.login("script");

        Rest.Response first = sync(node, pull, new JsonObject().put("positions", new JsonObject()));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(seqs(first, c)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(first.array("entries").getJsonObject(0).getString("body")).isEqualTo("hello 1");
        assertThat(first.array("entries").getJsonObject(0).getString("kind")).isEqualTo("text");
        assertThat(positions(first).getLong(Long.toString(c))).isEqualTo(5L);
        assertThat(first.json().getBoolean("more")).isFalse();
        assertThat(first.array("receipts")).extracting(o -> ((JsonObject) o).getLong("userId"))
                .containsExactlyInAnyOrder(alice.userId(), bob.userId());
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");

        Rest.Response again = sync(node, pull, new JsonObject().put("positions", positions(first)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.array("entries")).isEmpty();
        assertThat(positions(again)).isEqualTo(positions(first));

        a.sendMessage(c, "m6", "hello 6");
        Rest.Response third = sync(node, pull, new JsonObject().put("positions", positions(again)));
        assertThat(seqs(third, c)).containsExactly(6L);
    }

    @Test
    void pagesAreBoundedAndContinueWhereTheyStopped() throws Exception {
        start(c -> c.withPull(ServerConfig.Pull.defaults().withMaxPageEntries(3)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = alice.directWith(bob);
        long d = carol.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        TestSocket car = carol.login("phone").connect();
        a.sendMessages(c, "a", 4, "from alice");
        car.sendMessages(d, "c", 2, "from carol");
        TestUser.Device pull = bob.login("script");

        List<Long> gotC = new ArrayList<>();
        List<Long> gotD = new ArrayList<>();
        JsonObject pos = new JsonObject();
        boolean more = true;
        int pages = 0;
        while (more && pages < 10) {
            Rest.Response r = sync(node, pull, new JsonObject().put("positions", pos).put("limit", 50));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.array("entries").size()).isLessThanOrEqualTo(3);
            gotC.addAll(seqs(r, c));
            gotD.addAll(seqs(r, d));
            pos = positions(r);
            more = r.json().getBoolean("more");
            pages++;
        }
        assertThat(pages).isEqualTo(2);
        assertThat(gotC).containsExactly(1L, 2L, 3L, 4L);
        assertThat(gotD).containsExactly(1L, 2L);

        Rest.Response small = sync(node, pull, new JsonObject().put("positions", new JsonObject()).put("limit", 1));
        assertThat(small.array("entries")).hasSize(1);
        assertThat(small.json().getBoolean("more")).isTrue();
    }

    @Test
    void withoutPositionsTheAnswerIsWhereTheDeviceStandsNow() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        a.sendMessages(c, "a", 3, "old");
        TestUser.Device pull = bob.login("bot");

        Rest.Response now = sync(node, pull, new JsonObject());
        assertThat(now.status()).isEqualTo(200);
        assertThat(now.array("entries")).isEmpty();
        assertThat(positions(now).getLong(Long.toString(c))).isEqualTo(3L);

        a.sendMessage(c, "new", "new one");
        Rest.Response next = sync(node, pull, new JsonObject().put("positions", positions(now)));
        assertThat(seqs(next, c)).containsExactly(4L);
    }

    @Test
    void tooFarBehindGetsResync() throws Exception {
        start(c -> c.withLimits(ServerConfig.Limits.defaults().withMaxCatchUp(3)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        a.sendMessages(c, "a", 5, "x");
        TestUser.Device pull = bob.login("script");

        Rest.Response r = sync(node, pull, new JsonObject().put("positions", new JsonObject().put(Long.toString(c), 1)));
        assertThat(r.array("entries")).isEmpty();
        assertThat(r.array("resync")).containsExactly(new JsonObject().put("conversationId", c).put("latestSeq", 5));
        assertThat(positions(r).getLong(Long.toString(c))).isEqualTo(5L);

        Rest.Response close = sync(node, pull, new JsonObject().put("positions", new JsonObject().put(Long.toString(c), 2)));
        assertThat(seqs(close, c)).containsExactly(3L, 4L, 5L);
        assertThat(close.array("resync")).isEmpty();
    }

    @Test
    void onlyMembersConversationsAreRead() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser mallory = node.newUser("mallory");
        long c = alice.directWith(bob);
        alice.login("laptop").connect().sendMessage(c, "s1", "secret");
        TestUser.Device spy = mallory.login("spy");

        Rest.Response r = sync(node, spy, new JsonObject().put("positions", new JsonObject().put(Long.toString(c), 0)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.array("entries")).isEmpty();
        assertThat(positions(r).containsKey(Long.toString(c))).isFalse();
        assertThat(r.body()).doesNotContain("secret");
    }

    @Test
    void sentPositionsConfirmDeliveryToTheSender() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        a.sendMessages(c, "a", 3, "x");
        TestUser.Device pull = bob.login("script");

        Rest.Response r = sync(node, pull, new JsonObject().put("positions", new JsonObject()));
        a.expectNoFrame(ServerFrame.Receipt.class, x -> x.userId() == bob.userId(), Duration.ofMillis(300));
        sync(node, pull, new JsonObject().put("positions", positions(r)));
        ServerFrame.Receipt receipt = a.awaitFrame(ServerFrame.Receipt.class, x -> x.userId() == bob.userId());
        assertThat(receipt).isEqualTo(new ServerFrame.Receipt(c, bob.userId(), 3, 0));
    }

    @Test
    void aWaitingPollWakesForAMessageFromAnotherDevice() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        TestUser.Device pull = bob.login("script");
        JsonObject pos = positions(sync(node, pull, new JsonObject()));

        CompletableFuture<Rest.Response> waiting = CompletableFuture.supplyAsync(
                () -> sync(node, pull, new JsonObject().put("positions", pos).put("wait", 15)));
        Thread.sleep(500);
        assertThat(waiting).isNotDone();
        long sentAt = System.nanoTime();
        a.sendMessage(c, "w1", "wake up");
        Rest.Response r = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(seqs(r, c)).containsExactly(1L);
        assertThat(tookMs).as("answered %d ms after the send", tookMs).isLessThan(5_000);
        System.out.printf("a waiting poll answered %d ms after the send began (its commit included)%n", tookMs);
    }

    @Test
    void aWaitingPollWakesForAReceipt() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket b = bob.login("phone").connect();
        b.sendMessage(c, "b1", "did you read this?");
        TestSocket a = alice.login("laptop").connect();
        TestUser.Device pull = bob.login("script");
        JsonObject pos = positions(sync(node, pull, new JsonObject()));

        CompletableFuture<Rest.Response> waiting = CompletableFuture.supplyAsync(
                () -> sync(node, pull, new JsonObject().put("positions", pos).put("wait", 15)));
        Thread.sleep(500);
        a.send(new ClientFrame.Read("r1", c, 1));
        Rest.Response r = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.array("entries")).isEmpty();
        assertThat(r.array("receipts")).contains(new JsonObject().put("conversationId", c).put("userId", alice.userId())
                .put("delivered", 1).put("read", 1));
    }

    @Test
    void aWaitEndsOnTimeAndIsCapped() throws Exception {
        start(c -> c.withPull(ServerConfig.Pull.defaults().withMaxWait(Duration.ofSeconds(2))));
        TestUser alice = node.newUser("alice");
        TestUser.Device pull = alice.login("script");
        JsonObject pos = positions(sync(node, pull, new JsonObject()));

        long t0 = System.nanoTime();
        Rest.Response one = sync(node, pull, new JsonObject().put("positions", pos).put("wait", 1));
        long oneMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.array("entries")).isEmpty();
        assertThat(oneMs).isBetween(900L, 5_000L);

        t0 = System.nanoTime();
        Rest.Response capped = sync(node, pull, new JsonObject().put("positions", pos).put("wait", 600));
        long cappedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(capped.status()).isEqualTo(200);
        assertThat(cappedMs).isBetween(1_900L, 8_000L);
    }

    @Test
    void aWaitOutlastsTheHttpIdleTimeout() throws Exception {
        start(c -> c.withTiming(ServerConfig.Timing.defaults().withHttpTimeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(1))));
        TestUser alice = node.newUser("alice");
        TestUser.Device pull = alice.login("script");
        JsonObject pos = positions(sync(node, pull, new JsonObject()));
        long t0 = System.nanoTime();
        Rest.Response r = sync(node, pull, new JsonObject().put("positions", pos).put("wait", 3));
        assertThat(r.status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(2_900L);
    }

    @Test
    void waitingPollsAreBoundedPerUser() throws Exception {
        start(c -> c.withPull(ServerConfig.Pull.defaults().withMaxWaiting(2, 1_000)));
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestUser.Device pull = bob.login("script");
        JsonObject body = new JsonObject().put("positions", positions(sync(node, pull, new JsonObject()))).put("wait", 15);
        List<CompletableFuture<Rest.Response>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(CompletableFuture.supplyAsync(() -> sync(node, pull, body)));
        }
        Thread.sleep(700);
        Rest.Response third = sync(node, pull, body);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.errorCode()).isEqualTo("rate_limited");
        assertThat(third.header("Retry-After")).isEqualTo("1");
        // Without wait the budget does not apply.
        assertThat(sync(node, pull, body.copy().put("wait", 0)).status()).isEqualTo(200);

        alice.login("laptop").connect().sendMessage(c, "x", "both wake");
        for (CompletableFuture<Rest.Response> h : held) {
            assertThat(seqs(h.get(10, java.util.concurrent.TimeUnit.SECONDS), c)).containsExactly(1L);
        }
        assertThat(sync(node, pull, body.copy().put("wait", 1)).status()).isEqualTo(200);
    }

    @Test
    void badRequestsGetDocumentedErrors() throws Exception {
        start(c -> c);
        TestUser alice = node.newUser("alice");
        TestUser.Device pull = alice.login("script");
        Rest rest = node.rest();
        assertThat(rest.post("/v1/sync", null, new JsonObject()).errorCode()).isEqualTo("unauthenticated");
        assertThat(rest.post("/v1/sync", "x".repeat(43), new JsonObject()).errorCode()).isEqualTo("unauthenticated");
        assertThat(sync(node, pull, new JsonObject().put("positions", new JsonArray())).errorCode())
                .isEqualTo("invalid_field");
        assertThat(sync(node, pull, new JsonObject().put("positions", new JsonObject().put("abc", 1))).errorCode())
                .isEqualTo("invalid_field");
        assertThat(sync(node, pull, new JsonObject().put("positions", new JsonObject().put("5", -1))).errorCode())
                .isEqualTo("invalid_field");
        assertThat(sync(node, pull, new JsonObject().put("wait", "soon")).errorCode()).isEqualTo("invalid_field");
        assertThat(sync(node, pull, new JsonObject().put("limit", 0)).errorCode()).isEqualTo("invalid_field");
        assertThat(rest.send("POST", "/v1/sync", pull.token(), "{}", "text/plain").errorCode())
                .isEqualTo("unsupported_media_type");
        assertThat(rest.get("/v1/sync", pull.token()).status()).isIn(404, 405);
    }

    /**
     * 400 waiting polls by default; {@code -Dparley.pull.polls=5000} measures more (docs/operations.md,
     * "Pull", has the figures) and prints the platform threads and heap they add.
     */
    @Test
    void waitingPollsHoldNoThreadEach() throws Exception {
        int polls = Integer.getInteger("parley.pull.polls", 400);
        start(c -> c.withPull(ServerConfig.Pull.defaults().withMaxWaiting(8, Math.max(1_000, polls))));
        TestUser alice = node.newUser("alice");
        List<TestUser.Device> devices = new ArrayList<>();
        TestUser[] users = new TestUser[polls / 8];
        for (int i = 0; i < users.length; i++) {
            users[i] = node.newUser("u" + i);
            users[i].directWith(alice);
        }
        for (int i = 0; i < polls; i++) {
            devices.add(users[i % users.length].login("d" + i));
        }
        int before = nodeThreads();
        long heapBefore = heapAfterGc();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<java.net.http.HttpResponse<String>>> waiting = new ArrayList<>();
        for (TestUser.Device d : devices) {
            waiting.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(node.httpUri().resolve("/v1/sync"))
                    .header("Authorization", "Bearer " + d.token()).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"positions\":{},\"wait\":20}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        PullWaiters pulls = node.node().pullWaiters();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (pulls.count() < polls && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(pulls.count()).isEqualTo(polls);
        assertThat(node.rest().get("/metrics", null).body()).contains("parley_pull_waiting " + polls + ".0");
        int during = nodeThreads();
        long heapDuring = heapAfterGc();
        System.out.printf("%d waiting polls: %+d platform threads, %+d KiB heap after GC (%.1f KiB a poll,"
                + " the test's own HTTP client included)%n", polls, during - before, (heapDuring - heapBefore) / 1024,
                (heapDuring - heapBefore) / 1024.0 / polls);
        assertThat(during - before).as("platform threads added while %d polls wait", polls).isLessThan(20);
        assertThat(waiting).allMatch(f -> !f.isDone());
        // Not close(): it would wait for the polls to end, a 20 s wait that shows nothing more.
        http.shutdownNow();
    }

    private static long heapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Platform threads of this JVM other than the test's own HTTP client's. */
    private static int nodeThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.isVirtual())
                .filter(t -> !t.getName().startsWith("HttpClient")).count();
    }
}
